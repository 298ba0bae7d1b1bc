package xsd

import "slices"

// Content automata in a precompiled form: after the symbol spaces, one
// length-prefixed block per complex type (in table order; length 0 for
// types without an automaton: empty content, xs:all, xs:anyType):
//
//	uvarint states; per state: accept flag, uvarint named edges, each
//	element name (two string indexes), target state, declaration
//	reference; uvarint wildcard edges, each wildcard reference, target
//
// A block is decoded on the type's first use (automaton), so a process
// that validates one message decodes only the automata it needs. A block
// that does not decode is rebuilt from the particles instead (which
// fails closed).

// formTables are what a deferred automaton block refers to.
type formTables struct {
	strs  []string
	elems []*elementDecl
	wcs   []*wildcard
}

// encodeAutomata appends the automaton block of every complex type.
func (e *modelEncoder) encodeAutomata() error {
	for _, ct := range e.t.complexes[1:] {
		if ct.particle == nil || ct.particle.kind == pAll {
			e.u(0)
			continue
		}
		m := ct.automaton()
		if m == nil || m == rejectAll {
			return errForm // Precompile only encodes sets whose automata built
		}
		blk := &modelEncoder{formEncoder: e.formEncoder, t: e.t}
		blk.u(uint64(len(m.states)))
		for _, st := range m.states {
			blk.flag(st.accept)
			names := make([]qname, 0, len(st.named))
			for n := range st.named {
				names = append(names, n)
			}
			slices.SortFunc(names, compareQName)
			blk.u(uint64(len(names)))
			for _, n := range names {
				ed := st.named[n]
				blk.q(n)
				blk.u(uint64(ed.to))
				blk.elemRef(ed.decl)
			}
			blk.u(uint64(len(st.wild)))
			for _, w := range st.wild {
				blk.wcRef(w.wc)
				blk.u(uint64(w.to))
			}
		}
		e.u(uint64(len(blk.b)))
		e.b = append(e.b, blk.b...)
	}
	return nil
}

// decodeAutomata reads the blocks of d.complexes and defers each.
func (d *modelDecoder) decodeAutomata() {
	tb := &formTables{strs: d.strs, elems: d.elems, wcs: d.wcs}
	for _, ct := range d.complexes[1:] {
		n := d.n(1)
		if d.err != nil {
			return
		}
		if n == 0 {
			continue
		}
		if ct.particle == nil || ct.particle.kind == pAll {
			d.fail()
			return
		}
		ct.deferred = &deferredModel{block: d.data[:n:n], tables: tb}
		d.data = d.data[n:]
	}
}

// decodeDFA decodes one automaton block; ok false when it is malformed.
func decodeDFA(block []byte, tb *formTables) (*dfa, bool) {
	d := &modelDecoder{formDecoder: &formDecoder{data: block, strs: tb.strs}, components: components{elems: tb.elems, wcs: tb.wcs}}
	ns := d.n(3)
	if ns == 0 {
		return nil, false
	}
	m := &dfa{states: make([]dfaState, ns)}
	target := func() int32 {
		v := d.u()
		if v >= uint64(ns) {
			d.fail()
		}
		return int32(v)
	}
	for i := range m.states {
		st := &m.states[i]
		st.accept = d.flag()
		if nn := d.n(4); nn > 0 {
			st.named = make(map[qname]edge, nn)
			for range nn {
				q := d.q()
				to := target()
				decl := d.elemRef()
				if decl == nil {
					d.fail()
				}
				st.named[q] = edge{to: to, decl: decl}
			}
		}
		if nw := d.n(2); nw > 0 {
			st.wild = make([]wildEdge, nw)
			for j := range st.wild {
				wc := d.wcRef()
				if wc == nil {
					d.fail()
				}
				st.wild[j] = wildEdge{wc: wc, to: target()}
			}
		}
		if d.err != nil {
			return nil, false
		}
	}
	if len(d.data) != 0 {
		return nil, false
	}
	return m, true
}
