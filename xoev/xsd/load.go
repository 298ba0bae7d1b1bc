package xsd

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/xmlsafe"
)

// schemaDoc is one loaded schema document with its schema-level settings
// (Part 1 §3.15.2).
type schemaDoc struct {
	path          string
	tns           string
	chameleon     bool // included without targetNamespace (Part 1 §4.2.1)
	elemQualified bool
	attrQualified bool
	blockDefault  derivSet
	finalDefault  derivSet
	root          *node
}

// loader reads the schema documents reachable from the entry through
// include and import (Part 1 §4.2.1, §4.2.3), only from fsys.
type loader struct {
	fsys     fs.FS
	mounted  bool // fsys is a mountFS of Config.Sources
	warnings []string
	cfg      Config
	docs     map[string]*schemaDoc // key: path + "#" + tns
	order    []*schemaDoc
	imported map[string]string // namespace → path of the document that provided it
	nbytes   int64
	pre      map[string]*future
	// key is formKey of the entry and Config (a precompiled form records
	// the key it was made with).
	key string
}

func (l *loader) fail(doc *schemaDoc, el *node, kind error, format string, args ...any) error {
	file := ""
	if doc != nil {
		file = doc.path
	}
	msg := fmt.Sprintf(format, args...)
	if el != nil {
		msg = describe(el) + ": " + msg
	}
	return &SchemaError{File: file, Msg: msg, Err: kind}
}

// resolveLocation maps a schemaLocation to a path in fsys.
func (l *loader) resolveLocation(from *schemaDoc, el *node, loc string) (string, error) {
	loc = strings.TrimSpace(loc)
	if p, ok := l.cfg.Catalog[loc]; ok {
		p = path.Clean(p)
		if !fs.ValidPath(p) {
			return "", l.fail(from, el, ErrSchema, "catalog entry %q maps to invalid path %q", loc, p)
		}
		return p, nil
	}
	if isAbsoluteLocation(loc) {
		return "", l.fail(from, el, ErrSchema, "schemaLocation %q is absolute and not in the catalog (network access is disabled)", loc)
	}
	if strings.HasPrefix(loc, "/") || strings.ContainsAny(loc, "\\?#") {
		return "", l.fail(from, el, ErrSchema, "schemaLocation %q is not a relative path", loc)
	}
	p := path.Clean(path.Join(path.Dir(from.path), loc))
	if !fs.ValidPath(p) || !l.sameSource(from.path, p) {
		return "", l.fail(from, el, ErrSchema, "schemaLocation %q leaves the schema file system", loc)
	}
	return p, nil
}

func (l *loader) load(p string, tns *string, from *schemaDoc, at *node) (*schemaDoc, error) {
	key := p + "#"
	if tns != nil {
		key += *tns
	}
	if d, ok := l.docs[key]; ok {
		return d, nil
	}
	if len(l.docs) >= l.cfg.MaxSchemaDocuments {
		return nil, l.fail(from, at, ErrLimit, "more than %d schema documents", l.cfg.MaxSchemaDocuments)
	}
	var root *node
	if f, ok := l.pre[p]; ok {
		<-f.done
		root, err := f.root, f.err
		if err != nil {
			return nil, &SchemaError{File: p, Msg: err.Error(), Err: ErrSchema}
		}
		l.nbytes += f.size
		return l.finishLoad(p, root, tns, from, at, key)
	}
	data, err := l.read(p)
	if err != nil {
		if errors.Is(err, boundedio.ErrTooLarge) {
			return nil, l.fail(from, at, ErrLimit, "schema document %q larger than %d bytes", p, l.cfg.MaxSchemaBytes)
		}
		return nil, l.fail(from, at, ErrSchema, "cannot read %q: %v", p, err)
	}
	l.nbytes += int64(len(data))
	root, err = parseSchemaDoc(data, xmlsafe.Limits{MaxBytes: l.cfg.MaxSchemaBytes})
	if err != nil {
		return nil, &SchemaError{File: p, Msg: err.Error(), Err: ErrSchema}
	}
	return l.finishLoad(p, root, tns, from, at, key)
}

func (l *loader) read(p string) ([]byte, error) {
	f, err := l.fsys.Open(p)
	if err != nil {
		if u := errors.Unwrap(err); u != nil {
			return nil, u
		}
		return nil, err
	}
	defer f.Close()
	return boundedio.ReadAll(f, l.cfg.MaxSchemaBytes)
}

// future is a schema document parsed ahead of time.
type future struct {
	done chan struct{}
	root *node
	err  error
	size int64
}

// maxPrefetch bounds the speculative parsing of the entry's directory.
const maxPrefetch = 64

// prefetch reads the .xsd files next to the entry (if there are at most
// maxPrefetch of them) and parses them in parallel, so that Compile uses
// all cores for the dominant cost, tokenizing the schema documents. Files
// are read sequentially by the calling goroutine (fs.FS implementations
// need not be safe for concurrent use); files that are never included or
// imported are parsed but not used. Errors are reported only when a file
// is actually loaded.
func (l *loader) prefetch(dir string) {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		return
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".xsd") {
			names = append(names, path.Join(dir, e.Name()))
		}
	}
	if len(names) < 2 || len(names) > maxPrefetch || len(names) > l.cfg.MaxSchemaDocuments {
		return
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	lim := xmlsafe.Limits{MaxBytes: l.cfg.MaxSchemaBytes}
	for _, p := range names {
		data, err := l.read(p)
		if err != nil {
			continue // load reads it again and reports the error
		}
		f := &future{done: make(chan struct{}), size: int64(len(data))}
		l.pre[p] = f
		go func() {
			sem <- struct{}{}
			f.root, f.err = parseSchemaDoc(data, lim)
			<-sem
			close(f.done)
		}()
	}
}

func (l *loader) finishLoad(p string, root *node, tns *string, from *schemaDoc, at *node, key string) (*schemaDoc, error) {
	var err error
	d := &schemaDoc{path: p, root: root}
	if root.NamespaceURI() != nsXSD || root.Tag != "schema" {
		return nil, l.fail(d, root, ErrSchema, "root element is not xs:schema")
	}
	tnsAttr, hasTNS := attr(root, "targetNamespace")
	d.tns = tnsAttr
	if tns != nil {
		switch {
		case !hasTNS:
			d.tns, d.chameleon = *tns, *tns != ""
		case tnsAttr != *tns:
			return nil, l.fail(from, at, ErrSchema, "included document %q has targetNamespace %q, expected %q", p, tnsAttr, *tns)
		}
	}
	d.elemQualified = attrOr(root, "elementFormDefault", "unqualified") == "qualified"
	d.attrQualified = attrOr(root, "attributeFormDefault", "unqualified") == "qualified"
	if d.blockDefault, err = parseDerivSet(attrOr(root, "blockDefault", "")); err != nil {
		return nil, l.fail(d, root, ErrSchema, "blockDefault: %v", err)
	}
	if d.finalDefault, err = parseDerivSet(attrOr(root, "finalDefault", "")); err != nil {
		return nil, l.fail(d, root, ErrSchema, "finalDefault: %v", err)
	}
	l.docs[key] = d
	l.order = append(l.order, d)
	if _, ok := l.imported[d.tns]; !ok {
		l.imported[d.tns] = p
	}
	for _, c := range root.ChildElements() {
		if c.NamespaceURI() != nsXSD {
			return nil, l.fail(d, c, ErrSchema, "unexpected element %s in xs:schema", c.Tag)
		}
		switch c.Tag {
		case "include":
			loc, ok := attr(c, "schemaLocation")
			if !ok {
				return nil, l.fail(d, c, ErrSchema, "xs:include without schemaLocation")
			}
			cp, err := l.resolveLocation(d, c, loc)
			if err != nil {
				return nil, err
			}
			t := d.tns
			if _, err := l.load(cp, &t, d, c); err != nil {
				return nil, err
			}
		case "import":
			ns, _ := attr(c, "namespace")
			if ns == d.tns {
				return nil, l.fail(d, c, ErrSchema, "xs:import of the document's own target namespace %q", ns)
			}
			loc, ok := attr(c, "schemaLocation")
			if !ok {
				continue // components must come from elsewhere; unresolved references fail later
			}
			if l.cfg.AbsoluteImportsAsHints && isAbsoluteLocation(loc) && !l.inCatalog(loc) {
				// Part 1 §4.2.3: the location is a hint. Like xmllint,
				// warn and go on; the namespace's components must then
				// come from another document or references to them fail.
				l.warnings = append(l.warnings, fmt.Sprintf("%s: xs:import of namespace %q: schemaLocation %q is not in the catalog; treated as a hint and not loaded", d.path, ns, strings.TrimSpace(loc)))
				continue
			}
			cp, err := l.resolveLocation(d, c, loc)
			if err != nil {
				return nil, err
			}
			// Like libxml2, a namespace already provided by another
			// document is not imported a second time.
			if prev, ok := l.imported[ns]; ok && prev != cp {
				continue
			}
			nd, err := l.load(cp, nil, d, c)
			if err != nil {
				return nil, err
			}
			if nd.tns != ns {
				return nil, l.fail(d, c, ErrSchema, "imported document %q has targetNamespace %q, expected %q", cp, nd.tns, ns)
			}
		case "redefine", "override":
			return nil, l.fail(d, c, ErrUnsupported, "xs:%s is not supported", c.Tag)
		case "annotation", "element", "attribute", "complexType", "simpleType", "group", "attributeGroup":
		case "notation":
			return nil, l.fail(d, c, ErrUnsupported, "xs:notation is not supported")
		default:
			return nil, l.fail(d, c, ErrSchema, "unexpected element xs:%s in xs:schema", c.Tag)
		}
	}
	return d, nil
}

// attr returns the unqualified attribute key of el.
func attr(el *node, key string) (string, bool) {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

func attrOr(el *node, key, dflt string) string {
	if v, ok := attr(el, key); ok {
		return strings.TrimSpace(v)
	}
	return dflt
}

// lookupPrefix resolves prefix in the scope of el ("" = default namespace).
func lookupPrefix(el *node, prefix string) (string, bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if prefix == "" && a.Space == "" && a.Key == "xmlns" {
				return a.Value, true
			}
			if prefix != "" && a.Space == "xmlns" && a.Key == prefix {
				return a.Value, true
			}
		}
	}
	return "", prefix == ""
}

func parseDerivSet(v string) (derivSet, error) {
	var s derivSet
	for _, f := range strings.Fields(v) {
		switch f {
		case "#all":
			s |= blockExtension | blockRestriction | blockSubstitution | blockList | blockUnion
		case "extension":
			s |= blockExtension
		case "restriction":
			s |= blockRestriction
		case "substitution":
			s |= blockSubstitution
		case "list":
			s |= blockList
		case "union":
			s |= blockUnion
		default:
			return 0, fmt.Errorf("unknown value %q", f)
		}
	}
	return s, nil
}

// describe names a schema element for error messages, e.g.
// xs:complexType name="Foo".
func describe(el *node) string {
	d := "xs:" + el.Tag
	for _, k := range []string{"name", "ref", "base", "type"} {
		if v, ok := attr(el, k); ok {
			return d + " " + k + "=" + fmt.Sprintf("%q", v)
		}
	}
	if p := el.Parent(); p != nil && p.Tag != "schema" {
		return describe(p) + "/" + d
	}
	return d
}

// isAbsoluteLocation reports a URI with a scheme (http:, https:, urn:,
// file:, …) rather than a relative path.
func isAbsoluteLocation(loc string) bool {
	loc = strings.TrimSpace(loc)
	i := strings.Index(loc, ":")
	return i > 0 && !strings.ContainsAny(loc[:i], "/?#")
}

func (l *loader) inCatalog(loc string) bool {
	_, ok := l.cfg.Catalog[strings.TrimSpace(loc)]
	return ok
}
