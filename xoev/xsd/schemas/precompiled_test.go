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
// directory); with -update it writes the fresh forms. Since Bundle.Compile
// loads the forms without reading the files, this test (run by CI) is what
// keeps the files the one source of truth: it also names a changed file
// (the form's hashes checked by xsd.Compile), and checks that the loaded
// form is what Bundle.Compile returns.
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
			form, err := b.form()
			require.NoError(t, err)
			_, err = xsd.Compile(b.FS, b.Entry, xsd.Config{Catalog: b.Catalog, Precompiled: form})
			require.NoError(t, err, "precompiled/%s.bin is stale: run go generate ./xoev/xsd/schemas/", b.precompiled)
			assert.True(t, string(fresh) == string(form), "precompiled/%s.bin is stale: run go generate ./xoev/xsd/schemas/", b.precompiled)
			loaded, err := xsd.LoadPrecompiled(form, xsd.Config{})
			require.NoError(t, err)
			viaBundle, err := b.Compile(xsd.Config{})
			require.NoError(t, err)
			assert.Equal(t, loaded.Warnings(), viaBundle.Warnings())
		})
	}
}

// Bundle.Compile loads the form unless the caller's Config changes the
// set; then it compiles (with the form checked against the files).
func TestBundleCompilePaths(t *testing.T) {
	t.Parallel()
	b := XBau26()
	_, err := b.Compile(xsd.Config{MaxContentStates: 1})
	assert.ErrorIs(t, err, xsd.ErrUnsupported, "a smaller MaxContentStates builds every automaton")
	_, err = b.Compile(xsd.Config{MaxSchemaDocuments: 2})
	assert.ErrorIs(t, err, xsd.ErrLimit)
	s, err := b.Compile(xsd.Config{AbsoluteImportsAsHints: true})
	require.NoError(t, err)
	assert.Empty(t, s.Warnings())
	_, err = b.Compile(xsd.Config{Catalog: map[string]string{"urn:unused": "xbau-nachrichten-baugenehmigung.xsd"}})
	require.NoError(t, err)
	// A broken embedded form is ErrSchema from both paths.
	broken := XBau26()
	broken.precompiled = "no-such-form"
	for _, cfg := range []xsd.Config{{}, {AbsoluteImportsAsHints: true}} {
		_, err = broken.Compile(cfg)
		assert.ErrorIs(t, err, xsd.ErrSchema)
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

// A bundle whose embedded parts are missing is a typed ErrSchema from
// Compile and from compiling with its Source, never a panic.
func TestBrokenBundleIsAnError(t *testing.T) {
	t.Parallel()
	tests := map[string]Bundle{
		"missing form":     func() Bundle { b := XBau26(); b.precompiled = "no-such-form"; return b }(),
		"missing folder":   embedded("missing", "no-such-dir/..", "x.xsd", "", false),
		"missing catalog":  embedded("no catalog", "xbau-2.6", "x.xsd", "", true),
		"unreadable files": {Name: "broken", FS: failFS{xsd.ErrSchema}, Entry: "x.xsd"},
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := b.Compile(xsd.Config{})
			assert.ErrorIs(t, err, xsd.ErrSchema)
		})
	}
	_, err := xsd.Compile(failFS{xsd.ErrSchema}, "x.xsd", xsd.Config{})
	assert.ErrorIs(t, err, xsd.ErrSchema)
}
