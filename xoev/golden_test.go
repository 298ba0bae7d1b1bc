package xoev_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// c14n returns the exclusive C14N 1.0 (without comments) of data's root,
// via goxmldsig's canonicalizer (xoev must not import signature).
func c14n(t *testing.T, data []byte, stripHeaderSpace bool) string {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	if stripHeaderSpace {
		stripWhitespace(firstChild(doc.Root()))
	}
	out, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(doc.Root())
	require.NoError(t, err)
	return string(out)
}

func firstChild(e *etree.Element) *etree.Element { return e.ChildElements()[0] }

// stripWhitespace removes whitespace-only text nodes below e (indentation).
func stripWhitespace(e *etree.Element) {
	for _, c := range append([]etree.Token(nil), e.Child...) {
		switch v := c.(type) {
		case *etree.CharData:
			if strings.TrimSpace(v.Data) == "" && len(e.ChildElements()) > 0 {
				e.RemoveChild(v)
			}
		case *etree.Element:
			stripWhitespace(v)
		}
	}
}

func newParser(t testing.TB) *xoev.Parser {
	t.Helper()
	ps, err := xoev.StandardProfiles()
	require.NoError(t, err)
	require.NoError(t, ps.LoadFS(os.DirFS("testdata/profiles"), "*.json"))
	p, err := xoev.New(xoev.Config{Profiles: ps})
	require.NoError(t, err)
	return p
}

func qualifiedBuilder(t *testing.T, p *xoev.Parser) *xoev.Builder {
	prof, ok := p.Profiles().ByName("qualified-test")
	require.True(t, ok)
	b, err := xoev.NewBuilder(xoev.BuilderConfig{Profile: prof, Produkt: "ozg-xoevtest", Produkthersteller: "egosaar",
		Parser: p, Now: xoevtest.Clock(), NewUUID: xoevtest.SequentialUUIDs()})
	require.NoError(t, err)
	return b
}

func golden(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	return want
}

func TestGoldenBuilderOutput(t *testing.T) {
	p := newParser(t)
	ctx := context.Background()
	unq := xoevtest.XBauAntrag0200(t)
	m, err := qualifiedBuilder(t, p).Build(ctx, xoev.Draft{Root: "baugenehmigung.antrag.0200", Leser: xoevtest.Leser, Autor: xoevtest.Autor})
	require.NoError(t, err)
	q, err := m.Bytes()
	require.NoError(t, err)
	for name, got := range map[string][]byte{"xbau-0200-unqualified.golden.xml": unq, "qualified-0200.golden.xml": q} {
		t.Run(name, func(t *testing.T) {
			want := golden(t, name, got)
			assert.Equal(t, c14n(t, want, false), c14n(t, got, false))
		})
	}
}

// TestGoldenRoundTrip: parse → re-encode the header from the typed model
// → write; the exclusive C14N must be byte-equal to the input's. This
// exercises the encoder in both forms, not just etree's serialiser.
func TestGoldenRoundTrip(t *testing.T) {
	p := newParser(t)
	ctx := context.Background()
	tests := []struct {
		file     string
		form     xoev.HeaderForm
		validate bool
		indented bool // header indented in the input: compare without indentation
	}{
		{"xbau-0200-unqualified.golden.xml", xoev.FormUnqualified, true, false},
		{"qualified-0200.golden.xml", xoev.FormQualified, true, false},
		{"administration_receipt.xml", xoev.FormUnqualified, false, true},
		{"olb_report_signature_builder_test_result.xml", xoev.FormUnqualified, false, true},
		{"monitoring_plan_minimal_test_result.xml", xoev.FormUnqualified, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			var m *xoev.Message
			if tt.validate {
				m, err = p.Parse(ctx, in)
			} else {
				m, err = p.Decode(in)
			}
			require.NoError(t, err)
			assert.Equal(t, tt.form, m.Kopf.Form)

			// Unchanged document: written as read.
			out, err := m.Bytes()
			require.NoError(t, err)
			assert.Equal(t, c14n(t, in, false), c14n(t, out, false))

			// Header re-encoded from the model keeps its form and content.
			require.NoError(t, m.SetNachrichtenkopf(m.Kopf))
			out, err = m.Bytes()
			require.NoError(t, err)
			assert.Equal(t, c14n(t, in, tt.indented), c14n(t, out, false))

			m2, err := p.Decode(out)
			require.NoError(t, err)
			assert.Equal(t, m.Kopf, m2.Kopf)
		})
	}
}

// TestQualifiedRoundTripKeepsPrefixes: other prefixes, declared on the
// header element rather than the root, survive re-encoding.
func TestQualifiedRoundTripKeepsPrefixes(t *testing.T) {
	p := newParser(t)
	in := readTestdata(t, "qualified-0200.golden.xml")
	s := strings.NewReplacer("bn-g2g", "g2", "bn-beh", "beh", "bn-kom", "kom").Replace(string(in))
	in = xoevtest.Mutate(t, []byte(s), func(doc *etree.Document) {
		root := doc.Root()
		hdr := root.ChildElements()[0]
		for _, k := range []string{"g2", "beh", "kom"} {
			a := root.SelectAttr("xmlns:" + k)
			hdr.CreateAttr("xmlns:"+k, a.Value)
			root.RemoveAttr("xmlns:" + k)
		}
	})
	m, err := p.Parse(context.Background(), in)
	require.NoError(t, err)
	require.NoError(t, m.SetNachrichtenkopf(m.Kopf))
	out, err := m.Bytes()
	require.NoError(t, err)
	assert.Equal(t, c14n(t, in, false), c14n(t, out, false))
	assert.Contains(t, string(out), "<g2:nachrichtenkopf.g2g")
}

// A default namespace on the root must not leak into the unqualified
// header: the encoder undeclares it.
func TestUnqualifiedHeaderUnderDefaultNamespace(t *testing.T) {
	p := newParser(t)
	in := xoevtest.XBauAntrag0200(t)
	m, err := p.Parse(context.Background(), in)
	require.NoError(t, err)
	m.RootElement().CreateAttr("xmlns", "urn:example:default")
	require.NoError(t, m.SetNachrichtenkopf(m.Kopf))
	out, err := m.Bytes()
	require.NoError(t, err)
	assert.Contains(t, string(out), `<nachrichtenkopf.g2g xmlns="">`)
	_, err = p.Parse(context.Background(), out)
	require.NoError(t, err)
}

func TestXInneres4HeaderRead(t *testing.T) {
	p := newParser(t)
	in, err := os.ReadFile("testdata/xinneres4-0200.xml")
	require.NoError(t, err)
	m, err := p.Decode(in)
	require.NoError(t, err)
	k := m.Kopf
	assert.Equal(t, xoev.FormXInneres4, k.Form)
	assert.Equal(t, "3F2504E0-4F89-11D3-9A0C-0305E82C3301", k.IdentifikationNachricht.NachrichtenUUID)
	assert.Equal(t, "0200", k.IdentifikationNachricht.Nachrichtentyp.Code)
	assert.Equal(t, "psw:01003110", k.Leser.Kennung)
	require.NotNil(t, k.Leser.Behoerdenkennung)
	assert.Equal(t, "psw", k.Leser.Behoerdenkennung.Praefix.Code)
	assert.Equal(t, "Bauamt Musterstadt", k.Leser.Name)
	require.Len(t, k.Autor.Erreichbarkeit, 1)
	assert.Equal(t, "poststelle@example.org", k.Autor.Erreichbarkeit[0].Kennung)
	assert.Empty(t, m.Warnings)
	// No profile for XBau 2.1: generic checks pass (the 1.3 list is not bundled: warning).
	require.NoError(t, p.Validate(context.Background(), m))
	out, err := m.Bytes()
	require.NoError(t, err)
	assert.Equal(t, c14n(t, in, false), c14n(t, out, false))
	// XInneres-4 strings are String.Latin: Ĉ (in DIN 91379 C) is refused.
	bad := xoevtest.Replace(t, in, "Bauamt Musterstadt", "Bauamt \u0108")
	_, err = p.Parse(context.Background(), bad)
	require.ErrorIs(t, err, xoev.ErrCharacter)
	// Writing the XInneres-4 header is not supported and says so.
	require.ErrorIs(t, m.SetNachrichtenkopf(k), xoev.ErrBuild)
}
