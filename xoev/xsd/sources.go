package xsd

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Source is a further file system of schema documents for Compile, with
// the catalog of the absolute schemaLocations it provides. A municipal
// standard, for example, keeps its own schema documents in the fs.FS given
// to Compile and imports the XÖV core schemas by their official URIs from
// a Source (schemas.XOEVCore).
type Source struct {
	// Name identifies the source in SchemaError.File ("core/xoev-code.xsd");
	// a single path element, unique among Config.Sources, not "main"
	// (which names the fs.FS given to Compile).
	Name string
	// FS holds the schema documents.
	FS fs.FS
	// Catalog maps absolute schemaLocation URIs to paths in FS.
	Catalog map[string]string
}

// mainSource names the fs.FS given to Compile once Sources are in use.
const mainSource = "main"

func (s Source) validate(seen map[string]bool) error {
	switch {
	case s.FS == nil:
		return fmt.Errorf("%w: source %q has no file system", ErrInvalidConfig, s.Name)
	case s.Name == "" || s.Name == mainSource || strings.ContainsAny(s.Name, "/\\") || !fs.ValidPath(s.Name):
		return fmt.Errorf("%w: source name %q must be a single path element other than %q", ErrInvalidConfig, s.Name, mainSource)
	case seen[s.Name]:
		return fmt.Errorf("%w: two sources named %q", ErrInvalidConfig, s.Name)
	}
	seen[s.Name] = true
	return nil
}

// mount combines the fs.FS given to Compile and cfg.Sources into one file
// system, each under its name, and one catalog whose paths point into it:
// entries of cfg.Catalog first, then each source's in order (the first
// mapping of a URI wins). Relative locations stay inside the file system
// of the document that names them (see loader.resolveLocation).
func mount(fsys fs.FS, entry string, cfg Config) (fs.FS, string, map[string]string) {
	m := &mountFS{byName: map[string]fs.FS{mainSource: fsys}}
	catalog := map[string]string{}
	add := func(name string, c map[string]string) {
		for uri, p := range c {
			if _, dup := catalog[uri]; !dup {
				catalog[uri] = name + "/" + path.Clean(p)
			}
		}
	}
	add(mainSource, cfg.Catalog)
	for _, s := range cfg.Sources {
		m.byName[s.Name] = s.FS
		add(s.Name, s.Catalog)
	}
	return m, mainSource + "/" + entry, catalog
}

// mountFS serves name/rest from the file system mounted as name.
type mountFS struct {
	byName map[string]fs.FS
}

func (m *mountFS) Open(name string) (fs.File, error) {
	first, rest, _ := strings.Cut(name, "/")
	f, ok := m.byName[first]
	if !ok || !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if rest == "" {
		rest = "."
	}
	return f.Open(rest)
}

// sameSource reports whether p is in the file system of the document at
// from (always true without Sources).
func (l *loader) sameSource(from, p string) bool {
	if !l.mounted {
		return true
	}
	a, _, _ := strings.Cut(from, "/")
	b, _, _ := strings.Cut(p, "/")
	return a == b
}
