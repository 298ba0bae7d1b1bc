package xsd

import (
	"math/big"

	"strconv"
	"strings"

	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
)

// compileSimple compiles an xs:simpleType (Part 2 §4.1.2).
func (c *compiler) compileSimple(el *node, doc *schemaDoc, name qname) (*simpleType, error) {
	kids, err := c.children(doc, el)
	if err != nil {
		return nil, err
	}
	if len(kids) != 1 {
		return nil, c.fail(doc, el, ErrSchema, "xs:simpleType needs one restriction, list or union")
	}
	final, err := derivAttr(el, "final", doc.finalDefault)
	if err != nil {
		return nil, c.fail(doc, el, ErrSchema, "final: %v", err)
	}
	d := kids[0]
	var st *simpleType
	switch d.Tag {
	case "restriction":
		inner, facetEls, err := c.splitInner(doc, d)
		if err != nil {
			return nil, err
		}
		var base *simpleType
		bv, hasBase := attr(d, "base")
		switch {
		case hasBase && inner != nil:
			return nil, c.fail(doc, d, ErrSchema, "both base and anonymous base type")
		case hasBase:
			bq, err := c.resolveQName(doc, d, bv)
			if err != nil {
				return nil, err
			}
			if bq == (qname{nsXSD, "anyType"}) {
				return nil, c.fail(doc, d, ErrSchema, "simple type cannot restrict xs:anyType")
			}
			if base, err = c.simpleByName(bq, doc, d); err != nil {
				return nil, err
			}
		case inner != nil:
			if base, err = c.compileSimple(inner, doc, qname{}); err != nil {
				return nil, err
			}
		default:
			return nil, c.fail(doc, d, ErrSchema, "restriction without base")
		}
		if base.final&blockRestriction != 0 {
			return nil, c.fail(doc, d, ErrSchema, "base type %s is final for restriction", base.name)
		}
		if st, err = c.restrict(base, facetEls, doc, name); err != nil {
			return nil, err
		}
	case "list":
		inner, rest, err := c.splitInner(doc, d)
		if err != nil {
			return nil, err
		}
		if len(rest) > 0 {
			return nil, c.fail(doc, d, ErrSchema, "unexpected content in xs:list")
		}
		var item *simpleType
		iv, has := attr(d, "itemType")
		switch {
		case has && inner == nil:
			iq, err := c.resolveQName(doc, d, iv)
			if err != nil {
				return nil, err
			}
			if item, err = c.simpleByName(iq, doc, d); err != nil {
				return nil, err
			}
		case !has && inner != nil:
			if item, err = c.compileSimple(inner, doc, qname{}); err != nil {
				return nil, err
			}
		default:
			return nil, c.fail(doc, d, ErrSchema, "xs:list needs exactly one of itemType and anonymous type")
		}
		if item.variety == list {
			return nil, c.fail(doc, d, ErrSchema, "list of lists")
		}
		st = &simpleType{name: name, variety: list, builtin: bkAnySimple, item: item, ws: wsCollapse, f: noFacets(), base: builtinByName("anySimpleType")}
	case "union":
		st = &simpleType{name: name, variety: union, builtin: bkAnySimple, ws: wsCollapse, f: noFacets(), base: builtinByName("anySimpleType")}
		if mv, ok := attr(d, "memberTypes"); ok {
			for _, m := range strings.Fields(mv) {
				mq, err := c.resolveQName(doc, d, m)
				if err != nil {
					return nil, err
				}
				mt, err := c.simpleByName(mq, doc, d)
				if err != nil {
					return nil, err
				}
				st.members = append(st.members, mt)
			}
		}
		mk, err := c.children(doc, d)
		if err != nil {
			return nil, err
		}
		for _, k := range mk {
			if k.Tag != "simpleType" {
				return nil, c.fail(doc, k, ErrSchema, "unexpected xs:%s in xs:union", k.Tag)
			}
			mt, err := c.compileSimple(k, doc, qname{})
			if err != nil {
				return nil, err
			}
			st.members = append(st.members, mt)
		}
		if len(st.members) == 0 {
			return nil, c.fail(doc, d, ErrSchema, "union without member types")
		}
	default:
		return nil, c.fail(doc, d, ErrSchema, "unexpected xs:%s in xs:simpleType", d.Tag)
	}
	st.final = final
	return st, nil
}

func (c *compiler) splitInner(doc *schemaDoc, d *node) (*node, []*node, error) {
	kids, err := c.children(doc, d)
	if err != nil {
		return nil, nil, err
	}
	var inner *node
	var rest []*node
	for i, k := range kids {
		if k.Tag == "simpleType" {
			if i != 0 {
				return nil, nil, c.fail(doc, k, ErrSchema, "anonymous base type must come first")
			}
			inner = k
			continue
		}
		rest = append(rest, k)
	}
	return inner, rest, nil
}

// restrict derives a new simple type from base by facets (Part 2 §4.1.2.1,
// §4.3). Facets are flattened: the new type carries every constraint.
func (c *compiler) restrict(base *simpleType, facetEls []*node, doc *schemaDoc, name qname) (*simpleType, error) {
	st := &simpleType{
		name: name, variety: base.variety, builtin: base.builtin, base: base,
		item: base.item, members: base.members, ws: base.ws, f: base.f,
	}
	st.f.patterns = append([][]*regex.Matcher(nil), base.f.patterns...)
	var enums []string
	var enumEls []*node
	var pats []*regex.Matcher
	for _, fe := range facetEls {
		v, ok := attr(fe, "value")
		if !ok {
			return nil, c.fail(doc, fe, ErrSchema, "facet without value")
		}
		if st.variety == union && fe.Tag != "pattern" && fe.Tag != "enumeration" {
			return nil, c.fail(doc, fe, ErrSchema, "facet xs:%s not applicable to a union", fe.Tag)
		}
		switch fe.Tag {
		case "enumeration":
			enums = append(enums, v)
			enumEls = append(enumEls, fe)
		case "pattern":
			re, err := c.pattern(v)
			if err != nil {
				return nil, c.fail(doc, fe, ErrUnsupported, "pattern: %v", err)
			}
			pats = append(pats, re)
		case "whiteSpace":
			switch strings.TrimSpace(v) {
			case "preserve":
				if st.ws != wsPreserve {
					return nil, c.fail(doc, fe, ErrSchema, "whiteSpace cannot be relaxed")
				}
			case "replace":
				if st.ws == wsCollapse {
					return nil, c.fail(doc, fe, ErrSchema, "whiteSpace cannot be relaxed")
				}
				st.ws = wsReplace
			case "collapse":
				st.ws = wsCollapse
			default:
				return nil, c.fail(doc, fe, ErrSchema, "bad whiteSpace %q", v)
			}
		case "length", "minLength", "maxLength", "totalDigits", "fractionDigits":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 {
				return nil, c.fail(doc, fe, ErrSchema, "bad %s %q", fe.Tag, v)
			}
			switch fe.Tag {
			case "length":
				st.f.length = n
			case "minLength":
				st.f.minLength = n
			case "maxLength":
				st.f.maxLength = n
			case "totalDigits", "fractionDigits":
				if st.variety != atomic || !isDecimalKind(st.builtin) {
					return nil, c.fail(doc, fe, ErrSchema, "%s applies to decimal types only", fe.Tag)
				}
				if fe.Tag == "totalDigits" {
					if n == 0 {
						return nil, c.fail(doc, fe, ErrSchema, "totalDigits must be positive")
					}
					st.f.totalDig = n
				} else {
					st.f.fracDig = n
				}
			}
		case "minInclusive", "maxInclusive", "minExclusive", "maxExclusive":
			if err := c.boundFacet(st, fe, v, doc); err != nil {
				return nil, err
			}
		default:
			return nil, c.fail(doc, fe, ErrSchema, "unknown facet xs:%s", fe.Tag)
		}
	}
	if len(pats) > 0 {
		st.f.patterns = append(st.f.patterns, pats)
	}
	if len(enums) > 0 {
		st.f.enum = make(map[string]struct{}, len(enums))
		st.f.enumLex = enums
		st.f.enumOwner = name.local
		for i, e := range enums {
			// Enumeration values are in the base type's value space and
			// resolve QNames in the schema's scope (Part 2 §4.3.5).
			nsr := func(p string) (string, bool) { return lookupPrefix(enumEls[i], p) }
			canon, msg := base.check(e, nil, nsr)
			if msg != "" {
				return nil, c.fail(doc, enumEls[i], ErrSchema, "enumeration value %q is not valid for the base type: %s", e, msg)
			}
			st.f.enum[canon] = struct{}{}
		}
	}
	return st, nil
}

func (c *compiler) boundFacet(st *simpleType, fe *node, v string, doc *schemaDoc) error {
	if st.variety != atomic {
		return c.fail(doc, fe, ErrSchema, "%s applies to atomic types only", fe.Tag)
	}
	switch {
	case isDecimalKind(st.builtin):
		canon, msg := lexDecimal(strings.TrimSpace(v), st.builtin == bkDecimal)
		if msg != "" {
			return c.fail(doc, fe, ErrSchema, "bad %s %q", fe.Tag, v)
		}
		r, _ := new(big.Rat).SetString(canon)
		switch fe.Tag {
		case "minInclusive":
			st.f.minInc = r
		case "maxInclusive":
			st.f.maxInc = r
		case "minExclusive":
			st.f.minExc = r
		case "maxExclusive":
			st.f.maxExc = r
		}
	case st.builtin == bkFloat || st.builtin == bkDouble:
		f, ok := parseXSDFloat(strings.TrimSpace(v))
		if !ok {
			return c.fail(doc, fe, ErrSchema, "bad %s %q", fe.Tag, v)
		}
		switch fe.Tag {
		case "minInclusive":
			st.f.fMinInc = &f
		case "maxInclusive":
			st.f.fMaxInc = &f
		case "minExclusive":
			st.f.fMinExc = &f
		case "maxExclusive":
			st.f.fMaxExc = &f
		}
	default:
		return c.fail(doc, fe, ErrUnsupported, "%s on %s types is not supported", fe.Tag, builtinNames[st.builtin])
	}
	return nil
}
