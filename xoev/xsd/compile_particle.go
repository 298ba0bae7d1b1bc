package xsd

import (
	"strings"
)

// globalElement returns the top-level element declaration q (Part 1 §3.3.2).
func (c *compiler) globalElement(q qname, doc *schemaDoc, at *node) (*elementDecl, error) {
	if d, ok := c.elems[q]; ok {
		return d, nil
	}
	raw, ok := c.rawElems[q]
	if !ok {
		return nil, c.fail(doc, at, ErrSchema, "element %s is not declared", q)
	}
	d, err := c.newElement(raw.el, raw.doc, q, true)
	if err != nil {
		return nil, err
	}
	c.elems[q] = d
	return d, nil
}

func (c *compiler) newElement(el *node, doc *schemaDoc, q qname, global bool) (*elementDecl, error) {
	d := &elementDecl{name: q, src: el, doc: doc, global: global}
	var err error
	if d.nillable, err = boolAttr(el, "nillable"); err != nil {
		return nil, c.fail(doc, el, ErrSchema, "nillable: %v", err)
	}
	if d.abstract, err = boolAttr(el, "abstract"); err != nil {
		return nil, c.fail(doc, el, ErrSchema, "abstract: %v", err)
	}
	if d.block, err = derivAttr(el, "block", doc.blockDefault); err != nil {
		return nil, c.fail(doc, el, ErrSchema, "block: %v", err)
	}
	if v, ok := attr(el, "fixed"); ok {
		d.fixed = &v
	}
	if v, ok := attr(el, "default"); ok {
		if d.fixed != nil {
			return nil, c.fail(doc, el, ErrSchema, "both fixed and default")
		}
		d.deflt = &v
	}
	c.pending = append(c.pending, d)
	c.allElems = append(c.allElems, d)
	return d, nil
}

// resolveElement determines the element's type definition (Part 1 §3.3.2
// {type definition}: type attribute, anonymous type, substitution group
// head's type, or xs:anyType).
func (c *compiler) resolveElement(d *elementDecl) error {
	if d.resolved {
		return nil
	}
	if d.inProg {
		return c.fail(d.doc, d.src, ErrSchema, "circular substitution group")
	}
	d.inProg = true
	defer func() { d.inProg = false }()
	el, doc := d.src, d.doc
	kids, err := c.children(doc, el)
	if err != nil {
		return err
	}
	var anon *node
	for _, k := range kids {
		switch k.Tag {
		case "complexType", "simpleType":
			if anon != nil {
				return c.fail(doc, el, ErrSchema, "more than one anonymous type")
			}
			anon = k
		case "key", "keyref", "unique":
			ic, err := c.identityConstraintOf(doc, k)
			if err != nil {
				return err
			}
			d.idcs = append(d.idcs, ic)
		default:
			return c.fail(doc, k, ErrSchema, "unexpected xs:%s in xs:element", k.Tag)
		}
	}
	tv, hasType := attr(el, "type")
	switch {
	case hasType && anon != nil:
		return c.fail(doc, el, ErrSchema, "both type attribute and anonymous type")
	case hasType:
		q, err := c.resolveQName(doc, el, tv)
		if err != nil {
			return err
		}
		if d.typ, err = c.typeByName(q, doc, el); err != nil {
			return err
		}
	case anon != nil && anon.Tag == "complexType":
		if d.typ, err = c.newComplex(anon, doc, qname{}); err != nil {
			return err
		}
	case anon != nil:
		if d.typ, err = c.compileSimple(anon, doc, qname{}); err != nil {
			return err
		}
	default:
		if hv, ok := attr(el, "substitutionGroup"); ok && d.global {
			hq, err := c.resolveQName(doc, el, hv)
			if err != nil {
				return err
			}
			head, err := c.globalElement(hq, doc, el)
			if err != nil {
				return err
			}
			if err := c.resolveElement(head); err != nil {
				return err
			}
			d.typ = head.typ
		} else {
			d.typ = anyType
		}
	}
	d.resolved = true
	return nil
}

func (c *compiler) substitutionGroups() error {
	for _, d := range c.allElems {
		if !d.global {
			continue
		}
		raw := c.rawElems[d.name]
		hv, ok := attr(raw.el, "substitutionGroup")
		if !ok {
			continue
		}
		hq, err := c.resolveQName(raw.doc, raw.el, hv)
		if err != nil {
			return err
		}
		head, err := c.globalElement(hq, raw.doc, raw.el)
		if err != nil {
			return err
		}
		d.head = head
	}
	for _, d := range c.allElems {
		if !d.global {
			continue
		}
		seen := map[*elementDecl]bool{d: true}
		for h := d.head; h != nil; h = h.head {
			if seen[h] {
				return c.fail(d.doc, d.src, ErrSchema, "circular substitution group")
			}
			seen[h] = true
			h.members = append(h.members, d)
		}
	}
	return nil
}

// particle builds the particle for an xs:element, xs:any, xs:group,
// xs:sequence, xs:choice or xs:all (Part 1 §3.8, §3.9, §3.10).
func (c *compiler) particle(doc *schemaDoc, el *node) (*particle, error) {
	lo, hi, err := c.occurs(doc, el)
	if err != nil {
		return nil, err
	}
	p := &particle{min: lo, max: hi}
	switch el.Tag {
	case "element":
		p.kind = pElement
		if rv, ok := attr(el, "ref"); ok {
			q, err := c.resolveQName(doc, el, rv)
			if err != nil {
				return nil, err
			}
			if p.elem, err = c.globalElement(q, doc, el); err != nil {
				return nil, err
			}
			return p, nil
		}
		name, ok := attr(el, "name")
		if !ok || !isNCName(name) {
			return nil, c.fail(doc, el, ErrSchema, "local element needs a name or ref")
		}
		if _, ok := attr(el, "substitutionGroup"); ok {
			return nil, c.fail(doc, el, ErrSchema, "substitutionGroup on a local element")
		}
		qualified := doc.elemQualified
		if f, ok := attr(el, "form"); ok {
			switch strings.TrimSpace(f) {
			case "qualified":
				qualified = true
			case "unqualified":
				qualified = false
			default:
				return nil, c.fail(doc, el, ErrSchema, "bad form %q", f)
			}
		}
		q := qname{"", name}
		if qualified {
			q.ns = doc.tns
		}
		if p.elem, err = c.newElement(el, doc, q, false); err != nil {
			return nil, err
		}
		return p, nil
	case "any":
		p.kind = pWildcard
		if p.wc, err = c.wildcard(doc, el); err != nil {
			return nil, err
		}
		return p, nil
	case "group":
		rv, ok := attr(el, "ref")
		if !ok {
			return nil, c.fail(doc, el, ErrSchema, "local xs:group needs ref")
		}
		q, err := c.resolveQName(doc, el, rv)
		if err != nil {
			return nil, err
		}
		raw, ok := c.rawGroups[q]
		if !ok {
			return nil, c.fail(doc, el, ErrSchema, "group %s is not declared", q)
		}
		if c.groupProg[q] {
			return nil, c.fail(doc, el, ErrSchema, "circular group reference %s", q)
		}
		kids, err := c.children(raw.doc, raw.el)
		if err != nil {
			return nil, err
		}
		if len(kids) != 1 || (kids[0].Tag != "sequence" && kids[0].Tag != "choice" && kids[0].Tag != "all") {
			return nil, c.fail(raw.doc, raw.el, ErrSchema, "xs:group must contain one sequence, choice or all")
		}
		c.groupProg[q] = true
		g, err := c.particle(raw.doc, kids[0])
		delete(c.groupProg, q)
		if err != nil {
			return nil, err
		}
		g.min, g.max = lo, hi
		return g, nil
	case "sequence", "choice", "all":
		switch el.Tag {
		case "sequence":
			p.kind = pSequence
		case "choice":
			p.kind = pChoice
		default:
			p.kind = pAll
			if hi != 1 || lo > 1 {
				return nil, c.fail(doc, el, ErrSchema, "xs:all must have maxOccurs 1 and minOccurs 0 or 1")
			}
		}
		kids, err := c.children(doc, el)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			switch k.Tag {
			case "element", "any", "group", "sequence", "choice":
			default:
				return nil, c.fail(doc, k, ErrSchema, "unexpected xs:%s in xs:%s", k.Tag, el.Tag)
			}
			if p.kind == pAll && k.Tag != "element" {
				return nil, c.fail(doc, k, ErrSchema, "xs:all may contain only xs:element")
			}
			cp, err := c.particle(doc, k)
			if err != nil {
				return nil, err
			}
			if p.kind == pAll && cp.max > 1 {
				return nil, c.fail(doc, k, ErrSchema, "element in xs:all with maxOccurs > 1")
			}
			if cp.max == 0 {
				continue
			}
			p.children = append(p.children, cp)
		}
		return p, nil
	}
	return nil, c.fail(doc, el, ErrSchema, "unexpected xs:%s in a content model", el.Tag)
}

// wildcard parses xs:any / xs:anyAttribute (Part 1 §3.10.2).
func (c *compiler) wildcard(doc *schemaDoc, el *node) (*wildcard, error) {
	w := &wildcard{}
	switch pc := attrOr(el, "processContents", "strict"); pc {
	case "strict":
		w.process = pcStrict
	case "lax":
		w.process = pcLax
	case "skip":
		w.process = pcSkip
	default:
		return nil, c.fail(doc, el, ErrSchema, "bad processContents %q", pc)
	}
	nsv := attrOr(el, "namespace", "##any")
	switch nsv {
	case "##any":
		w.any = true
	case "##other":
		w.not = []string{doc.tns}
	default:
		w.allowed = map[string]bool{}
		for _, f := range strings.Fields(nsv) {
			switch f {
			case "##targetNamespace":
				w.allowed[doc.tns] = true
			case "##local":
				w.allowed[""] = true
			case "##any", "##other":
				return nil, c.fail(doc, el, ErrSchema, "%s inside a namespace list", f)
			default:
				w.allowed[f] = true
			}
		}
	}
	return w, nil
}
