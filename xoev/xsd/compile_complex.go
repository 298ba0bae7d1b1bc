package xsd

import (
	"fmt"
	"sort"
	"strings"
)

// anyType is xs:anyType (Part 1 §3.4.7): mixed content, any elements and
// attributes, processed laxly.
var anyType = func() *complexType {
	w := &wildcard{any: true, process: pcLax}
	ct := &complexType{
		name:    qname{nsXSD, "anyType"},
		content: ctMixed,
		particle: &particle{kind: pSequence, min: 1, max: 1, children: []*particle{
			{kind: pWildcard, min: 0, max: unbounded, wc: w},
		}},
		anyAttr: w,
		attrs:   map[qname]*attrUse{},
		done:    true,
		// Built on first use (no start-up work; buildDFA refers to
		// anyType). A two-state model cannot exceed the limit.
		deferred: &deferredModel{maxStates: DefaultMaxContentStates},
	}
	return ct
}()

// finish computes the content type and attribute uses of a complex type
// definition (Part 1 §3.4.2, complex content and simple content).
func (c *compiler) finish(ct *complexType) error {
	if ct.done {
		return nil
	}
	if ct.resolving {
		return c.fail(ct.doc, ct.src, ErrSchema, "circular type derivation")
	}
	ct.resolving = true
	defer func() { ct.resolving = false }()
	el, doc := ct.src, ct.doc
	var err error
	if ct.abstract, err = boolAttr(el, "abstract"); err != nil {
		return c.fail(doc, el, ErrSchema, "abstract: %v", err)
	}
	mixed, err := boolAttr(el, "mixed")
	if err != nil {
		return c.fail(doc, el, ErrSchema, "mixed: %v", err)
	}
	kids, err := c.children(doc, el)
	if err != nil {
		return err
	}
	ct.attrs = map[qname]*attrUse{}
	if len(kids) > 0 && (kids[0].Tag == "simpleContent" || kids[0].Tag == "complexContent") {
		if len(kids) != 1 {
			return c.fail(doc, el, ErrSchema, "xs:%s must be the only child", kids[0].Tag)
		}
		cc := kids[0]
		if v, ok := attr(cc, "mixed"); ok {
			if mixed, err = parseBool(v); err != nil {
				return c.fail(doc, cc, ErrSchema, "mixed: %v", err)
			}
		}
		dk, err := c.children(doc, cc)
		if err != nil {
			return err
		}
		if len(dk) != 1 || (dk[0].Tag != "restriction" && dk[0].Tag != "extension") {
			return c.fail(doc, cc, ErrSchema, "xs:%s needs one xs:restriction or xs:extension", cc.Tag)
		}
		der := dk[0]
		bv, ok := attr(der, "base")
		if !ok {
			return c.fail(doc, der, ErrSchema, "missing base")
		}
		bq, err := c.resolveQName(doc, der, bv)
		if err != nil {
			return err
		}
		base, err := c.typeByName(bq, doc, der)
		if err != nil {
			return err
		}
		ct.base = base
		if der.Tag == "extension" {
			ct.method = derivExtension
		} else {
			ct.method = derivRestriction
		}
		bct, _ := base.(*complexType)
		if bct != nil {
			if err := c.finish(bct); err != nil {
				return err
			}
			if bct.final&blockExtension != 0 && ct.method == derivExtension ||
				bct.final&blockRestriction != 0 && ct.method == derivRestriction {
				return c.fail(doc, der, ErrSchema, "base type %s is final for this derivation", bq)
			}
		}
		if cc.Tag == "simpleContent" {
			return c.finishSimpleContent(ct, der, base, bct)
		}
		if bct == nil {
			return c.fail(doc, der, ErrSchema, "complex content cannot derive from simple type %s", bq)
		}
		return c.finishComplexContent(ct, der, bct, mixed)
	}
	// Shorthand: restriction of xs:anyType (Part 1 §3.4.2, last paragraph).
	ct.base, ct.method = anyType, derivRestriction
	return c.finishComplexContent(ct, el, nil, mixed)
}

func (c *compiler) finishComplexContent(ct *complexType, der *node, base *complexType, mixed bool) error {
	doc := ct.doc
	kids, err := c.children(doc, der)
	if err != nil {
		return err
	}
	var own *particle
	var attrEls []*node
	for i, k := range kids {
		switch k.Tag {
		case "sequence", "choice", "all", "group":
			if i != 0 || own != nil {
				return c.fail(doc, k, ErrSchema, "content model must come first")
			}
			if own, err = c.particle(doc, k); err != nil {
				return err
			}
		case "attribute", "attributeGroup", "anyAttribute":
			attrEls = append(attrEls, k)
		default:
			return c.fail(doc, k, ErrSchema, "unexpected xs:%s", k.Tag)
		}
	}
	if own != nil && (own.max == 0 || (own.kind != pElement && own.kind != pWildcard && len(own.children) == 0)) {
		own = nil
	}
	uses, prohibited, wc, err := c.attributes(doc, attrEls)
	if err != nil {
		return err
	}
	ext := base != nil && ct.method == derivExtension
	if ext {
		if base.content == ctSimple {
			return c.fail(doc, der, ErrSchema, "complex content cannot extend %s, which has simple content", base.name)
		}
		if base.content == ctMixed && !mixed && base != anyType {
			return c.fail(doc, der, ErrSchema, "extension of mixed type %s must be mixed", base.name)
		}
		switch {
		case base.particle == nil:
		case own == nil:
			own = base.particle
		default:
			if own.kind == pAll || base.particle.kind == pAll {
				return c.fail(doc, der, ErrSchema, "extension involving xs:all")
			}
			own = &particle{kind: pSequence, min: 1, max: 1, children: []*particle{base.particle, own}}
		}
	}
	ct.particle = own
	switch {
	case mixed:
		ct.content = ctMixed
	case own == nil:
		ct.content = ctEmpty
	default:
		ct.content = ctElementOnly
	}
	if base != nil {
		for _, u := range base.attrList {
			ct.addAttr(u)
		}
		if ext {
			ct.anyAttr = base.anyAttr
		}
	}
	for _, q := range prohibited {
		if ext {
			continue
		}
		delete(ct.attrs, q)
	}
	for _, u := range uses {
		ct.addAttr(u)
	}
	switch {
	case wc != nil && ext && base.anyAttr != nil:
		u, err := wildUnion(wc, base.anyAttr)
		if err != nil {
			return c.fail(doc, der, ErrUnsupported, "%v", err)
		}
		ct.anyAttr = u
	case wc != nil:
		ct.anyAttr = wc
	case !ext:
		ct.anyAttr = nil
	}
	ct.rebuildAttrList()
	ct.done = true
	return nil
}

func (c *compiler) finishSimpleContent(ct *complexType, der *node, base typeDef, bct *complexType) error {
	doc := ct.doc
	var baseSimple *simpleType
	switch {
	case bct == nil:
		baseSimple = base.(*simpleType)
		if ct.method == derivRestriction {
			return c.fail(doc, der, ErrSchema, "simple content restriction needs a complex base type")
		}
	case bct.content == ctSimple:
		baseSimple = bct.simple
	default:
		return c.fail(doc, der, ErrUnsupported, "simple content derived from %s, which has no simple content", bct.name)
	}
	kids, err := c.children(doc, der)
	if err != nil {
		return err
	}
	var attrEls, facetEls []*node
	var inner *node
	for _, k := range kids {
		switch k.Tag {
		case "attribute", "attributeGroup", "anyAttribute":
			attrEls = append(attrEls, k)
		case "simpleType":
			if ct.method != derivRestriction || inner != nil {
				return c.fail(doc, k, ErrSchema, "unexpected xs:simpleType")
			}
			inner = k
		default:
			if ct.method != derivRestriction {
				return c.fail(doc, k, ErrSchema, "unexpected xs:%s in extension", k.Tag)
			}
			facetEls = append(facetEls, k)
		}
	}
	st := baseSimple
	if ct.method == derivRestriction {
		if inner != nil {
			if st, err = c.compileSimple(inner, doc, qname{}); err != nil {
				return err
			}
		}
		if st, err = c.restrict(st, facetEls, doc, qname{}); err != nil {
			return err
		}
	}
	ct.simple = st
	ct.content = ctSimple
	uses, prohibited, wc, err := c.attributes(doc, attrEls)
	if err != nil {
		return err
	}
	if bct != nil {
		for _, u := range bct.attrList {
			ct.addAttr(u)
		}
		ct.anyAttr = bct.anyAttr
	}
	if ct.method == derivRestriction {
		for _, q := range prohibited {
			delete(ct.attrs, q)
		}
		ct.anyAttr = nil
	}
	for _, u := range uses {
		ct.addAttr(u)
	}
	switch {
	case wc != nil && ct.method == derivExtension && ct.anyAttr != nil:
		u, err := wildUnion(wc, ct.anyAttr)
		if err != nil {
			return c.fail(doc, der, ErrUnsupported, "%v", err)
		}
		ct.anyAttr = u
	case wc != nil:
		ct.anyAttr = wc
	}
	ct.rebuildAttrList()
	ct.done = true
	return nil
}

func (ct *complexType) addAttr(u *attrUse) { ct.attrs[u.decl.name] = u }

// rebuildAttrList lists the attribute uses in name order, so that
// violations are reported deterministically.
func (ct *complexType) rebuildAttrList() {
	ct.attrList = ct.attrList[:0]
	for _, u := range ct.attrs {
		ct.attrList = append(ct.attrList, u)
	}
	sort.Slice(ct.attrList, func(i, j int) bool {
		a, b := ct.attrList[i].decl.name, ct.attrList[j].decl.name
		return a.ns < b.ns || a.ns == b.ns && a.local < b.local
	})
}

// attributes collects attribute uses from xs:attribute, xs:attributeGroup
// and xs:anyAttribute children (Part 1 §3.2, §3.6).
func (c *compiler) attributes(doc *schemaDoc, els []*node) ([]*attrUse, []qname, *wildcard, error) {
	var uses []*attrUse
	var prohibited []qname
	var wc *wildcard
	for _, el := range els {
		switch el.Tag {
		case "anyAttribute":
			w, err := c.wildcard(doc, el)
			if err != nil {
				return nil, nil, nil, err
			}
			wc = w
		case "attributeGroup":
			rv, ok := attr(el, "ref")
			if !ok {
				return nil, nil, nil, c.fail(doc, el, ErrSchema, "local xs:attributeGroup needs ref")
			}
			q, err := c.resolveQName(doc, el, rv)
			if err != nil {
				return nil, nil, nil, err
			}
			g, err := c.attributeGroup(q, doc, el)
			if err != nil {
				return nil, nil, nil, err
			}
			uses = append(uses, g.uses...)
			prohibited = append(prohibited, g.prohibited...)
			if g.wc != nil {
				wc = g.wc
			}
		case "attribute":
			u, prohib, err := c.attributeUse(doc, el)
			if err != nil {
				return nil, nil, nil, err
			}
			if prohib {
				prohibited = append(prohibited, u.decl.name)
				continue
			}
			uses = append(uses, u)
		default:
			return nil, nil, nil, c.fail(doc, el, ErrSchema, "unexpected xs:%s", el.Tag)
		}
	}
	return uses, prohibited, wc, nil
}

func (c *compiler) attributeUse(doc *schemaDoc, el *node) (*attrUse, bool, error) {
	u := &attrUse{}
	use := attrOr(el, "use", "optional")
	switch use {
	case "required":
		u.required = true
	case "optional", "prohibited":
	default:
		return nil, false, c.fail(doc, el, ErrSchema, "bad use %q", use)
	}
	if v, ok := attr(el, "fixed"); ok {
		u.fixed = &v
	}
	if v, ok := attr(el, "default"); ok {
		if u.fixed != nil || u.required {
			return nil, false, c.fail(doc, el, ErrSchema, "default with fixed or use=required")
		}
		u.deflt = &v
	}
	if rv, ok := attr(el, "ref"); ok {
		q, err := c.resolveQName(doc, el, rv)
		if err != nil {
			return nil, false, err
		}
		d, err := c.globalAttr(q, doc, el)
		if err != nil {
			return nil, false, err
		}
		u.decl = d
		return u, use == "prohibited", nil
	}
	name, ok := attr(el, "name")
	if !ok || !isNCName(name) {
		return nil, false, c.fail(doc, el, ErrSchema, "local attribute needs a name or ref")
	}
	qualified := doc.attrQualified
	if f, ok := attr(el, "form"); ok {
		switch strings.TrimSpace(f) {
		case "qualified":
			qualified = true
		case "unqualified":
			qualified = false
		default:
			return nil, false, c.fail(doc, el, ErrSchema, "bad form %q", f)
		}
	}
	q := qname{"", name}
	if qualified {
		q.ns = doc.tns
	}
	d, err := c.attrDecl(doc, el, q)
	if err != nil {
		return nil, false, err
	}
	u.decl = d
	return u, use == "prohibited", nil
}

func (c *compiler) attrDecl(doc *schemaDoc, el *node, q qname) (*attrDecl, error) {
	if q.ns == nsXSI {
		return nil, c.fail(doc, el, ErrSchema, "attributes in the xsi namespace cannot be declared")
	}
	d := &attrDecl{name: q}
	if v, ok := attr(el, "fixed"); ok && el.Parent() != nil && el.Parent().Tag == "schema" {
		d.fixed = &v
	}
	if v, ok := attr(el, "default"); ok && el.Parent() != nil && el.Parent().Tag == "schema" {
		d.deflt = &v
	}
	kids, err := c.children(doc, el)
	if err != nil {
		return nil, err
	}
	tv, hasType := attr(el, "type")
	switch {
	case len(kids) > 1 || (len(kids) == 1 && kids[0].Tag != "simpleType"):
		return nil, c.fail(doc, el, ErrSchema, "unexpected content in xs:attribute")
	case hasType && len(kids) == 1:
		return nil, c.fail(doc, el, ErrSchema, "both type attribute and anonymous type")
	case hasType:
		tq, err := c.resolveQName(doc, el, tv)
		if err != nil {
			return nil, err
		}
		if d.typ, err = c.simpleByName(tq, doc, el); err != nil {
			return nil, err
		}
	case len(kids) == 1:
		if d.typ, err = c.compileSimple(kids[0], doc, qname{}); err != nil {
			return nil, err
		}
	default:
		d.typ = builtinByName("anySimpleType")
	}
	return d, nil
}

func (c *compiler) globalAttr(q qname, doc *schemaDoc, at *node) (*attrDecl, error) {
	if d, ok := c.attrs[q]; ok {
		return d, nil
	}
	if q == (qname{nsXML, "lang"}) || q == (qname{nsXML, "space"}) {
		if _, ok := c.rawAttrs[q]; !ok {
			return nil, c.fail(doc, at, ErrSchema, "attribute %s is not declared (import xml.xsd)", q)
		}
	}
	raw, ok := c.rawAttrs[q]
	if !ok {
		return nil, c.fail(doc, at, ErrSchema, "attribute %s is not declared", q)
	}
	d, err := c.attrDecl(raw.doc, raw.el, q)
	if err != nil {
		return nil, err
	}
	c.attrs[q] = d
	return d, nil
}

func (c *compiler) attributeGroup(q qname, doc *schemaDoc, at *node) (*attrGroup, error) {
	if g, ok := c.attrGrps[q]; ok {
		return g, nil
	}
	raw, ok := c.rawAttrGrps[q]
	if !ok {
		return nil, c.fail(doc, at, ErrSchema, "attribute group %s is not declared", q)
	}
	if c.attrGrpProg[q] {
		return nil, c.fail(raw.doc, raw.el, ErrSchema, "circular attribute group %s", q)
	}
	c.attrGrpProg[q] = true
	defer delete(c.attrGrpProg, q)
	kids, err := c.children(raw.doc, raw.el)
	if err != nil {
		return nil, err
	}
	uses, prohibited, wc, err := c.attributes(raw.doc, kids)
	if err != nil {
		return nil, err
	}
	g := &attrGroup{uses: uses, prohibited: prohibited, wc: wc}
	c.attrGrps[q] = g
	return g, nil
}

// wildUnion is the attribute wildcard union for extension (Part 1 §3.4.2
// {attribute wildcard}, §3.10.6 Attribute Wildcard Union); processContents
// comes from the derived type's wildcard.
func wildUnion(own, base *wildcard) (*wildcard, error) {
	w := &wildcard{process: own.process}
	switch {
	case own.any || base.any:
		w.any = true
	case own.allowed != nil && base.allowed != nil:
		w.allowed = map[string]bool{}
		for ns := range own.allowed {
			w.allowed[ns] = true
		}
		for ns := range base.allowed {
			w.allowed[ns] = true
		}
	case own.not != nil && base.not != nil:
		if len(own.not) == len(base.not) && (len(own.not) == 0 || own.not[0] == base.not[0]) {
			w.not = own.not
		} else {
			w.not = []string{} // not absent
		}
	default:
		neg, lst := own, base
		if lst.not != nil {
			neg, lst = base, own
		}
		negated := ""
		if len(neg.not) > 0 {
			negated = neg.not[0]
		}
		switch {
		case lst.allowed[negated] && lst.allowed[""]:
			w.any = true
		case lst.allowed[negated]:
			w.not = []string{}
		case lst.allowed[""]:
			return nil, fmt.Errorf("attribute wildcard union is not expressible (Part 1 §3.10.6)")
		default:
			w.not = neg.not
		}
	}
	return w, nil
}
