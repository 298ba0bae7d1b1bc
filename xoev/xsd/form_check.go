package xsd

// checkModel refuses a decoded model whose shape the compiler never
// produces and validation relies on: missing required references (an
// element particle without its declaration, a declaration without its
// type, a list without its item type, …), and cycles in derivation,
// simple type composition, substitution groups or particle nesting, which
// would make validation or automaton construction loop. A form made by
// Precompile always passes; the check is for corrupt input.
func (d *modelDecoder) checkModel(s *Schema) error {
	const maxDepth = 1024
	// Simple types: base, item and members form a DAG.
	state := map[*simpleType]uint8{} // 1 in progress, 2 done
	var simple func(st *simpleType, depth int) bool
	simple = func(st *simpleType, depth int) bool {
		if st == nil || state[st] == 2 {
			return true
		}
		if state[st] == 1 || depth > maxDepth {
			return false
		}
		state[st] = 1
		switch {
		case st.variety == list && st.item == nil:
			return false
		case st.variety == union && len(st.members) == 0:
			return false
		}
		ok := simple(st.base, depth+1) && simple(st.item, depth+1)
		for _, m := range st.members {
			ok = ok && m != nil && simple(m, depth+1)
		}
		state[st] = 2
		return ok
	}
	for _, st := range d.simples {
		if !simple(st, 0) {
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
		if ct.content == ctSimple && ct.simple == nil {
			return errForm
		}
		for _, u := range ct.attrList {
			if u == nil {
				return errForm
			}
		}
		for _, u := range ct.attrs {
			if u == nil {
				return errForm
			}
		}
	}
	// Particles: trees (or DAGs) of bounded depth with their targets.
	pstate := map[*particle]uint8{}
	var part func(p *particle, depth int) bool
	part = func(p *particle, depth int) bool {
		if pstate[p] == 2 {
			return true
		}
		if pstate[p] == 1 || depth > maxDepth || p.min < 0 || (p.max != unbounded && p.max < p.min) {
			return false
		}
		pstate[p] = 1
		switch p.kind {
		case pElement:
			if p.elem == nil {
				return false
			}
		case pWildcard:
			if p.wc == nil {
				return false
			}
		default:
			for _, ch := range p.children {
				if ch == nil || !part(ch, depth+1) {
					return false
				}
			}
			if p.kind == pAll {
				for _, ch := range p.children {
					if ch.kind != pElement {
						return false
					}
				}
			}
		}
		pstate[p] = 2
		return true
	}
	for _, p := range d.particles {
		if !part(p, 0) {
			return errForm
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
		for _, m := range e.members {
			if m == nil {
				return errForm
			}
		}
		for _, ic := range e.idcs {
			if ic == nil {
				return errForm
			}
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
	for _, e := range s.elements {
		if e == nil {
			return errForm
		}
	}
	for _, t := range s.types {
		if t == nil {
			return errForm
		}
	}
	for _, a := range s.attrs {
		if a == nil {
			return errForm
		}
	}
	return nil
}
