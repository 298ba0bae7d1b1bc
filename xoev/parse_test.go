package xoev_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func TestParseSecurityAndShape(t *testing.T) {
	small, err := xoev.New(xoev.Config{MaxBytes: 4096, MaxDepth: 32, MaxElements: 200, MaxAttributes: 16})
	require.NoError(t, err)
	def := newParser(t)
	tests := []struct {
		name string
		p    *xoev.Parser
		in   []byte
		kind error
	}{
		{"valid", def, xoevtest.XBauAntrag0200(t), nil},
		{"valid under small limits", small, xoevtest.XBauAntrag0200(t), nil},
		{"XXE", def, xoevtest.XXE(), xoev.ErrDoctype},
		{"billion laughs", def, xoevtest.BillionLaughs(), xoev.ErrDoctype},
		{"10k-deep nesting", def, xoevtest.DeepNesting(10_000), xoev.ErrLimit},
		{"too many attributes", small, xoevtest.ManyAttributes(64), xoev.ErrLimit},
		{"too large", small, append(xoevtest.XBauAntrag0200(t), bytes.Repeat([]byte(" "), 4096)...), xoev.ErrLimit},
		{"too many elements", small, []byte("<a>" + strings.Repeat("<b/>", 300) + "</a>"), xoev.ErrLimit},
		{"not well-formed", def, []byte("<a><b></a>"), xoev.ErrSyntax},
		{"empty input", def, nil, xoev.ErrSyntax},
		{"not XML at all", def, []byte("{\"json\":true}"), xoev.ErrSyntax},
		{"no header", def, []byte(`<x:m xmlns:x="urn:x"><x:body/></x:m>`), xoev.ErrNotXOEV},
		{"empty root", def, []byte(`<x:m xmlns:x="urn:x"/>`), xoev.ErrNotXOEV},
		{"xdomea 3.0.0 Kopf is read", def, readTestdata(t, "xdomea-0503.xml"), nil},
		{"Kopf outside the xdomea namespace", def, []byte(`<x:m xmlns:x="urn:x"><x:Kopf/></x:m>`), xoev.ErrNotXOEV},
		{"empty xdomea Kopf", def, []byte(`<x:m xmlns:x="urn:xoev-de:xdomea:schema:3.0.0"><x:Kopf/></x:m>`), xoev.ErrHeader},
		{"header in wrong namespace", def, []byte(`<x:m xmlns:x="urn:x"><x:nachrichtenkopf.g2g/></x:m>`), xoev.ErrNotXOEV},
		{"header not first", def, []byte(`<x:m xmlns:x="urn:x"><a/><nachrichtenkopf.g2g/></x:m>`), xoev.ErrNotXOEV},
		{"empty header", def, []byte(`<x:m xmlns:x="urn:x" produkt="a" produkthersteller="b" standard="c" version="d"><nachrichtenkopf.g2g/></x:m>`), xoev.ErrHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := tt.p.Parse(context.Background(), tt.in)
			if tt.kind == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.kind)
			assert.Nil(t, m)
			var xe *xoev.Error
			require.ErrorAs(t, err, &xe)
			assert.NotEmpty(t, xe.Path)
		})
	}
}

func TestParseReader(t *testing.T) {
	p, err := xoev.New(xoev.Config{MaxBytes: 8 << 10})
	require.NoError(t, err)
	ctx := context.Background()
	in := xoevtest.XBauAntrag0200(t)
	m, err := p.ParseReader(ctx, iotest.OneByteReader(bytes.NewReader(in)))
	require.NoError(t, err)
	assert.Equal(t, "baugenehmigung.antrag.0200", m.Root.Local)

	_, err = p.ParseReader(ctx, bytes.NewReader(bytes.Repeat([]byte("x"), 9<<10)))
	require.ErrorIs(t, err, xoev.ErrLimit)

	boom := errors.New("boom")
	_, err = p.ParseReader(ctx, iotest.ErrReader(boom))
	require.ErrorIs(t, err, boom)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.ParseReader(cctx, bytes.NewReader(in))
	require.ErrorIs(t, err, context.Canceled)
}

func TestConfigValidate(t *testing.T) {
	_, err := xoev.New(xoev.Config{MaxDepth: -1})
	require.ErrorIs(t, err, xoev.ErrInvalidConfig)
	_, err = xoev.NewBuilder(xoev.BuilderConfig{})
	require.ErrorIs(t, err, xoev.ErrBuild)
	_, err = xoev.NewBuilder(xoev.BuilderConfig{Profile: xoevtest.Profile(t, "xbau-2.6"), Produkt: "a"})
	require.ErrorIs(t, err, xoev.ErrBuild)
	_, err = xoev.NewBuilder(xoev.BuilderConfig{Profile: xoevtest.Profile(t, "xbau-2.6"), Produkt: "a", Produkthersteller: "b", Form: xoev.FormXInneres4})
	require.ErrorIs(t, err, xoev.ErrBuild)
}

func TestZeroMessageDoesNotPanic(t *testing.T) {
	var m xoev.Message
	assert.Nil(t, m.Body())
	assert.Nil(t, m.Header())
	assert.Nil(t, m.RootElement())
	assert.Nil(t, m.Signature())
	_, err := m.Bytes()
	require.ErrorIs(t, err, xoev.ErrNotXOEV)
	require.ErrorIs(t, m.SetNachrichtenkopf(xoev.Nachrichtenkopf{}), xoev.ErrNotXOEV)
	require.ErrorIs(t, newParser(t).Validate(context.Background(), &m), xoev.ErrNotXOEV)
	require.ErrorIs(t, newParser(t).Validate(context.Background(), nil), xoev.ErrNotXOEV)
}

func TestZeroParserAndBuilderDoNotPanic(t *testing.T) {
	var p xoev.Parser
	_, err := p.Parse(context.Background(), xoevtest.XBauAntrag0200(t))
	require.ErrorIs(t, err, xoev.ErrInvalidConfig)
	_, err = p.ParseReader(context.Background(), bytes.NewReader(nil))
	require.ErrorIs(t, err, xoev.ErrInvalidConfig)
	require.ErrorIs(t, p.ValidateCode(context.Background(), xoev.Code{}, xoev.CodeRule{}, "/"), xoev.ErrInvalidConfig)
	var b xoev.Builder
	_, err = b.Build(context.Background(), xoev.Draft{Root: "x"})
	require.ErrorIs(t, err, xoev.ErrInvalidConfig)
}
