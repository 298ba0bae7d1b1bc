package schemas

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// BenchmarkCompileFrom compiles each bundle from its files and from its
// precompiled form in the same run; speedup = files ÷ form.
func BenchmarkCompileFrom(b *testing.B) {
	for _, bu := range All() {
		b.Run(bu.Name, func(b *testing.B) {
			var files, form time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				_, err := xsd.Compile(bu.FS, bu.Entry, xsd.Config{Catalog: bu.Catalog})
				require.NoError(b, err)
				t1 := time.Now()
				_, err = bu.Compile(xsd.Config{})
				require.NoError(b, err)
				files, form = files+t1.Sub(t0), form+time.Since(t1)
			}
			b.ReportMetric(float64(files.Microseconds())/1000/float64(b.N), "files-ms/op")
			b.ReportMetric(float64(form.Microseconds())/1000/float64(b.N), "form-ms/op")
			b.ReportMetric(float64(files)/float64(form), "speedup")
		})
	}
}
