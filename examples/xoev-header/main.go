// Command xoev-header builds an XBau 2.6 baugenehmigung.antrag.0200
// message header, writes the message to stdout, parses it back as the
// receiving authority would and prints the header fields it read.
//
// Usage:
//
//	go run ./examples/xoev-header
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/xoev"
)

func main() {
	if err := run(context.Background(), os.Stdout, time.Now); err != nil {
		fmt.Fprintln(os.Stderr, "xoev-header:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, now func() time.Time) error {
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		return err
	}
	xbau, ok := profiles.ByName("xbau-2.6")
	if !ok {
		return fmt.Errorf("profile xbau-2.6 not shipped")
	}
	b, err := xoev.NewBuilder(xoev.BuilderConfig{
		Profile:           xbau,
		Produkt:           "ozg example",
		Produkthersteller: "egosaar",
		Produktversion:    "0.1",
		Now:               now,
	})
	if err != nil {
		return err
	}
	dvdv := xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"}
	email := func(addr string) []xoev.Kommunikation {
		return []xoev.Kommunikation{{Kanal: xoev.Code{Code: "01", ListVersionID: "4"}, Kennung: addr}}
	}
	// The body is the caller's business; a placeholder element here.
	body := etree.NewElement("xbau:referenzAntragsservice")
	body.CreateElement("xbau:id").SetText("antrag-4711")

	msg, err := b.Build(ctx, xoev.Draft{
		Root:  "baugenehmigung.antrag.0200",
		Leser: xoev.Behoerde{Verzeichnisdienst: dvdv, Kennung: "psw:01003110", Name: "Untere Bauaufsichtsbehörde Musterstadt", Erreichbarkeit: email("bauaufsicht@example.org")},
		Autor: xoev.Behoerde{Verzeichnisdienst: dvdv, Kennung: "psw:11113110", Name: "Antragsportal Musterland"},
		Body:  []*etree.Element{body},
	})
	if err != nil {
		return err
	}
	data, err := msg.Bytes()
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%s\n\n", data); err != nil {
		return err
	}

	p, err := xoev.New(xoev.Config{MaxBytes: 1 << 20})
	if err != nil {
		return err
	}
	in, err := p.Parse(ctx, data)
	if err != nil {
		return err
	}
	k := in.Kopf
	id := k.IdentifikationNachricht
	fmt.Fprintf(w, "root:                 %s (profile %s, header %s)\n", in.Root.Local, in.Profile.Name, k.Form)
	fmt.Fprintf(w, "standard/version:     %s %s\n", k.Standard, k.Version)
	fmt.Fprintf(w, "nachrichtenUUID:      %s\n", id.NachrichtenUUID)
	fmt.Fprintf(w, "nachrichtentyp:       %s (%s %s)\n", id.Nachrichtentyp.Code, id.Nachrichtentyp.ListURI, id.Nachrichtentyp.ListVersionID)
	fmt.Fprintf(w, "erstellungszeitpunkt: %s\n", xoev.FormatErstellungszeitpunkt(id.Erstellungszeitpunkt))
	fmt.Fprintf(w, "leser:                %s (%s)\n", k.Leser.Name, k.Leser.Kennung)
	fmt.Fprintf(w, "autor:                %s (%s)\n", k.Autor.Name, k.Autor.Kennung)
	for _, warn := range in.Warnings {
		fmt.Fprintf(w, "warning:              %s\n", warn)
	}
	return nil
}
