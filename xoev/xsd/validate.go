package xsd

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Validate reads one instance document from doc and assesses it against
// the schema with the validation root's global element declaration (Part 1
// §5.2, element-driven). It returns nil if the document is valid, a
// *ValidationError (unwrapping to ErrInvalid) listing all violations, or
// an error wrapping ErrNotWellFormed, ErrDoctype or ErrLimit. It is safe
// for concurrent use.
func (s *Schema) Validate(ctx context.Context, doc io.Reader) error {
	v := &session{s: s, ctx: ctx}
	return v.finish(xmlsafe.StreamReader(doc, s.cfg.limits(), v))
}

// ValidateBytes is Validate for a document in memory.
func (s *Schema) ValidateBytes(ctx context.Context, doc []byte) error {
	v := &session{s: s, ctx: ctx}
	return v.finish(xmlsafe.Stream(doc, s.cfg.limits(), v))
}

type frame struct {
	decl     *elementDecl
	ct       *complexType
	st       *simpleType
	state    int32
	failed   bool
	allSeen  []bool
	collect  bool
	textErr  bool
	nilled   bool
	laxChild bool
	line     int
	name     string
	q        qname      // expanded name, for identity-constraint paths
	index    int32      // 1-based position among the parent's children of the same name
	kidNames []sibCount // children seen so far, per name
}

// sibCount counts a frame's children of one local name, for path
// positions (anlage[8199]).
type sibCount struct {
	name string
	n    int32
}

// childIndex counts a child named local and returns its 1-based position
// among its siblings of that name.
func (f *frame) childIndex(local string) int32 {
	for i := range f.kidNames {
		if f.kidNames[i].name == local {
			f.kidNames[i].n++
			return f.kidNames[i].n
		}
	}
	f.kidNames = append(f.kidNames, sibCount{local, 1})
	return 1
}

type nsBinding struct{ prefix, uri string }

type idRef struct {
	v    string
	line int
	path string
}

// session is one validation; the parser (internal/xmlsafe.Stream, the
// same parser as every other path of the module) calls its Handler
// methods.
type session struct {
	s          *Schema
	ctx        context.Context
	violations []Violation
	truncated  bool
	stack      []frame
	ns         []nsBinding
	nsMarks    []int
	ids        map[string]struct{}
	refs       []idRef
	skip       int
	inAttr     bool
	textBuf    []byte // content of the innermost collecting element
	line       int
	curLocal   string
	curIndex   int32 // position of the element being started (see path)
	events     int

	// identity constraints (identity_validate.go)
	scopes       []*idcScope
	matches      []*idcMatch
	pending      []idcPending
	lastValue    string // canonical value of the element end() just closed
	lastHasValue bool
	// attrCanon holds the canonical values of the attributes of the
	// element being started that were assessed against a type, so that
	// identity-constraint fields compare attribute values in the value
	// space as they do element values (Part 1 §3.11.4).
	attrCanon []attrCanonical
}

type attrCanonical struct {
	q     qname
	canon string
}

// StartElement implements xmlsafe.Handler.
func (v *session) StartElement(t xml.StartElement, line int) error {
	if err := v.tick(); err != nil {
		return err
	}
	// The line where the start tag ends, as libxml2 reports it.
	v.line = line
	n := len(v.stack)
	v.start(t)
	if len(v.stack) == n+1 && (len(v.scopes) > 0 || v.stack[n].decl != nil && len(v.stack[n].decl.idcs) > 0) {
		v.idcStart(t)
	}
	return nil
}

// EndElement implements xmlsafe.Handler.
func (v *session) EndElement() error {
	if v.skip > 0 || len(v.stack) == 0 || len(v.scopes) == 0 {
		v.end()
		return nil
	}
	top := len(v.stack) - 1
	v.lastHasValue = false
	v.end()
	v.idcEnd(top, v.lastValue, v.lastHasValue)
	return nil
}

// CharData implements xmlsafe.Handler.
func (v *session) CharData(text string) error {
	v.text(text)
	return nil
}

// tick checks for cancellation every 1024 elements.
func (v *session) tick() error {
	if v.events++; v.events&1023 == 0 {
		return v.ctx.Err()
	}
	return nil
}

func (v *session) finish(err error) error {
	if err != nil {
		if ctxErr := v.ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return err
		}
		return mapParseError(err)
	}
	if len(v.refs) > 0 {
		for _, r := range v.refs {
			if _, ok := v.ids[r.v]; !ok {
				v.add(r.line, r.path, "cvc-id.1", fmt.Sprintf("IDREF %q has no matching ID", r.v))
			}
		}
	}
	if len(v.violations) > 0 {
		return &ValidationError{Violations: v.violations, Truncated: v.truncated}
	}
	return nil
}

// mapParseError translates the parser's errors into this package's.
func mapParseError(err error) error {
	var se *xmlsafe.SyntaxError
	var le *xmlsafe.LimitError
	switch {
	case errors.Is(err, xmlsafe.ErrDoctype):
		return ErrDoctype
	case errors.As(err, &le):
		return fmt.Errorf("%w: more than %d %s (at byte %d)", ErrLimit, le.Max, le.Limit, le.Offset)
	case errors.As(err, &se):
		return &SyntaxError{Line: se.Line, Offset: se.Offset, Msg: se.Msg}
	}
	return fmt.Errorf("%w: %v", ErrNotWellFormed, err)
}

func (v *session) add(line int, path, constraint, msg string) {
	if len(v.violations) >= v.s.cfg.MaxViolations {
		v.truncated = true
		return
	}
	v.violations = append(v.violations, Violation{Line: line, Path: path, Constraint: constraint, Msg: msg})
}

// path returns the element path of a violation: local names from the
// root, each with its position among the siblings of the same name when
// that is not 1 (/nachricht/anlage[8199]), so that one of thousands of
// siblings can be found. extra, if not empty, is the element being
// started (not yet on the stack; its position is v.curIndex).
func (v *session) path(extra string) string {
	var b strings.Builder
	step := func(name string, index int32) {
		b.WriteByte('/')
		b.WriteString(name)
		if index > 1 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(int(index)))
			b.WriteByte(']')
		}
	}
	for i := range v.stack {
		step(v.stack[i].name, v.stack[i].index)
	}
	if extra != "" {
		step(extra, v.curIndex)
	}
	return b.String()
}

func (v *session) resolve(prefix string) (string, bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	for i := len(v.ns) - 1; i >= 0; i-- {
		if v.ns[i].prefix == prefix {
			return v.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

// addID and addRef implement idSink (Part 1 §3.15.5, cvc-id).
func (v *session) addID(id string) {
	if !v.inAttr && !v.s.cfg.StrictIDs {
		return
	}
	if v.ids == nil {
		v.ids = map[string]struct{}{}
	}
	if _, dup := v.ids[id]; dup {
		v.add(v.line, v.path(v.curLocal), "cvc-id.2", fmt.Sprintf("duplicate ID %q", id))
		return
	}
	v.ids[id] = struct{}{}
}

func (v *session) addRef(id string) {
	if !v.s.cfg.StrictIDs {
		return
	}
	v.refs = append(v.refs, idRef{v: id, line: v.line, path: v.path(v.curLocal)})
}

func (v *session) start(t xml.StartElement) {
	v.nsMarks = append(v.nsMarks, len(v.ns))
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			v.ns = append(v.ns, nsBinding{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			v.ns = append(v.ns, nsBinding{"", a.Value})
		}
	}
	if v.skip > 0 {
		v.skip++
		return
	}
	name := qname{t.Name.Space, t.Name.Local}
	path := t.Name.Local // expanded by v.path only when a violation is reported
	v.curIndex = 1
	if len(v.stack) > 0 {
		v.curIndex = v.stack[len(v.stack)-1].childIndex(t.Name.Local)
	}
	var decl *elementDecl
	lax := false
	if len(v.stack) == 0 {
		decl = v.s.elements[name]
		if decl == nil {
			v.add(v.line, v.path(path), "cvc-elt.1", fmt.Sprintf("no matching global declaration for the validation root %s", name))
			v.skip = 1
			return
		}
		if decl.abstract {
			v.add(v.line, v.path(path), "cvc-elt.2", fmt.Sprintf("element %s is abstract", name))
			v.skip = 1
			return
		}
	} else {
		p := &v.stack[len(v.stack)-1]
		var ok bool
		decl, lax, ok = v.child(p, name, path)
		if !ok {
			v.skip = 1
			return
		}
	}
	f := frame{decl: decl, line: v.line, name: t.Name.Local, q: name, index: v.curIndex}
	if n := len(v.stack); n < cap(v.stack) {
		f.kidNames = v.stack[:n+1][n].kidNames[:0] // reuse the popped frame's
	}
	var typ typeDef = anyType
	if decl != nil {
		typ = decl.typ
	}
	f.laxChild = lax && decl == nil
	// xsi:type and xsi:nil (Part 1 §3.3.4 cvc-elt.3, cvc-elt.4).
	for _, a := range t.Attr {
		if a.Name.Space != nsXSI {
			continue
		}
		switch a.Name.Local {
		case "type":
			xt, ok := v.xsiType(a.Value, typ, decl, path)
			if !ok {
				v.skip = 1
				return
			}
			typ = xt
		case "nil":
			b, err := parseBool(a.Value)
			if err != nil {
				v.add(v.line, v.path(path), "cvc-datatype-valid.1.2.1", fmt.Sprintf("xsi:nil %q is not a boolean", a.Value))
				continue
			}
			if b {
				if decl == nil || !decl.nillable {
					v.add(v.line, v.path(path), "cvc-elt.3.1", "element is not nillable")
				} else {
					f.nilled = true
					if decl.fixed != nil {
						v.add(v.line, v.path(path), "cvc-elt.3.2.2", "nilled element has a fixed value")
					}
				}
			}
		}
	}
	switch t := typ.(type) {
	case *complexType:
		if t.abstract {
			v.add(v.line, v.path(path), "cvc-type.2", fmt.Sprintf("type %s is abstract", t.name))
			v.skip = 1
			return
		}
		f.ct = t
		if t.content == ctSimple {
			f.st = t.simple
		}
		if t.all != nil {
			f.allSeen = make([]bool, len(t.all.decls))
		}
	case *simpleType:
		f.st = t
	}
	f.collect = f.st != nil
	if f.collect {
		// Elements with simple content have no element children, so one
		// buffer serves the innermost collecting element.
		v.textBuf = v.textBuf[:0]
	}
	v.curLocal = path
	v.attributes(&f, t.Attr, path)
	v.curLocal = ""
	v.stack = append(v.stack, f)
}

// child matches a child element against the parent's content model.
func (v *session) child(p *frame, name qname, path string) (*elementDecl, bool, bool) {
	if p.laxChild {
		return v.s.elements[name], true, true
	}
	if p.failed {
		return nil, false, false
	}
	if p.nilled {
		v.add(v.line, v.path(path), "cvc-elt.3.2.1", "nilled element must be empty")
		p.failed = true
		return nil, false, false
	}
	if p.ct == nil || p.ct.content == ctSimple || p.ct.content == ctEmpty || p.ct.particle == nil {
		v.add(v.line, v.path(path), "cvc-complex-type.2.1", fmt.Sprintf("element %s is not allowed: the parent's type has no element content", name))
		p.failed = true
		return nil, false, false
	}
	if am := p.ct.all; am != nil {
		i, ok := am.byName[name]
		if !ok || p.allSeen[i] {
			v.add(v.line, v.path(path), "cvc-complex-type.2.4.a", fmt.Sprintf("element %s is not expected here", name))
			p.failed = true
			return nil, false, false
		}
		p.allSeen[i] = true
		return am.declOf[name], false, true
	}
	model := p.ct.automaton()
	e, ok := model.next(p.state, name)
	if !ok {
		exp := model.expected(p.state)
		msg := fmt.Sprintf("element %s is not expected here", name)
		if exp != "" {
			msg += "; expected: " + exp
		}
		v.add(v.line, v.path(path), "cvc-complex-type.2.4.a", msg)
		p.failed = true
		return nil, false, false
	}
	p.state = e.to
	if e.decl != nil {
		return e.decl, false, true
	}
	switch e.wc.process {
	case pcSkip:
		return nil, false, false
	case pcLax:
		return v.s.elements[name], true, true
	}
	d := v.s.elements[name]
	if d == nil {
		v.add(v.line, v.path(path), "cvc-complex-type.2.4.c", fmt.Sprintf("no declaration for %s, required by a strict wildcard", name))
		return nil, false, false
	}
	return d, false, true
}

func (v *session) xsiType(val string, declared typeDef, decl *elementDecl, path string) (typeDef, bool) {
	val = strings.TrimSpace(val)
	prefix, local := "", val
	if i := strings.IndexByte(val, ':'); i >= 0 {
		prefix, local = val[:i], val[i+1:]
	}
	ns, ok := v.resolve(prefix)
	if !ok || !isNCName(local) {
		v.add(v.line, v.path(path), "cvc-elt.4.1", fmt.Sprintf("xsi:type %q is not a valid QName", val))
		return nil, false
	}
	q := qname{ns, local}
	var t typeDef
	if ns == nsXSD {
		if local == "anyType" {
			t = anyType
		} else if b := builtinByName(local); b != nil {
			t = b
		}
	} else if x, ok := v.s.types[q]; ok {
		t = x
	}
	if t == nil {
		v.add(v.line, v.path(path), "cvc-elt.4.2", fmt.Sprintf("xsi:type %s does not resolve to a type definition", q))
		return nil, false
	}
	var block derivSet
	if decl != nil {
		block = decl.block
	}
	if dct, ok := declared.(*complexType); ok {
		block |= dct.block
	}
	if !derivedFrom(t, declared, block) {
		v.add(v.line, v.path(path), "cvc-elt.4.3", fmt.Sprintf("xsi:type %s is not validly derived from the declared type", q))
		return nil, false
	}
	return t, true
}

// derivedFrom reports whether t is validly derived from base without a
// blocked derivation step (Part 1 §3.4.6 cos-ct-derived-ok, §3.14.6
// cos-st-derived-ok).
func derivedFrom(t, base typeDef, block derivSet) bool {
	if base == typeDef(anyType) {
		return true
	}
	for cur := t; cur != nil; {
		if cur == base {
			return true
		}
		switch c := cur.(type) {
		case *complexType:
			if c == anyType {
				return false
			}
			if c.method == derivExtension && block&blockExtension != 0 ||
				c.method == derivRestriction && block&blockRestriction != 0 {
				return false
			}
			cur = c.base
		case *simpleType:
			if block&blockRestriction != 0 {
				return false
			}
			if c.base == nil {
				return false
			}
			cur = c.base
		}
	}
	return false
}

func (v *session) attributes(f *frame, attrs []xml.Attr, path string) {
	v.attrCanon = v.attrCanon[:0]
	var buf [8]qname
	present := buf[:0]
	for _, a := range attrs {
		if isNamespaceDecl(a) {
			continue
		}
		q := qname{a.Name.Space, a.Name.Local}
		if q.ns == nsXSI {
			switch q.local {
			case "type", "nil", "schemaLocation", "noNamespaceSchemaLocation":
				continue
			}
			v.add(v.line, v.path(path), "cvc-complex-type.3.2.2", fmt.Sprintf("attribute %s is not allowed", q))
			continue
		}
		if f.laxChild {
			if d := v.s.attrs[q]; d != nil {
				v.attrValue(d.typ, d.fixed, a.Value, q, path)
			}
			continue
		}
		if f.ct == nil {
			v.add(v.line, v.path(path), "cvc-type.3.1.1", fmt.Sprintf("attribute %s is not allowed on an element of simple type", q))
			continue
		}
		if u, ok := f.ct.attrs[q]; ok {
			present = append(present, q)
			v.attrValue(u.decl.typ, u.fixedValue(), a.Value, q, path)
			continue
		}
		if w := f.ct.anyAttr; w != nil && w.allows(q.ns) {
			if w.process == pcSkip {
				continue
			}
			d := v.s.attrs[q]
			if d == nil {
				if w.process == pcStrict {
					v.add(v.line, v.path(path), "cvc-complex-type.3.2.2", fmt.Sprintf("no declaration for attribute %s, required by a strict wildcard", q))
				}
				continue
			}
			v.attrValue(d.typ, d.fixed, a.Value, q, path)
			continue
		}
		v.add(v.line, v.path(path), "cvc-complex-type.3.2.2", fmt.Sprintf("attribute %s is not allowed", q))
	}
	if f.ct == nil {
		return
	}
	for _, u := range f.ct.attrList {
		if !u.required {
			continue
		}
		found := false
		for _, q := range present {
			if q == u.decl.name {
				found = true
				break
			}
		}
		if !found {
			v.add(v.line, v.path(path), "cvc-complex-type.4", fmt.Sprintf("required attribute %s is missing", u.decl.name))
		}
	}
}

func (v *session) attrValue(t *simpleType, fixed *string, val string, q qname, path string) {
	// The parser has applied XML 1.0 §3.3.3 attribute-value normalization
	// (literal TAB, CR and LF are spaces; those from character references
	// are kept), as libxml2 does.
	v.inAttr = true
	canon, msg := t.check(val, v, v.resolve)
	v.inAttr = false
	if msg != "" {
		v.add(v.line, v.path(path), "cvc-attribute.3", fmt.Sprintf("attribute %s: %s", q, describeValue(val, msg)))
		return
	}
	v.attrCanon = append(v.attrCanon, attrCanonical{q, canon})
	if fixed != nil {
		fc, _ := t.check(*fixed, nil, v.resolve)
		if fc != canon {
			v.add(v.line, v.path(path), "cvc-attribute.4", fmt.Sprintf("attribute %s value %q does not equal the fixed value %q", q, val, *fixed))
		}
	}
}

func isXMLSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// text handles character data inside the root (the parser refuses text
// outside it). Violations carry the line of the element's start tag, like
// every other violation of the element.
func (v *session) text(t string) {
	if v.skip > 0 || len(v.stack) == 0 {
		return
	}
	f := &v.stack[len(v.stack)-1]
	if f.collect {
		v.textBuf = append(v.textBuf, t...)
		if f.nilled && len(t) > 0 && !f.textErr {
			f.textErr = true
			v.add(f.line, v.path(""), "cvc-elt.3.2.1", "nilled element must be empty")
		}
		return
	}
	if f.textErr || f.laxChild {
		return
	}
	if isXMLSpace(t) && !(f.ct != nil && f.ct.content == ctEmpty) {
		return
	}
	if f.nilled || f.ct == nil || f.ct.content == ctElementOnly || f.ct.content == ctEmpty {
		f.textErr = true
		constraint := "cvc-complex-type.2.3"
		if f.ct != nil && f.ct.content == ctEmpty {
			constraint = "cvc-complex-type.2.1"
		}
		v.add(f.line, v.path(""), constraint, "character content is not allowed")
	}
}

func (v *session) end() {
	if m := len(v.nsMarks) - 1; m >= 0 {
		v.ns = v.ns[:v.nsMarks[m]]
		v.nsMarks = v.nsMarks[:m]
	}
	if v.skip > 0 {
		v.skip--
		return
	}
	if len(v.stack) == 0 {
		return
	}
	f := &v.stack[len(v.stack)-1]
	path := ""
	v.curLocal = ""
	defer func() { v.stack = v.stack[:len(v.stack)-1] }()
	if f.laxChild || f.failed {
		return
	}
	if f.nilled {
		return
	}
	if f.ct != nil && f.st == nil {
		model := f.ct.automaton()
		switch {
		case model != nil && !model.states[f.state].accept:
			msg := "missing child element(s)"
			if exp := model.expected(f.state); exp != "" {
				msg += "; expected: " + exp
			}
			v.add(f.line, v.path(path), "cvc-complex-type.2.4.b", msg)
		case f.ct.all != nil:
			seen := false
			for _, s := range f.allSeen {
				seen = seen || s
			}
			if seen || !f.ct.all.optional {
				for i, s := range f.allSeen {
					if !s && f.ct.all.required[i] {
						v.add(f.line, v.path(path), "cvc-complex-type.2.4.b", fmt.Sprintf("missing child element %s", f.ct.all.decls[i].name))
					}
				}
			}
		}
		return
	}
	if f.st == nil {
		return
	}
	val := string(v.textBuf)
	if val == "" && f.decl != nil {
		if f.decl.fixed != nil {
			val = *f.decl.fixed
		} else if f.decl.deflt != nil {
			val = *f.decl.deflt
		}
	}
	canon, msg := f.st.check(val, v, v.resolve)
	if msg != "" {
		v.add(f.line, v.path(path), "cvc-datatype-valid", describeValue(val, msg))
		return
	}
	v.lastValue, v.lastHasValue = canon, true
	if f.decl != nil && f.decl.fixed != nil {
		// libxml2, the oracle, compares an element's fixed value with
		// the literal content, not in the value space.
		if val != *f.decl.fixed {
			v.add(f.line, v.path(path), "cvc-elt.5.2.2.2.2", fmt.Sprintf("value %q does not equal the fixed value %q", redact.Clip(val, 64), *f.decl.fixed))
		}
	}
}

// isNamespaceDecl reports a namespace declaration (xmlns or xmlns:prefix),
// which is no attribute in the schema's sense (Namespaces in XML 1.0 §3).
func isNamespaceDecl(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns"
}
