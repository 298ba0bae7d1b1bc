package xsd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
)

const (
	tinyMain = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
 <xs:annotation><xs:documentation>dropped</xs:documentation></xs:annotation>
 <xs:include schemaLocation="b.xsd"/>
 <xs:element name="r"><xs:complexType><xs:sequence><xs:element name="c" type="C" maxOccurs="3"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`
	tinyB = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
 <xs:simpleType name="C"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{2}\d"/></xs:restriction></xs:simpleType>
</xs:schema>`
	tinyDoc = `<r xmlns="urn:t"><c>AB1</c><c>CD2</c></r>`
)

func tinyFS() fstest.MapFS {
	return fstest.MapFS{"a.xsd": {Data: []byte(tinyMain)}, "b.xsd": {Data: []byte(tinyB)}}
}

func tinyForm(t testing.TB) []byte {
	form, err := Precompile(tinyFS(), "a.xsd", Config{})
	require.NoError(t, err)
	return form
}

// TestPrecompiledVerdicts validates the generated corpus (valid documents
// and their mutations) and the sample messages with each bundle compiled
// from its files, compiled with its precompiled form (Config.Precompiled)
// and loaded from the form (LoadPrecompiled): every verdict and every
// violation (line, path, constraint, message) must be identical.
// Validation runs concurrently on the forms' schemas so that -race covers
// the deferred automata and patterns.
func TestPrecompiledVerdicts(t *testing.T) {
	for _, c := range []struct {
		b       testBundle
		ns      string
		roots   []string
		samples string
	}{
		{xbau26(t), nsXBau, xbauRoots, ""},
		{xwasser100(t), "https://gitlab.opencode.de/akdb/xoev/xwasser/-/raw/main/V1_0_0",
			[]string{"vorgang.transportieren.2010", "administration.quittung.0020", "weiterleitung.abgabe.1020"}, "xwasser"},
		{xdomea300(t), "urn:xoev-de:xdomea:schema:3.0.0",
			[]string{"Aussonderung.Anbieteverzeichnis.0501", "Aussonderung.Aussonderung.0503", "Abgabe.Abgabe.0401"}, "xdomea"},
	} {
		t.Run(c.b.Name, func(t *testing.T) {
			cfg := Config{Catalog: c.b.Catalog}
			files, err := Compile(c.b.FS, c.b.Entry, cfg)
			require.NoError(t, err)
			cfg.Precompiled, err = Precompile(c.b.FS, c.b.Entry, cfg)
			require.NoError(t, err)
			form, err := Compile(c.b.FS, c.b.Entry, cfg)
			require.NoError(t, err)
			loaded, err := LoadPrecompiled(cfg.Precompiled, Config{})
			require.NoError(t, err)
			valid, mutated := buildCorpusSeeds(files, c.ns, c.roots, 1, 1, 2)
			docs := append(valid, mutated...)
			if c.samples != "" {
				paths, err := filepath.Glob(filepath.Join("testdata", c.samples, "*.xml"))
				require.NoError(t, err)
				for _, p := range paths {
					data, err := os.ReadFile(p)
					require.NoError(t, err)
					docs = append(docs, corpusDoc{p, data})
				}
			}
			verdict := func(s *Schema, d corpusDoc) string {
				err := s.ValidateBytes(context.Background(), d.data)
				var ve *ValidationError
				if errors.As(err, &ve) {
					return fmt.Sprintf("%q truncated=%t", ve.Violations, ve.Truncated)
				}
				return fmt.Sprint(err)
			}
			got := make([]string, len(docs))
			gotLoaded := make([]string, len(docs))
			var wg sync.WaitGroup
			for w := 0; w < 4; w++ {
				wg.Go(func() {
					for i := w; i < len(docs); i += 4 {
						got[i] = verdict(form, docs[i])
						gotLoaded[i] = verdict(loaded, docs[i])
					}
				})
			}
			wg.Wait()
			invalid := 0
			for i, d := range docs {
				want := verdict(files, d)
				assert.Equal(t, want, got[i], d.name)
				assert.Equal(t, want, gotLoaded[i], d.name)
				if want != "<nil>" {
					invalid++
				}
			}
			t.Logf("%d documents, %d invalid, identical verdicts", len(docs), invalid)
			assert.Greater(t, invalid, 0)
			assert.Less(t, invalid, len(docs))
		})
	}
}

func TestPrecompiledRefused(t *testing.T) {
	form := tinyForm(t)
	stale := tinyFS()
	stale["b.xsd"] = &fstest.MapFile{Data: []byte(strings2(tinyB, `\d`, `[0-9]`))}
	grown := tinyFS()
	grown["b.xsd"] = &fstest.MapFile{Data: append([]byte(tinyB), ' ')}
	missing := tinyFS()
	delete(missing, "b.xsd")
	for _, c := range []struct {
		name string
		fsys fstest.MapFS
		form []byte
		cfg  Config
		want error
		msg  string
	}{
		{"stale file", stale, form, Config{}, ErrSchema, "stale"},
		{"grown file", grown, form, Config{}, ErrSchema, "stale"},
		{"missing file", missing, form, Config{}, ErrSchema, "stale"},
		{"empty form", tinyFS(), []byte{}, Config{}, ErrSchema, "malformed"},
		{"bad magic", tinyFS(), append([]byte("X"), form[1:]...), Config{}, ErrSchema, "malformed"},
		{"trailing byte", tinyFS(), append(append([]byte(nil), form...), 0), Config{}, ErrSchema, "malformed"},
		{"too many documents", tinyFS(), form, Config{MaxSchemaDocuments: 1}, ErrLimit, "more than 1"},
		{"document too large", tinyFS(), form, Config{MaxSchemaBytes: 100}, ErrLimit, "larger than 100"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Precompiled = c.form
			s, err := Compile(c.fsys, "a.xsd", c.cfg)
			require.ErrorIs(t, err, c.want)
			assert.Contains(t, err.Error(), c.msg)
			assert.Nil(t, s)
		})
	}
	// Every truncation is refused, none panics.
	for n := 0; n < len(form); n++ {
		_, err := Compile(tinyFS(), "a.xsd", Config{Precompiled: form[:n]})
		require.ErrorIs(t, err, ErrSchema, "prefix %d", n)
	}
}

func strings2(s, old, repl string) string {
	return string(bytes.Replace([]byte(s), []byte(old), []byte(repl), 1))
}

func TestPrecompiledEquivalent(t *testing.T) {
	ctx := context.Background()
	form := tinyForm(t)
	s, err := Compile(tinyFS(), "a.xsd", Config{Precompiled: form})
	require.NoError(t, err)
	require.NoError(t, s.ValidateBytes(ctx, []byte(tinyDoc)))
	for _, bad := range []string{`<r xmlns="urn:t"><c>A1</c></r>`, `<r xmlns="urn:t"/>`, `<r xmlns="urn:t"><c>AB1</c><c>AB1</c><c>AB1</c><c>AB1</c></r>`} {
		assert.ErrorIs(t, s.ValidateBytes(ctx, []byte(bad)), ErrInvalid, bad)
	}
	// Deterministic: the same files give the same bytes.
	assert.Equal(t, form, tinyForm(t))
	// A set that does not compile has no form.
	broken := tinyFS()
	broken["b.xsd"] = &fstest.MapFile{Data: []byte(strings2(tinyB, `\d`, `\p`))}
	_, err = Precompile(broken, "a.xsd", Config{})
	assert.ErrorIs(t, err, ErrUnsupported)
	// A caller's smaller MaxContentStates is honoured as from the files.
	_, errFiles := Compile(tinyFS(), "a.xsd", Config{MaxContentStates: 2})
	_, errForm := Compile(tinyFS(), "a.xsd", Config{MaxContentStates: 2, Precompiled: form})
	require.ErrorIs(t, errFiles, ErrUnsupported)
	assert.Equal(t, errFiles.Error(), errForm.Error())
}

// TestPrecompiledFailsClosed forges a form whose pattern has a program
// that does not decode and a source that does not compile (the hashes
// still match the files): the deferred matcher rejects every value
// instead of accepting it. With only the program broken, the source is
// compiled instead and the verdict is unchanged.
func TestPrecompiledFailsClosed(t *testing.T) {
	form := tinyForm(t)
	m, err := regex.Compile(`[A-Z]{2}\d`)
	require.NoError(t, err)
	prog := m.AppendProgram(nil)
	at := bytes.Index(form, prog)
	require.Positive(t, at)
	badProg := append([]byte(nil), form...)
	badProg[at] = 0x7f // start beyond the program
	forged := bytes.Replace(badProg, []byte(`[A-Z]{2}\d`), []byte(`[A-Z]{2}\p`), 1)
	require.NotEqual(t, badProg, forged)
	for _, c := range []struct {
		form  []byte
		valid bool
	}{{form, true}, {badProg, true}, {forged, false}} {
		s, err := Compile(tinyFS(), "a.xsd", Config{Precompiled: c.form})
		require.NoError(t, err)
		err = s.ValidateBytes(context.Background(), []byte(tinyDoc))
		if c.valid {
			assert.NoError(t, err)
		} else {
			assert.ErrorIs(t, err, ErrInvalid)
		}
	}
}

// FuzzPrecompiledDecode loads arbitrary bytes as a precompiled form: a
// typed ErrSchema (or ErrLimit, for sizes beyond the defaults) or a
// schema that validates without panicking or looping, never a panic.
func FuzzPrecompiledDecode(f *testing.F) {
	form := tinyForm(f)
	f.Add(form)
	f.Add([]byte(precompiledMagic))
	f.Add(form[:len(form)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadPrecompiled(data, Config{})
		if err != nil {
			if !errors.Is(err, ErrLimit) {
				require.ErrorIs(t, err, ErrSchema)
			}
			return
		}
		for _, doc := range []string{tinyDoc, `<r xmlns="urn:t"><c>A1</c></r>`, `<x/>`} {
			_ = s.ValidateBytes(context.Background(), []byte(doc))
		}
	})
}

// LoadPrecompiled refuses what would change the set, applies the caller's
// limits, refuses every truncation and corrupt form with ErrSchema, and
// honours a smaller MaxContentStates by building every automaton up front.
func TestLoadPrecompiled(t *testing.T) {
	ctx := context.Background()
	form := tinyForm(t)
	s, err := LoadPrecompiled(form, Config{})
	require.NoError(t, err)
	require.NoError(t, s.ValidateBytes(ctx, []byte(tinyDoc)))
	assert.ErrorIs(t, s.ValidateBytes(ctx, []byte(`<r xmlns="urn:t"><c>A1</c></r>`)), ErrInvalid)

	for name, c := range map[string]struct {
		form []byte
		cfg  Config
		want error
	}{
		"catalog":             {form, Config{Catalog: map[string]string{"urn:x": "b.xsd"}}, ErrInvalidConfig},
		"sources":             {form, Config{Sources: []Source{{Name: "x", FS: tinyFS()}}}, ErrInvalidConfig},
		"hints":               {form, Config{AbsoluteImportsAsHints: true}, ErrInvalidConfig},
		"precompiled":         {form, Config{Precompiled: form}, ErrInvalidConfig},
		"negative limit":      {form, Config{MaxSchemaBytes: -1}, ErrInvalidConfig},
		"too many documents":  {form, Config{MaxSchemaDocuments: 1}, ErrLimit},
		"document too large":  {form, Config{MaxSchemaBytes: 100}, ErrLimit},
		"automaton too large": {form, Config{MaxContentStates: 2}, ErrUnsupported},
		"nil form":            {nil, Config{}, ErrSchema},
		"old version":         {append([]byte("ozg-xsd-precompiled/1\n"), form[len(precompiledMagic):]...), Config{}, ErrSchema},
		"trailing byte":       {append(append([]byte(nil), form...), 0), Config{}, ErrSchema},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := LoadPrecompiled(c.form, c.cfg)
			require.ErrorIs(t, err, c.want)
			assert.Nil(t, s)
		})
	}
	for n := 0; n < len(form); n++ {
		_, err := LoadPrecompiled(form[:n], Config{})
		require.ErrorIs(t, err, ErrSchema, "prefix %d", n)
	}
	// Every single-byte corruption is an error or a schema that validates
	// without panicking.
	for i := len(precompiledMagic); i < len(form); i++ {
		for _, delta := range []byte{1, 0x80, 0xff} {
			bad := append([]byte(nil), form...)
			bad[i] += delta
			if s, err := LoadPrecompiled(bad, Config{}); err == nil {
				_ = s.ValidateBytes(ctx, []byte(tinyDoc))
			}
		}
	}
}

// A form made with another catalog is verified against the files and then
// not used: Compile compiles from the files (here shown by a forged
// pattern that only the form's model has).
func TestPrecompiledOtherSetCompilesFiles(t *testing.T) {
	form := tinyForm(t)
	forged := bytes.Replace(form, []byte(`[A-Z]{2}\d`), []byte(`[A-Z]{2}\p`), 1)
	s, err := Compile(tinyFS(), "a.xsd", Config{Precompiled: forged, Catalog: map[string]string{"urn:x": "b.xsd"}})
	require.NoError(t, err)
	assert.NoError(t, s.ValidateBytes(context.Background(), []byte(tinyDoc)))
	// Still verified: a stale file is refused whatever the catalog.
	stale := tinyFS()
	stale["b.xsd"] = &fstest.MapFile{Data: []byte(strings2(tinyB, `\d`, `[0-9]`))}
	_, err = Compile(stale, "a.xsd", Config{Precompiled: form, Catalog: map[string]string{"urn:x": "b.xsd"}})
	assert.ErrorIs(t, err, ErrSchema)
}

// Every automaton block of the bundles' forms decodes to exactly the
// automaton built from the decoded particles.
func TestPrecompiledAutomata(t *testing.T) {
	for _, b := range allBundles(t) {
		t.Run(b.Name, func(t *testing.T) {
			form, err := Precompile(b.FS, b.Entry, Config{Catalog: b.Catalog})
			require.NoError(t, err)
			_, _, complexes, err := decodeForm(form)
			require.NoError(t, err)
			n := 0
			for _, ct := range complexes {
				if ct.deferred == nil || ct == anyType {
					continue
				}
				require.NotNil(t, ct.deferred.block, ct.name)
				got, ok := decodeDFA(ct.deferred.block, ct.deferred.tables)
				require.True(t, ok, ct.name)
				want, err := buildDFA(ct.particle, DefaultMaxContentStates)
				require.NoError(t, err)
				require.Equal(t, want, got, ct.name)
				// A truncated block is refused (the model is then rebuilt).
				_, ok = decodeDFA(ct.deferred.block[:len(ct.deferred.block)-1], ct.deferred.tables)
				require.False(t, ok, ct.name)
				n++
			}
			t.Logf("%d automata", n)
			assert.Positive(t, n)
		})
	}
}
