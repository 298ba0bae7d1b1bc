package xoev_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/xoev"
)

// Build an XBau 2.6 baugenehmigung.antrag.0200 message, then parse it
// back as a receiving authority would.
func Example() {
	ctx := context.Background()
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		panic(err)
	}
	xbau, _ := profiles.ByName("xbau-2.6")
	b, err := xoev.NewBuilder(xoev.BuilderConfig{
		Profile:           xbau,
		Produkt:           "Antragsportal",
		Produkthersteller: "Beispiel GmbH",
		// Fixed clock and UUID for a reproducible example; production code
		// leaves both nil (time.Now, random RFC 4122 UUIDs).
		Now:     func() time.Time { return time.Date(2026, 11, 25, 10, 30, 0, 123e6, time.UTC) },
		NewUUID: func() (uuid.UUID, error) { return uuid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e") },
	})
	if err != nil {
		panic(err)
	}
	dvdv := xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"}
	msg, err := b.Build(ctx, xoev.Draft{
		Root:  "baugenehmigung.antrag.0200", // nachrichtentyp 0200 is looked up
		Leser: xoev.Behoerde{Verzeichnisdienst: dvdv, Kennung: "psw:01003110", Name: "Bauaufsicht Musterstadt"},
		Autor: xoev.Behoerde{Verzeichnisdienst: dvdv, Kennung: "psw:11113110", Name: "Antragsportal"},
	})
	if err != nil {
		panic(err)
	}
	data, _ := msg.Bytes()

	p, err := xoev.New(xoev.Config{MaxBytes: 1 << 20})
	if err != nil {
		panic(err)
	}
	in, err := p.Parse(ctx, data)
	if err != nil {
		panic(err)
	}
	k := in.Kopf
	fmt.Println(in.Root.Local, in.Profile.Name, k.Form)
	fmt.Println(k.IdentifikationNachricht.NachrichtenUUID)
	fmt.Println(k.IdentifikationNachricht.Nachrichtentyp.Code, k.IdentifikationNachricht.Nachrichtentyp.ListURI)
	fmt.Println(xoev.FormatErstellungszeitpunkt(k.IdentifikationNachricht.Erstellungszeitpunkt))
	leser, _ := xoev.ParseDVDVKennung(k.Leser.Kennung)
	fmt.Println(leser.Praefix, leser.Kennung, k.Leser.Name)
	// Output:
	// baugenehmigung.antrag.0200 xbau-2.6 unqualified
	// 0f8fad5b-d9cb-469f-a165-70867728950e
	// 0200 urn:xoev-de:xbau:codeliste:xbau-nachrichten
	// 2026-11-25T10:30:00.123Z
	// psw 01003110 Bauaufsicht Musterstadt
}

// A header whose nachrichtentyp code names another message is refused with
// the location of the fault.
func ExampleParser_Parse_mismatch() {
	p, _ := xoev.New(xoev.Config{})
	data := []byte(`<xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6" produkt="p" produkthersteller="h" standard="XBau-Hochbau" version="2.6">` +
		`<nachrichtenkopf.g2g><identifikation.nachricht><nachrichtenUUID>0f8fad5b-d9cb-469f-a165-70867728950e</nachrichtenUUID>` +
		`<nachrichtentyp listURI="urn:xoev-de:xbau:codeliste:xbau-nachrichten" listVersionID="4.0"><code>0205</code></nachrichtentyp>` +
		`<erstellungszeitpunkt>2026-11-25T10:30:00.123Z</erstellungszeitpunkt></identifikation.nachricht>` +
		`<leser><verzeichnisdienst listVersionID="1"><code>DVDV</code></verzeichnisdienst><kennung>psw:01003110</kennung><name>A</name></leser>` +
		`<autor><verzeichnisdienst listVersionID="1"><code>DVDV</code></verzeichnisdienst><kennung>psw:11113110</kennung><name>B</name></autor>` +
		`</nachrichtenkopf.g2g></xbau:baugenehmigung.antrag.0200>`)
	_, err := p.Parse(context.Background(), data)
	fmt.Println(err)
	// Output:
	// xoev: code "0205" names root baugenehmigung.bescheid.0205, message root is baugenehmigung.antrag.0200 at /xbau:baugenehmigung.antrag.0200/nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code
}
