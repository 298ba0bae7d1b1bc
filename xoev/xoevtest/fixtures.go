package xoevtest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"

	"github.com/egosaar/ozg/xoev"
)

// Now is the fixed creation time used by the builders here.
var Now = time.Date(2026, 11, 25, 10, 30, 0, 123_000_000, time.FixedZone("CET", 3600))

// Clock returns a func that always reports Now.
func Clock() func() time.Time { return func() time.Time { return Now } }

// SequentialUUIDs returns a generator of valid version-4 UUIDs
// 00000000-0000-4000-8000-000000000001, …-000000000002, …
func SequentialUUIDs() func() (uuid.UUID, error) {
	var n atomic.Uint64
	return func() (uuid.UUID, error) {
		return uuid.Parse(fmt.Sprintf("00000000-0000-4000-8000-%012x", n.Add(1)))
	}
}

// Behoerde returns a DVDV-registered authority with one e-mail
// erreichbarkeit (kanal 01 of erreichbarkeit version 4). The
// verzeichnisdienst list version is "1".
func Behoerde(kennung, name string) xoev.Behoerde {
	return xoev.Behoerde{
		Verzeichnisdienst: xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"},
		Kennung:           kennung,
		Name:              name,
		Erreichbarkeit: []xoev.Kommunikation{{
			Kanal:   xoev.Code{Code: "01", ListVersionID: "4"},
			Kennung: "poststelle@example.org",
		}},
	}
}

// Leser and Autor are the authorities used by the fixture messages.
var (
	Leser = Behoerde("psw:01003110", "Untere Bauaufsichtsbehörde Musterstadt")
	Autor = Behoerde("psw:11113110", "Antragsportal Musterland")
)

// Profile returns a shipped profile by name ("xbau-2.6", "xwasser-1.0.0").
func Profile(t testing.TB, name string) *xoev.Profile {
	t.Helper()
	ps, err := xoev.StandardProfiles()
	if err != nil {
		t.Fatalf("xoevtest: %v", err)
	}
	p, ok := ps.ByName(name)
	if !ok {
		t.Fatalf("xoevtest: no profile %q", name)
	}
	return p
}

// NewBuilder returns a Builder for the named profile with the fixed clock
// and sequential UUIDs.
func NewBuilder(t testing.TB, profile string) *xoev.Builder {
	t.Helper()
	b, err := xoev.NewBuilder(xoev.BuilderConfig{
		Profile: Profile(t, profile), Produkt: "ozg-xoevtest", Produkthersteller: "egosaar", Produktversion: "1.0.0",
		Now: Clock(), NewUUID: SequentialUUIDs(),
	})
	if err != nil {
		t.Fatalf("xoevtest: %v", err)
	}
	return b
}

// XBauAntrag0200 returns a valid XBau 2.6 baugenehmigung.antrag.0200
// message (header only plus one body element; the body is not
// schema-complete, it stands for the caller's content).
func XBauAntrag0200(t testing.TB) []byte {
	t.Helper()
	body := etree.NewElement("xbau:referenzAntragsservice")
	body.CreateElement("xbau:id").SetText("antrag-4711")
	return build(t, "xbau-2.6", xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: Leser, Autor: Autor, Body: []*etree.Element{body}})
}

// XWasserQuittung0020 returns a valid XWasser 1.0.0
// administration.quittung.0020 message with the header extensions
// referenzUUID and dvdvDienstkennung.
func XWasserQuittung0020(t testing.TB) []byte {
	t.Helper()
	body := etree.NewElement("xwas:identifikationVorgang")
	body.CreateElement("xwas:vorgangsID").SetText("5e08e073-4e06-438d-9444-1275f6cbf061")
	return build(t, "xwasser-1.0.0", xoev.Draft{Root: "administration.quittung.0020", Leser: Leser, Autor: Autor,
		Extensions: []xoev.Extension{{Name: "referenzUUID", Value: "693c64d6-456f-4d14-abe7-fe9681c74aae"}, {Name: "dvdvDienstkennung", Value: "urn:xoev-de:xwasser:dienst"}},
		Body:       []*etree.Element{body}})
}

func build(t testing.TB, profile string, d xoev.Draft) []byte {
	t.Helper()
	m, err := NewBuilder(t, profile).Build(context.Background(), d)
	if err != nil {
		t.Fatalf("xoevtest: build: %v", err)
	}
	out, err := m.Bytes()
	if err != nil {
		t.Fatalf("xoevtest: %v", err)
	}
	return out
}

// Mutate parses data (trusted fixture bytes), applies f and serialises
// the result; use it to derive negative cases from a valid message.
func Mutate(t testing.TB, data []byte, f func(doc *etree.Document)) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		t.Fatalf("xoevtest: %v", err)
	}
	f(doc)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatalf("xoevtest: %v", err)
	}
	return out
}

// Replace returns data with the first occurrence of old replaced by new;
// it fails the test if old does not occur.
func Replace(t testing.TB, data []byte, old, new string) []byte {
	t.Helper()
	s := string(data)
	if !strings.Contains(s, old) {
		t.Fatalf("xoevtest: %q not found", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}
