package xsd_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd"
)

const head = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">`

func schemaFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func TestCompileRefuses(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		cfg   xsd.Config
		want  error
	}{
		{"remote location not in catalog", map[string]string{"s.xsd": head + `<xs:import namespace="urn:o" schemaLocation="http://example.org/o.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"path leaves fs", map[string]string{"s.xsd": head + `<xs:include schemaLocation="../etc/x.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"absolute file path", map[string]string{"s.xsd": head + `<xs:include schemaLocation="/etc/x.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"file url", map[string]string{"s.xsd": head + `<xs:include schemaLocation="file:///etc/x.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"missing include", map[string]string{"s.xsd": head + `<xs:include schemaLocation="nope.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"external entity in a schema doctype", map[string]string{"s.xsd": `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + head + `</xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"parameter entity reference in a schema doctype", map[string]string{"s.xsd": `<!DOCTYPE x [<!ENTITY % e "x"> %e;]>` + head + `</xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"nested entity in a schema doctype", map[string]string{"s.xsd": `<!DOCTYPE x [<!ENTITY a "x"><!ENTITY e "&a;&a;">]>` + head + `</xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"not a schema", map[string]string{"s.xsd": `<x/>`}, xsd.Config{}, xsd.ErrSchema},
		{"redefine", map[string]string{"s.xsd": head + `<xs:redefine schemaLocation="o.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"keyref to a key of another element", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="c"><xs:key name="k"><xs:selector xpath="."/><xs:field xpath="@a"/></xs:key></xs:element></xs:sequence></xs:complexType><xs:keyref name="kr" refer="t:k"><xs:selector xpath="."/><xs:field xpath="@a"/></xs:keyref></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"keyref to nothing", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:keyref name="kr" refer="t:none"><xs:selector xpath="."/><xs:field xpath="@a"/></xs:keyref></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"selector with an attribute", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:key name="k"><xs:selector xpath="@a"/><xs:field xpath="@a"/></xs:key></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"key without field", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:key name="k"><xs:selector xpath="."/></xs:key></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"xpath outside the subset", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:key name="k"><xs:selector xpath="../x"/><xs:field xpath="@a"/></xs:key></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"NOTATION type", map[string]string{"s.xsd": head + `<xs:element name="r" type="xs:NOTATION"/></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"notation", map[string]string{"s.xsd": head + `<xs:notation name="n" public="p"/></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"unknown block escape", map[string]string{"s.xsd": head + `<xs:simpleType name="s"><xs:restriction base="xs:string"><xs:pattern value="\p{IsKlingon}"/></xs:restriction></xs:simpleType></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"bad pattern", map[string]string{"s.xsd": head + `<xs:simpleType name="s"><xs:restriction base="xs:string"><xs:pattern value="(a"/></xs:restriction></xs:simpleType></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"lazy quantifier", map[string]string{"s.xsd": head + `<xs:simpleType name="s"><xs:restriction base="xs:string"><xs:pattern value="a*?"/></xs:restriction></xs:simpleType></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"date bound facet", map[string]string{"s.xsd": head + `<xs:simpleType name="s"><xs:restriction base="xs:date"><xs:minInclusive value="2000-01-01"/></xs:restriction></xs:simpleType></xs:schema>`}, xsd.Config{}, xsd.ErrUnsupported},
		{"unresolved type", map[string]string{"s.xsd": head + `<xs:element name="r" type="t:Nope"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"unknown builtin", map[string]string{"s.xsd": head + `<xs:element name="r" type="xs:strin"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"undeclared prefix", map[string]string{"s.xsd": head + `<xs:element name="r" type="u:T"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"duplicate global", map[string]string{"s.xsd": head + `<xs:include schemaLocation="o.xsd"/><xs:element name="r"/></xs:schema>`, "o.xsd": head + `<xs:element name="r"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"circular derivation", map[string]string{"s.xsd": head + `<xs:complexType name="A"><xs:complexContent><xs:extension base="t:B"/></xs:complexContent></xs:complexType><xs:complexType name="B"><xs:complexContent><xs:extension base="t:A"/></xs:complexContent></xs:complexType></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"circular group", map[string]string{"s.xsd": head + `<xs:group name="g"><xs:sequence><xs:group ref="t:g"/></xs:sequence></xs:group><xs:element name="r"><xs:complexType><xs:group ref="t:g"/></xs:complexType></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"bad enumeration value", map[string]string{"s.xsd": head + `<xs:simpleType name="s"><xs:restriction base="xs:int"><xs:enumeration value="x"/></xs:restriction></xs:simpleType></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"content model too large", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" maxOccurs="5000"/></xs:sequence></xs:complexType></xs:element></xs:schema>`}, xsd.Config{MaxContentStates: 1000}, xsd.ErrUnsupported},
		{"too many documents", map[string]string{"s.xsd": head + `<xs:include schemaLocation="o.xsd"/></xs:schema>`, "o.xsd": head + `</xs:schema>`}, xsd.Config{MaxSchemaDocuments: 1}, xsd.ErrLimit},
		{"schema too large", map[string]string{"s.xsd": head + strings.Repeat(" ", 2000) + `</xs:schema>`}, xsd.Config{MaxSchemaBytes: 1000}, xsd.ErrLimit},
		{"import own namespace", map[string]string{"s.xsd": head + `<xs:import namespace="urn:t" schemaLocation="o.xsd"/></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"include other namespace", map[string]string{"s.xsd": head + `<xs:include schemaLocation="o.xsd"/></xs:schema>`, "o.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:o"/>`}, xsd.Config{}, xsd.ErrSchema},
		{"UPA: two particles", map[string]string{"s.xsd": head + upaSchemas[0] + `</xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"UPA: two wildcards", map[string]string{"s.xsd": head + upaSchemas[1] + `</xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
		{"maxOccurs below minOccurs", map[string]string{"s.xsd": head + `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" minOccurs="2" maxOccurs="1"/></xs:sequence></xs:complexType></xs:element></xs:schema>`}, xsd.Config{}, xsd.ErrSchema},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := xsd.Compile(schemaFS(c.files), "s.xsd", c.cfg)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, c.want, err.Error())
			var se *xsd.SchemaError
			assert.True(t, errors.As(err, &se))
		})
	}
}

func TestCompileCatalog(t *testing.T) {
	files := map[string]string{
		"s.xsd":       head + `<xs:import namespace="urn:o" schemaLocation="https://example.org/o.xsd"/><xs:element name="r"><xs:complexType><xs:sequence><xs:element ref="o:x" xmlns:o="urn:o"/></xs:sequence></xs:complexType></xs:element></xs:schema>`,
		"local/o.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:o"><xs:element name="x" type="xs:int"/></xs:schema>`,
	}
	_, err := xsd.Compile(schemaFS(files), "s.xsd", xsd.Config{})
	require.ErrorIs(t, err, xsd.ErrSchema)
	s, err := xsd.Compile(schemaFS(files), "s.xsd", xsd.Config{Catalog: map[string]string{"https://example.org/o.xsd": "local/o.xsd"}})
	require.NoError(t, err)
	require.NoError(t, s.ValidateBytes(context.Background(), []byte(`<t:r xmlns:t="urn:t"><o:x xmlns:o="urn:o">1</o:x></t:r>`)))
	require.ErrorIs(t, s.ValidateBytes(context.Background(), []byte(`<t:r xmlns:t="urn:t"><o:x xmlns:o="urn:o">a</o:x></t:r>`)), xsd.ErrInvalid)
}

func TestCompileNilFS(t *testing.T) {
	_, err := xsd.Compile(nil, "s.xsd", xsd.Config{})
	require.ErrorIs(t, err, xsd.ErrSchema)
	_, err = xsd.Compile(schemaFS(nil), "../s.xsd", xsd.Config{})
	require.ErrorIs(t, err, xsd.ErrSchema)
}

func TestValidateErrors(t *testing.T) {
	s, err := xsd.Compile(schemaFS(map[string]string{"s.xsd": head + `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:int" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element></xs:schema>`}), "s.xsd", xsd.Config{MaxDepth: 4, MaxViolations: 2})
	require.NoError(t, err)
	ctx := context.Background()
	cases := []struct {
		name string
		doc  string
		want error
	}{
		{"not well-formed", `<t:r xmlns:t="urn:t"><t:a>1</t:r>`, xsd.ErrNotWellFormed},
		{"empty", ``, xsd.ErrNotWellFormed},
		{"two roots", `<t:r xmlns:t="urn:t"><t:a>1</t:a></t:r><t:r xmlns:t="urn:t"/>`, xsd.ErrNotWellFormed},
		{"doctype", `<!DOCTYPE r [<!ENTITY e "x">]><t:r xmlns:t="urn:t"><t:a>1</t:a></t:r>`, xsd.ErrDoctype},
		{"too deep", `<t:r xmlns:t="urn:t"><t:a><b><c><d><e/></d></c></b></t:a></t:r>`, xsd.ErrLimit},
		{"invalid", `<t:r xmlns:t="urn:t"><t:a>x</t:a></t:r>`, xsd.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.ErrorIs(t, s.ValidateBytes(ctx, []byte(c.doc)), c.want)
		})
	}
	t.Run("all violations, capped", func(t *testing.T) {
		err := s.ValidateBytes(ctx, []byte("<t:r xmlns:t=\"urn:t\">\n<t:a>x</t:a>\n<t:a>y</t:a>\n<t:a>z</t:a></t:r>"))
		var ve *xsd.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Violations, 2)
		assert.True(t, ve.Truncated)
		assert.Equal(t, xsd.Violation{Line: 2, Path: "/r/a", Constraint: "cvc-datatype-valid", Msg: `value "x": not a valid integer`}, ve.Violations[0])
		assert.Equal(t, 3, ve.Violations[1].Line)
	})
	t.Run("canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		doc := `<t:r xmlns:t="urn:t">` + strings.Repeat(`<t:a>1</t:a>`, 3000) + `</t:r>`
		assert.ErrorIs(t, s.ValidateBytes(cctx, []byte(doc)), context.Canceled)
	})
	t.Run("concurrent", func(t *testing.T) {
		done := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() { done <- s.ValidateBytes(ctx, []byte(`<t:r xmlns:t="urn:t"><t:a>1</t:a></t:r>`)) }()
		}
		for i := 0; i < 8; i++ {
			select {
			case err := <-done:
				assert.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("timeout")
			}
		}
	})
}

func TestStrictIDs(t *testing.T) {
	files := schemaFS(map[string]string{"s.xsd": head + `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="id" type="xs:ID" maxOccurs="unbounded"/><xs:element name="ref" type="xs:IDREF" minOccurs="0"/></xs:sequence></xs:complexType></xs:element></xs:schema>`})
	doc := []byte(`<t:r xmlns:t="urn:t"><t:id>a</t:id><t:id>a</t:id><t:ref>b</t:ref></t:r>`)
	lax, err := xsd.Compile(files, "s.xsd", xsd.Config{})
	require.NoError(t, err)
	assert.NoError(t, lax.ValidateBytes(context.Background(), doc), "libxml2-compatible default")
	strict, err := xsd.Compile(files, "s.xsd", xsd.Config{StrictIDs: true})
	require.NoError(t, err)
	var ve *xsd.ValidationError
	require.ErrorAs(t, strict.ValidateBytes(context.Background(), doc), &ve)
	require.Len(t, ve.Violations, 2)
	assert.Equal(t, "cvc-id.2", ve.Violations[0].Constraint)
	assert.Equal(t, "cvc-id.1", ve.Violations[1].Constraint)
}

// upaSchemas violate Unique Particle Attribution (Part 1 §3.8.6); libxml2
// refuses them too (TestUPAXMLLint).
var upaSchemas = []string{
	`<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" minOccurs="0"/><xs:element name="a"/></xs:sequence></xs:complexType></xs:element>`,
	`<xs:element name="r"><xs:complexType><xs:choice><xs:any namespace="##other"/><xs:any namespace="urn:x"/></xs:choice></xs:complexType></xs:element>`,
}

func TestCompileIgnoresUnreferencedSiblings(t *testing.T) {
	files := map[string]string{
		"s.xsd":      head + `<xs:include schemaLocation="inc.xsd"/><xs:element name="r" type="t:T"/></xs:schema>`,
		"inc.xsd":    head + `<xs:simpleType name="T"><xs:restriction base="xs:int"/></xs:simpleType></xs:schema>`,
		"broken.xsd": `<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>`,
		"other.xsd":  `not xml at all`,
	}
	s, err := xsd.Compile(schemaFS(files), "s.xsd", xsd.Config{})
	require.NoError(t, err)
	require.NoError(t, s.ValidateBytes(context.Background(), []byte(`<t:r xmlns:t="urn:t">5</t:r>`)))
	files["s.xsd"] = head + `<xs:include schemaLocation="broken.xsd"/></xs:schema>`
	_, err = xsd.Compile(schemaFS(files), "s.xsd", xsd.Config{})
	require.ErrorIs(t, err, xsd.ErrSchema)
}

// xmllint reports the line on which the start tag ends.
func TestViolationLineIsEndOfStartTag(t *testing.T) {
	s, err := xsd.Compile(schemaFS(map[string]string{"s.xsd": head + `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:int"/></xs:sequence></xs:complexType></xs:element></xs:schema>`}), "s.xsd", xsd.Config{})
	require.NoError(t, err)
	err = s.ValidateBytes(context.Background(), []byte("<t:r xmlns:t=\"urn:t\">\n  <t:b\n     x=\"1\"\n  />\n</t:r>"))
	var ve *xsd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 4, ve.Violations[0].Line)
}

func TestCompileInvalidConfig(t *testing.T) {
	fsys := schemaFS(map[string]string{"s.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`})
	for _, cfg := range []xsd.Config{{MaxDocumentBytes: -1}, {MaxDepth: -1}, {MaxElements: -1}, {MaxAttributes: -1},
		{MaxViolations: -1}, {MaxSchemaDocuments: -1}, {MaxSchemaBytes: -1}, {MaxContentStates: -1}} {
		_, err := xsd.Compile(fsys, "s.xsd", cfg)
		require.ErrorIs(t, err, xsd.ErrInvalidConfig)
	}
	_, err := xsd.Compile(fsys, "s.xsd", xsd.Config{})
	require.NoError(t, err)
}

func TestAbsoluteImportsAsHints(t *testing.T) {
	imp := func(body string) fstest.MapFS {
		return schemaFS(map[string]string{"s.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:o="urn:o" targetNamespace="urn:t">
		  <xs:import namespace="urn:o" schemaLocation="https://example.org/o.xsd"/>` + body + `</xs:schema>`})
	}
	unused := imp(`<xs:element name="r" type="xs:string"/>`)
	used := imp(`<xs:element name="r" type="o:T"/>`)

	_, err := xsd.Compile(unused, "s.xsd", xsd.Config{})
	require.ErrorIs(t, err, xsd.ErrSchema, "default stays fatal")

	s, err := xsd.Compile(unused, "s.xsd", xsd.Config{AbsoluteImportsAsHints: true})
	require.NoError(t, err)
	require.Len(t, s.Warnings(), 1)
	assert.Contains(t, s.Warnings()[0], `"https://example.org/o.xsd" is not in the catalog; treated as a hint`)

	_, err = xsd.Compile(used, "s.xsd", xsd.Config{AbsoluteImportsAsHints: true})
	require.ErrorIs(t, err, xsd.ErrSchema, "a reference into the skipped namespace still fails")

	inc := schemaFS(map[string]string{"s.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="https://example.org/i.xsd"/></xs:schema>`})
	_, err = xsd.Compile(inc, "s.xsd", xsd.Config{AbsoluteImportsAsHints: true})
	require.ErrorIs(t, err, xsd.ErrSchema, "includes stay fatal")

	s, err = xsd.Compile(schemaFS(map[string]string{"s.xsd": `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`}), "s.xsd", xsd.Config{AbsoluteImportsAsHints: true})
	require.NoError(t, err)
	assert.Empty(t, s.Warnings())
}
