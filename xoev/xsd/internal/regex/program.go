package regex

import (
	"encoding/binary"
	"regexp/syntax"
	"sync"
	"unicode/utf8"
)

// A Matcher's RE2 program can be stored (AppendProgram) and a Matcher
// made from it later (DeferredProgram), so that a precompiled schema set
// neither translates nor parses nor compiles its patterns: the program is
// decoded on the pattern's first use. Encoding:
//
//	uvarint start, uvarint numCap, uvarint n, n instructions:
//	  op (byte), uvarint out, uvarint arg, uvarint runes, runes (uvarint)
//
// A program that does not decode, or whose instructions point outside it
// or carry rune lists the engine cannot read, is not used: the Matcher
// then translates and compiles its pattern as Deferred does.

// maxProgram bounds a decoded program (instructions, runes per instruction).
const maxProgram = 1 << 20

// AppendProgram appends the Matcher's compiled program to b (nothing for
// a Matcher that has none: a deferred one not yet used, or one that
// failed).
func (m *Matcher) AppendProgram(b []byte) []byte {
	if m.prog == nil {
		return b
	}
	p := m.prog
	b = binary.AppendUvarint(b, uint64(p.Start))
	b = binary.AppendUvarint(b, uint64(p.NumCap))
	b = binary.AppendUvarint(b, uint64(len(p.Inst)))
	for _, in := range p.Inst {
		b = append(b, byte(in.Op))
		b = binary.AppendUvarint(b, uint64(in.Out))
		b = binary.AppendUvarint(b, uint64(in.Arg))
		b = binary.AppendUvarint(b, uint64(len(in.Rune)))
		for _, r := range in.Rune {
			b = binary.AppendUvarint(b, uint64(r))
		}
	}
	return b
}

// DeferredProgram returns a Matcher for pattern that decodes program (made
// by AppendProgram for the same pattern) on first use, and translates and
// compiles pattern instead when program is empty or malformed; a pattern
// that fails then matches nothing (fails closed).
func DeferredProgram(pattern string, program []byte) *Matcher {
	return &Matcher{source: pattern, once: new(sync.Once), program: program}
}

// decodeProgram parses and checks an encoded program.
func decodeProgram(b []byte) (*syntax.Prog, bool) {
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	start, ok1 := next()
	numCap, ok2 := next()
	n, ok3 := next()
	if !ok1 || !ok2 || !ok3 || n == 0 || n > maxProgram || n > uint64(len(b))/4 || start >= n || numCap > 2*n {
		return nil, false
	}
	p := &syntax.Prog{Start: int(start), NumCap: int(numCap), Inst: make([]syntax.Inst, n)}
	for i := range p.Inst {
		in := &p.Inst[i]
		if len(b) == 0 {
			return nil, false
		}
		in.Op = syntax.InstOp(b[0])
		b = b[1:]
		out, ok1 := next()
		arg, ok2 := next()
		nr, ok3 := next()
		if !ok1 || !ok2 || !ok3 || out >= n || arg > 1<<32-1 || nr > uint64(len(b)) || nr > maxProgram {
			return nil, false
		}
		in.Out, in.Arg = uint32(out), uint32(arg)
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			if arg >= n {
				return nil, false
			}
		case syntax.InstRune:
			if nr == 0 || (nr > 1 && nr%2 != 0) {
				return nil, false
			}
		case syntax.InstRune1:
			if nr != 1 {
				return nil, false
			}
		case syntax.InstMatch, syntax.InstFail, syntax.InstNop, syntax.InstCapture,
			syntax.InstEmptyWidth, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		default:
			return nil, false
		}
		if nr > 0 {
			in.Rune = make([]rune, nr)
			for j := range in.Rune {
				r, ok := next()
				if !ok || r > utf8.MaxRune {
					return nil, false
				}
				in.Rune[j] = rune(r)
			}
		}
	}
	if len(b) != 0 {
		return nil, false
	}
	return p, true
}
