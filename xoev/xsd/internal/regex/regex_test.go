package regex

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern string
		in      string
		match   bool
	}{
		{`abc`, `abc`, true},
		{`abc`, `xabc`, false}, // implicitly anchored
		{`abc`, `abcx`, false},
		{`a|b`, `b`, true},
		{`a^b$`, `a^b$`, true}, // ^ and $ are ordinary characters
		{`.`, "\n", false},
		{`.`, "\r", false},
		{`.`, "ä", true},
		{`\d+`, "١٢", true}, // \d is \p{Nd}
		{`\d`, "a", false},
		{`\i\c*`, "_a-b.c", true},
		{`\i\c*`, "-a", false},
		{`\w+`, "aß1", true},
		{`\w`, "!", false},
		{`\s`, "\t", true},
		{`\S`, " ", false},
		{`[a-z-[aeiou]]+`, "bcd", true},
		{`[a-z-[aeiou]]+`, "bad", false},
		{`[^a-c]`, "d", true},
		{`[^a-c]`, "b", false},
		{`[\p{L}-[\p{Lu}]]+`, "abc", true},
		{`[\p{L}-[\p{Lu}]]+`, "aBc", false},
		{`\p{IsBasicLatin}+`, "abc", true},
		{`\p{IsBasicLatin}`, "ä", false},
		{`\P{L}`, "1", true},
		{`[-a]+`, "-a", true},
		{`[a-]+`, "-a", true},
		{`[0-9|A-F]{2}`, "|A", true},
		{`a{2,3}`, "aaaa", false},
		{`a{2,}`, "aaaa", true},
		{`(ab)?c`, "c", true},
		{`[\[\]]`, "]", true},
		{`&#x20;`, "&#x20;", true},
	}
	for _, c := range cases {
		re, err := Compile(c.pattern)
		require.NoError(t, err, c.pattern)
		assert.Equal(t, c.match, re.MatchString(c.in), "%q on %q", c.pattern, c.in)
		assert.Equal(t, c.match, re.fallback(c.in), "regexp: %q on %q", c.pattern, c.in)
		assert.Equal(t, c.match, re.MatchString(c.in), "cached: %q on %q", c.pattern, c.in)
	}
}

func TestRefuse(t *testing.T) {
	cases := []struct {
		pattern string
		want    error
	}{
		{`(a`, ErrSyntax},
		{`a)`, ErrSyntax},
		{`[a`, ErrSyntax},
		{`[]`, ErrSyntax},
		{`a**`, ErrSyntax},
		{`a*?`, ErrSyntax},
		{`a{3,2}`, ErrSyntax},
		{`a{x}`, ErrSyntax},
		{`\q`, ErrSyntax},
		{`\$`, ErrSyntax},
		{`\1`, ErrSyntax},
		{`[z-a]`, ErrSyntax},
		{`a{1001}`, ErrSyntax},
		{`\p{IsKlingon}`, ErrUnsupported},
		{`\p{Xx}`, ErrUnsupported},
		{`\p{L`, ErrSyntax},
		{`*a`, ErrSyntax},
		{`[a-[b]x]`, ErrSyntax},
		{"\xff", ErrSyntax},
	}
	for _, c := range cases {
		_, err := Compile(c.pattern)
		assert.ErrorIs(t, err, c.want, c.pattern)
	}
}

func FuzzTranslate(f *testing.F) {
	for _, s := range []string{`[a-z-[aeiou]]+`, `\i\c*`, `\p{IsBasicLatin}`, `(a|b){2,3}`, `[^\s]`} {
		f.Add(s, "abc")
	}
	f.Fuzz(func(t *testing.T, s string, in string) {
		if len(s) > 200 || len(in) > 200 {
			return
		}
		m, err := Compile(s)
		if err != nil {
			return
		}
		// The lazy DFA must agree with RE2 on every input.
		if got, want := m.MatchString(in), m.fallback(in); got != want {
			t.Fatalf("pattern %q on %q: dfa %v, regexp %v", s, in, got, want)
		}
	})
}

func TestMatcherConcurrent(t *testing.T) {
	m, err := Compile(`([a-zäöü]|\p{Lu}[\-_])*[0-9]{2}`)
	require.NoError(t, err)
	inputs := []string{"ab12", "äöA-b99", "xx", "B_12", "Ü-ü07", ""}
	want := make([]bool, len(inputs))
	for i, in := range inputs {
		want[i] = m.fallback(in)
	}
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for k := 0; k < 200; k++ {
				for i, in := range inputs {
					if m.MatchString(in) != want[i] {
						t.Errorf("%q: mismatch", in)
						return
					}
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}
