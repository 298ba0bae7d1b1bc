package regex

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Matcher made from a stored program matches exactly like the compiled
// one; a missing or malformed program falls back to the pattern, and a
// pattern that does not compile then matches nothing.
func TestDeferredProgram(t *testing.T) {
	patterns := []string{`[A-Z]{2}\d`, `\i\c*`, `[a-z-[aeiou]]+`, `(ab)?c`, `\p{IsBasicLatin}+`, `[^a-c]`, `.`}
	inputs := []string{"", "AB1", "ab", "_a-b", "bcd", "bad", "c", "abc", "d", "ä", "\n"}
	for _, p := range patterns {
		m, err := Compile(p)
		require.NoError(t, err)
		prog := m.AppendProgram(nil)
		require.NotEmpty(t, prog)
		bad := append([]byte(nil), prog...)
		bad[0] = 0x7f
		for name, d := range map[string]*Matcher{
			"program":   DeferredProgram(p, prog),
			"none":      DeferredProgram(p, nil),
			"malformed": DeferredProgram(p, bad),
			"truncated": DeferredProgram(p, prog[:len(prog)-1]),
			"trailing":  DeferredProgram(p, append(append([]byte(nil), prog...), 0)),
		} {
			for _, in := range inputs {
				assert.Equal(t, m.MatchString(in), d.MatchString(in), "%s %q on %q", name, p, in)
				assert.Equal(t, m.MatchString(in), d.fallback(in), "fallback %s %q on %q", name, p, in)
			}
			assert.Equal(t, p, d.String())
		}
	}
	assert.Empty(t, Deferred(`a`).AppendProgram(nil), "a deferred matcher has no program before its first use")
	broken := DeferredProgram(`[A-Z]{2}\p`, nil)
	for _, in := range []string{"", "AB", "AB\\p"} {
		assert.False(t, broken.MatchString(in), in)
		assert.False(t, broken.fallback(in), in)
	}
}

// FuzzDecodeProgram: arbitrary bytes are refused or give a program the
// lazy DFA runs without panicking.
func FuzzDecodeProgram(f *testing.F) {
	for _, p := range []string{`[A-Z]{2}\d`, `(ab)?c`, `\i\c*`, `a|b*`} {
		m, err := Compile(p)
		require.NoError(f, err)
		f.Add(m.AppendProgram(nil), "AB1")
	}
	f.Fuzz(func(t *testing.T, prog []byte, in string) {
		if len(prog) > 4096 || len(in) > 64 {
			return
		}
		m := DeferredProgram(`a`, prog)
		_ = m.MatchString(in)
		_, _, _ = m.Mismatch(in)
	})
}
