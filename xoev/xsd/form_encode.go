package xsd

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/big"
	"slices"

	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
)

// The compiled model in a precompiled form (see precompiled.go for the
// layout around it) is a flat graph: every component of the compiled
// schema set (simple and complex types, element and attribute
// declarations, attribute uses, wildcards, particles, identity
// constraints, patterns) is numbered per kind, and every pointer is
// written as its number + 1 (0 = nil). The built-in simple types and
// xs:anyType with its particles and wildcard are numbered first in every
// table and are not written: the decoder starts its tables with the same
// objects, so pointer identity (which derivation checks and the content
// automata compare) survives the round trip. A pattern is written as its
// XSD source and its compiled RE2 program (regex.AppendProgram), decoded
// on first use. Components are numbered in
// the order a walk from the sorted global declarations meets them, so the
// encoding is deterministic.

// components are the component tables of one schema set in form order:
// the encoder numbers them, the decoder rebuilds them.
type components struct {
	simples   []*simpleType
	complexes []*complexType
	elems     []*elementDecl
	attrDecls []*attrDecl
	attrUses  []*attrUse
	wcs       []*wildcard
	particles []*particle
	idcs      []*identityConstraint
	matchers  []*regex.Matcher
}

// modelTables are the numbered components of one schema set.
type modelTables struct {
	components

	simpleID   map[*simpleType]uint64
	complexID  map[*complexType]uint64
	elemID     map[*elementDecl]uint64
	attrDeclID map[*attrDecl]uint64
	attrUseID  map[*attrUse]uint64
	wcID       map[*wildcard]uint64
	particleID map[*particle]uint64
	idcID      map[*identityConstraint]uint64
	matcherID  map[*regex.Matcher]uint64
}

// predefinedSimple lists the built-in simple types in the order both
// sides of a form number them.
func predefinedSimple() []*simpleType {
	out := make([]*simpleType, 0, bkCount+3)
	for k := builtinKind(0); k < bkCount; k++ {
		out = append(out, builtins[builtinNames[k]])
	}
	return append(out, builtins["IDREFS"], builtins["NMTOKENS"], builtins["ENTITIES"])
}

// predefinedParticles lists xs:anyType's particles (sequence, wildcard).
func predefinedParticles() []*particle {
	return []*particle{anyType.particle, anyType.particle.children[0]}
}

func compareQName(a, b qname) int {
	if c := cmp.Compare(a.ns, b.ns); c != 0 {
		return c
	}
	return cmp.Compare(a.local, b.local)
}

func sortedKeys[V any](m map[qname]V) []qname {
	keys := make([]qname, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareQName)
	return keys
}

func newModelTables() *modelTables {
	t := &modelTables{
		simpleID: map[*simpleType]uint64{}, complexID: map[*complexType]uint64{}, elemID: map[*elementDecl]uint64{},
		attrDeclID: map[*attrDecl]uint64{}, attrUseID: map[*attrUse]uint64{}, wcID: map[*wildcard]uint64{},
		particleID: map[*particle]uint64{}, idcID: map[*identityConstraint]uint64{}, matcherID: map[*regex.Matcher]uint64{},
	}
	for _, st := range predefinedSimple() {
		t.simpleID[st] = uint64(len(t.simples))
		t.simples = append(t.simples, st)
	}
	t.complexID[anyType] = 0
	t.complexes = append(t.complexes, anyType)
	for _, p := range predefinedParticles() {
		t.particleID[p] = uint64(len(t.particles))
		t.particles = append(t.particles, p)
	}
	t.wcID[anyType.anyAttr] = 0
	t.wcs = append(t.wcs, anyType.anyAttr)
	return t
}

// collect numbers every component reachable from the schema's globals,
// then renumbers simple types after the types they are built from and
// particles after their children (the decoder refuses references
// forward, so these graphs cannot have cycles).
func (t *modelTables) collect(s *Schema) {
	for _, q := range sortedKeys(s.elements) {
		t.elem(s.elements[q])
	}
	for _, q := range sortedKeys(s.types) {
		t.typ(s.types[q])
	}
	for _, q := range sortedKeys(s.attrs) {
		t.attrDecl(s.attrs[q])
	}
	t.simples = postOrder(t.simples, len(predefinedSimple()), t.simpleID, func(st *simpleType) []*simpleType {
		return append([]*simpleType{st.base, st.item}, st.members...)
	})
	t.particles = postOrder(t.particles, len(predefinedParticles()), t.particleID, func(p *particle) []*particle {
		return p.children
	})
}

// postOrder renumbers list (its first pre entries stay) so that every
// entry follows the entries deps returns for it.
func postOrder[T any](list []*T, pre int, id map[*T]uint64, deps func(*T) []*T) []*T {
	out := append(make([]*T, 0, len(list)), list[:pre]...)
	done := make(map[*T]bool, len(list))
	for _, x := range out {
		done[x] = true
	}
	var visit func(x *T)
	visit = func(x *T) {
		if x == nil || done[x] {
			return
		}
		done[x] = true
		for _, dep := range deps(x) {
			visit(dep)
		}
		out = append(out, x)
	}
	for _, x := range list[pre:] {
		visit(x)
	}
	for i, x := range out {
		id[x] = uint64(i)
	}
	return out
}

func (t *modelTables) typ(d typeDef) {
	switch x := d.(type) {
	case *simpleType:
		t.simple(x)
	case *complexType:
		t.complex(x)
	}
}

// number gives x the next number of its table; false when x is nil or
// numbered already (then its references need no walk).
func number[T any](list *[]*T, ids map[*T]uint64, x *T) bool {
	if x == nil {
		return false
	}
	if _, ok := ids[x]; ok {
		return false
	}
	ids[x] = uint64(len(*list))
	*list = append(*list, x)
	return true
}

func (t *modelTables) simple(st *simpleType) {
	if !number(&t.simples, t.simpleID, st) {
		return
	}
	t.simple(st.base)
	t.simple(st.item)
	for _, m := range st.members {
		t.simple(m)
	}
	for _, step := range st.f.patterns {
		for _, m := range step {
			number(&t.matchers, t.matcherID, m)
		}
	}
}

func (t *modelTables) complex(ct *complexType) {
	if !number(&t.complexes, t.complexID, ct) {
		return
	}
	t.simple(ct.simple)
	t.particle(ct.particle)
	for _, u := range ct.attrList {
		t.attrUse(u)
	}
	for _, q := range sortedKeys(ct.attrs) {
		t.attrUse(ct.attrs[q])
	}
	number(&t.wcs, t.wcID, ct.anyAttr)
	t.typ(ct.base)
}

func (t *modelTables) particle(p *particle) {
	if !number(&t.particles, t.particleID, p) {
		return
	}
	t.elem(p.elem)
	number(&t.wcs, t.wcID, p.wc)
	for _, ch := range p.children {
		t.particle(ch)
	}
}

func (t *modelTables) elem(d *elementDecl) {
	if !number(&t.elems, t.elemID, d) {
		return
	}
	t.typ(d.typ)
	t.elem(d.head)
	for _, m := range d.members {
		t.elem(m)
	}
	for _, ic := range d.idcs {
		if number(&t.idcs, t.idcID, ic) {
			number(&t.idcs, t.idcID, ic.refer)
		}
	}
}

func (t *modelTables) attrDecl(a *attrDecl) {
	if number(&t.attrDecls, t.attrDeclID, a) {
		t.simple(a.typ)
	}
}

func (t *modelTables) attrUse(u *attrUse) {
	if number(&t.attrUses, t.attrUseID, u) {
		t.attrDecl(u.decl)
	}
}

// modelEncoder writes the numbered components.
type modelEncoder struct {
	*formEncoder
	t *modelTables
	b []byte
}

func (e *modelEncoder) u(v uint64)   { e.b = binary.AppendUvarint(e.b, v) }
func (e *modelEncoder) i(v int)      { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *modelEncoder) s(v string)   { e.b = e.str(e.b, v) }
func (e *modelEncoder) q(v qname)    { e.s(v.ns); e.s(v.local) }
func (e *modelEncoder) byte(v uint8) { e.b = append(e.b, v) }
func (e *modelEncoder) flag(v bool)  { e.byte(boolByte(v)) }
func (e *modelEncoder) ref(id uint64, ok bool) {
	if !ok {
		e.u(0)
		return
	}
	e.u(id + 1)
}

func boolByte(v bool) uint8 {
	if v {
		return 1
	}
	return 0
}

func (e *modelEncoder) optStr(p *string) {
	e.flag(p != nil)
	if p != nil {
		e.s(*p)
	}
}

func (e *modelEncoder) simpleRef(st *simpleType) {
	id, ok := e.t.simpleID[st]
	e.ref(id, ok && st != nil)
}
func (e *modelEncoder) elemRef(d *elementDecl) { id, ok := e.t.elemID[d]; e.ref(id, ok && d != nil) }
func (e *modelEncoder) wcRef(w *wildcard)      { id, ok := e.t.wcID[w]; e.ref(id, ok && w != nil) }
func (e *modelEncoder) particleRef(p *particle) {
	id, ok := e.t.particleID[p]
	e.ref(id, ok && p != nil)
}
func (e *modelEncoder) attrUseRef(u *attrUse) { id, ok := e.t.attrUseID[u]; e.ref(id, ok && u != nil) }
func (e *modelEncoder) attrDeclRef(a *attrDecl) {
	id, ok := e.t.attrDeclID[a]
	e.ref(id, ok && a != nil)
}
func (e *modelEncoder) idcRef(ic *identityConstraint) {
	id, ok := e.t.idcID[ic]
	e.ref(id, ok && ic != nil)
}

// typeRef writes 0 (nil), 1+2n (simple type n) or 2+2n (complex type n).
func (e *modelEncoder) typeRef(d typeDef) {
	switch x := d.(type) {
	case *simpleType:
		if id, ok := e.t.simpleID[x]; ok && x != nil {
			e.u(1 + 2*id)
			return
		}
	case *complexType:
		if id, ok := e.t.complexID[x]; ok && x != nil {
			e.u(2 + 2*id)
			return
		}
	}
	e.u(0)
}

func (e *modelEncoder) rat(r *big.Rat) {
	e.flag(r != nil)
	if r != nil {
		e.s(r.RatString())
	}
}

func (e *modelEncoder) float(f *float64) {
	e.flag(f != nil)
	if f != nil {
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(*f))
	}
}

func (e *modelEncoder) simpleBody(st *simpleType) {
	e.q(st.name)
	e.byte(uint8(st.variety))
	e.byte(uint8(st.builtin))
	e.simpleRef(st.base)
	e.simpleRef(st.item)
	e.u(uint64(len(st.members)))
	for _, m := range st.members {
		e.simpleRef(m)
	}
	e.byte(uint8(st.ws))
	e.byte(uint8(st.final))
	f := &st.f
	e.flag(f.enum != nil)
	if f.enum != nil {
		keys := make([]string, 0, len(f.enum))
		for k := range f.enum {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		e.u(uint64(len(keys)))
		for _, k := range keys {
			e.s(k)
		}
	}
	e.u(uint64(len(f.enumLex)))
	for _, v := range f.enumLex {
		e.s(v)
	}
	e.s(f.enumOwner)
	e.u(uint64(len(f.patterns)))
	for _, step := range f.patterns {
		e.u(uint64(len(step)))
		for _, m := range step {
			e.u(e.t.matcherID[m])
		}
	}
	for _, v := range []int{f.length, f.minLength, f.maxLength, f.totalDig, f.fracDig} {
		e.i(v)
	}
	for _, r := range []*big.Rat{f.minInc, f.maxInc, f.minExc, f.maxExc} {
		e.rat(r)
	}
	for _, v := range []*float64{f.fMinInc, f.fMaxInc, f.fMinExc, f.fMaxExc} {
		e.float(v)
	}
}

func (e *modelEncoder) complexBody(ct *complexType) {
	e.q(ct.name)
	e.flag(ct.abstract)
	e.byte(uint8(ct.content))
	e.simpleRef(ct.simple)
	e.particleRef(ct.particle)
	e.flag(ct.attrs != nil)
	keys := sortedKeys(ct.attrs)
	e.u(uint64(len(keys)))
	for _, k := range keys {
		e.q(k)
		e.attrUseRef(ct.attrs[k])
	}
	e.u(uint64(len(ct.attrList)))
	for _, u := range ct.attrList {
		e.attrUseRef(u)
	}
	e.wcRef(ct.anyAttr)
	e.typeRef(ct.base)
	e.byte(uint8(ct.method))
	e.byte(uint8(ct.block))
	e.byte(uint8(ct.final))
}

func (e *modelEncoder) particleBody(p *particle) {
	e.byte(uint8(p.kind))
	e.i(p.min)
	e.i(p.max)
	e.elemRef(p.elem)
	e.wcRef(p.wc)
	e.u(uint64(len(p.children)))
	for _, ch := range p.children {
		e.particleRef(ch)
	}
}

func (e *modelEncoder) wildcardBody(w *wildcard) {
	e.flag(w.any)
	e.flag(w.not != nil)
	e.u(uint64(len(w.not)))
	for _, ns := range w.not {
		e.s(ns)
	}
	e.flag(w.allowed != nil)
	keys := make([]string, 0, len(w.allowed))
	for k := range w.allowed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.u(uint64(len(keys)))
	for _, k := range keys {
		e.s(k)
		e.flag(w.allowed[k])
	}
	e.byte(uint8(w.process))
}

func (e *modelEncoder) elemBody(d *elementDecl) {
	e.q(d.name)
	e.typeRef(d.typ)
	e.flag(d.nillable)
	e.flag(d.abstract)
	e.optStr(d.fixed)
	e.optStr(d.deflt)
	e.flag(d.global)
	e.byte(uint8(d.block))
	e.elemRef(d.head)
	e.u(uint64(len(d.members)))
	for _, m := range d.members {
		e.elemRef(m)
	}
	e.u(uint64(len(d.idcs)))
	for _, ic := range d.idcs {
		e.idcRef(ic)
	}
}

func (e *modelEncoder) idcPath(p idcPath) {
	e.flag(p.desc)
	e.u(uint64(len(p.steps)))
	for _, n := range p.steps {
		e.nameTest(n)
	}
	e.flag(p.attr != nil)
	if p.attr != nil {
		e.nameTest(*p.attr)
	}
}

func (e *modelEncoder) nameTest(n nameTest) {
	e.flag(n.any)
	e.flag(n.nsOnly)
	e.q(n.q)
}

func (e *modelEncoder) idcBody(ic *identityConstraint) {
	e.q(ic.name)
	e.byte(uint8(ic.kind))
	e.u(uint64(len(ic.selector)))
	for _, p := range ic.selector {
		e.idcPath(p)
	}
	e.u(uint64(len(ic.fields)))
	for _, f := range ic.fields {
		e.u(uint64(len(f)))
		for _, p := range f {
			e.idcPath(p)
		}
	}
	e.q(ic.referQ)
	e.idcRef(ic.refer)
}

// encodeModel appends the compiled model of s to b.
func encodeModel(fe *formEncoder, b []byte, s *Schema) ([]byte, error) {
	t := newModelTables()
	t.collect(s)
	e := &modelEncoder{formEncoder: fe, t: t, b: b}
	// Counts of the components after the predefined ones.
	for _, n := range []int{
		len(t.simples) - len(predefinedSimple()), len(t.complexes) - 1, len(t.elems), len(t.attrDecls),
		len(t.attrUses), len(t.wcs) - 1, len(t.particles) - len(predefinedParticles()), len(t.idcs), len(t.matchers),
	} {
		e.u(uint64(n))
	}
	for _, m := range t.matchers {
		e.s(m.String())
		prog := m.AppendProgram(nil)
		e.u(uint64(len(prog)))
		e.b = append(e.b, prog...)
	}
	for _, st := range t.simples[len(predefinedSimple()):] {
		e.simpleBody(st)
	}
	for _, ct := range t.complexes[1:] {
		e.complexBody(ct)
	}
	for _, d := range t.elems {
		e.elemBody(d)
	}
	for _, a := range t.attrDecls {
		e.q(a.name)
		e.simpleRef(a.typ)
		e.optStr(a.fixed)
		e.optStr(a.deflt)
	}
	for _, u := range t.attrUses {
		e.attrDeclRef(u.decl)
		e.flag(u.required)
		e.optStr(u.fixed)
		e.optStr(u.deflt)
	}
	for _, w := range t.wcs[1:] {
		e.wildcardBody(w)
	}
	for _, p := range t.particles[len(predefinedParticles()):] {
		e.particleBody(p)
	}
	for _, ic := range t.idcs {
		e.idcBody(ic)
	}
	// The schema's symbol spaces.
	keys := sortedKeys(s.elements)
	e.u(uint64(len(keys)))
	for _, k := range keys {
		e.q(k)
		e.elemRef(s.elements[k])
	}
	keys = sortedKeys(s.types)
	e.u(uint64(len(keys)))
	for _, k := range keys {
		e.q(k)
		e.typeRef(s.types[k])
	}
	keys = sortedKeys(s.attrs)
	e.u(uint64(len(keys)))
	for _, k := range keys {
		e.q(k)
		e.attrDeclRef(s.attrs[k])
	}
	e.u(uint64(s.documents))
	e.u(uint64(s.bytes))
	e.u(uint64(len(s.warnings)))
	for _, w := range s.warnings {
		e.s(w)
	}
	if err := e.encodeAutomata(); err != nil {
		return nil, err
	}
	return e.b, nil
}
