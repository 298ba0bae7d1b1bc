package xsd

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
)

// Schema is a compiled schema set. It is immutable and safe for concurrent
// use by multiple goroutines.
type Schema struct {
	elements  map[qname]*elementDecl
	types     map[qname]typeDef
	attrs     map[qname]*attrDecl
	cfg       Config
	documents int
	bytes     int64
	warnings  []string
}

// Warnings returns what Compile skipped but did not refuse: absolute import
// locations treated as hints (Config.AbsoluteImportsAsHints).
func (s *Schema) Warnings() []string { return append([]string(nil), s.warnings...) }

type rawComp struct {
	el  *node
	doc *schemaDoc
}

type compiler struct {
	l            *loader
	cfg          Config
	rawTypes     map[qname]rawComp
	rawElems     map[qname]rawComp
	rawAttrs     map[qname]rawComp
	rawGroups    map[qname]rawComp
	rawAttrGrps  map[qname]rawComp
	types        map[qname]typeDef
	simpleInProg map[qname]bool
	elems        map[qname]*elementDecl
	attrs        map[qname]*attrDecl
	attrGrps     map[qname]*attrGroup
	attrGrpProg  map[qname]bool
	groupProg    map[qname]bool
	complexes    []*complexType
	pending      []*elementDecl
	allElems     []*elementDecl
	patterns     map[string]*regex.Matcher // by XSD pattern; XÖV types repeat DIN 91379 patterns
}

// pattern compiles an XSD pattern once per schema set (a Matcher is
// immutable to its users and safe for concurrent use).
func (c *compiler) pattern(v string) (*regex.Matcher, error) {
	if m, ok := c.patterns[v]; ok {
		return m, nil
	}
	m, err := regex.Compile(v)
	if err != nil {
		return nil, err
	}
	c.patterns[v] = m
	return m, nil
}

type attrGroup struct {
	uses       []*attrUse
	prohibited []qname
	wc         *wildcard
}

// Compile reads the schema document entry from fsys, follows its includes
// and imports (absolute locations only through cfg.Catalog), and compiles
// the schema set. It never reads outside fsys (and cfg.Sources, where
// absolute locations may also be found through each Source's catalog) and
// never uses the network.
// Errors wrap ErrSchema, ErrUnsupported or ErrLimit.
func Compile(fsys fs.FS, entry string, cfg Config) (*Schema, error) {
	s, _, err := compile(fsys, entry, cfg)
	return s, err
}

func compile(fsys fs.FS, entry string, cfg Config) (*Schema, *loader, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	cfg = cfg.withDefaults()
	if fsys == nil {
		return nil, nil, &SchemaError{File: entry, Msg: "nil file system", Err: ErrSchema}
	}
	entry = path.Clean(entry)
	if !fs.ValidPath(entry) {
		return nil, nil, &SchemaError{File: entry, Msg: "invalid entry path", Err: ErrSchema}
	}
	mounted := len(cfg.Sources) > 0
	if mounted {
		fsys, entry, cfg.Catalog = mount(fsys, entry, cfg)
	}
	l := &loader{fsys: fsys, cfg: cfg, mounted: mounted, docs: map[string]*schemaDoc{}, imported: map[string]string{}, pre: map[string]*future{}, key: formKey(entry, cfg)}
	if cfg.Precompiled != nil {
		s, err := l.fromForm(cfg.Precompiled)
		if err != nil || s != nil {
			return s, l, err
		}
	}
	l.prefetch(path.Dir(entry))
	if _, err := l.load(entry, nil, &schemaDoc{path: entry}, nil); err != nil {
		return nil, nil, err
	}
	c := &compiler{
		l: l, cfg: cfg,
		rawTypes: map[qname]rawComp{}, rawElems: map[qname]rawComp{}, rawAttrs: map[qname]rawComp{},
		rawGroups: map[qname]rawComp{}, rawAttrGrps: map[qname]rawComp{},
		types: map[qname]typeDef{}, simpleInProg: map[qname]bool{}, elems: map[qname]*elementDecl{},
		attrs: map[qname]*attrDecl{}, attrGrps: map[qname]*attrGroup{}, attrGrpProg: map[qname]bool{},
		groupProg: map[qname]bool{}, patterns: map[string]*regex.Matcher{},
	}
	if err := c.run(); err != nil {
		return nil, nil, err
	}
	types := make(map[qname]typeDef, len(c.types))
	for k, v := range c.types {
		types[k] = v
	}
	return &Schema{elements: c.elems, types: types, attrs: c.attrs, cfg: cfg, documents: len(l.order), bytes: l.nbytes, warnings: l.warnings}, l, nil
}

func (c *compiler) fail(doc *schemaDoc, el *node, kind error, format string, args ...any) error {
	return c.l.fail(doc, el, kind, format, args...)
}

func (c *compiler) run() error {
	// Register the global components (Part 1 §3.15.2: symbol spaces), in
	// document order so that errors are reported deterministically.
	type global struct {
		tag string
		q   qname
	}
	var globals []global
	for _, d := range c.l.order {
		for _, el := range d.root.ChildElements() {
			var m map[qname]rawComp
			switch el.Tag {
			case "element":
				m = c.rawElems
			case "attribute":
				m = c.rawAttrs
			case "complexType", "simpleType":
				m = c.rawTypes
			case "group":
				m = c.rawGroups
			case "attributeGroup":
				m = c.rawAttrGrps
			default:
				continue
			}
			name, ok := attr(el, "name")
			if !ok || !isNCName(name) {
				return c.fail(d, el, ErrSchema, "global declaration needs a valid name")
			}
			q := qname{d.tns, name}
			if prev, dup := m[q]; dup {
				if prev.doc.path == d.path {
					continue
				}
				return c.fail(d, el, ErrSchema, "duplicate global %s %s (also in %s)", el.Tag, q, prev.doc.path)
			}
			m[q] = rawComp{el, d}
			globals = append(globals, global{el.Tag, q})
		}
	}
	for _, g := range globals {
		var err error
		switch g.tag {
		case "complexType", "simpleType":
			_, err = c.typeByName(g.q, nil, nil)
		case "attribute":
			_, err = c.globalAttr(g.q, nil, nil)
		case "attributeGroup":
			_, err = c.attributeGroup(g.q, nil, nil)
		case "element":
			_, err = c.globalElement(g.q, nil, nil)
		}
		if err != nil {
			return err
		}
	}
	for done := 0; len(c.pending) > 0 || done < len(c.complexes); {
		for len(c.pending) > 0 {
			d := c.pending[len(c.pending)-1]
			c.pending = c.pending[:len(c.pending)-1]
			if err := c.resolveElement(d); err != nil {
				return err
			}
		}
		for ; done < len(c.complexes); done++ {
			if err := c.finish(c.complexes[done]); err != nil {
				return err
			}
		}
	}
	if err := c.substitutionGroups(); err != nil {
		return err
	}
	if err := c.resolveKeyrefs(); err != nil {
		return err
	}
	for _, ct := range c.complexes {
		if err := c.buildModel(ct); err != nil {
			return err
		}
	}
	return nil
}

// resolveQName resolves a QName-valued schema attribute (Part 1 §3.15.3).
func (c *compiler) resolveQName(doc *schemaDoc, el *node, v string) (qname, error) {
	v = strings.TrimSpace(v)
	prefix, local := "", v
	if i := strings.IndexByte(v, ':'); i >= 0 {
		prefix, local = v[:i], v[i+1:]
	}
	if !isNCName(local) || (prefix != "" && !isNCName(prefix)) {
		return qname{}, c.fail(doc, el, ErrSchema, "%q is not a QName", v)
	}
	ns, ok := lookupPrefix(el, prefix)
	if !ok {
		return qname{}, c.fail(doc, el, ErrSchema, "prefix %q of %q is not declared", prefix, v)
	}
	if ns == "" && doc.chameleon {
		ns = doc.tns
	}
	return qname{ns, local}, nil
}

func (c *compiler) typeByName(q qname, doc *schemaDoc, at *node) (typeDef, error) {
	if t, ok := c.types[q]; ok {
		return t, nil
	}
	if q.ns == nsXSD {
		if q.local == "anyType" {
			return anyType, nil
		}
		if t := builtinByName(q.local); t != nil {
			return t, nil
		}
		if q.local == "NOTATION" {
			return nil, c.fail(doc, at, ErrUnsupported, "xs:NOTATION is not supported")
		}
		return nil, c.fail(doc, at, ErrSchema, "unknown built-in type %s", q)
	}
	raw, ok := c.rawTypes[q]
	if !ok {
		return nil, c.fail(doc, at, ErrSchema, "type %s is not declared", q)
	}
	if raw.el.Tag == "complexType" {
		return c.newComplex(raw.el, raw.doc, q)
	}
	if c.simpleInProg[q] {
		return nil, c.fail(raw.doc, raw.el, ErrSchema, "circular simple type definition %s", q)
	}
	c.simpleInProg[q] = true
	st, err := c.compileSimple(raw.el, raw.doc, q)
	delete(c.simpleInProg, q)
	if err != nil {
		return nil, err
	}
	c.types[q] = st
	return st, nil
}

func (c *compiler) simpleByName(q qname, doc *schemaDoc, at *node) (*simpleType, error) {
	t, err := c.typeByName(q, doc, at)
	if err != nil {
		return nil, err
	}
	st, ok := t.(*simpleType)
	if !ok {
		return nil, c.fail(doc, at, ErrSchema, "%s is not a simple type", q)
	}
	return st, nil
}

func (c *compiler) newComplex(el *node, doc *schemaDoc, name qname) (*complexType, error) {
	ct := &complexType{name: name, src: el, doc: doc}
	var err error
	if ct.block, err = derivAttr(el, "block", doc.blockDefault); err != nil {
		return nil, c.fail(doc, el, ErrSchema, "block: %v", err)
	}
	if ct.final, err = derivAttr(el, "final", doc.finalDefault); err != nil {
		return nil, c.fail(doc, el, ErrSchema, "final: %v", err)
	}
	if name.local != "" {
		c.types[name] = ct
	}
	c.complexes = append(c.complexes, ct)
	return ct, nil
}

func derivAttr(el *node, key string, dflt derivSet) (derivSet, error) {
	v, ok := attr(el, key)
	if !ok {
		return dflt, nil
	}
	return parseDerivSet(v)
}

func parseBool(v string) (bool, error) {
	switch strings.TrimSpace(v) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", v)
}

func boolAttr(el *node, key string) (bool, error) {
	v, ok := attr(el, key)
	if !ok {
		return false, nil
	}
	return parseBool(v)
}

func (c *compiler) occurs(doc *schemaDoc, el *node) (int, int, error) {
	lo, hi := 1, 1
	if v, ok := attr(el, "minOccurs"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, 0, c.fail(doc, el, ErrSchema, "bad minOccurs %q", v)
		}
		lo = n
	}
	if v, ok := attr(el, "maxOccurs"); ok {
		v = strings.TrimSpace(v)
		if v == "unbounded" {
			hi = unbounded
		} else {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, 0, c.fail(doc, el, ErrSchema, "bad maxOccurs %q", v)
			}
			hi = n
		}
	}
	if hi != unbounded && hi < lo {
		return 0, 0, c.fail(doc, el, ErrSchema, "maxOccurs %d < minOccurs %d", hi, lo)
	}
	return lo, hi, nil
}

// children returns the XSD child elements of el, without annotations.
func (c *compiler) children(doc *schemaDoc, el *node) ([]*node, error) {
	var out []*node
	for _, ch := range el.ChildElements() {
		if ch.NamespaceURI() != nsXSD {
			return nil, c.fail(doc, ch, ErrSchema, "unexpected element %s", ch.Tag)
		}
		if ch.Tag == "annotation" {
			continue
		}
		out = append(out, ch)
	}
	return out, nil
}
