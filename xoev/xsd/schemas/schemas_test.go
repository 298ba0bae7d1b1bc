package schemas_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func TestBundles(t *testing.T) {
	bundles := schemas.All()
	require.Len(t, bundles, 3)
	for _, b := range bundles {
		t.Run(b.Name, func(t *testing.T) {
			_, err := fs.Stat(b.FS, b.Entry)
			require.NoError(t, err, "entry")
			_, err = fs.Stat(b.FS, "SOURCES.md")
			assert.NoError(t, err, "provenance")
			for uri, p := range b.Catalog {
				_, err := fs.Stat(b.FS, p)
				assert.NoError(t, err, "catalog %s → %s", uri, p)
			}
			_, err = fs.Stat(b.FS, "../x")
			assert.Error(t, err)
		})
	}
}
