package xoev_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

func TestBuilderNewUUIDPerMessageAndStrictTime(t *testing.T) {
	prof := xoevtest.Profile(t, "xbau-2.6")
	b, err := xoev.NewBuilder(xoev.BuilderConfig{Profile: prof, Produkt: "p", Produkthersteller: "h",
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6_789_000, time.UTC) }})
	require.NoError(t, err)
	p := newParser(t)
	seen := map[string]bool{}
	for range 5 {
		m, err := b.Build(context.Background(), xoev.Draft{Root: "baugenehmigung.bescheid.0205", Leser: xoevtest.Leser, Autor: xoevtest.Autor})
		require.NoError(t, err)
		id := m.Kopf.IdentifikationNachricht.NachrichtenUUID
		u, err := uuid.Parse(id)
		require.NoError(t, err)
		assert.Equal(t, uuid.Version(4), u.Version())
		assert.Equal(t, uuid.RFC4122, u.Variant())
		assert.False(t, seen[id], "UUID reused")
		seen[id] = true
		assert.Equal(t, "0205", m.Kopf.IdentifikationNachricht.Nachrichtentyp.Code)
		out, err := m.Bytes()
		require.NoError(t, err)
		assert.Contains(t, string(out), "<erstellungszeitpunkt>2026-01-02T03:04:05.006Z</erstellungszeitpunkt>")
		back, err := p.Parse(context.Background(), out)
		require.NoError(t, err)
		assert.Empty(t, filterTime(back.Warnings))
	}
}

func filterTime(ws []xoev.Warning) []xoev.Warning {
	var out []xoev.Warning
	for _, w := range ws {
		if strings.HasSuffix(w.Path, "erstellungszeitpunkt") {
			out = append(out, w)
		}
	}
	return out
}

func TestBuilderRefusesInvalidDrafts(t *testing.T) {
	b := xoevtest.NewBuilder(t, "xbau-2.6")
	bad := xoevtest.Behoerde("psw01003110", "x")
	tests := []struct {
		name string
		d    xoev.Draft
		kind error
	}{
		{"no root", xoev.Draft{Leser: xoevtest.Leser, Autor: xoevtest.Autor}, xoev.ErrBuild},
		{"root not in the standard", xoev.Draft{Root: "vorgang.transportieren.2010", Leser: xoevtest.Leser, Autor: xoevtest.Autor}, xoev.ErrBuild},
		{"explicit code mismatching root", xoev.Draft{Root: "baugenehmigung.antrag.0200", Nachrichtentyp: xoev.Code{Code: "0205"}, Leser: xoevtest.Leser, Autor: xoevtest.Autor}, xoev.ErrNachrichtentyp},
		{"bad DVDV kennung", xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: bad, Autor: xoevtest.Autor}, xoev.ErrKennung},
		{"greek authority name", xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: xoevtest.Behoerde("psw:1", "Σ"), Autor: xoevtest.Autor}, xoev.ErrCharacter},
		{"nil body element", xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: xoevtest.Leser, Autor: xoevtest.Autor, Body: []*etree.Element{nil}}, xoev.ErrBuild},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := b.Build(context.Background(), tt.d)
			require.ErrorIs(t, err, tt.kind)
			assert.Nil(t, m)
		})
	}
	// UUID source failure
	b2, err := xoev.NewBuilder(xoev.BuilderConfig{Profile: xoevtest.Profile(t, "xbau-2.6"), Produkt: "p", Produkthersteller: "h",
		NewUUID: func() (uuid.UUID, error) { return uuid.Nil, errors.New("no entropy") }})
	require.NoError(t, err)
	_, err = b2.Build(context.Background(), xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: xoevtest.Leser, Autor: xoevtest.Autor})
	require.ErrorIs(t, err, xoev.ErrBuild)
}

func TestDVDVKennung(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"psw:01003110", true},
		{"PSW:0100-31.10", true},
		{"psw01003110", false},
		{":01003110", false},
		{"psw:", false},
		{"", false},
		{"ps w:0100", false},
		{"psw:01:02", false},
		{"psw:0100 3110", false},
		{"psw:ü", false},
		{"ps-w:1", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := xoev.ParseDVDVKennung(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, xoev.ErrKennung)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.in, k.String())
		})
	}
}

func TestProfilesAreData(t *testing.T) {
	ps, err := xoev.StandardProfiles()
	require.NoError(t, err)
	assert.Equal(t, []string{"xbau-2.6", "xbau-kernmodul-1.3.0", "xdomea-3.0.0", "xwasser-1.0.0"}, ps.Names())
	x, ok := ps.Lookup("https://gitlab.opencode.de/akdb/xoev/xwasser/-/raw/main/V1_0_0")
	require.True(t, ok)
	assert.Equal(t, "Nachricht", x.Nachrichtentyp.RootColumn)
	require.NotNil(t, x.Signature)

	bad := []string{
		`{}`,
		`{"name":"a","standard":"s","version":"1","namespace":"urn:a","headerForm":"unqualified"}`,
		`{"name":"a","standard":"s","version":"1","namespace":"urn:a","headerForm":"xinneres4","nachrichtentyp":{"listURI":"u","listVersionID":"1","rootColumn":"c"}}`,
		`{"name":"a","standard":"s","version":"1","namespace":"urn:a","headerForm":"qualified","nachrichtentyp":{"listURI":"u","listVersionID":"1","rootColumn":"c"},"headerExtensions":[{"name":"x","type":"uuid"}]}`,
		`{"name":"a","standard":"s","version":"1","namespace":"urn:a","headerForm":"unqualified","nachrichtentyp":{"listURI":"u","listVersionID":"1","rootColumn":"c"},"headerExtensions":[{"name":"x","type":"int"}]}`,
		`{"name":"a","standard":"s","version":"1","namespace":"urn:a","headerForm":"unqualified","nachrichtentyp":{"listURI":"u","listVersionID":"1","rootColumn":"c"},"unknownField":1}`,
		`{"name":"a","standard":"s","version":"1","namespace":"urn:a","headerForm":"unqualified","nachrichtentyp":{"listURI":"u","listVersionID":"1","rootColumn":"c"},"signature":{"roots":[],"position":"last"}}`,
	}
	for i, b := range bad {
		_, err := xoev.ParseProfile([]byte(b))
		require.ErrorIs(t, err, xoev.ErrProfile, "case %d", i)
	}
	// A second profile for a namespace is refused.
	require.ErrorIs(t, ps.Add(x), xoev.ErrProfile)
}

func TestRequireProfile(t *testing.T) {
	p, err := xoev.New(xoev.Config{RequireProfile: true})
	require.NoError(t, err)
	_, err = p.Parse(context.Background(), readTestdata(t, "xinneres4-0200.xml"))
	require.ErrorIs(t, err, xoev.ErrProfile)
}

// Changing the time of a parsed header writes it strictly (ms + zone),
// while an unchanged lexical form (here: no ms, no zone) round-trips.
func TestSetNachrichtenkopfTimeWrittenStrictlyWhenChanged(t *testing.T) {
	p := newParser(t)
	m, err := p.Decode(readTestdata(t, "administration_receipt.xml"))
	require.NoError(t, err)
	k := m.Kopf
	require.NoError(t, m.SetNachrichtenkopf(k))
	out, _ := m.Bytes()
	assert.Contains(t, string(out), "<erstellungszeitpunkt>2024-05-28T09:00:00</erstellungszeitpunkt>")

	k.IdentifikationNachricht.Erstellungszeitpunkt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", -2*3600))
	require.NoError(t, m.SetNachrichtenkopf(k))
	out, _ = m.Bytes()
	assert.Contains(t, string(out), "<erstellungszeitpunkt>2026-01-02T03:04:05.000-02:00</erstellungszeitpunkt>")
}

// The Builder writes Unicode NFC, which Parse (like the schema) requires.
func TestBuilderNormalisesToNFC(t *testing.T) {
	b := xoevtest.NewBuilder(t, "xbau-2.6")
	leser := xoevtest.Leser
	leser.Name = "Bauamt U\u0308ckendorf"
	leser.Erreichbarkeit = append([]xoev.Kommunikation(nil), leser.Erreichbarkeit...)
	if len(leser.Erreichbarkeit) > 0 {
		leser.Erreichbarkeit[0].Kennung = "bu\u0308ro@example.org"
	}
	m, err := b.Build(context.Background(), xoev.Draft{Root: "baugenehmigung.bescheid.0205", Leser: leser, Autor: xoevtest.Autor})
	require.NoError(t, err)
	assert.Equal(t, "Bauamt \u00dcckendorf", m.Kopf.Leser.Name)
	out, err := m.Bytes()
	require.NoError(t, err)
	assert.Contains(t, string(out), "Bauamt \u00dcckendorf")
	assert.NotContains(t, string(out), "\u0308")
	assert.Equal(t, "Bauamt U\u0308ckendorf", leser.Name, "the caller's draft is not changed")
	_, err = newParser(t).Parse(context.Background(), out)
	require.NoError(t, err)
}
