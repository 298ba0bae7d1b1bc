package paytype_test

import (
	"errors"
	"strconv"
)

func errorsAs[T any](err error, target *T) bool { return errors.As(err, target) }

func itoa(i int) string { return strconv.Itoa(i) }
