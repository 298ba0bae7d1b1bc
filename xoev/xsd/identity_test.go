package xsd

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Identity constraints (Part 1 §3.11): appended to featureCases so that
// TestFeatures and TestFeaturesXMLLint check every verdict against
// xmllint.

const idcSchema = `<xs:element name="r"><xs:complexType><xs:sequence>
	  <xs:element name="person" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
	    <xs:element name="nr" type="xs:int" minOccurs="0"/><xs:element name="mail" type="xs:string" minOccurs="0"/></xs:sequence>
	    <xs:attribute name="id" type="xs:token"/><xs:attribute name="land" type="xs:token"/></xs:complexType></xs:element>
	  <xs:element name="akte" minOccurs="0" maxOccurs="unbounded"><xs:complexType>
	    <xs:attribute name="person" type="xs:token"/><xs:attribute name="land" type="xs:token"/></xs:complexType></xs:element>
	</xs:sequence></xs:complexType>
	<xs:key name="personKey"><xs:selector xpath="t:person"/><xs:field xpath="@id"/><xs:field xpath="@land"/></xs:key>
	<xs:keyref name="aktePerson" refer="t:personKey"><xs:selector xpath="./t:akte"/><xs:field xpath="@person"/><xs:field xpath="attribute::land"/></xs:keyref>
	<xs:unique name="nrUnique"><xs:selector xpath=".//t:person"/><xs:field xpath="t:nr"/></xs:unique>
	<xs:unique name="mailUnique"><xs:selector xpath="t:person | t:nothing"/><xs:field xpath="child::t:mail"/></xs:unique>
	</xs:element>`

func init() {
	p := func(id, land, nr string) string {
		s := `<t:person`
		if id != "" {
			s += ` id="` + id + `"`
		}
		if land != "" {
			s += ` land="` + land + `"`
		}
		s += `>`
		if nr != "" {
			s += `<t:nr>` + nr + `</t:nr>`
		}
		return s + `</t:person>`
	}
	featureCases = append(featureCases, featureCase{"identity-constraints", idcSchema, []featureDoc{
		{wrap(``), true},
		{wrap(p("a", "DE", "1") + p("a", "AT", "2") + p("b", "DE", "")), true},
		{wrap(p("a", "DE", "1") + `<t:akte person="a" land="DE"/><t:akte person=" a " land="DE"/>`), true},
		{wrap(p("a", "DE", "1") + `<t:akte land="DE"/>`), true},             // keyref with a field absent is not checked
		{wrap(p("a", "DE", "1") + p("b", "DE", "01")), false},               // unique in the value space: 1 = 01
		{wrap(p("a", "DE", "1") + p("a", "DE", "2")), false},                // duplicate key
		{wrap(p("a", "DE", "") + p(" a ", "DE", "")), false},                // duplicate after whitespace collapsing
		{wrap(p("a", "", "1")), false},                                      // key field absent
		{wrap(p("", "DE", "1")), false},                                     // key field absent
		{wrap(p("a", "DE", "1") + `<t:akte person="b" land="DE"/>`), false}, // dangling keyref
		{wrap(p("a", "DE", "1") + `<t:akte person="a" land="AT"/>`), false}, // dangling keyref, second field
		{wrap(`<t:person id="a" land="DE"><t:mail>x</t:mail></t:person><t:person id="b" land="DE"><t:mail>x</t:mail></t:person>`), false},
	}})
}

// An attribute field compares in its type's value space, like an element
// field: "01" and "1" of an xs:int are the same key.
const idcAttrSchema = `<xs:element name="r"><xs:complexType><xs:sequence>
	  <xs:element name="e" minOccurs="0" maxOccurs="unbounded"><xs:complexType>
	    <xs:attribute name="n" type="xs:int"/><xs:attribute name="d" type="xs:decimal"/></xs:complexType></xs:element>
	</xs:sequence></xs:complexType>
	<xs:unique name="nUnique"><xs:selector xpath="t:e"/><xs:field xpath="@n"/></xs:unique>
	<xs:unique name="dUnique"><xs:selector xpath="t:e"/><xs:field xpath="@d"/></xs:unique>
	</xs:element>`

func init() {
	featureCases = append(featureCases, featureCase{"identity-constraints-attribute-values", idcAttrSchema, []featureDoc{
		{wrap(`<t:e n="1"/><t:e n="2"/>`), true},
		{wrap(`<t:e d="1.5"/><t:e d="1.25"/>`), true},
		{wrap(`<t:e n="1"/><t:e n="01"/>`), false},     // 1 = 01 in xs:int
		{wrap(`<t:e n="1"/><t:e n="+1"/>`), false},     // 1 = +1
		{wrap(`<t:e d="1.5"/><t:e d="1.50"/>`), false}, // 1.5 = 1.50 in xs:decimal
		{wrap(`<t:e n=" 7"/><t:e n="7 "/>`), false},    // whitespace collapsed by the type
	}})
}

// A violation quotes the offending tuple (built only then).
func TestIdentityViolationQuotesTuple(t *testing.T) {
	s := compileInline(t, idcSchema)
	for _, tt := range []struct{ doc, constraint, msg string }{
		{wrap(`<t:person id="a" land="DE"/><t:person id="a" land="DE"/>`), "cvc-identity-constraint.4.2.2", `key personKey: duplicate value ["a", "DE"]`},
		{wrap(`<t:person id="a" land="DE"/><t:akte person="b" land="DE"/>`), "cvc-identity-constraint.4.3", `keyref aktePerson: value ["b", "DE"] matches no key personKey`},
	} {
		var ve *ValidationError
		require.ErrorAs(t, s.ValidateBytes(context.Background(), []byte(tt.doc)), &ve)
		require.Len(t, ve.Violations, 1)
		assert.Equal(t, tt.constraint, ve.Violations[0].Constraint)
		assert.Equal(t, tt.msg, ve.Violations[0].Msg)
	}
}
