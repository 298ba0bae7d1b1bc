package xsd

import (
	"strings"
)

// Identity-constraint definitions (XML Schema Part 1 §3.11): xs:unique,
// xs:key and xs:keyref with the restricted XPath subset of §3.11.6.
//
// Scope of this implementation: a keyref must refer to a key or unique
// constraint declared on the same element declaration (its node table is
// then complete when the keyref is checked; tables of descendant elements
// are not propagated upwards, §3.11.5). Other keyrefs are refused at
// Compile with ErrUnsupported. Field values are compared in the value
// space of the field's simple type where the field is an element with
// simple content, and as whitespace-collapsed strings for attributes.

type idcKind uint8

const (
	idcUnique idcKind = iota
	idcKey
	idcKeyref
)

var idcNames = [...]string{"unique", "key", "keyref"}

type identityConstraint struct {
	name     qname
	kind     idcKind
	selector []idcPath   // union
	fields   [][]idcPath // per field, a union
	referQ   qname
	refer    *identityConstraint
}

// idcPath is one path of the subset: ('.//')? steps, and for fields an
// optional final attribute test.
type idcPath struct {
	desc  bool
	steps []nameTest
	attr  *nameTest
}

// nameTest is QName, '*' or 'prefix:*' (namespace only).
type nameTest struct {
	any    bool // '*'
	nsOnly bool // 'prefix:*'
	q      qname
}

func (n nameTest) matches(q qname) bool {
	switch {
	case n.any:
		return true
	case n.nsOnly:
		return n.q.ns == q.ns
	}
	return n.q == q
}

// identityConstraintOf compiles one xs:unique/key/keyref child of an
// element declaration.
func (c *compiler) identityConstraintOf(doc *schemaDoc, el *node) (*identityConstraint, error) {
	name, ok := attr(el, "name")
	if !ok || !isNCName(name) {
		return nil, c.fail(doc, el, ErrSchema, "xs:%s needs a valid name", el.Tag)
	}
	ic := &identityConstraint{name: qname{doc.tns, name}}
	switch el.Tag {
	case "key":
		ic.kind = idcKey
	case "keyref":
		ic.kind = idcKeyref
		r, ok := attr(el, "refer")
		if !ok {
			return nil, c.fail(doc, el, ErrSchema, "xs:keyref without refer")
		}
		q, err := c.resolveQName(doc, el, r)
		if err != nil {
			return nil, err
		}
		ic.referQ = q
	}
	kids, err := c.children(doc, el)
	if err != nil {
		return nil, err
	}
	for i, k := range kids {
		xp, ok := attr(k, "xpath")
		if !ok {
			return nil, c.fail(doc, k, ErrSchema, "xs:%s without xpath", k.Tag)
		}
		switch {
		case k.Tag == "selector" && i == 0:
			ic.selector, err = parseIDCPaths(xp, false, func(p string) (string, bool) { return lookupPrefix(k, p) })
		case k.Tag == "field" && i > 0:
			var f []idcPath
			f, err = parseIDCPaths(xp, true, func(p string) (string, bool) { return lookupPrefix(k, p) })
			ic.fields = append(ic.fields, f)
		default:
			return nil, c.fail(doc, k, ErrSchema, "xs:%s needs one xs:selector followed by xs:field elements", el.Tag)
		}
		if err != nil {
			return nil, c.fail(doc, k, ErrSchema, "xpath %q: %v", xp, err)
		}
	}
	if ic.selector == nil || len(ic.fields) == 0 {
		return nil, c.fail(doc, el, ErrSchema, "xs:%s needs a selector and at least one field", el.Tag)
	}
	return ic, nil
}

type idcPathError string

func (e idcPathError) Error() string { return string(e) }

// parseIDCPaths parses Selector or Field of §3.11.6:
//
//	Path ::= ('.//')? Step ('/' Step)*          (selector)
//	Path ::= ('.//')? (Step '/')* (Step | '@' NameTest)   (field)
//	Step ::= '.' | NameTest, NameTest ::= QName | '*' | NCName ':' '*'
//
// with the child:: and attribute:: axis names allowed and white space
// around tokens ignored.
func parseIDCPaths(xp string, field bool, ns func(string) (string, bool)) ([]idcPath, error) {
	var out []idcPath
	for _, alt := range strings.Split(xp, "|") {
		s := strings.Join(strings.Fields(alt), "")
		var p idcPath
		if strings.HasPrefix(s, ".//") {
			p.desc, s = true, s[3:]
		}
		if s == "" {
			return nil, idcPathError("empty path")
		}
		parts := strings.Split(s, "/")
		for i, part := range parts {
			last := i == len(parts)-1
			part = strings.TrimPrefix(part, "child::")
			isAttr := false
			switch {
			case strings.HasPrefix(part, "@"):
				isAttr, part = true, part[1:]
			case strings.HasPrefix(part, "attribute::"):
				isAttr, part = true, part[len("attribute::"):]
			}
			if isAttr && (!field || !last) {
				return nil, idcPathError("attribute step only at the end of a field")
			}
			if part == "." && !isAttr {
				continue
			}
			nt, err := parseNameTest(part, ns)
			if err != nil {
				return nil, err
			}
			if isAttr {
				p.attr = &nt
			} else {
				p.steps = append(p.steps, nt)
			}
		}
		if p.desc && len(p.steps) == 0 && p.attr == nil {
			return nil, idcPathError("'.//' needs a step")
		}
		out = append(out, p)
	}
	return out, nil
}

func parseNameTest(s string, ns func(string) (string, bool)) (nameTest, error) {
	if s == "*" {
		return nameTest{any: true}, nil
	}
	prefix, local, hasColon := strings.Cut(s, ":")
	if !hasColon {
		prefix, local = "", s
	}
	if hasColon && !isNCName(prefix) {
		return nameTest{}, idcPathError("bad name test " + s)
	}
	uri := ""
	if hasColon {
		var ok bool
		if uri, ok = ns(prefix); !ok {
			return nameTest{}, idcPathError("prefix " + prefix + " is not declared")
		}
	}
	if local == "*" && hasColon {
		return nameTest{nsOnly: true, q: qname{ns: uri}}, nil
	}
	if !isNCName(local) {
		return nameTest{}, idcPathError("bad name test " + s)
	}
	// Unprefixed names are in no namespace (§3.11.6; the default
	// namespace does not apply).
	return nameTest{q: qname{uri, local}}, nil
}

// resolveKeyrefs links every keyref to the key or unique constraint it
// refers to, which must be declared on the same element declaration.
func (c *compiler) resolveKeyrefs() error {
	byName := map[qname]*identityConstraint{}
	for _, d := range c.allElems {
		for _, ic := range d.idcs {
			if prev, dup := byName[ic.name]; dup && prev != ic {
				return c.fail(d.doc, d.src, ErrSchema, "duplicate identity constraint %s", ic.name)
			}
			byName[ic.name] = ic
		}
	}
	for _, d := range c.allElems {
		for _, ic := range d.idcs {
			if ic.kind != idcKeyref {
				continue
			}
			r, ok := byName[ic.referQ]
			if !ok || r.kind == idcKeyref {
				return c.fail(d.doc, d.src, ErrSchema, "keyref %s refers to %s, which is no key or unique constraint", ic.name, ic.referQ)
			}
			if len(r.fields) != len(ic.fields) {
				return c.fail(d.doc, d.src, ErrSchema, "keyref %s has %d fields, %s has %d", ic.name, len(ic.fields), r.name, len(r.fields))
			}
			same := false
			for _, o := range d.idcs {
				same = same || o == r
			}
			if !same {
				return c.fail(d.doc, d.src, ErrUnsupported, "keyref %s refers to %s of another element declaration (node-table propagation is not supported)", ic.name, r.name)
			}
			ic.refer = r
		}
	}
	return nil
}
