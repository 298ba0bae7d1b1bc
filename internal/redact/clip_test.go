package redact

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestClip(t *testing.T) {
	cases := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"empty", "", 3, ""},
		{"cut", "abcdefgh", 6, "abc…"},
		{"rune boundary", "aääää", 6, "aä…"}, {"rune boundary mid", "aääää", 5, "a…"},
		{"rune boundary 4-byte", "ab😀cdefg", 7, "ab…"},
		{"whole rune kept", "äää", 5, "ä…"},
		{"zero n", "abcdef", 0, "a…"},
		{"negative n", "abcdef", -4, "a…"},
		{"invalid utf8 stays bounded", "\xff\xfe\xfd\xfc\xfb", 4, "\xff…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Clip(c.in, c.n)
			assert.Equal(t, c.want, got)
			assert.LessOrEqual(t, len(got), max(c.n, 4))
			if utf8.ValidString(c.in) {
				assert.True(t, utf8.ValidString(got))
			}
		})
	}
}

func TestQuote(t *testing.T) {
	assert.Equal(t, `"abc…"`, Quote("abcdefgh", 6))
	assert.Equal(t, `"a\nb"`, Quote("a\nb", 10))
	long := strings.Repeat("x", 1<<20)
	assert.Len(t, Quote(long, 64), 64+2)
}
