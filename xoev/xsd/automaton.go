package xsd

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Content models are compiled to deterministic automata (Part 1 §3.8.4,
// "Element Sequence Locally Valid (Particle)"): particles become a
// Thompson NFA with occurrence bounds unrolled, and subset construction
// yields a DFA whose transitions are keyed by element name. Substitution
// group members (Part 1 §3.3.6) are expanded into name transitions.

type dfa struct{ states []dfaState }

type dfaState struct {
	accept bool
	named  map[qname]edge
	wild   []wildEdge
}

type edge struct {
	to   int32
	decl *elementDecl // nil when reached through a wildcard only
	wc   *wildcard
}

type wildEdge struct {
	wc *wildcard
	to int32
}

// allModel validates an xs:all group (Part 1 §3.8.4, all).
type allModel struct {
	byName   map[qname]int
	declOf   map[qname]*elementDecl
	decls    []*elementDecl
	required []bool
	optional bool // the all group itself has minOccurs 0
}

func (c *compiler) buildModel(ct *complexType) error {
	if ct.particle == nil || ct.model != nil || ct.all != nil {
		return nil
	}
	if ct.particle.kind == pAll {
		ct.all = newAllModel(ct.particle)
		return nil
	}
	m, err := buildDFA(ct.particle, c.cfg.MaxContentStates)
	if err != nil {
		return c.fail(ct.doc, ct.src, err, "content model: %s", err.Error())
	}
	ct.model = m
	return nil
}

func newAllModel(p *particle) *allModel {
	am := &allModel{byName: map[qname]int{}, declOf: map[qname]*elementDecl{}, optional: p.min == 0}
	for i, ch := range p.children {
		am.decls = append(am.decls, ch.elem)
		am.required = append(am.required, ch.min > 0)
		for _, n := range substitutable(ch.elem) {
			am.byName[n.name] = i
			am.declOf[n.name] = n
		}
	}
	return am
}

// prepareModels sets up the content models of complex types decoded from
// a precompiled form: xs:all models directly, automata on first use, or
// all up front when the caller's MaxContentStates is below the one the
// form was made under (then a model that is too large fails as in
// Compile).
func prepareModels(complexes []*complexType, formStates uint64, cfg Config) error {
	eager := uint64(cfg.MaxContentStates) < formStates
	for _, ct := range complexes {
		p := ct.particle
		switch {
		case ct == anyType || p == nil:
		case p.kind == pAll:
			ct.all = newAllModel(p)
		case !eager && ct.deferred != nil:
			ct.deferred.maxStates = cfg.MaxContentStates // decoded from the form's block
		case !eager:
			ct.deferred = &deferredModel{maxStates: cfg.MaxContentStates}
		default:
			ct.deferred = nil
			m, err := buildDFA(p, cfg.MaxContentStates)
			if err != nil {
				name := "an anonymous complex type"
				if ct.name.local != "" {
					name = "type " + ct.name.String()
				}
				return &SchemaError{Msg: fmt.Sprintf("content model of %s: %s", name, err.Error()), Err: err}
			}
			ct.model = m
		}
	}
	return nil
}

// deferredModel decodes (from block) or builds a content automaton on
// first use, for schema sets from a precompiled form, which compiled in
// full when the form was made.
type deferredModel struct {
	once      sync.Once
	maxStates int
	block     []byte // the automaton's block in the form, nil: build it
	tables    *formTables
}

// rejectAll has one state that accepts nothing, not even the end: the
// automaton of a deferred model that failed to build (fails closed).
var rejectAll = &dfa{states: []dfaState{{}}}

// automaton returns the content automaton (nil for empty content and
// xs:all), building a deferred one first.
func (t *complexType) automaton() *dfa {
	if d := t.deferred; d != nil {
		d.once.Do(func() {
			if d.block != nil {
				if m, ok := decodeDFA(d.block, d.tables); ok {
					t.model = m
					return
				}
			}
			m, err := buildDFA(t.particle, d.maxStates)
			if err != nil {
				m = rejectAll
			}
			t.model = m
		})
	}
	return t.model
}

// substitutable lists the declarations an element particle matches:
// itself unless abstract, and its non-abstract substitution group members
// unless the head blocks substitution.
func substitutable(d *elementDecl) []*elementDecl {
	var out []*elementDecl
	if !d.abstract {
		out = append(out, d)
	}
	if d.block&blockSubstitution != 0 {
		return out
	}
	// Part 1 §3.3.6 Substitution Group OK (Transitive): the member's type
	// must be derived from the head's type without a blocked step.
	block := d.block
	if ct, ok := d.typ.(*complexType); ok {
		block |= ct.block
	}
	for _, m := range d.members {
		if !m.abstract && derivedFrom(m.typ, d.typ, block&(blockExtension|blockRestriction)) {
			out = append(out, m)
		}
	}
	return out
}

type nfaTr struct {
	term int32
	to   int32
}

type nfa struct {
	eps   [][]int32
	tr    [][]nfaTr
	terms []*particle
	limit int
	seen  []uint32 // closure marks, valid when equal to gen
	gen   uint32
}

var errTooLarge = fmt.Errorf("%w: content model automaton too large", ErrUnsupported)

func (b *nfa) state() (int32, error) {
	if len(b.eps) >= b.limit {
		return 0, errTooLarge
	}
	b.eps = append(b.eps, nil)
	b.tr = append(b.tr, nil)
	return int32(len(b.eps) - 1), nil
}

func (b *nfa) once(p *particle, from int32) (int32, error) {
	switch p.kind {
	case pElement, pWildcard:
		to, err := b.state()
		if err != nil {
			return 0, err
		}
		b.terms = append(b.terms, p)
		b.tr[from] = append(b.tr[from], nfaTr{int32(len(b.terms) - 1), to})
		return to, nil
	case pSequence:
		cur := from
		for _, ch := range p.children {
			var err error
			if cur, err = b.rep(ch, cur); err != nil {
				return 0, err
			}
		}
		return cur, nil
	case pChoice:
		to, err := b.state()
		if err != nil {
			return 0, err
		}
		for _, ch := range p.children {
			start, err := b.state()
			if err != nil {
				return 0, err
			}
			b.eps[from] = append(b.eps[from], start)
			end, err := b.rep(ch, start)
			if err != nil {
				return 0, err
			}
			b.eps[end] = append(b.eps[end], to)
		}
		return to, nil
	}
	return 0, fmt.Errorf("%w: xs:all nested in a content model", ErrSchema)
}

func (b *nfa) rep(p *particle, from int32) (int32, error) {
	cur := from
	var err error
	for i := 0; i < p.min; i++ {
		if cur, err = b.once(p, cur); err != nil {
			return 0, err
		}
	}
	if p.max == unbounded {
		loop, err := b.state()
		if err != nil {
			return 0, err
		}
		b.eps[cur] = append(b.eps[cur], loop)
		end, err := b.once(p, loop)
		if err != nil {
			return 0, err
		}
		b.eps[end] = append(b.eps[end], loop)
		exit, err := b.state()
		if err != nil {
			return 0, err
		}
		b.eps[loop] = append(b.eps[loop], exit)
		return exit, nil
	}
	if p.max == p.min {
		return cur, nil
	}
	exit, err := b.state()
	if err != nil {
		return 0, err
	}
	for i := p.min; i < p.max; i++ {
		b.eps[cur] = append(b.eps[cur], exit)
		if cur, err = b.once(p, cur); err != nil {
			return 0, err
		}
	}
	b.eps[cur] = append(b.eps[cur], exit)
	return exit, nil
}

func (b *nfa) closure(set []int32) []int32 {
	if b.seen == nil || len(b.seen) < len(b.eps) {
		b.seen = make([]uint32, len(b.eps))
	}
	b.gen++
	stack := append([]int32(nil), set...)
	var out []int32
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.seen[s] == b.gen {
			continue
		}
		b.seen[s] = b.gen
		out = append(out, s)
		stack = append(stack, b.eps[s]...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func setKey(s []int32) string {
	b := make([]byte, 0, len(s)*4)
	for _, v := range s {
		b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return string(b)
}

func buildDFA(p *particle, limit int) (*dfa, error) {
	b := &nfa{limit: limit}
	start, err := b.state()
	if err != nil {
		return nil, err
	}
	final, err := b.rep(p, start)
	if err != nil {
		return nil, err
	}
	d := &dfa{}
	index := map[string]int32{}
	var sets [][]int32
	add := func(s []int32) (int32, error) {
		k := setKey(s)
		if id, ok := index[k]; ok {
			return id, nil
		}
		if len(d.states) >= limit {
			return 0, errTooLarge
		}
		id := int32(len(d.states))
		index[k] = id
		acc := false
		for _, v := range s {
			if v == final {
				acc = true
			}
		}
		d.states = append(d.states, dfaState{accept: acc})
		sets = append(sets, s)
		return id, nil
	}
	if _, err := add(b.closure([]int32{start})); err != nil {
		return nil, err
	}
	for i := 0; i < len(d.states); i++ {
		set := sets[i]
		named := map[qname][]int32{}
		decls := map[qname]*elementDecl{}
		owner := map[qname]*particle{}
		var names []qname
		type wt struct {
			wc  *wildcard
			tos []int32
		}
		var wilds []*wt
		for _, s := range set {
			for _, t := range b.tr[s] {
				term := b.terms[t.term]
				if term.kind == pWildcard {
					var w *wt
					for _, x := range wilds {
						if x.wc == term.wc {
							w = x
						}
					}
					if w == nil {
						w = &wt{wc: term.wc}
						wilds = append(wilds, w)
					}
					w.tos = append(w.tos, t.to)
					continue
				}
				for _, m := range substitutable(term.elem) {
					if _, ok := named[m.name]; !ok {
						names = append(names, m.name)
						decls[m.name] = m
						owner[m.name] = term
					} else if owner[m.name] != term {
						return nil, fmt.Errorf("%w: content model is not deterministic: two particles compete for element %s (Unique Particle Attribution, Part 1 §3.8.6)", ErrSchema, m.name)
					}
					named[m.name] = append(named[m.name], t.to)
				}
			}
		}
		for x := 0; x < len(wilds); x++ {
			for y := x + 1; y < len(wilds); y++ {
				if wildOverlap(wilds[x].wc, wilds[y].wc) {
					return nil, fmt.Errorf("%w: content model is not deterministic: two wildcards overlap (Unique Particle Attribution, Part 1 §3.8.6)", ErrSchema)
				}
			}
		}
		st := dfaState{accept: d.states[i].accept}
		if len(names) > 0 {
			st.named = make(map[qname]edge, len(names))
		}
		for _, n := range names {
			// An element and a wildcard competing for a name violates UPA;
			// libxml2 accepts such models and lets the element particle
			// win (no backtracking into the wildcard). So do we.
			tos := named[n]
			id, err := add(b.closure(tos))
			if err != nil {
				return nil, err
			}
			st.named[n] = edge{to: id, decl: decls[n]}
		}
		for _, w := range wilds {
			id, err := add(b.closure(w.tos))
			if err != nil {
				return nil, err
			}
			st.wild = append(st.wild, wildEdge{wc: w.wc, to: id})
		}
		d.states[i] = st
	}
	return d, nil
}

// next returns the transition for an element name, or ok=false.
func (d *dfa) next(state int32, n qname) (edge, bool) {
	st := &d.states[state]
	if e, ok := st.named[n]; ok {
		return e, true
	}
	for _, w := range st.wild {
		if w.wc.allows(n.ns) {
			return edge{to: w.to, wc: w.wc}, true
		}
	}
	return edge{}, false
}

// expected lists what may come next in state, for error messages.
func (d *dfa) expected(state int32) string {
	st := &d.states[state]
	var names []string
	for n := range st.named {
		names = append(names, n.String())
	}
	sort.Strings(names)
	if len(st.wild) > 0 {
		names = append(names, "any element")
	}
	if len(names) > 8 {
		names = append(names[:8], "…")
	}
	return strings.Join(names, ", ")
}

// wildOverlap reports whether some namespace (or absence) is allowed by
// both wildcards.
func wildOverlap(a, b *wildcard) bool {
	if a.any || b.any {
		return true
	}
	if a.not != nil && b.not != nil {
		return true // infinitely many namespaces satisfy both
	}
	if a.not != nil {
		a, b = b, a
	}
	for ns := range a.allowed {
		if b.allows(ns) {
			return true
		}
	}
	return false
}
