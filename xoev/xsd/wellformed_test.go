package xsd

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// wfSchema accepts <t:r> with any attributes and mixed content, so that
// only well-formedness decides the verdicts below.
const wfSchema = `<xs:element name="r"><xs:complexType mixed="true"><xs:sequence>
	<xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
	<xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>`

// wfCases are documents the former streaming path (encoding/xml) accepted
// while internal/xmlsafe.Parse and libxml2 refuse them, plus the byte
// order mark it refused. TestFeaturesXMLLint checks each verdict against
// xmllint --schema; TestWellFormedVerdicts checks that Validate returns
// exactly Parse's verdict with a line.
var wfCases = []featureDoc{
	{`<t:r xmlns:t="urn:t"/>`, true},
	{"\uFEFF<t:r xmlns:t=\"urn:t\"/>", true},
	{"\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<t:r xmlns:t=\"urn:t\"/>", true},
	{`<t:r xmlns:t="urn:t" a="1" b="2"/>`, true},
	{`<t:r xmlns:t="urn:t"><x a="1" a="2"/></t:r>`, false},
	{`<t:r xmlns:t="urn:t" a="1" a="1"/>`, false},
	{` <?xml version="1.0"?><t:r xmlns:t="urn:t"/>`, false},
	{"\n<?xml version=\"1.0\"?><t:r xmlns:t=\"urn:t\"/>", false},
	{`<!-- c --><?xml version="1.0"?><t:r xmlns:t="urn:t"/>`, false},
	{`<t:r xmlns:t="urn:t"><?xml version="1.0"?></t:r>`, false},
	{`<?XML version="1.0"?><t:r xmlns:t="urn:t"/>`, false},
	{`<t:r xmlns:t="urn:t"><?XML x?></t:r>`, false},
	{`<?xml version="1.0" standalone="maybe"?><t:r xmlns:t="urn:t"/>`, false},
	{`<?xml encoding="UTF-8" version="1.0"?><t:r xmlns:t="urn:t"/>`, false},
	{`<?xml version="1.0"encoding="UTF-8"?><t:r xmlns:t="urn:t"/>`, false},
	{"<t:r xmlns:t=\"urn:t\"/>\ntext", false},
	{`<t:r xmlns:t="urn:t"/><t:r xmlns:t="urn:t"/>`, false},
	{`<t:r xmlns:t="urn:t">]]></t:r>`, false},
	{"<t:r xmlns:t=\"urn:t\">\x01</t:r>", false},
	{`<t:r xmlns:t="urn:t" a="&#0;"/>`, false},
	{`<t:r xmlns:t="urn:t"><!-- a -- b --></t:r>`, false},
}

func init() {
	featureCases = append(featureCases, featureCase{"well-formedness", wfSchema, wfCases})
}

func TestWellFormedVerdicts(t *testing.T) {
	t.Parallel()
	s := compileInline(t, wfSchema)
	docs := append([]featureDoc{
		// Refused by policy (libxml2 reads them): not UTF-8 or not XML 1.0.
		{`<?xml version="1.0" encoding="ISO-8859-1"?><t:r xmlns:t="urn:t"/>`, false},
		{"\xff\xfe<\x00t\x00:\x00r\x00/\x00>\x00", false},
		{`<?xml version="1.1"?><t:r xmlns:t="urn:t"/>`, false},
		// Namespace constraints: xmllint --schema prints "namespace error"
		// and still validates, so these are not in the xmllint table;
		// internal/xmlsafe's oracle test counts libxml2's namespace
		// errors as refusals.
		{`<t:r xmlns:t="urn:t"><a:b/></t:r>`, false},
		{`<t:r xmlns:t="urn:t" xmlns:a="u" xmlns:b="u" a:c="1" b:c="2"/>`, false},
		{`<t:r xmlns:t="urn:t"><x:y:z xmlns:x="u"/></t:r>`, false},
	}, wfCases...)
	for i, d := range docs {
		_, parseErr := xmlsafe.Parse([]byte(d.doc), xmlsafe.Limits{})
		for _, viaReader := range []bool{false, true} {
			var err error
			if viaReader {
				err = s.Validate(context.Background(), bytes.NewReader([]byte(d.doc)))
			} else {
				err = s.ValidateBytes(context.Background(), []byte(d.doc))
			}
			if d.valid {
				require.NoError(t, parseErr, "doc %d", i)
				require.NoError(t, err, "doc %d", i)
				continue
			}
			require.Error(t, parseErr, "doc %d", i)
			require.ErrorIs(t, err, ErrNotWellFormed, "doc %d: %q", i, d.doc)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.GreaterOrEqual(t, se.Line, 1, "doc %d", i)
			assert.True(t, strings.HasPrefix(err.Error(), "xsd: document is not well-formed XML: line "), "doc %d: %v", i, err)
			assert.NotContains(t, err.Error(), "CharsetReader")
			assert.Contains(t, parseErr.Error(), se.Msg, "doc %d: the parser's message", i)
		}
	}
}

func TestWellFormedTextAfterRootHasLine(t *testing.T) {
	t.Parallel()
	s := compileInline(t, wfSchema)
	err := s.ValidateBytes(context.Background(), []byte("<t:r xmlns:t=\"urn:t\"/>\n\n x"))
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 3, se.Line)
	assert.Equal(t, "xsd: document is not well-formed XML: line 3: text outside the root element (§2.1)", err.Error())
	var ve *ValidationError
	assert.False(t, errors.As(err, &ve), "a well-formedness error is not a violation")

	err = s.ValidateBytes(context.Background(), []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<t:r xmlns:t=\"urn:t\"/>"))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, `xsd: document is not well-formed XML: line 1: encoding "ISO-8859-1" not supported: only UTF-8`, err.Error())
}

// TestAttributeValueNormalizedOnce: the parser normalizes literal white
// space (XML 1.0 §3.3.3); a character reference to LF stays LF and so
// fails a pattern that forbids it, as in libxml2.
func TestAttributeValueNormalizedOnce(t *testing.T) {
	t.Parallel()
	s := compileInline(t, `<xs:element name="r"><xs:complexType><xs:attribute name="a">
	  <xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[^\n]*"/></xs:restriction></xs:simpleType>
	</xs:attribute></xs:complexType></xs:element>`)
	require.NoError(t, s.ValidateBytes(context.Background(), []byte("<t:r xmlns:t=\"urn:t\" a=\"x\ny\"/>")))
	require.ErrorIs(t, s.ValidateBytes(context.Background(), []byte(`<t:r xmlns:t="urn:t" a="x&#10;y"/>`)), ErrInvalid)
}
