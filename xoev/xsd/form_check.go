package xsd

import "slices"

// checkModel refuses a decoded model whose shape the compiler never
// produces and validation relies on: missing required references (an
// element particle without its declaration, a declaration without its
// type, a list without its item type, …), and cycles in complex type
// derivation or substitution groups, which would make validation loop
// (simple types and particles can only refer backwards, see simpleBelow). A form made by
// Precompile always passes; the check is for corrupt input.
func (d *modelDecoder) checkModel(s *Schema) error {
	// Simple types and particles refer only backwards (simpleBelow,
	// particleBelow), so they have no cycles; what is left is their shape.
	for _, st := range d.simples {
		switch {
		case st.variety == list && st.item == nil:
			return errForm
		case st.variety == union && len(st.members) == 0, slices.Contains(st.members, nil):
			return errForm
		}
	}
	// Complex types: the base chain ends (at xs:anyType or a simple type).
	for _, ct := range d.complexes[1:] {
		cur, steps := typeDef(ct), 0
		for {
			c, ok := cur.(*complexType)
			if !ok || c == anyType {
				break
			}
			if c.base == nil || steps > len(d.complexes) {
				return errForm
			}
			cur, steps = c.base, steps+1
		}
		if (ct.content == ctSimple && ct.simple == nil) || slices.Contains(ct.attrList, nil) || hasNil(ct.attrs) {
			return errForm
		}
	}
	for _, p := range d.particles {
		if p.min < 0 || (p.max != unbounded && p.max < p.min) {
			return errForm
		}
		switch p.kind {
		case pElement:
			if p.elem == nil {
				return errForm
			}
		case pWildcard:
			if p.wc == nil {
				return errForm
			}
		default:
			for _, ch := range p.children {
				if ch == nil || (p.kind == pAll && ch.kind != pElement) {
					return errForm
				}
			}
		}
	}
	for _, e := range d.elems {
		if e.typ == nil {
			return errForm
		}
		for h, steps := e.head, 0; h != nil; h, steps = h.head, steps+1 {
			if steps > len(d.elems) {
				return errForm
			}
		}
		if slices.Contains(e.members, nil) || slices.Contains(e.idcs, nil) {
			return errForm
		}
	}
	for _, a := range d.attrDecls {
		if a.typ == nil {
			return errForm
		}
	}
	for _, u := range d.attrUses {
		if u.decl == nil {
			return errForm
		}
	}
	for _, ic := range d.idcs {
		if ic.kind == idcKeyref && ic.refer == nil {
			return errForm
		}
	}
	if hasNil(s.elements) || hasNil(s.types) || hasNil(s.attrs) {
		return errForm
	}
	return nil
}

// hasNil reports whether a map of references holds a nil one.
func hasNil[K comparable, V comparable](m map[K]V) bool {
	var none V
	for _, v := range m {
		if v == none {
			return true
		}
	}
	return false
}
