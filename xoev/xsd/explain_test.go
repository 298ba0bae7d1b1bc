package xsd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func violations(t *testing.T, s *Schema, doc string) []Violation {
	t.Helper()
	err := s.ValidateBytes(context.Background(), []byte(doc))
	var ve *ValidationError
	require.Truef(t, errors.As(err, &ve), "want violations, got %v", err)
	return ve.Violations
}

func TestViolationMessagesActionable(t *testing.T) {
	t.Parallel()
	var codes strings.Builder
	for i := range 40 {
		fmt.Fprintf(&codes, `<xs:enumeration value="%03d"/>`, i*10)
	}
	// A DIN 91379-like character class: long, so it must not be printed.
	din := `[\p{IsBasicLatin}\p{IsLatin-1Supplement}-[\p{Cc}]]+` + strings.Repeat(`|[A-Z]`, 40)
	s := compileInline(t, `
	  <xs:simpleType name="Farbe"><xs:restriction base="xs:token">
	    <xs:enumeration value="rot"/><xs:enumeration value="gruen"/><xs:enumeration value="blau"/></xs:restriction></xs:simpleType>
	  <xs:simpleType name="Code.Behoerde"><xs:restriction base="xs:token">`+codes.String()+`</xs:restriction></xs:simpleType>
	  <xs:simpleType name="Name"><xs:restriction base="xs:string"><xs:pattern value="`+din+`"/></xs:restriction></xs:simpleType>
	  <xs:simpleType name="PLZ"><xs:restriction base="xs:string"><xs:pattern value="[0-9]{5}"/></xs:restriction></xs:simpleType>
	  <xs:element name="r"><xs:complexType><xs:sequence>
	    <xs:element name="farbe" type="t:Farbe" minOccurs="0"/>
	    <xs:element name="code" type="t:Code.Behoerde" minOccurs="0"/>
	    <xs:element name="name" type="t:Name" minOccurs="0"/>
	    <xs:element name="plz" type="t:PLZ" minOccurs="0"/>
	    <xs:element name="anlage" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
	      <xs:element name="x" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
	  </xs:sequence><xs:attribute name="f" type="t:Farbe"/></xs:complexType></xs:element>`)

	tests := []struct {
		name, doc  string
		line       int
		path, msg  string
		notContain []string
	}{
		{"short enumeration lists the values", wrap(`<t:farbe>gelb</t:farbe>`), 1, "/r/farbe",
			`value "gelb": not one of the allowed values "rot", "gruen", "blau"`, nil},
		{"attribute enumeration", `<t:r xmlns:t="urn:t" f="lila"/>`, 1, "/r",
			`attribute f: value "lila": not one of the allowed values "rot", "gruen", "blau"`, nil},
		{"code list names the type and nearest codes", wrap(`<t:code>101</t:code>`), 1, "/r/code",
			`not one of the 40 values of Code.Behoerde; nearest: "100", "000", "010"`, []string{`"390"`}},
		{"din pattern names the character, not the regex or the value", wrap("<t:name>Müller\u0086Geheim</t:name>"), 1, "/r/name",
			`pattern: character U+0086 at position 7 is not allowed there`, []string{"Geheim", "Müller", "IsBasicLatin"}},
		{"din pattern printable character", wrap("<t:name>Zoë Ω Secret</t:name>"), 1, "/r/name",
			`pattern: character 'Ω' (U+03A9) at position 5 is not allowed there`, []string{"Secret", "Zo"}},
		{"short pattern is quoted", wrap(`<t:plz>6611x</t:plz>`), 1, "/r/plz",
			`pattern: character 'x' (U+0078) at position 5 is not allowed there (pattern "[0-9]{5}")`, []string{"6611"}},
		{"incomplete value", wrap(`<t:plz>661</t:plz>`), 1, "/r/plz",
			`pattern: the value is incomplete (pattern "[0-9]{5}")`, []string{"661"}},
		{"text in element-only content reports the start tag's line", "<t:r xmlns:t=\"urn:t\"><t:anlage\n>\n\n  stray text\n\n<t:x>1</t:x></t:anlage></t:r>", 2, "/r/anlage",
			"character content is not allowed", nil},
		{"path carries the position", wrap(strings.Repeat(`<t:anlage><t:x>1</t:x></t:anlage>`, 8198) + `<t:anlage><t:x>y</t:x></t:anlage>`), 1, "/r/anlage[8199]/x",
			`value "y": not a valid int`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vs := violations(t, s, tc.doc)
			require.Len(t, vs, 1, "%v", vs)
			assert.Equal(t, tc.line, vs[0].Line)
			assert.Equal(t, tc.path, vs[0].Path)
			assert.Contains(t, vs[0].Msg, tc.msg)
			for _, n := range tc.notContain {
				assert.NotContains(t, vs[0].Msg, n)
			}
			assert.Less(t, len(vs[0].Msg), 200, "message stays short")
		})
	}
}

func TestNearest(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"abc", "abd"}, nearest("abc", []string{"xyz", "abc", "abd", "zzz"}, 2))
	assert.Empty(t, nearest("a", nil, 3))
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
	assert.Equal(t, 64, editDistance(strings.Repeat("a", 1000), ""), "capped")
}
