package din91379

import (
	"os"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xsdPattern compiles the datatypeC pattern of the XÖV XSD (testdata) as a
// Go regexp. XSD patterns are implicitly anchored.
func xsdPattern(t *testing.T, name string) *regexp.Regexp {
	return xsdPatternFile(t, "testdata/din-norm-91379-datatypes.xsd", name)
}

func xsdPatternFile(t *testing.T, file, name string) *regexp.Regexp {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	st := doc.FindElement("//simpleType[@name='" + name + "']/restriction/pattern")
	require.NotNil(t, st)
	return regexp.MustCompile(`^(?:` + st.SelectAttrValue("value", "") + `)$`)
}

func TestTableMatchesXSDPatternForEveryCodePoint(t *testing.T) {
	re := xsdPattern(t, "datatypeC")
	// Every code point up to U+2FFF (the repertoire ends at U+20AC); above
	// it a stride keeps the run short under -race.
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if r > 0x2FFF && r%97 != 0 {
			continue
		}
		s := string(r)
		want := re.MatchString(s)
		got := repC.check(s) == nil
		if want != got {
			t.Fatalf("%U: table says %v, XSD pattern says %v", r, got, want)
		}
	}
}

func TestLatinTableMatchesXSDPattern(t *testing.T) {
	re := xsdPatternFile(t, "testdata/latinchars.xsd", "String.Latin")
	for r := rune(0); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF || r > 0x2FFF && r%97 != 0 {
			continue
		}
		if want, got := re.MatchString(string(r)), repLatin.check(string(r)) == nil; want != got {
			t.Fatalf("%U: table says %v, XSD pattern says %v", r, got, want)
		}
	}
	for _, q := range sequencesLatin {
		assert.True(t, re.MatchString(q))
		assert.NoError(t, ValidateLatin(q))
	}
	assert.NoError(t, ValidateLatin("Bauamt Münster"))
	var ce *CharacterError
	require.ErrorAs(t, ValidateLatin("\u0108"), &ce) // Ĉ: in C, not in String.Latin
	assert.NoError(t, ValidateC("\u0108"))
	assert.Equal(t, "String.Latin", ce.Datatype)
}

func TestTableMatchesXSDPatternForSequences(t *testing.T) {
	re := xsdPattern(t, "datatypeC")
	for _, q := range sequencesC {
		assert.True(t, re.MatchString(q), "%+q", q)
		assert.NoError(t, repC.check(q), "%+q", q)
		// Every sequence survives NFC unchanged, so NFC-first validation
		// accepts it too.
		assert.NoError(t, ValidateC(q), "%+q", q)
		// A sequence with its last mark doubled is not allowed.
		bad := q + q[len(q)-2:]
		assert.Equal(t, re.MatchString(bad), repC.check(bad) == nil, "%+q", bad)
	}
}

func TestValidateC(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		ok     bool
		rune   rune
		index  int
		offset int
	}{
		{name: "ascii", in: "Bauamt Musterstadt", ok: true},
		{name: "empty", in: "", ok: true},
		{name: "umlauts and sharp s", in: "Straße Ärger Öl Übel", ok: true},
		{name: "capital sharp s", in: "STRAẞE", ok: true},
		{name: "decomposed umlaut is normalised", in: "A\u0308rger", ok: true},
		{name: "normative sequence L+ring below+macron", in: "L\u0325\u0304", ok: true},
		{name: "euro sign", in: "5 €", ok: true},
		{name: "tab newline cr", in: "a\tb\nc\r", ok: true},

		{name: "greek letter", in: "abc α", rune: 'α', index: 4, offset: 4},
		{name: "cyrillic letter after umlaut", in: "äБ", rune: 'Б', index: 1, offset: 2},
		{name: "emoji", in: "ok 😀", rune: '😀', index: 3, offset: 3},
		{name: "control char", in: "a\x01", rune: 0x01, index: 1, offset: 1},
		{name: "DEL", in: "\x7f", rune: 0x7F, index: 0, offset: 0},
		{name: "soft hyphen", in: "a\u00ADb", rune: 0xAD, index: 1, offset: 1},
		{name: "combining mark without base", in: "\u0301", rune: 0x301, index: 0, offset: 0},
		{name: "unlisted sequence Q+acute", in: "Q\u0301", rune: 0x301, index: 1, offset: 1},
		{name: "invalid utf8", in: "ab\xff", rune: utf8.RuneError, index: 2, offset: 2},
		{name: "left double quote (only datatype D)", in: "\u201Cx", rune: 0x201C, index: 0, offset: 0},
		{name: "chinese", in: "名", rune: '名', index: 0, offset: 0},
		{name: "zero width joiner", in: "a\u200Db", rune: 0x200D, index: 1, offset: 1},
		{name: "right-to-left override", in: "\u202Eabc", rune: 0x202E, index: 0, offset: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateC(tt.in)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrCharacter)
			var ce *CharacterError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.rune, ce.Rune)
			assert.Equal(t, tt.index, ce.Index)
			assert.Equal(t, tt.offset, ce.Offset)
			assert.Equal(t, "C", ce.Datatype)
			// The message names the code point, never the text.
			assert.NotContains(t, err.Error(), tt.in)
		})
	}
}

func TestNormalizeCReturnsNFC(t *testing.T) {
	got, err := NormalizeC("A\u0308")
	require.NoError(t, err)
	assert.Equal(t, "Ä", got)
	// Angstrom sign U+212B is outside the repertoire, its NFC form U+00C5 is inside.
	got, err = NormalizeC("\u212B")
	require.NoError(t, err)
	assert.Equal(t, "\u00C5", got)
}

func FuzzValidateC(f *testing.F) {
	for _, s := range []string{"", "abc", "Ä", "L\u0325\u0304", "α", "\xff", "Q\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeC(s)
		if err != nil {
			var ce *CharacterError
			if !assertAs(err, &ce) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// Valid output is stable under a second validation.
		n2, err := NormalizeC(n)
		if err != nil || n2 != n {
			t.Fatalf("not idempotent: %q -> %q (%v)", n, n2, err)
		}
	})
}

func assertAs(err error, target **CharacterError) bool {
	ce, ok := err.(*CharacterError)
	if ok {
		*target = ce
	}
	return ok
}

func BenchmarkValidateC(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"ascii", "Bauaufsichtsbehörde Musterstadt, Musterstraße 12"},
		{"sequence", "\u1E02 M\u0302 L\u0325\u0304 Ärger"},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := ValidateC(in.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
