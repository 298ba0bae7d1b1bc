package xbezahldienste

import (
	"errors"
	"strconv"
	"strings"
)

func itoa(i int) string             { return strconv.Itoa(i) }
func repeat(s string, n int) string { return strings.Repeat(s, n) }
func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
