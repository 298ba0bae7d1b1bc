package schemas

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/egosaar/ozg/xoev/xsd"
)

//go:embed xbau-2.6/*.xsd xbau-2.6/SOURCES.md
//go:embed xwasser-1.0.0/*.xsd xwasser-1.0.0/SOURCES.md xwasser-1.0.0/catalog.json xwasser-1.0.0/remote
//go:embed xdomea-3.0.0/SOURCES.md xdomea-3.0.0/schemes
var files embed.FS

// Bundle is a schema set: a file system, the entry schema document inside
// it and the catalog (absolute schemaLocation URI → path in FS). Compile
// compiles it; Source offers it to the compilation of another schema set.
type Bundle struct {
	Name    string
	FS      fs.FS
	Entry   string
	Catalog map[string]string

	// precompiled names the bundle's form in precompiled/ ("" for none).
	precompiled string
	// err is why the embedded bundle cannot be used (its folder or catalog
	// is unreadable); Compile and Source report it. Embedded at build time
	// and checked by TestBundles, so it stays nil in a correct build.
	err error
}

// embedded returns the bundle whose files are in dir of the embedded
// files, with its catalog read from dir/catalog.json when withCatalog.
func embedded(name, dir, entry, precompiled string, withCatalog bool) Bundle {
	b := Bundle{Name: name, Entry: entry, Catalog: map[string]string{}, precompiled: precompiled}
	f, err := fs.Sub(files, dir)
	if err == nil && withCatalog {
		b.Catalog, err = catalogOf(dir)
	}
	if err != nil {
		b.err = fmt.Errorf("%w: bundled %s: %w", xsd.ErrSchema, name, err)
		f = failFS{b.err}
	}
	b.FS = f
	return b
}

// failFS is the file system of a bundle that cannot be used: every Open
// reports why.
type failFS struct{ err error }

func (f failFS) Open(string) (fs.File, error) { return nil, f.err }

// XBau26 is XBau 2.6 (namespace http://www.xleitstelle.de/xbau/2/6) with
// the XBau-Kernmodul 1.3.0 and XÖV core schemas; entry
// xbau-nachrichten-baugenehmigung.xsd. All locations are relative.
func XBau26() Bundle {
	return embedded("XBau 2.6", "xbau-2.6", "xbau-nachrichten-baugenehmigung.xsd", "xbau-2.6", false)
}

// XWasser100 is XWasser 1.0.0; entry xwasser.xsd. Its imports use absolute
// http(s)://xoev.de/… and https://www.w3.org/… locations, mapped by the
// catalog to remote/ (the XML Signature schema is the DTD-free copy).
func XWasser100() Bundle {
	return embedded("XWasser 1.0.0", "xwasser-1.0.0", "xwasser.xsd", "xwasser-1.0.0", true)
}

// catalogOf reads dir/catalog.json (absolute URI → path in dir), kept as
// data so that tests can read the same catalog from disk.
func catalogOf(dir string) (map[string]string, error) {
	data, err := files.ReadFile(dir + "/catalog.json")
	if err != nil {
		return nil, err
	}
	c := map[string]string{}
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s/catalog.json: %w", dir, err)
	}
	return c, nil
}

// Xdomea300 is xdomea 3.0.0 (namespace urn:xoev-de:xdomea:schema:3.0.0);
// entry schemes/xdomea_3.0.0/xdomea.xsd. All locations are relative.
func Xdomea300() Bundle {
	return embedded("xdomea 3.0.0", "xdomea-3.0.0", "schemes/xdomea_3.0.0/xdomea.xsd", "xdomea-3.0.0", false)
}

// XOEVCore is the core of the XÖV library (XÖV-Bibliothek 2022-10-14):
// the message headers of basisnachricht 1.1 (qualified g2g, unqualified
// g2g, behoerde, kommunikation), the Code type (xoev-code 1.0) and the DIN
// 91379:2022-08 datatypes, each under its file name and, in the catalog,
// under its official URI. A standard of one's own imports them by those
// URIs and compiles with the core as an xsd.Source (see Bundle.Source).
// The files are those of the XBau 2.6 set (same provenance, SOURCES.md).
func XOEVCore() Bundle {
	b := embedded("XOEV core", "xbau-2.6", "xoev-basisnachricht-g2g_1.1.xsd", "xoev-core", false)
	if b.err == nil {
		b.FS = onlyFS{b.FS, coreFiles}
	}
	b.Catalog = map[string]string{
		"http://xoev.de/schemata/code/1_0/xoev-code.xsd":                                                         "xoev-code.xsd",
		"http://xoev.de/schemata/basisnachricht/g2g/1_1/xoev-basisnachricht-g2g_1.1.xsd":                         "xoev-basisnachricht-g2g_1.1.xsd",
		"http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1/xoev-basisnachricht-unqualified-g2g_1.1.xsd": "xoev-basisnachricht-unqualified-g2g_1.1.xsd",
		"http://xoev.de/schemata/basisnachricht/behoerde/1_1/xoev-basisnachricht-behoerde_1.1.xsd":               "xoev-basisnachricht-behoerde_1.1.xsd",
		"http://xoev.de/schemata/basisnachricht/kommunikation/1_1/xoev-basisnachricht-kommunikation_1.1.xsd":     "xoev-basisnachricht-kommunikation_1.1.xsd",
		"https://xoev.de/schemata/din/91379/2022-08/din-norm-91379-datatypes.xsd":                                "din-norm-91379-datatypes.xsd",
		"http://www.w3.org/2001/xml.xsd": "xml.xsd",
	}
	return b
}

var coreFiles = map[string]bool{
	"SOURCES.md": true, "xml.xsd": true, "xoev-code.xsd": true, "din-norm-91379-datatypes.xsd": true,
	"xoev-basisnachricht-g2g_1.1.xsd": true, "xoev-basisnachricht-unqualified-g2g_1.1.xsd": true,
	"xoev-basisnachricht-behoerde_1.1.xsd": true, "xoev-basisnachricht-kommunikation_1.1.xsd": true,
}

// onlyFS shows the files of fsys named in allow (a flat directory).
type onlyFS struct {
	fsys  fs.FS
	allow map[string]bool
}

func (o onlyFS) Open(name string) (fs.File, error) {
	if name != "." && !o.allow[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.fsys.Open(name)
}

// ReadDir implements fs.ReadDirFS, listing only the allowed files.
func (o onlyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	all, err := fs.ReadDir(o.fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []fs.DirEntry
	for _, e := range all {
		if o.allow[e.Name()] {
			out = append(out, e)
		}
	}
	return out, nil
}

// All returns the bundled sets.
func All() []Bundle { return []Bundle{XBau26(), XWasser100(), Xdomea300(), XOEVCore()} }

// Compile compiles the bundle (cfg.Catalog is merged over the bundle's
// catalog; cfg.Sources add further file systems). A bundle of this package
// is loaded from its embedded precompiled form (xsd.LoadPrecompiled: a
// decode, no schema file is read) unless cfg adds a Catalog, Sources or
// AbsoluteImportsAsHints; then it is compiled with the form checked
// against the embedded files (xsd.Config.Precompiled). The form is
// regenerated by go generate and the package's tests fail when it is
// stale.
func (b Bundle) Compile(cfg xsd.Config) (*xsd.Schema, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.precompiled != "" && len(cfg.Catalog) == 0 && len(cfg.Sources) == 0 && !cfg.AbsoluteImportsAsHints && cfg.Precompiled == nil {
		form, err := b.form()
		if err != nil {
			return nil, err
		}
		cfg.Catalog, cfg.Sources = nil, nil
		return xsd.LoadPrecompiled(form, cfg)
	}
	cfg, err := b.compileConfig(cfg)
	if err != nil {
		return nil, err
	}
	cat := make(map[string]string, len(b.Catalog)+len(cfg.Catalog))
	for k, v := range b.Catalog {
		cat[k] = v
	}
	for k, v := range cfg.Catalog {
		cat[k] = v
	}
	cfg.Catalog = cat
	return xsd.Compile(b.FS, b.Entry, cfg)
}

// Source returns the bundle as an xsd.Source named after it ("XOEV core"
// becomes "xoev-core"), for Config.Sources.
func (b Bundle) Source() xsd.Source {
	name := strings.ToLower(strings.NewReplacer(" ", "-", "/", "-").Replace(b.Name))
	return xsd.Source{Name: name, FS: b.FS, Catalog: b.Catalog}
}
