package xsd_test

import (
	"context"
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func Example() {
	fsys := fstest.MapFS{"antrag.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
	    targetNamespace="urn:example:antrag" elementFormDefault="qualified">
	  <xs:element name="antrag">
	    <xs:complexType>
	      <xs:sequence>
	        <xs:element name="eingang" type="xs:date"/>
	        <xs:element name="plz">
	          <xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="\d{5}"/></xs:restriction></xs:simpleType>
	        </xs:element>
	      </xs:sequence>
	    </xs:complexType>
	  </xs:element>
	</xs:schema>`)}}
	schema, err := xsd.Compile(fsys, "antrag.xsd", xsd.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := `<antrag xmlns="urn:example:antrag">
  <eingang>2024-02-30</eingang>
  <plz>6611</plz>
</antrag>`
	err = schema.ValidateBytes(context.Background(), []byte(doc))
	var ve *xsd.ValidationError
	if errors.As(err, &ve) {
		for _, v := range ve.Violations {
			fmt.Println(v.Line, v.Path, v.Constraint)
		}
	}
	fmt.Println(errors.Is(err, xsd.ErrInvalid))
	// Output:
	// 2 /antrag/eingang cvc-datatype-valid
	// 3 /antrag/plz cvc-datatype-valid
	// true
}

func ExampleCompile_bundled() {
	b := schemas.XBau26()
	schema, err := xsd.Compile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = schema.ValidateBytes(context.Background(), []byte(
		`<xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6"/>`))
	var ve *xsd.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Violations[0].Constraint)
	}
	// Output:
	// cvc-complex-type.4
}

func ExampleCompile_refused() {
	fsys := fstest.MapFS{"s.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
	  <xs:import namespace="urn:other" schemaLocation="https://example.org/other.xsd"/>
	</xs:schema>`)}}
	_, err := xsd.Compile(fsys, "s.xsd", xsd.Config{})
	fmt.Println(errors.Is(err, xsd.ErrSchema))
	// Output:
	// true
}
