package xsd

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// writeBundle copies a schema bundle to dir and writes an OASIS XML
// catalog for its absolute locations, so xmllint resolves the same files
// offline (--nonet).
func writeBundle(t testing.TB, b testBundle, dir string) (entry, catalog string) {
	t.Helper()
	err := fs.WalkDir(b.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(b.FS, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	require.NoError(t, err)
	var cat strings.Builder
	cat.WriteString(`<?xml version="1.0"?>` + "\n" + `<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">` + "\n")
	for uri, p := range b.Catalog {
		abs := "file://" + filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(p)))
		fmt.Fprintf(&cat, "  <system systemId=%q uri=%q/>\n  <uri name=%q uri=%q/>\n", uri, abs, uri, abs)
	}
	cat.WriteString("</catalog>\n")
	catalog = filepath.Join(dir, "catalog.xml")
	require.NoError(t, os.WriteFile(catalog, []byte(cat.String()), 0o644))
	return filepath.Join(dir, filepath.FromSlash(b.Entry)), catalog
}

// xmllintVerdicts runs xmllint --noout --nonet --schema over files in
// batches (one process per batch) and returns file → valid.
func xmllintVerdicts(t testing.TB, xmllint, entry, catalog string, files []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	const batch = 200
	for i := 0; i < len(files); i += batch {
		j := min(i+batch, len(files))
		args := append([]string{"--noout", "--nonet", "--schema", entry}, files[i:j]...)
		cmd := exec.Command(xmllint, args...)
		cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+catalog)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		_ = cmd.Run() // non-zero when any file fails; verdicts are parsed below
		if strings.Contains(stderr.String(), "failed to compile") || strings.Contains(stderr.String(), "WXS schema") && strings.Contains(stderr.String(), "failed") {
			t.Fatalf("xmllint could not compile %s:\n%s", entry, stderr.String())
		}
		for _, line := range strings.Split(stderr.String(), "\n") {
			switch {
			case strings.HasSuffix(line, " validates"):
				out[strings.TrimSuffix(line, " validates")] = true
			case strings.HasSuffix(line, " fails to validate"):
				out[strings.TrimSuffix(line, " fails to validate")] = false
			}
		}
	}
	return out
}

func xmllintPath(t testing.TB) string {
	t.Helper()
	return testenv.XMLLint(t)
}

func TestSamplesXMLLint(t *testing.T) {
	xmllint := xmllintPath(t)
	for _, c := range []struct {
		b   testBundle
		dir string
	}{{xwasser100(t), "testdata/xwasser"}, {xdomea300(t), "testdata/xdomea"}} {
		s, err := Compile(c.b.FS, c.b.Entry, Config{Catalog: c.b.Catalog})
		require.NoError(t, err)
		entry, catalog := writeBundle(t, c.b, t.TempDir())
		files, err := filepath.Glob(filepath.Join(c.dir, "*.xml"))
		require.NoError(t, err)
		var abs []string
		for _, f := range files {
			a, err := filepath.Abs(f)
			require.NoError(t, err)
			abs = append(abs, a)
		}
		theirs := xmllintVerdicts(t, xmllint, entry, catalog, abs)
		for _, f := range abs {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			ours := s.ValidateBytes(context.Background(), data) == nil
			require.Contains(t, theirs, f)
			assert.Equal(t, theirs[f], ours, "%s: ours valid=%v, xmllint valid=%v", f, ours, theirs[f])
		}
		t.Logf("%s: %d samples, verdicts agree with xmllint", c.b.Name, len(abs))
	}
}

// TestUPAXMLLint checks that libxml2 refuses the non-deterministic content
// models that Compile refuses (TestCompileRefuses).
func TestUPAXMLLint(t *testing.T) {
	xmllint := xmllintPath(t)
	for i, body := range []string{
		`<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" minOccurs="0"/><xs:element name="a"/></xs:sequence></xs:complexType></xs:element>`,
		`<xs:element name="r"><xs:complexType><xs:choice><xs:any namespace="##other"/><xs:any namespace="urn:x"/></xs:choice></xs:complexType></xs:element>`,
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, "s.xsd")
		require.NoError(t, os.WriteFile(p, []byte(schemaHead+body+`</xs:schema>`), 0o644))
		doc := filepath.Join(dir, "d.xml")
		require.NoError(t, os.WriteFile(doc, []byte(`<t:r xmlns:t="urn:t"/>`), 0o644))
		out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", p, doc).CombinedOutput()
		require.Error(t, err, "case %d", i)
		assert.Contains(t, string(out), "failed to compile", "case %d: %s", i, out)
		_, cerr := Compile(os.DirFS(dir), "s.xsd", Config{})
		assert.ErrorIs(t, cerr, ErrSchema, "case %d", i)
	}
}
