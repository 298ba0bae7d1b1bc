package regex

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"sync"
)

// Matcher matches whole strings against a translated XSD pattern. It runs
// a lazily built DFA over the compiled RE2 program (states are created on
// first use and cached), which is much faster than regexp's backtracker
// for the large alternations of XÖV patterns (DIN 91379 character sets).
// It falls back to regexp (compiled only then) once the DFA exceeds
// maxDFAStates. Safe for concurrent use.
type Matcher struct {
	source string
	goexpr string
	prog   *syntax.Prog

	reOnce sync.Once
	re     *regexp.Regexp // the fallback, nil until needed (or when it failed)

	once    *sync.Once // Deferred: translate and compile on first use
	program []byte     // DeferredProgram: the encoded program to use instead
	failed  bool       // Deferred pattern that did not compile: matches nothing

	mu       sync.RWMutex
	states   []*dstate
	index    map[string]int32
	overflow bool
}

const maxDFAStates = 4096

type dstate struct {
	pcs    []uint32
	ascii  [128]int32 // next state + 1; 0 = not computed yet
	other  map[rune]int32
	accept bool // accepts at end of input
	dead   bool
}

// String returns the XSD pattern.
func (m *Matcher) String() string { return m.source }

// Deferred returns a Matcher that translates and compiles pattern on first
// use. It is meant for patterns Compile is known to accept (a precompiled
// schema set, made from files that compiled in full); should pattern fail
// nonetheless, the Matcher matches nothing (fails closed).
func Deferred(pattern string) *Matcher {
	return &Matcher{source: pattern, once: new(sync.Once)}
}

// ready compiles a Deferred Matcher once; false when that failed.
func (m *Matcher) ready() bool {
	if m.once != nil {
		m.once.Do(func() {
			if p, ok := decodeProgram(m.program); ok {
				m.program = nil
				m.start(p)
				return
			}
			goexpr, err := Translate(m.source)
			if err == nil {
				m.goexpr = goexpr
				err = m.init()
			}
			m.failed = err != nil
		})
	}
	return !m.failed
}

// init compiles the translated pattern into the RE2 program the lazy DFA
// runs on, with the same parser flags as regexp.Compile (so a program that
// compiles here also compiles as the fallback).
func (m *Matcher) init() error {
	parsed, err := syntax.Parse(m.goexpr, syntax.Perl)
	if err != nil {
		return err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return err
	}
	m.start(prog)
	return nil
}

// start sets up the lazy DFA over prog with its start state.
func (m *Matcher) start(prog *syntax.Prog) {
	m.prog = prog
	m.index = map[string]int32{}
	if _, ok := m.add(m.closure([]uint32{uint32(prog.Start)}, true)); !ok {
		m.overflow = true
	}
}

// fallback matches with regexp, compiled on first use; a pattern regexp
// refuses matches nothing (fails closed).
func (m *Matcher) fallback(s string) bool {
	m.reOnce.Do(func() {
		goexpr := m.goexpr
		if goexpr == "" { // made from a stored program
			var err error
			if goexpr, err = Translate(m.source); err != nil {
				return
			}
		}
		m.re, _ = regexp.Compile(goexpr)
	})
	return m.re != nil && m.re.MatchString(s)
}

// closure follows empty transitions. Only \A (at the start) is followed;
// \z is kept in the set and resolved at the end of input.
func (m *Matcher) closure(pcs []uint32, atBegin bool) []uint32 {
	seen := make([]bool, len(m.prog.Inst))
	var out []uint32
	stack := append([]uint32(nil), pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		inst := &m.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, inst.Out, inst.Arg)
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, inst.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(inst.Arg)
			switch {
			case op == syntax.EmptyBeginText:
				if atBegin {
					stack = append(stack, inst.Out)
				}
			default:
				out = append(out, pc)
			}
		case syntax.InstFail:
		default:
			out = append(out, pc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (m *Matcher) acceptsAtEnd(pcs []uint32) bool {
	stack := append([]uint32(nil), pcs...)
	seen := make([]bool, len(m.prog.Inst))
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		inst := &m.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, inst.Out, inst.Arg)
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, inst.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(inst.Arg)&^(syntax.EmptyEndText|syntax.EmptyEndLine) == 0 {
				stack = append(stack, inst.Out)
			}
		}
	}
	return false
}

func key(pcs []uint32) string {
	b := make([]byte, 0, len(pcs)*4)
	for _, pc := range pcs {
		b = append(b, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	return string(b)
}

// add registers a state; the caller holds mu (or is the constructor).
func (m *Matcher) add(pcs []uint32) (int32, bool) {
	k := key(pcs)
	if id, ok := m.index[k]; ok {
		return id, true
	}
	if len(m.states) >= maxDFAStates {
		return 0, false
	}
	for _, pc := range pcs {
		if op := m.prog.Inst[pc].Op; op == syntax.InstEmptyWidth {
			a := syntax.EmptyOp(m.prog.Inst[pc].Arg)
			if a&^(syntax.EmptyEndText|syntax.EmptyEndLine) != 0 {
				return 0, false // only \A and \z are expected
			}
		}
	}
	st := &dstate{pcs: pcs, accept: m.acceptsAtEnd(pcs), dead: len(pcs) == 0}
	id := int32(len(m.states))
	m.states = append(m.states, st)
	m.index[k] = id
	return id, true
}

func (m *Matcher) step(id int32, r rune) (int32, bool) {
	st := m.states[id]
	var next []uint32
	for _, pc := range st.pcs {
		inst := &m.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			if inst.MatchRune(r) {
				next = append(next, inst.Out)
			}
		}
	}
	return m.add(m.closure(next, false))
}

// MatchString reports whether s matches the whole pattern.
func (m *Matcher) MatchString(s string) bool {
	if !m.ready() {
		return false
	}
	m.mu.RLock()
	if m.overflow {
		m.mu.RUnlock()
		return m.fallback(s)
	}
	cur := int32(0)
	for _, r := range s {
		st := m.states[cur]
		var nx int32
		if r < 128 {
			nx = st.ascii[r] - 1
		} else if v, ok := st.other[r]; ok {
			nx = v
		} else {
			nx = -1
		}
		if nx < 0 {
			m.mu.RUnlock()
			m.mu.Lock()
			id, ok := m.step(cur, r)
			if !ok {
				m.overflow = true
				m.mu.Unlock()
				return m.fallback(s)
			}
			if r < 128 {
				st.ascii[r] = id + 1
			} else {
				if st.other == nil {
					st.other = map[rune]int32{}
				}
				st.other[r] = id
			}
			m.mu.Unlock()
			m.mu.RLock()
			if m.overflow {
				m.mu.RUnlock()
				return m.fallback(s)
			}
			nx = id
		}
		cur = nx
		if m.states[cur].dead {
			m.mu.RUnlock()
			return false
		}
	}
	acc := m.states[cur].accept
	m.mu.RUnlock()
	return acc
}

// Mismatch locates why s does not match: the 0-based rune index and the
// rune after which no continuation of s can match (found), or found false
// when every character of s is allowed where it stands and s merely ends
// too early (or the pattern is beyond the DFA's reach). It simulates the
// program afresh and is meant for error messages only.
func (m *Matcher) Mismatch(s string) (index int, r rune, found bool) {
	if !m.ready() || m.prog == nil {
		return 0, 0, false
	}
	pcs := m.closure([]uint32{uint32(m.prog.Start)}, true)
	i := 0
	for _, c := range s {
		var next []uint32
		for _, pc := range pcs {
			inst := &m.prog.Inst[pc]
			switch inst.Op {
			case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				if inst.MatchRune(c) {
					next = append(next, inst.Out)
				}
			}
		}
		if len(next) == 0 {
			return i, c, true
		}
		pcs = m.closure(next, false)
		i++
	}
	return 0, 0, false
}
