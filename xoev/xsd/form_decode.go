package xsd

import (
	"encoding/binary"
	"math"
	"math/big"

	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
)

// modelDecoder reads the compiled model written by encodeModel. Every
// count is bounded by the input left, every reference by its table and
// every enumeration by its range; decodeModel then checks the graph's
// shape (see checkModel), so a corrupt form is errForm, never a panic or
// a model that makes validation loop.
type modelDecoder struct {
	*formDecoder
	err error

	components
}

func (d *modelDecoder) fail() {
	if d.err == nil {
		d.err = errForm
	}
}

func (d *modelDecoder) u() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := d.uvarint()
	if err != nil {
		d.fail()
	}
	return v
}

// n reads a count of items that take at least min bytes each.
func (d *modelDecoder) n(min int) int {
	if d.err != nil {
		return 0
	}
	v, err := d.count(min)
	if err != nil {
		d.fail()
	}
	return v
}

func (d *modelDecoder) i() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data)
	if n <= 0 || v < math.MinInt32 || v > math.MaxInt32 {
		d.fail()
		return 0
	}
	d.data = d.data[n:]
	return int(v)
}

func (d *modelDecoder) s() string {
	if d.err != nil {
		return ""
	}
	v, err := d.str()
	if err != nil {
		d.fail()
	}
	return v
}

func (d *modelDecoder) q() qname { return qname{d.s(), d.s()} }

// byte reads a byte that must be below limit.
func (d *modelDecoder) byte(limit uint8) uint8 {
	if d.err != nil {
		return 0
	}
	if len(d.data) == 0 || d.data[0] >= limit {
		d.fail()
		return 0
	}
	v := d.data[0]
	d.data = d.data[1:]
	return v
}

func (d *modelDecoder) flag() bool { return d.byte(2) == 1 }

func (d *modelDecoder) optStr() *string {
	if !d.flag() {
		return nil
	}
	v := d.s()
	return &v
}

// ref reads a reference into a table of n entries: -1 for nil.
func (d *modelDecoder) ref(n int) int {
	v := d.u()
	if v > uint64(n) {
		d.fail()
		return -1
	}
	return int(v) - 1
}

// refIn reads a reference into table (nil for 0).
func refIn[T any](d *modelDecoder, table []*T) *T {
	if i := d.ref(len(table)); i >= 0 {
		return table[i]
	}
	return nil
}

// simpleBelow and particleBelow read a reference that must precede the
// component at index self: the encoder numbers simple types after the
// types they are built from and particles after their children, so these
// graphs cannot have cycles.
func (d *modelDecoder) simpleBelow(self int) *simpleType { return refIn(d, d.simples[:self]) }
func (d *modelDecoder) particleBelow(self int) *particle { return refIn(d, d.particles[:self]) }
func (d *modelDecoder) simpleRef() *simpleType           { return refIn(d, d.simples) }
func (d *modelDecoder) elemRef() *elementDecl            { return refIn(d, d.elems) }
func (d *modelDecoder) wcRef() *wildcard                 { return refIn(d, d.wcs) }
func (d *modelDecoder) particleRef() *particle           { return refIn(d, d.particles) }
func (d *modelDecoder) attrUseRef() *attrUse             { return refIn(d, d.attrUses) }
func (d *modelDecoder) attrDeclRef() *attrDecl           { return refIn(d, d.attrDecls) }
func (d *modelDecoder) idcRef() *identityConstraint      { return refIn(d, d.idcs) }

func (d *modelDecoder) typeRef() typeDef {
	v := d.u()
	switch {
	case v == 0:
		return nil
	case v%2 == 1 && (v-1)/2 < uint64(len(d.simples)):
		return d.simples[(v-1)/2]
	case v%2 == 0 && (v-2)/2 < uint64(len(d.complexes)):
		return d.complexes[(v-2)/2]
	}
	d.fail()
	return nil
}

func (d *modelDecoder) rat() *big.Rat {
	if !d.flag() {
		return nil
	}
	s := d.s()
	if len(s) > 1024 {
		d.fail()
		return nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		d.fail()
		return nil
	}
	return r
}

func (d *modelDecoder) float() *float64 {
	if !d.flag() || d.err != nil {
		return nil
	}
	if len(d.data) < 8 {
		d.fail()
		return nil
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.data))
	d.data = d.data[8:]
	return &f
}

func (d *modelDecoder) simpleBody(st *simpleType, self int) {
	st.name = d.q()
	st.variety = variety(d.byte(uint8(union) + 1))
	st.builtin = builtinKind(d.byte(uint8(bkCount)))
	st.base = d.simpleBelow(self)
	st.item = d.simpleBelow(self)
	if n := d.n(1); n > 0 {
		st.members = make([]*simpleType, n)
		for i := range st.members {
			st.members[i] = d.simpleBelow(self)
		}
	}
	st.ws = wsMode(d.byte(uint8(wsCollapse) + 1))
	st.final = derivSet(d.byte(uint8(blockUnion << 1)))
	f := &st.f
	if d.flag() {
		n := d.n(1)
		f.enum = make(map[string]struct{}, n)
		for range n {
			f.enum[d.s()] = struct{}{}
		}
	}
	if n := d.n(1); n > 0 {
		f.enumLex = make([]string, n)
		for i := range f.enumLex {
			f.enumLex[i] = d.s()
		}
	}
	f.enumOwner = d.s()
	if n := d.n(1); n > 0 {
		f.patterns = make([][]*regex.Matcher, n)
		for i := range f.patterns {
			step := make([]*regex.Matcher, d.n(1))
			if len(step) == 0 {
				d.fail() // a step has at least one pattern
				return
			}
			for j := range step {
				k := d.u()
				if k >= uint64(len(d.matchers)) {
					d.fail()
					return
				}
				step[j] = d.matchers[k]
			}
			f.patterns[i] = step
		}
	}
	f.length, f.minLength, f.maxLength, f.totalDig, f.fracDig = d.i(), d.i(), d.i(), d.i(), d.i()
	f.minInc, f.maxInc, f.minExc, f.maxExc = d.rat(), d.rat(), d.rat(), d.rat()
	f.fMinInc, f.fMaxInc, f.fMinExc, f.fMaxExc = d.float(), d.float(), d.float(), d.float()
}

func (d *modelDecoder) complexBody(ct *complexType) {
	ct.name = d.q()
	ct.abstract = d.flag()
	ct.content = contentKind(d.byte(uint8(ctMixed) + 1))
	ct.simple = d.simpleRef()
	ct.particle = d.particleRef()
	hasAttrs := d.flag()
	n := d.n(3)
	if hasAttrs {
		ct.attrs = make(map[qname]*attrUse, n)
	} else if n > 0 {
		d.fail()
		return
	}
	for range n {
		k := d.q()
		ct.attrs[k] = d.attrUseRef()
	}
	if n := d.n(1); n > 0 {
		ct.attrList = make([]*attrUse, n)
		for i := range ct.attrList {
			ct.attrList[i] = d.attrUseRef()
		}
	}
	ct.anyAttr = d.wcRef()
	ct.base = d.typeRef()
	ct.method = derivation(d.byte(uint8(derivRestriction) + 1))
	ct.block = derivSet(d.byte(uint8(blockUnion << 1)))
	ct.final = derivSet(d.byte(uint8(blockUnion << 1)))
	ct.done = true
}

func (d *modelDecoder) particleBody(p *particle, self int) {
	p.kind = particleKind(d.byte(uint8(pAll) + 1))
	p.min, p.max = d.i(), d.i()
	p.elem = d.elemRef()
	p.wc = d.wcRef()
	if n := d.n(1); n > 0 {
		p.children = make([]*particle, n)
		for i := range p.children {
			p.children[i] = d.particleBelow(self)
		}
	}
}

func (d *modelDecoder) wildcardBody(w *wildcard) {
	w.any = d.flag()
	hasNot := d.flag()
	n := d.n(1)
	if hasNot {
		w.not = make([]string, n)
	} else if n > 0 {
		d.fail()
		return
	}
	for i := range n {
		w.not[i] = d.s()
	}
	hasAllowed := d.flag()
	n = d.n(2)
	if hasAllowed {
		w.allowed = make(map[string]bool, n)
	} else if n > 0 {
		d.fail()
		return
	}
	for range n {
		k := d.s()
		w.allowed[k] = d.flag()
	}
	w.process = processContents(d.byte(uint8(pcSkip) + 1))
}

func (d *modelDecoder) elemBody(e *elementDecl) {
	e.name = d.q()
	e.typ = d.typeRef()
	e.nillable, e.abstract = d.flag(), d.flag()
	e.fixed, e.deflt = d.optStr(), d.optStr()
	e.global = d.flag()
	e.block = derivSet(d.byte(uint8(blockUnion << 1)))
	e.head = d.elemRef()
	if n := d.n(1); n > 0 {
		e.members = make([]*elementDecl, n)
		for i := range e.members {
			e.members[i] = d.elemRef()
		}
	}
	if n := d.n(1); n > 0 {
		e.idcs = make([]*identityConstraint, n)
		for i := range e.idcs {
			e.idcs[i] = d.idcRef()
		}
	}
	e.resolved = true
}

func (d *modelDecoder) nameTest() nameTest {
	return nameTest{any: d.flag(), nsOnly: d.flag(), q: d.q()}
}

func (d *modelDecoder) idcPath() idcPath {
	p := idcPath{desc: d.flag()}
	if n := d.n(4); n > 0 {
		p.steps = make([]nameTest, n)
		for i := range p.steps {
			p.steps[i] = d.nameTest()
		}
	}
	if d.flag() {
		n := d.nameTest()
		p.attr = &n
	}
	return p
}

func (d *modelDecoder) idcBody(ic *identityConstraint) {
	ic.name = d.q()
	ic.kind = idcKind(d.byte(uint8(idcKeyref) + 1))
	if n := d.n(2); n > 0 {
		ic.selector = make([]idcPath, n)
		for i := range ic.selector {
			ic.selector[i] = d.idcPath()
		}
	}
	if n := d.n(1); n > 0 {
		ic.fields = make([][]idcPath, n)
		for i := range ic.fields {
			f := make([]idcPath, d.n(2))
			for j := range f {
				f[j] = d.idcPath()
			}
			ic.fields[i] = f
		}
	}
	ic.referQ = d.q()
	ic.refer = d.idcRef()
}

// table allocates n objects in one block and returns pointers to them
// after the predefined ones.
func table[T any](pre []*T, n int) []*T {
	out := make([]*T, len(pre), len(pre)+n)
	copy(out, pre)
	block := make([]T, n)
	for i := range block {
		out = append(out, &block[i])
	}
	return out
}

// decodeModel reads the model written by encodeModel into a Schema
// (without its Config) and returns its complex types for prepareModels.
func decodeModel(fd *formDecoder) (*Schema, []*complexType, error) {
	d := &modelDecoder{formDecoder: fd}
	var counts [9]int
	for i, min := range []int{12, 12, 10, 5, 4, 6, 6, 7, 1} {
		counts[i] = d.n(min)
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	d.simples = table(predefinedSimple(), counts[0])
	d.complexes = table([]*complexType{anyType}, counts[1])
	d.elems = table[elementDecl](nil, counts[2])
	d.attrDecls = table[attrDecl](nil, counts[3])
	d.attrUses = table[attrUse](nil, counts[4])
	d.wcs = table([]*wildcard{anyType.anyAttr}, counts[5])
	d.particles = table(predefinedParticles(), counts[6])
	d.idcs = table[identityConstraint](nil, counts[7])
	d.matchers = make([]*regex.Matcher, counts[8])
	for i := range d.matchers {
		src := d.s()
		n := d.n(1)
		if d.err != nil {
			return nil, nil, d.err
		}
		d.matchers[i] = regex.DeferredProgram(src, d.data[:n:n])
		d.data = d.data[n:]
	}
	for i, st := range d.simples {
		if i >= len(predefinedSimple()) {
			st.f = noFacets()
			d.simpleBody(st, i)
		}
	}
	for _, ct := range d.complexes[1:] {
		d.complexBody(ct)
	}
	for _, e := range d.elems {
		d.elemBody(e)
	}
	for _, a := range d.attrDecls {
		a.name = d.q()
		a.typ = d.simpleRef()
		a.fixed, a.deflt = d.optStr(), d.optStr()
	}
	for _, u := range d.attrUses {
		u.decl = d.attrDeclRef()
		u.required = d.flag()
		u.fixed, u.deflt = d.optStr(), d.optStr()
	}
	for _, w := range d.wcs[1:] {
		d.wildcardBody(w)
	}
	for i, p := range d.particles {
		if i >= len(predefinedParticles()) {
			d.particleBody(p, i)
		}
	}
	for _, ic := range d.idcs {
		d.idcBody(ic)
	}
	s := &Schema{}
	n := d.n(3)
	s.elements = make(map[qname]*elementDecl, n)
	for range n {
		k := d.q()
		s.elements[k] = d.elemRef()
	}
	n = d.n(3)
	s.types = make(map[qname]typeDef, n)
	for range n {
		k := d.q()
		s.types[k] = d.typeRef()
	}
	n = d.n(3)
	s.attrs = make(map[qname]*attrDecl, n)
	for range n {
		k := d.q()
		s.attrs[k] = d.attrDeclRef()
	}
	s.documents = int(min(d.u(), math.MaxInt32))
	s.bytes = int64(min(d.u(), math.MaxInt64))
	if n := d.n(1); n > 0 {
		s.warnings = make([]string, n)
		for i := range s.warnings {
			s.warnings[i] = d.s()
		}
	}
	d.decodeAutomata()
	if d.err != nil {
		return nil, nil, d.err
	}
	if err := d.checkModel(s); err != nil {
		return nil, nil, err
	}
	return s, d.complexes, nil
}
