package schemas

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd"
)

var update = flag.Bool("update", false, "rewrite precompiled/*.bin (go generate)")

// TestPrecompiledForms fails when an embedded precompiled form differs from
// a fresh xsd.Precompile of the embedded files (run `go generate` in this
// directory); with -update it writes the fresh forms.
func TestPrecompiledForms(t *testing.T) {
	for _, b := range All() {
		t.Run(b.Name, func(t *testing.T) {
			require.NotEmpty(t, b.precompiled)
			fresh, err := xsd.Precompile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog})
			require.NoError(t, err)
			if *update {
				require.NoError(t, os.WriteFile(filepath.Join("precompiled", b.precompiled+".bin"), fresh, 0o644))
				return
			}
			assert.True(t, string(fresh) == string(b.form()), "precompiled/%s.bin is stale: run go generate ./xoev/xsd/schemas/", b.precompiled)
		})
	}
}
