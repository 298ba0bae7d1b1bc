package redact

import (
	"strconv"
	"unicode/utf8"
)

// Ellipsis marks text that Clip shortened.
const Ellipsis = "…"

// Clip returns s unchanged if it has at most n bytes; otherwise its first
// at most n bytes, cut at a rune boundary so the result stays valid UTF-8,
// followed by Ellipsis. Error messages and log lines that echo untrusted
// input (a code, a URI, an element name) pass it through Clip, so one
// oversized value cannot blow up an error string. n < 1 is treated as 1.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 1)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + Ellipsis
}

// Quote is strconv.Quote(Clip(s, n)): a clipped value in double quotes,
// with control characters and invalid UTF-8 escaped, ready to embed in an
// error message.
func Quote(s string, n int) string { return strconv.Quote(Clip(s, n)) }
