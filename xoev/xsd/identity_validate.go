package xsd

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/egosaar/ozg/internal/redact"
)

// Identity-constraint assessment during the streaming pass (Part 1
// §3.11.4 Identity-constraint Satisfied). An element whose declaration has
// constraints opens one scope per constraint; the scope's selector picks
// descendants (matches), each match collects its field values, and the
// scope checks uniqueness (unique, key), presence (key) and references
// (keyref against the key table of the same element) when it closes.

type idcScope struct {
	ic    *identityConstraint
	depth int
	table map[string]struct{}
	refs  []idcTuple
}

type idcTuple struct {
	key  string
	vals []string
	line int
	path string
}

type idcMatch struct {
	scope *idcScope
	depth int
	vals  []string
	set   []bool
	line  int
	path  string
}

// idcPending is an element field waiting for the element's value.
type idcPending struct {
	m     *idcMatch
	field int
	depth int
}

// pathMatches reports whether the element at stack index top is reached
// from the element at base by the path's element steps.
func (v *session) pathMatches(steps []nameTest, desc bool, base, top int) bool {
	rel := top - base
	if rel < len(steps) || !desc && rel != len(steps) {
		return false
	}
	if desc && len(steps) == 0 {
		return false
	}
	first := top - len(steps) + 1
	for i, s := range steps {
		if !s.matches(v.stack[first+i].q) {
			return false
		}
	}
	return true
}

// idcStart runs after the element t was pushed at the top of the stack.
func (v *session) idcStart(t xml.StartElement) {
	top := len(v.stack) - 1
	if d := v.stack[top].decl; d != nil {
		for _, ic := range d.idcs {
			v.scopes = append(v.scopes, &idcScope{ic: ic, depth: top, table: map[string]struct{}{}})
		}
	}
	if len(v.scopes) == 0 {
		return
	}
	for _, s := range v.scopes {
		for _, p := range s.ic.selector {
			if v.pathMatches(p.steps, p.desc, s.depth, top) {
				n := len(s.ic.fields)
				v.matches = append(v.matches, &idcMatch{scope: s, depth: top, vals: make([]string, n), set: make([]bool, n), line: v.line, path: v.path("")})
				break
			}
		}
	}
	for _, m := range v.matches {
		for i, union := range m.scope.ic.fields {
			for _, p := range union {
				if !v.pathMatches(p.steps, p.desc, m.depth, top) && !(len(p.steps) == 0 && !p.desc && m.depth == top) {
					continue
				}
				if p.attr == nil {
					v.pending = append(v.pending, idcPending{m: m, field: i, depth: top})
					continue
				}
				for _, a := range t.Attr {
					if q := (qname{a.Name.Space, a.Name.Local}); !isNamespaceDecl(a) && p.attr.matches(q) {
						v.setField(m, i, v.attrFieldValue(q, a.Value))
					}
				}
			}
		}
	}
}

// attrFieldValue is an attribute's value as an identity-constraint
// field: its canonical value when the attribute was assessed against a
// type (so "01" and "1" of an xs:int are one key), else the value with
// whitespace collapsed.
func (v *session) attrFieldValue(q qname, raw string) string {
	for _, c := range v.attrCanon {
		if c.q == q {
			return c.canon
		}
	}
	return strings.Join(strings.Fields(raw), " ")
}

func (v *session) setField(m *idcMatch, i int, val string) {
	if m.set[i] {
		v.add(m.line, m.path, "cvc-identity-constraint.3", fmt.Sprintf("%s %s: field %d selects more than one node", idcNames[m.scope.ic.kind], m.scope.ic.name.local, i+1))
		return
	}
	m.vals[i], m.set[i] = val, true
}

// idcEnd runs after the element at stack index top was closed; value is
// its canonical simple value (ok false if it has none).
func (v *session) idcEnd(top int, value string, ok bool) {
	if len(v.scopes) == 0 {
		return
	}
	kept := v.pending[:0]
	for _, p := range v.pending {
		if p.depth != top {
			kept = append(kept, p)
			continue
		}
		if !ok {
			v.add(p.m.line, p.m.path, "cvc-identity-constraint.3", fmt.Sprintf("%s %s: field %d selects an element without a simple value", idcNames[p.m.scope.ic.kind], p.m.scope.ic.name.local, p.field+1))
			continue
		}
		v.setField(p.m, p.field, value)
	}
	v.pending = kept
	keptM := v.matches[:0]
	for _, m := range v.matches {
		if m.depth != top {
			keptM = append(keptM, m)
			continue
		}
		v.finishMatch(m)
	}
	v.matches = keptM
	n := len(v.scopes)
	for n > 0 && v.scopes[n-1].depth == top {
		n--
	}
	closing := v.scopes[n:]
	for _, s := range closing {
		if s.ic.kind != idcKeyref {
			continue
		}
		var table map[string]struct{}
		for _, o := range closing {
			if o.ic == s.ic.refer {
				table = o.table
			}
		}
		for _, r := range s.refs {
			if _, found := table[r.key]; !found {
				v.add(r.line, r.path, "cvc-identity-constraint.4.3", fmt.Sprintf("keyref %s: value %s matches no %s %s", s.ic.name.local, showTuple(r.vals), idcNames[s.ic.refer.kind], s.ic.refer.name.local))
			}
		}
	}
	clear(v.scopes[n:])
	v.scopes = v.scopes[:n]
}

func (v *session) finishMatch(m *idcMatch) {
	ic := m.scope.ic
	for i := range m.set {
		if !m.set[i] {
			if ic.kind == idcKey {
				v.add(m.line, m.path, "cvc-identity-constraint.4.2.1", fmt.Sprintf("key %s: field %d is missing", ic.name.local, i+1))
			}
			return // unique and keyref ignore incomplete tuples
		}
	}
	key := strings.Join(m.vals, "\x00")
	switch ic.kind {
	case idcKeyref:
		m.scope.refs = append(m.scope.refs, idcTuple{key: key, vals: m.vals, line: m.line, path: m.path})
	default:
		if _, dup := m.scope.table[key]; dup {
			c := "cvc-identity-constraint.4.1"
			if ic.kind == idcKey {
				c = "cvc-identity-constraint.4.2.2"
			}
			v.add(m.line, m.path, c, fmt.Sprintf("%s %s: duplicate value %s", idcNames[ic.kind], ic.name.local, showTuple(m.vals)))
			return
		}
		m.scope.table[key] = struct{}{}
	}
}

// showTuple quotes a tuple's values, each clipped, for a violation; it is
// only built when one is reported.
func showTuple(vals []string) string {
	shown := make([]string, len(vals))
	for i, s := range vals {
		shown[i] = fmt.Sprintf("%q", redact.Clip(s, 64))
	}
	return "[" + strings.Join(shown, ", ") + "]"
}
