package redact

import (
	"strconv"
	"unicode/utf8"
)

// Ellipsis marks text that Clip shortened.
const Ellipsis = "…"

// Clip returns s unchanged if it has at most n bytes; otherwise a prefix
// of s cut at a rune boundary and followed by Ellipsis, together at most n
// bytes (n below 4 counts as 4), so the result stays valid UTF-8 for valid
// input and fits a field's length limit. Error messages and log lines that
// echo untrusted input (a code, a URI, an element name) pass it through
// Clip, so one oversized value cannot blow up an error string.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, len(Ellipsis)+1) - len(Ellipsis)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + Ellipsis
}

// Quote is strconv.Quote(Clip(s, n)): a clipped value in double quotes,
// with control characters and invalid UTF-8 escaped, ready to embed in an
// error message.
func Quote(s string, n int) string { return strconv.Quote(Clip(s, n)) }
