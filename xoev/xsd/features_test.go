package xsd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Feature cases: small schemas, one per construct group, with valid and
// (more) invalid instances. Expectations are ours; TestFeaturesXMLLint
// checks every verdict against xmllint too.

type featureDoc struct {
	doc   string
	valid bool
}

type featureCase struct {
	name   string
	schema string // content of xs:schema (targetNamespace urn:t, prefix t, qualified)
	docs   []featureDoc
}

const schemaHead = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">`

func wrap(body string) string {
	return `<t:r xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + body + `</t:r>`
}

var featureCases = []featureCase{
	{"sequence-occurs", `<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string" minOccurs="0" maxOccurs="2"/>
		<xs:element name="c" type="xs:string" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:a/><t:c/>`), true},
			{wrap(`<t:a/><t:b/><t:b/><t:c/><t:c/><t:c/>`), true},
			{wrap(`<t:a/><t:b/><t:b/><t:b/><t:c/>`), false},
			{wrap(`<t:b/><t:a/><t:c/>`), false},
			{wrap(`<t:a/>`), false},
			{wrap(`<t:a/><t:c/><t:x/>`), false},
			{wrap(`<a/><t:c/>`), false},
			{wrap(`<t:a/>text<t:c/>`), false},
			{`<t:x xmlns:t="urn:t"/>`, false},
			{`<r/>`, false},
		}},
	{"choice-all-nested", `<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:choice maxOccurs="2"><xs:element name="a" type="xs:int"/><xs:sequence><xs:element name="b"/><xs:element name="c"/></xs:sequence></xs:choice>
		<xs:element name="d" minOccurs="0"><xs:complexType><xs:all><xs:element name="x"/><xs:element name="y" minOccurs="0"/></xs:all></xs:complexType></xs:element>
		</xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:a>1</t:a><t:b/><t:c/>`), true},
			{wrap(`<t:b/><t:c/><t:d><t:y/><t:x/></t:d>`), true},
			{wrap(`<t:b/><t:a>1</t:a><t:a>1</t:a>`), false},
			{wrap(`<t:b/>`), false},
			{wrap(`<t:a>x</t:a>`), false},
			{wrap(`<t:a>1</t:a><t:d><t:y/></t:d>`), false},
			{wrap(`<t:a>1</t:a><t:d><t:x/><t:x/></t:d>`), false},
			{wrap(``), false},
		}},
	{"extension-restriction", `<xs:complexType name="Base"><xs:sequence><xs:element name="a" minOccurs="0"/><xs:element name="b" minOccurs="0"/></xs:sequence><xs:attribute name="v" type="xs:string"/></xs:complexType>
		<xs:complexType name="Ext"><xs:complexContent><xs:extension base="t:Base"><xs:sequence><xs:element name="c"/></xs:sequence><xs:attribute name="w" type="xs:int" use="required"/></xs:extension></xs:complexContent></xs:complexType>
		<xs:complexType name="Res"><xs:complexContent><xs:restriction base="t:Base"><xs:sequence><xs:element name="a"/></xs:sequence><xs:attribute name="v" type="xs:string" fixed="F"/></xs:restriction></xs:complexContent></xs:complexType>
		<xs:complexType name="Abs" abstract="true"><xs:sequence><xs:element name="z" minOccurs="0"/></xs:sequence></xs:complexType>
		<xs:complexType name="Blk" block="extension"><xs:sequence><xs:element name="a" minOccurs="0"/></xs:sequence></xs:complexType>
		<xs:complexType name="BlkExt"><xs:complexContent><xs:extension base="t:Blk"><xs:sequence><xs:element name="q"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
		<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="e" type="t:Ext" minOccurs="0"/><xs:element name="f" type="t:Res" minOccurs="0"/><xs:element name="g" type="t:Base" minOccurs="0"/>
		<xs:element name="h" type="t:Abs" minOccurs="0"/><xs:element name="k" type="t:Blk" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:e w="1"><t:a/><t:c/></t:e><t:f v="F"><t:a/></t:f>`), true},
			{wrap(`<t:g xsi:type="t:Ext" w="2"><t:c/></t:g>`), true},
			{wrap(`<t:g xsi:type="t:Res"><t:a/></t:g>`), true},
			{wrap(`<t:h xsi:type="t:Abs"/>`), false},
			{wrap(`<t:h/>`), false},
			{wrap(`<t:e><t:c/></t:e>`), false},
			{wrap(`<t:e w="x"><t:c/></t:e>`), false},
			{wrap(`<t:e w="1"><t:c/><t:a/></t:e>`), false},
			{wrap(`<t:f v="G"><t:a/></t:f>`), false},
			{wrap(`<t:f><t:b/></t:f>`), false},
			{wrap(`<t:g xsi:type="t:Nope"/>`), false},
			{wrap(`<t:f xsi:type="t:Base"/>`), false},
			{wrap(`<t:k xsi:type="t:BlkExt"><t:q/></t:k>`), false},
			{wrap(`<t:g x="1"/>`), false},
		}},
	{"simple-content", `<xs:complexType name="Amount"><xs:simpleContent><xs:extension base="xs:decimal"><xs:attribute name="cur" type="xs:string" use="required"/></xs:extension></xs:simpleContent></xs:complexType>
		<xs:complexType name="Small"><xs:simpleContent><xs:restriction base="t:Amount"><xs:maxInclusive value="100"/><xs:fractionDigits value="2"/></xs:restriction></xs:simpleContent></xs:complexType>
		<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="m" type="t:Small" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:m cur="EUR">99.99</t:m><t:m cur="EUR"> 100 </t:m>`), true},
			{wrap(`<t:m cur="EUR">100.01</t:m>`), false},
			{wrap(`<t:m cur="EUR">1.123</t:m>`), false},
			{wrap(`<t:m>1</t:m>`), false},
			{wrap(`<t:m cur="EUR">abc</t:m>`), false},
			{wrap(`<t:m cur="EUR"><t:x/></t:m>`), false},
		}},
	{"facets", `<xs:simpleType name="Code"><xs:restriction base="xs:token"><xs:enumeration value="A1"/><xs:enumeration value="B2"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="Len"><xs:restriction base="xs:string"><xs:minLength value="2"/><xs:maxLength value="4"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="Exact"><xs:restriction base="xs:hexBinary"><xs:length value="2"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="Num"><xs:restriction base="xs:decimal"><xs:totalDigits value="4"/><xs:minExclusive value="0"/><xs:enumeration value="1.50"/><xs:enumeration value="20"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="Pos"><xs:restriction base="xs:positiveInteger"><xs:maxExclusive value="10"/></xs:restriction></xs:simpleType>
		<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="c" type="t:Code" minOccurs="0"/><xs:element name="l" type="t:Len" minOccurs="0"/><xs:element name="x" type="t:Exact" minOccurs="0"/>
		<xs:element name="n" type="t:Num" minOccurs="0"/><xs:element name="p" type="t:Pos" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:c> A1 </t:c><t:l>abcd</t:l><t:x>0aFF</t:x><t:n>1.5</t:n><t:p>9</t:p>`), true},
			{wrap(`<t:n>20.000</t:n>`), true},
			{wrap(`<t:c>C3</t:c>`), false},
			{wrap(`<t:c>a1</t:c>`), false},
			{wrap(`<t:l>a</t:l>`), false},
			{wrap(`<t:l>abcde</t:l>`), false},
			{wrap(`<t:x>0a</t:x>`), false},
			{wrap(`<t:x>0aF</t:x>`), false},
			{wrap(`<t:n>2</t:n>`), false},
			{wrap(`<t:p>0</t:p>`), false},
			{wrap(`<t:p>10</t:p>`), false},
			{wrap(`<t:p>+3</t:p>`), true},
		}},
	{"patterns", `<xs:simpleType name="P1"><xs:restriction base="xs:string"><xs:pattern value="\i\c*"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="P2"><xs:restriction base="xs:string"><xs:pattern value="[a-z-[aeiou]]+"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="P3"><xs:restriction base="xs:string"><xs:pattern value="\p{Lu}\p{Ll}*|\d{2,3}"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="P4"><xs:restriction base="xs:string"><xs:pattern value="[^: \n\r\t]+"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="P5"><xs:restriction base="t:P4base"><xs:pattern value="a.c"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="P4base"><xs:restriction base="xs:string"/></xs:simpleType>
		<xs:simpleType name="P6"><xs:restriction base="xs:string"><xs:pattern value="\p{IsBasicLatin}+"/><xs:pattern value="ä"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="P7"><xs:restriction base="t:P6"><xs:pattern value="x\^y|ä"/></xs:restriction></xs:simpleType>
		<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="a" type="t:P1" minOccurs="0"/><xs:element name="b" type="t:P2" minOccurs="0"/><xs:element name="c" type="t:P3" minOccurs="0"/>
		<xs:element name="d" type="t:P4" minOccurs="0"/><xs:element name="e" type="t:P5" minOccurs="0"/><xs:element name="f" type="t:P7" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:a>_ä-1.x</t:a><t:b>bcd</t:b><t:c>Äpfel</t:c><t:d>abc</t:d><t:e>abc</t:e><t:f>x^y</t:f>`), true},
			{wrap(`<t:f>ä</t:f>`), true},
			{wrap(`<t:f>ö</t:f>`), false},
			{wrap(`<t:c>123</t:c>`), true},
			{wrap(`<t:a>1abc</t:a>`), false},
			{wrap(`<t:b>bad</t:b>`), false},
			{wrap(`<t:c>1</t:c>`), false},
			{wrap(`<t:c>äpfel</t:c>`), false},
			{wrap(`<t:d>a:b</t:d>`), false},
			{wrap(`<t:e>a
c</t:e>`), false},
			{wrap(`<t:e>xabc</t:e>`), false},
			{wrap(`<t:f>xy</t:f>`), false},
		}},
	{"list-union-builtins", `<xs:simpleType name="L"><xs:list itemType="xs:int"/></xs:simpleType>
		<xs:simpleType name="L2"><xs:restriction base="t:L"><xs:maxLength value="2"/></xs:restriction></xs:simpleType>
		<xs:simpleType name="U"><xs:union memberTypes="xs:date xs:boolean"><xs:simpleType><xs:restriction base="xs:token"><xs:enumeration value="unbekannt"/></xs:restriction></xs:simpleType></xs:union></xs:simpleType>
		<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="l" type="t:L2" minOccurs="0"/><xs:element name="u" type="t:U" minOccurs="0" maxOccurs="3"/>
		<xs:element name="dt" type="xs:dateTime" minOccurs="0"/><xs:element name="du" type="xs:duration" minOccurs="0"/>
		<xs:element name="b64" type="xs:base64Binary" minOccurs="0"/><xs:element name="uri" type="xs:anyURI" minOccurs="0"/>
		<xs:element name="q" type="xs:QName" minOccurs="0"/><xs:element name="lang" type="xs:language" minOccurs="0"/>
		<xs:element name="nm" type="xs:NMTOKENS" minOccurs="0"/><xs:element name="g" type="xs:gYearMonth" minOccurs="0"/>
		<xs:element name="by" type="xs:byte" minOccurs="0"/><xs:element name="fl" type="xs:float" minOccurs="0"/>
		</xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:l> 1  -2 </t:l><t:u>2024-02-29</t:u><t:u>true</t:u><t:u>unbekannt</t:u><t:dt>2024-01-01T00:00:00Z</t:dt><t:du>P1Y2MT3.5S</t:du><t:b64>SGFsbG8=</t:b64><t:uri>https://example.org/a?b#c</t:uri><t:q>t:x</t:q><t:lang>de-DE</t:lang><t:nm>a b</t:nm><t:g>2024-12</t:g><t:by>-128</t:by><t:fl>-1.5E3</t:fl>`), true},
			{wrap(`<t:l>1 2 3</t:l>`), false},
			{wrap(`<t:l>1 x</t:l>`), false},
			{wrap(`<t:u>2023-02-29</t:u>`), false},
			{wrap(`<t:u>vielleicht</t:u>`), false},
			{wrap(`<t:dt>2024-01-01</t:dt>`), false},
			{wrap(`<t:dt>2024-01-01T10:00:00+15:00</t:dt>`), false},
			{wrap(`<t:du>P1H</t:du>`), false},
			{wrap(`<t:du>PT</t:du>`), false},
			{wrap(`<t:b64>SGFsbG8</t:b64>`), false},
			{wrap(`<t:uri>http://[bad</t:uri>`), false},
			{wrap(`<t:q>u:x</t:q>`), false},
			{wrap(`<t:lang>deutsch-123456789</t:lang>`), false},
			{wrap(`<t:nm></t:nm>`), true}, // libxml2 accepts an empty built-in list type
			{wrap(`<t:nm>a,b</t:nm>`), false},
			{wrap(`<t:g>2024-13</t:g>`), false},
			{wrap(`<t:by>128</t:by>`), false},
			{wrap(`<t:fl>1.5e</t:fl>`), true}, // libxml2 accepts an empty exponent
			{wrap(`<t:fl>1.5f</t:fl>`), false},
			{wrap(`<t:fl>+INF</t:fl>`), false},
		}},
	{"attributes-fixed-default-nil", `<xs:attribute name="ga" type="xs:int"/>
		<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="a" minOccurs="0"><xs:complexType><xs:attribute name="req" use="required"/><xs:attribute name="fix" type="xs:decimal" fixed="1.0"/><xs:attribute name="def" type="xs:int" default="3"/><xs:attribute ref="t:ga"/></xs:complexType></xs:element>
		<xs:element name="f" type="xs:int" fixed="7" minOccurs="0"/>
		<xs:element name="n" type="xs:int" nillable="true" minOccurs="0"/>
		<xs:element name="nn" type="xs:int" minOccurs="0"/>
		</xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:a req="x" fix="1" def="4" t:ga="5"/><t:f/><t:n xsi:nil="true"/>`), true},
			{wrap(`<t:f> 7 </t:f>`), false},
			{wrap(`<t:f>07</t:f>`), false}, // libxml2 compares fixed element values lexically
			{wrap(`<t:a/>`), false},
			{wrap(`<t:a req="x" fix="2"/>`), false},
			{wrap(`<t:a req="x" def="x"/>`), false},
			{wrap(`<t:a req="x" ga="5"/>`), false},
			{wrap(`<t:a req="x" t:ga="z"/>`), false},
			{wrap(`<t:f>8</t:f>`), false},
			{wrap(`<t:n xsi:nil="true">1</t:n>`), false},
			{wrap(`<t:nn xsi:nil="true"/>`), false},
			{wrap(`<t:nn/>`), false},
			{wrap(`<t:a req="x" xsi:foo="1"/>`), false},
		}},
	{"substitution-any-ids", `<xs:element name="head" type="xs:string" abstract="true"/>
		<xs:element name="m1" substitutionGroup="t:head"/>
		<xs:element name="m2" type="xs:token" substitutionGroup="t:head"/>
		<xs:element name="glob" type="xs:int"/>
		<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element ref="t:head" maxOccurs="2"/>
		<xs:any namespace="##other" processContents="lax" minOccurs="0"/>
		<xs:element name="s" minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="##targetNamespace" processContents="strict"/></xs:sequence></xs:complexType></xs:element>
		<xs:element name="k" minOccurs="0"><xs:complexType><xs:sequence><xs:any processContents="skip" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
		<xs:element name="i" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:attribute name="id" type="xs:ID"/><xs:attribute name="ref" type="xs:IDREFS"/></xs:complexType></xs:element>
		</xs:sequence></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<t:m1>a</t:m1><t:m2>b</t:m2><o:x xmlns:o="urn:o"><o:y/></o:x><t:s><t:glob>1</t:glob></t:s><t:k><t:whatever a="1"><x/></t:whatever></t:k><t:i id="a"/><t:i id="b" ref="a c"/>`), true},
			{wrap(`<t:head>a</t:head>`), false},
			{wrap(`<t:m1>a</t:m1><t:m1>a</t:m1><t:m1>a</t:m1>`), false},
			{wrap(`<t:m1>a</t:m1><t:x/>`), false},
			{wrap(`<t:m1>a</t:m1><t:s><t:undeclared/></t:s>`), false},
			{wrap(`<t:m1>a</t:m1><t:s><t:glob>x</t:glob></t:s>`), false},
			{wrap(`<t:m1>a</t:m1><t:s><o:x xmlns:o="urn:o"/></t:s>`), false},
			{wrap(`<t:m1>a</t:m1><x/>`), false},
			{wrap(`<t:m1>a</t:m1><t:i id="a"/><t:i id="a"/>`), false},
			{wrap(`<t:m1>a</t:m1><t:i id="1a"/>`), false},
			{wrap(`<t:m1>a</t:m1><o:x xmlns:o="urn:o"/><o:x xmlns:o="urn:o"/>`), false},
		}},
	{"forms-mixed-empty", `<xs:element name="r"><xs:complexType><xs:sequence>
		<xs:element name="u" form="unqualified" minOccurs="0"/>
		<xs:element name="mx" minOccurs="0"><xs:complexType mixed="true"><xs:sequence><xs:element name="b" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>
		<xs:element name="em" minOccurs="0"><xs:complexType><xs:attribute name="a"/></xs:complexType></xs:element>
		</xs:sequence><xs:attribute name="qa" form="qualified"/></xs:complexType></xs:element>`,
		[]featureDoc{
			{wrap(`<u/><t:mx>text <t:b/> more</t:mx><t:em a="1"></t:em>`), true},
			{wrap(`<t:em a="1"> </t:em>`), false}, // empty content: not even whitespace
			{`<t:r xmlns:t="urn:t" t:qa="1"/>`, true},
			{`<t:r xmlns:t="urn:t" qa="1"/>`, false},
			{wrap(`<t:u/>`), false},
			{wrap(`<t:em>x</t:em>`), false},
			{wrap(`<t:em><t:b/></t:em>`), false},
			{wrap(`<t:mx><t:c/></t:mx>`), false},
		}},
}

func compileInline(t testing.TB, schema string) *Schema {
	t.Helper()
	fsys := fstest.MapFS{"s.xsd": {Data: []byte(schemaHead + schema + `</xs:schema>`)}}
	s, err := Compile(fsys, "s.xsd", Config{})
	require.NoError(t, err)
	return s
}

func TestFeatures(t *testing.T) {
	pos, neg := 0, 0
	for _, c := range featureCases {
		t.Run(c.name, func(t *testing.T) {
			s := compileInline(t, c.schema)
			for i, d := range c.docs {
				err := s.ValidateBytes(context.Background(), []byte(d.doc))
				if d.valid {
					pos++
					assert.NoError(t, err, "doc %d: %s", i, d.doc)
					continue
				}
				neg++
				assert.Error(t, err, "doc %d: %s", i, d.doc)
			}
		})
	}
	t.Logf("feature cases: %d valid, %d invalid", pos, neg)
}

func TestFeaturesXMLLint(t *testing.T) {
	xmllint := xmllintPath(t)
	agree, total := 0, 0
	for _, c := range featureCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			xsdPath := filepath.Join(dir, "s.xsd")
			require.NoError(t, os.WriteFile(xsdPath, []byte(schemaHead+c.schema+`</xs:schema>`), 0o644))
			catalog := filepath.Join(dir, "catalog.xml")
			require.NoError(t, os.WriteFile(catalog, []byte(`<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"/>`), 0o644))
			var files []string
			for i, d := range c.docs {
				p := filepath.Join(dir, fmt.Sprintf("d%02d.xml", i))
				require.NoError(t, os.WriteFile(p, []byte(d.doc), 0o644))
				files = append(files, p)
			}
			v := xmllintVerdicts(t, xmllint, xsdPath, catalog, files)
			for i, d := range c.docs {
				total++
				if v[files[i]] == d.valid {
					agree++
				}
				assert.Equal(t, d.valid, v[files[i]], "xmllint verdict for doc %d: %s", i, d.doc)
			}
		})
	}
	t.Logf("feature cases: xmllint agreement %d/%d", agree, total)
}
