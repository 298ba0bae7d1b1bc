package xoev_test

import (
	"context"
	"fmt"
	"testing/fstest"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/codelist"
	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

// The three artefacts of a small municipal standard "XAbfall" (bin
// registrations): its XSD, which imports the XÖV core by its official
// URIs; its code list of message types (genericode); and its profile.
const (
	abfallXSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:bn-uq-g2g="http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1"
    xmlns:din91379="urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08"
    xmlns:xabfall="urn:example:musterstadt:xabfall:1"
    targetNamespace="urn:example:musterstadt:xabfall:1" elementFormDefault="qualified">
  <xs:import namespace="http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1"
    schemaLocation="http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1/xoev-basisnachricht-unqualified-g2g_1.1.xsd"/>
  <xs:import namespace="urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08"
    schemaLocation="https://xoev.de/schemata/din/91379/2022-08/din-norm-91379-datatypes.xsd"/>
  <xs:element name="behaelter.anmelden.0001">
    <xs:complexType><xs:complexContent><xs:extension base="bn-uq-g2g:Nachricht.G2GType">
      <xs:sequence>
        <xs:element name="strasse" type="din91379:datatypeC"/>
        <xs:element name="volumenLiter"><xs:simpleType><xs:restriction base="xs:token">
          <xs:enumeration value="60"/><xs:enumeration value="120"/><xs:enumeration value="240"/>
        </xs:restriction></xs:simpleType></xs:element>
      </xs:sequence>
    </xs:extension></xs:complexContent></xs:complexType>
  </xs:element>
</xs:schema>`

	abfallNachrichten = `<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification>
    <ShortName>xabfall-nachrichten</ShortName>
    <Version>1.0</Version>
    <CanonicalUri>urn:example:musterstadt:xabfall:codeliste:nachrichten</CanonicalUri>
    <CanonicalVersionUri>urn:example:musterstadt:xabfall:codeliste:nachrichten_1.0</CanonicalVersionUri>
  </Identification>
  <ColumnSet>
    <Column Id="code" Use="required"><ShortName>code</ShortName><Data Type="string"/></Column>
    <Column Id="nachricht" Use="required"><ShortName>nachricht</ShortName><Data Type="string"/></Column>
    <Key Id="codeKey"><ShortName>codeKey</ShortName><ColumnRef Ref="code"/></Key>
  </ColumnSet>
  <SimpleCodeList>
    <Row><Value ColumnRef="code"><SimpleValue>0001</SimpleValue></Value>
      <Value ColumnRef="nachricht"><SimpleValue>behaelter.anmelden.0001</SimpleValue></Value></Row>
  </SimpleCodeList>
</gc:CodeList>`

	abfallProfile = `{
  "name": "xabfall-1.0",
  "standard": "XAbfall",
  "version": "1.0",
  "namespace": "urn:example:musterstadt:xabfall:1",
  "prefix": "xabfall",
  "headerForm": "unqualified",
  "nachrichtentyp": {
    "listURI": "urn:example:musterstadt:xabfall:codeliste:nachrichten",
    "listVersionID": "1.0",
    "rootColumn": "nachricht"
  }
}`
)

// Add a municipal standard end to end: compile its XSD against the
// bundled XÖV core, register its profile and code list, build a message
// and check it with both the header rules and the schema.
func Example_ownStandard() {
	ctx := context.Background()

	// 1. Schema: the standard's own files plus the XÖV core as a source
	// that answers the official URIs.
	schema, err := xsd.Compile(fstest.MapFS{"xabfall.xsd": {Data: []byte(abfallXSD)}}, "xabfall.xsd",
		xsd.Config{Sources: []xsd.Source{schemas.XOEVCore().Source()}})
	if err != nil {
		panic(err)
	}

	// 2. Code list: the shipped lists (verzeichnisdienst, erreichbarkeit)
	// plus the standard's message types.
	lists, err := xoev.StandardCodeLists(ctx, codelist.Config{})
	if err != nil {
		panic(err)
	}
	nachrichten, err := codelist.Parse([]byte(abfallNachrichten), codelist.Config{})
	if err != nil {
		panic(err)
	}
	if err := lists.Add(nachrichten); err != nil {
		panic(err)
	}

	// 3. Profile: namespace, @standard/@version, header form and which
	// code list column names the root element.
	profile, err := xoev.ParseProfile([]byte(abfallProfile))
	if err != nil {
		panic(err)
	}
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		panic(err)
	}
	if err := profiles.Add(profile); err != nil {
		panic(err)
	}
	parser, err := xoev.New(xoev.Config{Profiles: profiles, CodeLists: lists})
	if err != nil {
		panic(err)
	}

	// Build a message (fixed clock and UUID for a reproducible example).
	b, err := xoev.NewBuilder(xoev.BuilderConfig{
		Profile: profile, Parser: parser, Produkt: "Abfallportal", Produkthersteller: "Musterstadt",
		Now:     func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) },
		NewUUID: func() (uuid.UUID, error) { return uuid.Parse("6f1c1a3e-2b7d-4c1e-9f3a-0d5e8b7c6a21") },
	})
	if err != nil {
		panic(err)
	}
	dvdv := xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"}
	strasse := etree.NewElement("xabfall:strasse")
	strasse.SetText("Hauptstraße 1")
	volumen := etree.NewElement("xabfall:volumenLiter")
	volumen.SetText("120")
	msg, err := b.Build(ctx, xoev.Draft{
		Root:  "behaelter.anmelden.0001", // nachrichtentyp 0001 from the code list
		Leser: xoev.Behoerde{Verzeichnisdienst: dvdv, Kennung: "psw:01003110", Name: "Abfallwirtschaft Musterstadt"},
		Autor: xoev.Behoerde{Verzeichnisdienst: dvdv, Kennung: "psw:11113110", Name: "Abfallportal"},
		Body:  []*etree.Element{strasse, volumen},
	})
	if err != nil {
		panic(err)
	}
	data, err := msg.Bytes()
	if err != nil {
		panic(err)
	}

	// The receiving side: header rules, then the schema.
	in, err := parser.Parse(ctx, data)
	if err != nil {
		panic(err)
	}
	fmt.Println(in.Profile.Name, in.Kopf.IdentifikationNachricht.Nachrichtentyp.Code)
	fmt.Println("schema:", schema.ValidateBytes(ctx, data))

	volumen.SetText("100") // not an allowed bin size
	msg, err = b.Build(ctx, xoev.Draft{Root: "behaelter.anmelden.0001", Leser: msg.Kopf.Leser, Autor: msg.Kopf.Autor,
		Body: []*etree.Element{strasse, volumen}})
	if err != nil {
		panic(err)
	}
	data, _ = msg.Bytes()
	fmt.Println("schema:", schema.ValidateBytes(ctx, data))
	// Output:
	// xabfall-1.0 0001
	// schema: <nil>
	// schema: xsd: document is not valid: line 1: /behaelter.anmelden.0001/volumenLiter: cvc-datatype-valid: value "100": not one of the allowed values "60", "120", "240"
}
