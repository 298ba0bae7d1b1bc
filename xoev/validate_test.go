package xoev_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/din91379"
	"github.com/egosaar/ozg/xoev/xoevtest"
	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

// at returns a mutation that edits the element at path (etree path from
// the root) with f.
func at(path string, f func(e *etree.Element)) func(*etree.Document) {
	return func(doc *etree.Document) {
		e := doc.Root().FindElement(path)
		if e == nil {
			panic("fixture path not found: " + path)
		}
		f(e)
	}
}

func setText(path, v string) func(*etree.Document) {
	return at(path, func(e *etree.Element) { e.SetText(v) })
}

func setAttr(path, k, v string) func(*etree.Document) {
	return at(path, func(e *etree.Element) { e.CreateAttr(k, v) })
}

func removeAttr(path, k string) func(*etree.Document) {
	return at(path, func(e *etree.Element) { e.RemoveAttr(k) })
}

const (
	kopf  = "nachrichtenkopf.g2g/"
	ident = kopf + "identifikation.nachricht/"
	leser = kopf + "leser/"
)

func TestParseRules(t *testing.T) {
	xbau := xoevtest.XBauAntrag0200(t)
	xwasser := xoevtest.XWasserQuittung0020(t)
	tests := []struct {
		name   string
		base   []byte
		mutate func(*etree.Document)
		kind   error  // nil: valid
		path   string // suffix of the reported location
	}{
		// valid
		{name: "valid xbau", base: xbau},
		{name: "valid xwasser with extensions", base: xwasser},
		{name: "upper-case UUID allowed", base: xbau, mutate: setText(ident+"nachrichtenUUID", "8A4F5C1E-3B2D-4E6F-9A1B-2C3D4E5F6A7B")},
		{name: "fixed listURI may be omitted", base: xbau, mutate: removeAttr(ident+"nachrichtentyp", "listURI")},
		{name: "precomposed umlaut", base: xbau, mutate: setText(leser+"name", "Bauamt \u00dcckendorf")},
		{name: "decomposed umlaut refused like the schema does", base: xbau, mutate: setText(leser+"name", "Bauamt U\u0308ckendorf"), kind: xoev.ErrCharacter, path: "/leser/name"},
		{name: "e with combining acute refused", base: xbau, mutate: setText(leser+"kennung", "Caf e\u0301"), kind: xoev.ErrCharacter, path: "/leser/kennung"},
		{name: "test attribute", base: xbau, mutate: setAttr(".", "test", "true")},

		// UUID shapes
		{name: "UUID too short", base: xbau, mutate: setText(ident+"nachrichtenUUID", "8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7"), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},
		{name: "UUID with braces", base: xbau, mutate: setText(ident+"nachrichtenUUID", "{8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7b}"), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},
		{name: "UUID urn form", base: xbau, mutate: setText(ident+"nachrichtenUUID", "urn:uuid:8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7b"), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},
		{name: "UUID without hyphens", base: xbau, mutate: setText(ident+"nachrichtenUUID", "8a4f5c1e3b2d4e6f9a1b2c3d4e5f6a7b0000"), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},
		{name: "UUID non-hex", base: xbau, mutate: setText(ident+"nachrichtenUUID", "8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7g"), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},
		{name: "UUID surrounded by spaces", base: xbau, mutate: setText(ident+"nachrichtenUUID", " 8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a7b "), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},
		{name: "UUID empty", base: xbau, mutate: setText(ident+"nachrichtenUUID", ""), kind: xoev.ErrHeader, path: "/nachrichtenUUID"},

		// Codes
		{name: "wrong fixed listURI", base: xbau, mutate: setAttr(ident+"nachrichtentyp", "listURI", "urn:xoev-de:xbau:codeliste:falsch"), kind: xoev.ErrCode, path: "/nachrichtentyp/@listURI"},
		{name: "wrong fixed listVersionID", base: xbau, mutate: setAttr(ident+"nachrichtentyp", "listVersionID", "3.0"), kind: xoev.ErrCode, path: "/nachrichtentyp/@listVersionID"},
		{name: "missing required listVersionID (verzeichnisdienst)", base: xbau, mutate: removeAttr(leser+"verzeichnisdienst", "listVersionID"), kind: xoev.ErrCode, path: "/leser/verzeichnisdienst/@listVersionID"},
		{name: "empty required listVersionID (kanal)", base: xbau, mutate: setAttr(leser+"erreichbarkeit/kanal", "listVersionID", ""), kind: xoev.ErrCode, path: "/leser/erreichbarkeit[1]/kanal/@listVersionID"},
		{name: "wrong fixed listURI on verzeichnisdienst", base: xbau, mutate: setAttr(leser+"verzeichnisdienst", "listURI", "urn:x"), kind: xoev.ErrCode, path: "/leser/verzeichnisdienst/@listURI"},
		{name: "code unknown in nachrichtentyp list", base: xbau, mutate: setText(ident+"nachrichtentyp/code", "9999"), kind: xoev.ErrCode, path: "/nachrichtentyp/code"},
		{name: "kanal code unknown in erreichbarkeit 4", base: xbau, mutate: setText(leser+"erreichbarkeit/kanal/code", "99"), kind: xoev.ErrCode, path: "/kanal/code"},
		{name: "empty code", base: xbau, mutate: setText(leser+"verzeichnisdienst/code", ""), kind: xoev.ErrCode, path: "/verzeichnisdienst/code"},

		// nachrichtentyp ↔ root
		{name: "code/root mismatch 0201 under 0200", base: xbau, mutate: setText(ident+"nachrichtentyp/code", "0201"), kind: xoev.ErrNachrichtentyp, path: "/nachrichtentyp/code"},
		{name: "code/root mismatch xwasser 0010 under 0020", base: xwasser, mutate: setText(ident+"nachrichtentyp/code", "0010"), kind: xoev.ErrNachrichtentyp, path: "/nachrichtentyp/code"},

		// DVDV
		{name: "DVDV kennung without colon", base: xbau, mutate: setText(leser+"kennung", "psw01003110"), kind: xoev.ErrKennung, path: "/leser/kennung"},
		{name: "DVDV kennung empty praefix", base: xbau, mutate: setText(leser+"kennung", ":01003110"), kind: xoev.ErrKennung, path: "/leser/kennung"},
		{name: "DVDV kennung with space", base: xbau, mutate: setText(leser+"kennung", "psw:0100 3110"), kind: xoev.ErrKennung, path: "/leser/kennung"},
		{name: "empty kennung", base: xbau, mutate: setText(leser+"kennung", ""), kind: xoev.ErrHeader, path: "/leser/kennung"},

		// DIN 91379
		{name: "greek letter in name", base: xbau, mutate: setText(leser+"name", "Bauamt Ωmega"), kind: xoev.ErrCharacter, path: "/leser/name"},
		{name: "cyrillic in produkt", base: xbau, mutate: setAttr(".", "produkt", "Продукт"), kind: xoev.ErrCharacter, path: "/@produkt"},
		{name: "emoji in erreichbarkeit kennung", base: xbau, mutate: setText(leser+"erreichbarkeit/kennung", "x😀@example.org"), kind: xoev.ErrCharacter, path: "/erreichbarkeit[1]/kennung"},
		{name: "control character in xwasser extension", base: xwasser, mutate: setText(kopf+"dvdvDienstkennung", "a\u0007"), kind: xoev.ErrCharacter, path: "/dvdvDienstkennung"},

		// Profile and structure
		{name: "wrong @standard", base: xbau, mutate: setAttr(".", "standard", "XBau"), kind: xoev.ErrProfile, path: "/@standard"},
		{name: "wrong @version", base: xbau, mutate: setAttr(".", "version", "2.5"), kind: xoev.ErrProfile, path: "/@version"},
		{name: "missing @produkt", base: xbau, mutate: removeAttr(".", "produkt"), kind: xoev.ErrHeader, path: "/@produkt"},
		{name: "extension not declared", base: xbau, mutate: at(kopf[:len(kopf)-1], func(e *etree.Element) { e.CreateElement("dvdvDienstkennung").SetText("x") }), kind: xoev.ErrHeader, path: "/dvdvDienstkennung"},
		{name: "xwasser referenzUUID not a UUID", base: xwasser, mutate: setText(kopf+"referenzUUID", "nope"), kind: xoev.ErrHeader, path: "/referenzUUID"},
		{name: "signature in xbau message", base: xbau, mutate: at(".", func(e *etree.Element) {
			s := e.CreateElement("ds:Signature")
			s.CreateAttr("xmlns:ds", xoev.NamespaceXMLDSig)
		}), kind: xoev.ErrProfile, path: "/ds:Signature"},
		{name: "missing leser", base: xbau, mutate: at(kopf[:len(kopf)-1], func(e *etree.Element) { e.RemoveChild(e.SelectElement("leser")) }), kind: xoev.ErrHeader},
		{name: "element inside simple value", base: xbau, mutate: at(leser+"name", func(e *etree.Element) { e.CreateElement("b") }), kind: xoev.ErrHeader, path: "/leser/name/b"},
		{name: "erstellungszeitpunkt not a dateTime", base: xbau, mutate: setText(ident+"erstellungszeitpunkt", "25.11.2026 10:00"), kind: xoev.ErrHeader, path: "/erstellungszeitpunkt"},
		{name: "qualified header in xbau (unqualified profile)", base: xbau, mutate: at(kopf[:len(kopf)-1], func(e *etree.Element) {
			e.Space = "g"
			e.CreateAttr("xmlns:g", xoev.NamespaceG2G)
		}), kind: xoev.ErrHeader},
	}
	p := newParser(t)
	pos, neg := 0, 0
	for _, tt := range tests {
		if tt.kind == nil {
			pos++
		} else {
			neg++
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.base
			if tt.mutate != nil {
				in = xoevtest.Mutate(t, in, tt.mutate)
			}
			m, err := p.Parse(context.Background(), in)
			if tt.kind == nil {
				require.NoError(t, err)
				require.NotNil(t, m)
				return
			}
			require.ErrorIs(t, err, tt.kind)
			assert.Nil(t, m)
			var xe *xoev.Error
			require.ErrorAs(t, err, &xe)
			found := false
			for _, e := range flatten(err) {
				var x *xoev.Error
				if errors.As(e, &x) && errors.Is(x, tt.kind) && strings.HasSuffix(x.Path, tt.path) {
					found = true
				}
			}
			assert.True(t, found, "no %v at ...%s in %v", tt.kind, tt.path, err)
		})
	}
	assert.Greater(t, neg, pos)
}

// flatten unpacks errors.Join trees.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if _, isX := err.(*xoev.Error); !isX {
			var out []error
			for _, e := range j.Unwrap() {
				out = append(out, flatten(e)...)
			}
			return out
		}
	}
	return []error{err}
}

func TestCharacterErrorNamesCodePointNotText(t *testing.T) {
	in := xoevtest.Mutate(t, xoevtest.XBauAntrag0200(t), setText(leser+"name", "Geheim Ωmega"))
	_, err := newParser(t).Parse(context.Background(), in)
	var ce *din91379.CharacterError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 'Ω', ce.Rune)
	assert.Equal(t, 7, ce.Index)
	assert.Contains(t, err.Error(), "U+03A9")
	assert.NotContains(t, err.Error(), "Geheim")
}

// TestDecomposedTextOneVerdict: text that is not NFC is refused by Parse,
// as the XBau schema's DIN 91379 patterns refuse it (one verdict), and
// the error names the position without echoing the rest of the text.
func TestDecomposedTextOneVerdict(t *testing.T) {
	in := xoevtest.Mutate(t, xoevtest.XBauAntrag0200(t), setText(leser+"name", "Bauamt U\u0308ckendorf"))
	_, err := newParser(t).Parse(context.Background(), in)
	require.ErrorIs(t, err, xoev.ErrCharacter)
	assert.Contains(t, err.Error(), "position 8, starting with U+0055")
	assert.NotContains(t, err.Error(), "ckendorf")

	b := schemas.XBau26()
	s, err := xsd.Compile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog})
	require.NoError(t, err)
	headerViolation := func(doc []byte) bool {
		var ve *xsd.ValidationError
		if !errors.As(s.ValidateBytes(context.Background(), doc), &ve) {
			return false
		}
		for _, v := range ve.Violations {
			if strings.HasSuffix(v.Path, "/leser/name") {
				return true
			}
		}
		return false
	}
	// The fixture's body is minimal (not schema-complete); only the
	// header text is compared.
	assert.False(t, headerViolation(xoevtest.XBauAntrag0200(t)), "the unmodified name is schema-valid")
	assert.True(t, headerViolation(in), "the schema refuses the decomposed name too")
}

func TestErstellungszeitpunktWarnings(t *testing.T) {
	p := newParser(t)
	tests := []struct {
		lexical string
		warns   int
	}{
		{"2026-11-25T10:30:00.123+01:00", 0},
		{"2026-11-25T10:30:00.123Z", 0},
		{"2026-11-25T10:30:00+01:00", 1}, // no ms
		{"2026-11-25T10:30:00.123", 1},   // no zone
		{"2026-11-25T10:30:00", 2},       // neither (as in the XWasser samples)
		{"2026-11-25T10:30:00.1Z", 1},    // less than ms precision
	}
	for _, tt := range tests {
		t.Run(tt.lexical, func(t *testing.T) {
			in := xoevtest.Mutate(t, xoevtest.XBauAntrag0200(t), setText(ident+"erstellungszeitpunkt", tt.lexical))
			m, err := p.Parse(context.Background(), in)
			require.NoError(t, err)
			n := 0
			for _, w := range m.Warnings {
				if strings.HasSuffix(w.Path, "/erstellungszeitpunkt") {
					n++
				}
			}
			assert.Equal(t, tt.warns, n, "%v", m.Warnings)
		})
	}
}

func TestXWasserSamplesDecodeButFailRules(t *testing.T) {
	p := newParser(t)
	for _, f := range []string{"administration_receipt.xml", "monitoring_plan_minimal_test_result.xml"} {
		t.Run(f, func(t *testing.T) {
			in := readTestdata(t, f)
			m, err := p.Decode(in)
			require.NoError(t, err)
			assert.Equal(t, "0010", m.Kopf.IdentifikationNachricht.Nachrichtentyp.Code)
			assert.NotEmpty(t, m.Warnings) // erstellungszeitpunkt without ms and zone
			err = p.Validate(context.Background(), m)
			require.ErrorIs(t, err, xoev.ErrNachrichtentyp) // 0010 is rueckweisung, not the root
			require.ErrorIs(t, err, xoev.ErrCode)           // empty verzeichnisdienst code and version
		})
	}
	m, err := p.Decode(readTestdata(t, "olb_report_signature_builder_test_result.xml"))
	require.NoError(t, err)
	require.NotNil(t, m.Signature())
	v, ok := m.Kopf.Extension("dvdvDienstkennung")
	assert.True(t, ok)
	assert.Empty(t, v)
}
