package xsd

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"

	"github.com/beevik/etree"
)

// Corpus generator for the xmllint agreement test: schema-driven valid
// instances with realistic content, and systematic mutations of them.

type genOpts struct {
	seed     int64
	optional float64 // probability of including an optional particle at depth 0
	repeat   int     // occurrences of unbounded particles near the root
	maxDepth int
}

// site records where a mutation can be applied.
type site struct {
	el    *etree.Element
	decl  *elementDecl
	st    *simpleType // simple content type, if any
	ct    *complexType
	req   bool // required by its particle (minOccurs >= 1 and no alternative)
	max1  bool // maxOccurs == 1
	fixed []string
	reqAt []string
}

type generator struct {
	s       *Schema
	o       genOpts
	rnd     *rand.Rand
	prefix  map[string]string
	sites   []*site
	idn     int
	idAttrs []*etree.Element
	msgCode string
	derived map[*complexType][]*complexType
}

func newGenerator(s *Schema, o genOpts) *generator {
	g := &generator{s: s, o: o, rnd: rand.New(rand.NewSource(o.seed)), prefix: map[string]string{}, derived: map[*complexType][]*complexType{}}
	var names []qname
	for q := range s.types {
		names = append(names, q)
	}
	sort.Slice(names, func(i, j int) bool { return names[i].String() < names[j].String() })
	for _, q := range names {
		ct, ok := s.types[q].(*complexType)
		if !ok || ct.abstract {
			continue
		}
		for b := ct.base; b != nil; {
			bct, ok := b.(*complexType)
			if !ok || bct == anyType {
				break
			}
			g.derived[bct] = append(g.derived[bct], ct)
			b = bct.base
		}
	}
	return g
}

var knownPrefixes = map[string]string{
	"http://www.xleitstelle.de/xbau/2/6":                             "xbau",
	"http://www.xleitstelle.de/xbau/kernmodul/1/3/0":                 "xbauk",
	"http://www.w3.org/2000/09/xmldsig#":                             "ds",
	"http://www.opengis.net/gml/3.2":                                 "gml",
	"http://www.w3.org/1999/xlink":                                   "xlink",
	"http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1":     "bn-uq-g2g",
	"https://gitlab.opencode.de/akdb/xoev/xwasser/-/raw/main/V1_0_0": "xwas",
}

func (g *generator) pfx(ns string) string {
	if p, ok := g.prefix[ns]; ok {
		return p
	}
	p := knownPrefixes[ns]
	if p == "" {
		p = fmt.Sprintf("ns%d", len(g.prefix)+1)
	}
	g.prefix[ns] = p
	return p
}

// document generates a valid instance of the global element root.
func (g *generator) document(root qname) *etree.Document {
	decl := g.s.elements[root]
	if i := strings.LastIndexByte(root.local, '.'); i >= 0 {
		g.msgCode = root.local[i+1:]
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	el := g.element(nil, decl, 0, true, true)
	doc.AddChild(el)
	var nss []string
	for ns := range g.prefix {
		nss = append(nss, ns)
	}
	sort.Strings(nss)
	for _, ns := range nss {
		el.CreateAttr("xmlns:"+g.prefix[ns], ns)
	}
	el.CreateAttr("xmlns:xsi", nsXSI)
	return doc
}

func (g *generator) tag(q qname) string {
	if q.ns == "" {
		return q.local
	}
	return g.pfx(q.ns) + ":" + q.local
}

func (g *generator) element(parent *etree.Element, decl *elementDecl, depth int, req, max1 bool) *etree.Element {
	el := etree.NewElement(g.tag(decl.name))
	if parent != nil {
		parent.AddChild(el)
	}
	si := &site{el: el, decl: decl, req: req, max1: max1}
	g.sites = append(g.sites, si)
	typ := decl.typ
	if ct, ok := typ.(*complexType); ok && ct.abstract {
		if ds := g.derived[ct]; len(ds) > 0 {
			typ = ds[0]
			el.CreateAttr("xsi:type", g.tag(ds[0].name))
		}
	}
	switch t := typ.(type) {
	case *simpleType:
		si.st = t
		el.SetText(g.value(t, decl))
	case *complexType:
		si.ct = t
		g.attrs(el, t, si)
		switch {
		case t.content == ctSimple:
			si.st = t.simple
			el.SetText(g.value(t.simple, decl))
		case t.particle != nil && t != anyType:
			g.particle(el, t.particle, depth+1, true)
		}
	}
	return el
}

func (g *generator) attrs(el *etree.Element, ct *complexType, si *site) {
	uses := append([]*attrUse(nil), ct.attrList...)
	sort.Slice(uses, func(i, j int) bool { return uses[i].decl.name.String() < uses[j].decl.name.String() })
	for _, u := range uses {
		f := u.fixedValue()
		if !u.required && f == nil && g.rnd.Float64() > 0.3 {
			continue
		}
		v := ""
		if f != nil {
			v = *f
			si.fixed = append(si.fixed, g.attrTag(u.decl.name))
		} else {
			v = g.valueNamed(u.decl.typ, u.decl.name.local)
		}
		if u.required {
			si.reqAt = append(si.reqAt, g.attrTag(u.decl.name))
		}
		el.CreateAttr(g.attrTag(u.decl.name), v)
		if u.decl.typ.builtin == bkID {
			g.idAttrs = append(g.idAttrs, el)
		}
	}
}

func (g *generator) attrTag(q qname) string {
	if q.ns == "" {
		return q.local
	}
	if q.ns == nsXML {
		return "xml:" + q.local
	}
	return g.pfx(q.ns) + ":" + q.local
}

func (g *generator) particle(parent *etree.Element, p *particle, depth int, req bool) {
	n := p.min
	if depth > g.o.maxDepth {
		n = p.min
	} else if p.min == 0 {
		prob := g.o.optional / float64(1+depth/3)
		if g.rnd.Float64() < prob {
			n = 1
		}
	}
	if n > 0 && p.max == unbounded && depth <= 4 && g.o.repeat > 1 {
		n = g.o.repeat
	}
	if p.max != unbounded && n > p.max {
		n = p.max
	}
	for i := 0; i < n; i++ {
		switch p.kind {
		case pElement:
			cands := substitutable(p.elem)
			if len(cands) == 0 {
				continue
			}
			g.element(parent, cands[0], depth, req && p.min > 0 && i < p.min, p.max == 1)
		case pWildcard:
			if p.wc.process != pcStrict {
				x := etree.NewElement("ext:zusatz")
				x.CreateAttr("xmlns:ext", "urn:example:erweiterung")
				x.SetText("frei")
				parent.AddChild(x)
			}
		case pSequence, pAll:
			for _, c := range p.children {
				g.particle(parent, c, depth, req && p.min > 0)
			}
		case pChoice:
			if len(p.children) == 0 {
				continue
			}
			g.particle(parent, p.children[g.rnd.Intn(len(p.children))], depth, false)
		}
	}
}

var realistic = map[string][]string{
	"vorname": {"Erika", "Max"}, "familienname": {"Mustermann"}, "nachname": {"Mustermann"},
	"strasse": {"Hauptstraße"}, "hausnummer": {"12a", "12"}, "postleitzahl": {"66111"},
	"ort": {"Saarbrücken"}, "wohnort": {"Saarbrücken"}, "kennung": {"psw:01003110"},
	"name": {"Bauaufsichtsbehörde Saarbrücken"}, "produkt": {"ozg-sdk"}, "produkthersteller": {"egosaar"},
	"produktversion": {"1.0.0"}, "email": {"bauamt@example.org"}, "telefon": {"+49 681 9050"},
	"gemarkung": {"Saarbrücken"}, "flur": {"3"}, "flurstueck": {"127/4"}, "aktenzeichen": {"BG-2024-0815"},
	"bezeichnung": {"Neubau eines Einfamilienhauses"}, "beschreibung": {"Errichtung eines Wohngebäudes mit Garage"},
	"code": {"DVDV"}, "listVersionID": {"4"}, "zusatz": {"Sachgebiet Bauordnung"},
	"bezeichnungDesBauvorhabens": {"Neubau eines Einfamilienhauses mit Doppelgarage"},
}

func (g *generator) value(t *simpleType, decl *elementDecl) string {
	if decl != nil && decl.fixed != nil {
		return *decl.fixed
	}
	name := ""
	if decl != nil {
		name = decl.name.local
	}
	return g.valueNamed(t, name)
}

func (g *generator) valueNamed(t *simpleType, name string) string {
	var cands []string
	if t.variety == atomic && t.builtin == bkID {
		g.idn++
		cands = append(cands, fmt.Sprintf("id-%d", g.idn))
	}
	if t.f.enumLex != nil {
		if _, ok := t.f.enum[g.msgCode]; ok && name == "code" {
			cands = append(cands, g.msgCode)
		}
		cands = append(cands, t.f.enumLex[g.rnd.Intn(len(t.f.enumLex))])
		cands = append(cands, t.f.enumLex...)
	}
	cands = append(cands, realistic[name]...)
	g.idn++
	cands = append(cands,
		"Beispiel", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "2024-05-17T10:30:00.000+02:00",
		"2024-05-17", "10:30:00", "2024", "2024-05", "42", "12.5", "true", "https://www.example.org/bau",
		"UERGLURhdGVp", fmt.Sprintf("id-%d", g.idn), "plan.pdf", "other:ab", "+1", "P1D", "de", "DE",
		"--05", "---17", "--05-17", "0A1B", "A", "1")
	for _, c := range cands {
		if _, msg := t.check(c, nil, func(p string) (string, bool) {
			for ns, x := range g.prefix {
				if x == p {
					return ns, true
				}
			}
			return "", p == ""
		}); msg == "" {
			return c
		}
	}
	return "Beispiel"
}

var mutationKinds = []string{
	"missing-required", "wrong-order", "extra-element", "duplicate", "bad-enum", "bad-pattern",
	"fixed-attr", "bad-date", "wrong-namespace", "unknown-xsi-type", "missing-attr", "unknown-attr",
	"text-in-element-only", "bad-number", "empty-text", "too-long", "duplicate-id", "wrong-root", "malformed",
}

// mutate regenerates the valid document for (root, o) and applies mutation
// kind to the n-th suitable site. ok is false when no site fits.
func mutate(s *Schema, root qname, o genOpts, kind string, n int) ([]byte, bool) {
	g := newGenerator(s, o)
	doc := g.document(root)
	var cands []*site
	for _, si := range g.sites {
		if si.el.Parent() == nil && kind != "wrong-root" && kind != "unknown-attr" && kind != "unknown-xsi-type" {
			continue
		}
		if suits(si, kind) {
			cands = append(cands, si)
		}
	}
	if kind == "duplicate-id" {
		if len(g.idAttrs) < 2 || n > 0 {
			return nil, false
		}
		for _, el := range g.idAttrs[:2] {
			for i := range el.Attr {
				if el.Attr[i].Key == "id" {
					el.Attr[i].Value = "dup-1"
				}
			}
		}
	} else {
		if len(cands) == 0 {
			return nil, false
		}
		// Spread the picks over the document.
		idx := (n*7919 + int(o.seed)*31) % len(cands)
		if n >= len(cands) {
			return nil, false
		}
		apply(g, cands[idx], kind)
	}
	doc.Indent(1)
	data, err := doc.WriteToBytes()
	if err != nil {
		return nil, false
	}
	if kind == "malformed" {
		data = data[:len(data)*2/3]
	}
	return data, true
}

func suits(si *site, kind string) bool {
	el := si.el
	switch kind {
	case "missing-required":
		return si.req
	case "wrong-order":
		next := nextSibling(el)
		return next != nil && next.Tag != el.Tag
	case "extra-element", "wrong-namespace", "malformed":
		return true
	case "duplicate":
		return si.max1
	case "bad-enum":
		return si.st != nil && si.st.f.enum != nil
	case "bad-pattern":
		return si.st != nil && len(si.st.f.patterns) > 0
	case "fixed-attr":
		return len(si.fixed) > 0
	case "bad-date":
		return si.st != nil && (si.st.builtin == bkDate || si.st.builtin == bkDateTime)
	case "unknown-xsi-type", "unknown-attr", "wrong-root":
		return si.el.Parent() == nil || kind != "wrong-root" && si.ct != nil
	case "missing-attr":
		return len(si.reqAt) > 0
	case "text-in-element-only":
		return si.ct != nil && si.ct.content == ctElementOnly
	case "bad-number":
		return si.st != nil && (isDecimalKind(si.st.builtin) || si.st.builtin == bkBoolean)
	case "empty-text":
		if si.st == nil {
			return false
		}
		_, msg := si.st.check("", nil, nil)
		return msg != ""
	case "too-long":
		return si.st != nil && si.st.f.maxLength > 0 && si.st.f.maxLength < 5000
	}
	return false
}

func nextSibling(el *etree.Element) *etree.Element {
	p := el.Parent()
	if p == nil {
		return nil
	}
	kids := p.ChildElements()
	for i, k := range kids {
		if k == el && i+1 < len(kids) {
			return kids[i+1]
		}
	}
	return nil
}

func apply(g *generator, si *site, kind string) {
	el := si.el
	switch kind {
	case "missing-required":
		el.Parent().RemoveChild(el)
	case "wrong-order":
		next := nextSibling(el)
		p := el.Parent()
		p.RemoveChild(next)
		p.InsertChildAt(el.Index(), next)
	case "extra-element":
		x := etree.NewElement(el.Space + map[bool]string{true: ":", false: ""}[el.Space != ""] + "unbekanntesElement")
		x.SetText("x")
		el.Parent().InsertChildAt(el.Index()+1, x)
	case "duplicate":
		el.Parent().InsertChildAt(el.Index()+1, el.Copy())
	case "bad-enum":
		el.SetText("ZZZ-ungueltig")
	case "bad-pattern":
		el.SetText("keine gültige ☃ Angabe §")
	case "fixed-attr":
		el.CreateAttr(si.fixed[0], "falscher-wert")
	case "bad-date":
		if si.st.builtin == bkDate {
			el.SetText("2024-02-30")
		} else {
			el.SetText("2024-13-01T25:61:00")
		}
	case "wrong-namespace":
		if el.Space != "" {
			el.Space = ""
		} else {
			el.Space = "xsi"
		}
	case "unknown-xsi-type":
		el.CreateAttr("xsi:type", g.tag(qname{si.decl.name.ns, "GibtEsNichtType"}))
	case "missing-attr":
		el.RemoveAttr(si.reqAt[0])
	case "unknown-attr":
		el.CreateAttr("unbekanntesAttribut", "x")
	case "text-in-element-only":
		el.InsertChildAt(0, etree.NewText("Freitext"))
	case "bad-number":
		el.SetText("zwölf")
	case "empty-text":
		el.SetText("")
	case "too-long":
		el.SetText(strings.Repeat("x", si.st.f.maxLength+1))
	case "wrong-root":
		el.Tag = el.Tag + "x"
	case "malformed":
	}
}
