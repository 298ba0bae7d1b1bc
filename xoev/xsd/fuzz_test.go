package xsd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/xoev/xsd"
)

// FuzzValidate checks that Validate never panics, always returns one of
// the documented errors, stays bounded (limits small enough for fuzzing)
// and gives internal/xmlsafe.Parse's well-formedness verdict on every
// input: one parser, one verdict.
func FuzzValidate(f *testing.F) {
	// A compact schema with the constructs XÖV uses (the bundled sets
	// compile too slowly under coverage instrumentation for fuzzing).
	s, err := xsd.Compile(schemaFS(map[string]string{"s.xsd": head + `
	  <xs:element name="head" type="xs:string" abstract="true"/>
	  <xs:element name="m" type="xs:token" substitutionGroup="t:head"/>
	  <xs:simpleType name="L"><xs:list itemType="xs:date"/></xs:simpleType>
	  <xs:simpleType name="U"><xs:union memberTypes="xs:int t:L"/></xs:simpleType>
	  <xs:complexType name="B"><xs:sequence><xs:element name="a" type="t:U" minOccurs="0" maxOccurs="3"/></xs:sequence>
	    <xs:attribute name="id" type="xs:ID"/><xs:attribute name="q" type="xs:QName"/></xs:complexType>
	  <xs:complexType name="E"><xs:complexContent><xs:extension base="t:B"><xs:choice><xs:element ref="t:head"/><xs:any namespace="##other" processContents="lax"/></xs:choice></xs:extension></xs:complexContent></xs:complexType>
	  <xs:element name="r"><xs:complexType><xs:sequence>
	    <xs:element name="b" type="t:B" maxOccurs="unbounded"/>
	    <xs:element name="p" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[\i-[:]][\c-[:]]*"/></xs:restriction></xs:simpleType></xs:element>
	  </xs:sequence></xs:complexType></xs:element></xs:schema>`}), "s.xsd",
		xsd.Config{MaxDocumentBytes: 1 << 16, MaxDepth: 64, MaxElements: 4096})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`<t:r xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><t:b id="x" q="t:r"><t:a>1</t:a><t:a>2024-01-01 2024-02-02</t:a></t:b><t:b xsi:type="t:E"><t:m>z</t:m></t:b><t:p>abc</t:p></t:r>`))
	f.Add([]byte(`<a xmlns="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="q:y"/>`))
	for _, d := range []string{
		"\uFEFF<t:r xmlns:t=\"urn:t\"/>",
		`<t:r xmlns:t="urn:t"><t:b id="1" id="2"/></t:r>`,
		` <?xml version="1.0"?><t:r xmlns:t="urn:t"/>`,
		`<?XML version="1.0"?><t:r xmlns:t="urn:t"/>`,
		`<?xml version="1.0" standalone="maybe"?><t:r xmlns:t="urn:t"/>`,
		`<?xml encoding="UTF-8" version="1.0"?><t:r xmlns:t="urn:t"/>`,
		"<t:r xmlns:t=\"urn:t\"/>\nx",
	} {
		f.Add([]byte(d))
	}
	lim := xmlsafe.Limits{MaxBytes: 1 << 16, MaxDepth: 64, MaxElements: 4096}
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := s.ValidateBytes(context.Background(), doc)
		_, parseErr := xmlsafe.Parse(doc, lim)
		for _, pair := range []struct{ ours, parser error }{
			{xsd.ErrNotWellFormed, xmlsafe.ErrSyntax},
			{xsd.ErrDoctype, xmlsafe.ErrDoctype},
			{xsd.ErrLimit, xmlsafe.ErrLimit},
		} {
			if errors.Is(err, pair.ours) != errors.Is(parseErr, pair.parser) {
				t.Fatalf("Validate: %v; xmlsafe.Parse: %v; input %q", err, parseErr, doc)
			}
		}
		if err == nil {
			return
		}
		for _, want := range []error{xsd.ErrInvalid, xsd.ErrNotWellFormed, xsd.ErrDoctype, xsd.ErrLimit} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("undocumented error: %v", err)
	})
}
