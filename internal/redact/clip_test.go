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
		{"cut", "abcdef", 3, "abc…"},
		{"rune boundary", "aää", 2, "a…"},
		{"rune boundary 4-byte", "a😀b", 3, "a…"},
		{"whole rune kept", "ää", 2, "ä…"},
		{"zero n", "abc", 0, "a…"},
		{"negative n", "abc", -4, "a…"},
		{"invalid utf8 stays bounded", "\xff\xfe\xfd\xfc", 2, "\xff\xfe…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Clip(c.in, c.n)
			assert.Equal(t, c.want, got)
			if utf8.ValidString(c.in) {
				assert.True(t, utf8.ValidString(got))
			}
		})
	}
}

func TestQuote(t *testing.T) {
	assert.Equal(t, `"abc…"`, Quote("abcdef", 3))
	assert.Equal(t, `"a\nb"`, Quote("a\nb", 10))
	long := strings.Repeat("x", 1<<20)
	assert.Len(t, Quote(long, 64), 64+len(Ellipsis)+2)
}
