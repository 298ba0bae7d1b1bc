package xoevtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

func TestFixturesAreValid(t *testing.T) {
	p, err := xoev.New(xoev.Config{})
	require.NoError(t, err)
	for name, data := range map[string][]byte{
		"xbau":    xoevtest.XBauAntrag0200(t),
		"xwasser": xoevtest.XWasserQuittung0020(t),
	} {
		t.Run(name, func(t *testing.T) {
			m, err := p.Parse(context.Background(), data)
			require.NoError(t, err)
			assert.Equal(t, "00000000-0000-4000-8000-000000000001", m.Kopf.IdentifikationNachricht.NachrichtenUUID)
			assert.True(t, m.Kopf.IdentifikationNachricht.Erstellungszeitpunkt.Equal(xoevtest.Now))
		})
	}
}

func TestHostileFixturesAreRefused(t *testing.T) {
	p, err := xoev.New(xoev.Config{})
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		data []byte
		kind error
	}{
		"billion laughs": {xoevtest.BillionLaughs(), xoev.ErrDoctype},
		"xxe":            {xoevtest.XXE(), xoev.ErrDoctype},
		"deep":           {xoevtest.DeepNesting(1000), xoev.ErrLimit},
		"attributes":     {xoevtest.ManyAttributes(300), xoev.ErrLimit},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.Parse(context.Background(), tc.data)
			require.ErrorIs(t, err, tc.kind)
		})
	}
}

func TestSequentialUUIDs(t *testing.T) {
	next := xoevtest.SequentialUUIDs()
	a, _ := next()
	b, _ := next()
	assert.NotEqual(t, a, b)
	assert.True(t, xoev.ValidUUID(b.String()))
}
