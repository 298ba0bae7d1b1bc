package schemas_test

import (
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func TestBundles(t *testing.T) {
	bundles := schemas.All()
	require.Len(t, bundles, 4)
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
			assertLocationsResolve(t, b)
		})
	}
}

var (
	schemaLocation = regexp.MustCompile(`schemaLocation\s*=\s*["']([^"']+)["']`)
	documentation  = regexp.MustCompile(`(?s)<([\w.-]+:)?documentation\b.*?</([\w.-]+:)?documentation>`)
)

// locationProblems checks what Compile relies on for every schema document
// of a bundle: each relative schemaLocation stays inside the bundle's file
// system and names a file in it, and each absolute one is in the catalog.
// It returns the problems found and the number of locations checked.
func locationProblems(b schemas.Bundle) (problems []string, checked int, err error) {
	err = fs.WalkDir(b.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".xsd") {
			return err
		}
		data, err := fs.ReadFile(b.FS, p)
		if err != nil {
			return err
		}
		text := documentation.ReplaceAllString(string(data), "") // prose may quote locations
		for _, m := range schemaLocation.FindAllStringSubmatch(text, -1) {
			loc := m[1]
			checked++
			if u, err := url.Parse(loc); err == nil && u.Scheme != "" {
				if _, ok := b.Catalog[loc]; !ok {
					problems = append(problems, p+": absolute location not in the catalog: "+loc)
				}
				continue
			}
			target := path.Join(path.Dir(p), loc)
			if !fs.ValidPath(target) {
				problems = append(problems, p+": location leaves the bundle: "+loc)
				continue
			}
			if _, err := fs.Stat(b.FS, target); err != nil {
				problems = append(problems, p+": "+err.Error())
			}
		}
		return nil
	})
	return problems, checked, err
}

func assertLocationsResolve(t *testing.T, b schemas.Bundle) {
	t.Helper()
	problems, checked, err := locationProblems(b)
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Positive(t, checked, "no schemaLocation checked")
}

func TestLocationCheckCatchesProblems(t *testing.T) {
	bad := schemas.Bundle{Name: "bad", Entry: "a.xsd", FS: fstest.MapFS{
		"a.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="../outside.xsd"/><xs:import schemaLocation="http://example.org/x.xsd"/><xs:include schemaLocation="missing.xsd"/><xs:include schemaLocation="b.xsd"/></xs:schema>`)},
		"b.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`)},
	}}
	problems, checked, err := locationProblems(bad)
	require.NoError(t, err)
	assert.Equal(t, 4, checked)
	assert.Len(t, problems, 3, "escape, uncatalogued URI and missing file: %v", problems)
}
