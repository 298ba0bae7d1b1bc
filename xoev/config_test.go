package xoev_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
)

func TestInvalidConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []xoev.Config{
		{MaxBytes: -1}, {MaxDepth: -1}, {MaxElements: -1}, {MaxAttributes: -1}, {MaxFindings: -1}, {MaxCodeListFetches: -1},
	} {
		_, err := xoev.New(cfg)
		require.ErrorIs(t, err, xoev.ErrInvalidConfig)
	}
	p, err := xoev.StandardProfiles()
	require.NoError(t, err)
	prof, ok := p.Lookup("http://www.xleitstelle.de/xbau/2/6")
	for _, cfg := range []xoev.BuilderConfig{
		{},
		{Profile: prof},
		{Profile: prof, Produkt: "p"},
		{Profile: prof, Produkt: "p", Produkthersteller: "h", Form: xoev.FormXInneres4},
	} {
		if cfg.Profile != nil && !ok {
			continue
		}
		_, err := xoev.NewBuilder(cfg)
		require.ErrorIs(t, err, xoev.ErrInvalidConfig)
		require.ErrorIs(t, err, xoev.ErrBuild)
	}
	require.True(t, ok, "XBau 2.6 profile")
}
