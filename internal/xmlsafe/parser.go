package xmlsafe

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// parser is a single-pass, non-validating XML 1.0 (Fifth Edition) parser
// over one immutable copy of the input. It builds the etree document
// directly and enforces Limits as it goes. Names, values and text without
// references or CR are substrings of that copy.
//
// It implements the well-formedness constraints of XML 1.0 and the
// namespace constraints of Namespaces in XML 1.0 (Third Edition): QName
// syntax (§3, §4, names.go) and prefix bindings (§3, §5, §6.3,
// namespaces.go).
type parser struct {
	s        string
	pos      int
	lim      Limits
	elements int
	stack    []frame
	open     []*etree.Element // the open elements, parallel to stack
	attrs    []rawAttr
	values   []string // attribute values built by attValue, for rawAttr.built
	seen     map[string]struct{}
	ns       []binding // in-scope prefix declarations, innermost last
	scope    map[string]int
	expanded map[[2]string]struct{}
	buf      []byte
	b        builder

	// Streaming (Stream): h receives the events instead of the tree being
	// built; xattrs is its reused attribute slice; lines counts the
	// newlines before lineOff.
	h              Handler
	xattrs         []xml.Attr
	lines, lineOff int

	// Trusted documents (StreamTrusted) may declare plain general
	// entities in a DOCTYPE (doctype.go).
	trusted   bool
	doctyped  bool
	entities  map[string]string
	expansion int

	// Initial backing arrays of the scratch stacks: small documents need
	// no further allocation for them.
	kidsArr  [32]etree.Token
	stackArr [16]frame
	openArr  [16]*etree.Element
	attrsArr [8]rawAttr
}

// frame is one open element (its *etree.Element is parser.open at the same
// index; frames hold no pointers, so the GC never scans or barriers them).
type frame struct {
	name, nameLen int // raw qualified name s[name:name+nameLen], for §3 WFC: Element Type Match
	kids          int // start of its children in builder.kids
	ns            int // len(parser.ns) before its declarations
}

// rawAttr is one attribute of the start tag being parsed, as offsets into
// the input (no pointers, so the scratch stack costs the GC nothing): the
// name is s[name:name+nameLen], the value s[value:valueEnd] unless built
// >= 0 indexes parser.values (values with references or white space).
type rawAttr struct {
	name, nameLen   int
	colon           int // index of the colon in the name, or -1
	value, valueEnd int
	built           int
}

func (p *parser) attrName(a *rawAttr) string { return p.s[a.name : a.name+a.nameLen] }

func (p *parser) attrValue(a *rawAttr) string {
	if a.built >= 0 {
		return p.values[a.built]
	}
	return p.s[a.value:a.valueEnd]
}

// Names of the well-formedness rules that encoding/xml did not enforce.
const (
	ruleChars   = "Char"            // §2.2: illegal character or invalid UTF-8
	ruleCDEnd   = "CharData"        // §2.4: ']]>' in character data
	ruleQName   = "QName"           // Namespaces §3/§4: QName and NCName syntax
	ruleXMLDecl = "XMLDecl"         // §2.8: XML declaration syntax and position
	rulePI      = "PI"              // §2.6: reserved target, S after the target
	ruleAttrS   = "STag"            // §3.1: white space between attributes
	ruleRoot    = "document"        // §2.1: exactly one root, markup only around it
	ruleCharRef = "Legal Character" // §4.1 WFC: Legal Character
)

func (p *parser) errAt(off int, format string, args ...any) error {
	return p.errRule(off, "", format, args...)
}

func (p *parser) errRule(off int, rule, format string, args ...any) error {
	off = min(off, len(p.s))
	return &SyntaxError{
		Line:   1 + strings.Count(p.s[:off], "\n"),
		Offset: int64(off),
		Msg:    fmt.Sprintf(format, args...),
		rule:   rule,
	}
}

// document parses document ::= prolog element Misc* (§2.1). The XML
// declaration is kept as a ProcInst, like etree does; a leading UTF-8 byte
// order mark (§4.3.3, Appendix F.1) is skipped.
func (p *parser) document(doc *etree.Document) error {
	s := p.s
	if strings.HasPrefix(s, "\uFEFF") {
		p.pos = 3
	}
	if err := p.encoding(); err != nil {
		return err
	}
	if strings.HasPrefix(s[p.pos:], "<?xml") && len(s) > p.pos+5 && isSpace(s[p.pos+5]) {
		if err := p.xmlDecl(); err != nil {
			return err
		}
	}
	root := false
	for p.pos < len(s) {
		i := p.pos
		if s[i] != '<' {
			j := i
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			if j == i || j < len(s) && s[j] != '<' {
				return p.errRule(j, ruleRoot, "text outside the root element (§2.1)")
			}
			if err := p.text(i, j); err != nil {
				return err
			}
			continue
		}
		var err error
		switch {
		case strings.HasPrefix(s[i:], "<?"):
			err = p.pi()
		case strings.HasPrefix(s[i:], "<!--"):
			err = p.comment()
		case strings.HasPrefix(s[i:], "<![CDATA["):
			err = p.errRule(i, ruleRoot, "CDATA section outside the root element (§2.1)")
		case p.trusted && !root && !p.doctyped && strings.HasPrefix(s[i:], "<!DOCTYPE"):
			p.doctyped = true
			err = p.doctype()
		case strings.HasPrefix(s[i:], "<!"):
			err = ErrDoctype
		case strings.HasPrefix(s[i:], "</"):
			err = p.errAt(i, "end tag outside the root element")
		case root:
			err = p.errRule(i, ruleRoot, "more than one root element (§2.1)")
		default:
			root = true
			err = p.element()
		}
		if err != nil {
			return err
		}
	}
	if !root {
		return p.errAt(len(s), "no root element")
	}
	if doc != nil {
		p.b.attach(&doc.Element, 0)
	}
	return nil
}

// text appends s[i:j] (white space between top-level markup) as CharData,
// CR normalized (§2.11), and moves past it.
func (p *parser) text(i, j int) error {
	v, err := p.markup(i, j)
	if err != nil {
		return err
	}
	if p.h == nil {
		p.b.text(v)
	}
	p.pos = j
	return nil
}

// element parses the root element and its content (§3.1, §3 production
// [43] content) iteratively; p.pos is at its '<'.
func (p *parser) element() error {
	s := p.s
	if err := p.startTag(); err != nil {
		return err
	}
	for len(p.stack) > 0 {
		i := p.pos
		if i >= len(s) {
			top := &p.stack[len(p.stack)-1]
			return p.errAt(i, "unexpected end of input: element <%s> not closed", s[top.name:top.name+top.nameLen])
		}
		if s[i] != '<' {
			if err := p.charData(); err != nil {
				return err
			}
			continue
		}
		var err error
		switch {
		case i+1 >= len(s):
			err = p.errAt(i, "unexpected end of input after '<'")
		case s[i+1] == '/':
			err = p.endTag()
		case s[i+1] == '?':
			err = p.pi()
		case strings.HasPrefix(s[i:], "<!--"):
			err = p.comment()
		case strings.HasPrefix(s[i:], "<![CDATA["):
			err = p.cdata()
		case s[i+1] == '!':
			err = ErrDoctype
		default:
			err = p.startTag()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// startTag parses STag or EmptyElemTag (§3.1); p.pos is at '<'.
func (p *parser) startTag() error {
	s := p.s
	start := p.pos
	p.elements++
	if p.elements > p.lim.MaxElements {
		return &LimitError{Limit: "elements", Max: int64(p.lim.MaxElements), Offset: int64(start)}
	}
	p.pos++
	name, colon, err := p.qname()
	if err != nil {
		return err
	}
	attrs := p.attrs[:0]
	p.values = p.values[:0]
	empty := false
	for {
		ws := p.skipSpace()
		if p.pos >= len(s) {
			return p.errAt(p.pos, "unexpected end of input in start tag <%s>", name)
		}
		c := s[p.pos]
		if c == '>' {
			p.pos++
			break
		}
		if c == '/' {
			if p.pos+1 < len(s) && s[p.pos+1] == '>' {
				p.pos += 2
				empty = true
				break
			}
			return p.errAt(p.pos, "expected '/>' in start tag <%s>", name)
		}
		if !ws {
			return p.errRule(p.pos, ruleAttrS, "white space required before an attribute (§3.1)")
		}
		if len(attrs) >= p.lim.MaxAttributes {
			return &LimitError{Limit: "attributes", Max: int64(p.lim.MaxAttributes), Offset: int64(start)}
		}
		aStart := p.pos
		an, acolon, err := p.qname()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(s) || s[p.pos] != '=' {
			return p.errAt(p.pos, "expected '=' after attribute name %s", an)
		}
		p.pos++
		p.skipSpace()
		if p.pos >= len(s) || s[p.pos] != '"' && s[p.pos] != '\'' {
			return p.errAt(p.pos, "attribute value of %s must be quoted", an)
		}
		q := p.pos
		v, literal, err := p.attValue()
		if err != nil {
			return err
		}
		built := -1
		if !literal {
			built = len(p.values)
			p.values = append(p.values, v)
		}
		attrs = append(attrs, rawAttr{name: aStart, nameLen: len(an), colon: acolon, value: q + 1, valueEnd: p.pos - 1, built: built})
	}
	p.attrs = attrs
	if err := p.uniqueAttrs(attrs, start); err != nil {
		return err
	}
	if depth := len(p.stack) + 1; depth > p.lim.MaxDepth {
		return &LimitError{Limit: "depth", Max: int64(p.lim.MaxDepth), Offset: int64(start)}
	}
	nsLen := len(p.ns)
	if err := p.declare(attrs, start); err != nil {
		return err
	}
	if err := p.checkNames(name, colon, attrs, start); err != nil {
		return err
	}
	if p.h != nil {
		return p.streamStart(name, colon, attrs, start, empty, nsLen)
	}
	var el *etree.Element
	if colon > 0 {
		el = p.b.element(name[:colon], name[colon+1:])
	} else {
		el = p.b.element("", name)
	}
	p.setAttrs(el, attrs)
	if empty {
		el.Child = make([]etree.Token, 0)
		p.b.kids = append(p.b.kids, el)
		p.unbind(nsLen)
		return nil
	}
	p.stack = append(p.stack, frame{name: start + 1, nameLen: len(name), kids: len(p.b.kids), ns: nsLen})
	p.open = append(p.open, el)
	return nil
}

// uniqueAttrs enforces §3.1 WFC: Unique Att Spec on the raw names (same
// prefix and local part). encoding/xml did not check it and etree kept only
// one of the values: a parser differential that signature wrapping
// exploits.
func (p *parser) uniqueAttrs(attrs []rawAttr, start int) error {
	if len(attrs) <= 8 {
		for i := 1; i < len(attrs); i++ {
			for j := range i {
				if n := p.attrName(&attrs[i]); n == p.attrName(&attrs[j]) {
					return p.errAt(start, "duplicate attribute %s (§3.1 WFC: Unique Att Spec)", n)
				}
			}
		}
		return nil
	}
	if p.seen == nil {
		p.seen = make(map[string]struct{}, len(attrs))
	}
	clear(p.seen)
	for i := range attrs {
		n := p.attrName(&attrs[i])
		if _, dup := p.seen[n]; dup {
			return p.errAt(start, "duplicate attribute %s (§3.1 WFC: Unique Att Spec)", n)
		}
		p.seen[n] = struct{}{}
	}
	return nil
}

// endTag parses ETag (§3.1) and closes the innermost element; the name must
// match (§3 WFC: Element Type Match).
func (p *parser) endTag() error {
	s := p.s
	start := p.pos
	top := p.stack[len(p.stack)-1]
	name := s[top.name : top.name+top.nameLen]
	i := start + 2
	if !strings.HasPrefix(s[i:], name) || i+len(name) < len(s) && isNameByteAt(s, i+len(name)) {
		return p.errAt(start, "end tag does not match start tag <%s> (§3 WFC: Element Type Match)", name)
	}
	p.pos = i + len(name)
	p.skipSpace()
	if p.pos >= len(s) || s[p.pos] != '>' {
		return p.errAt(p.pos, "expected '>' in end tag </%s>", name)
	}
	p.pos++
	if p.h != nil {
		p.unbind(top.ns)
		p.stack = p.stack[:len(p.stack)-1]
		p.open = p.open[:len(p.open)-1]
		return p.h.EndElement()
	}
	el := p.open[len(p.open)-1]
	p.b.attach(el, top.kids)
	p.unbind(top.ns)
	p.stack = p.stack[:len(p.stack)-1]
	p.open[len(p.open)-1] = nil
	p.open = p.open[:len(p.open)-1]
	p.b.kids = append(p.b.kids, el)
	return nil
}

// comment parses Comment (§2.5): no "--" inside, none before "-->".
func (p *parser) comment() error {
	s := p.s
	body := p.pos + 4
	k := strings.Index(s[body:], "--")
	if k < 0 {
		return p.errAt(p.pos, "unterminated comment")
	}
	end := body + k
	if end+2 >= len(s) || s[end+2] != '>' {
		return p.errAt(end, "'--' not allowed inside a comment (§2.5)")
	}
	data, err := p.markup(body, end)
	if err != nil {
		return err
	}
	if p.h == nil {
		p.b.kids = append(p.b.kids, etree.NewComment(data))
	}
	p.pos = end + 3
	return nil
}

// cdata parses CDSect (§2.7) into a CharData child, as etree's reader does.
func (p *parser) cdata() error {
	s := p.s
	body := p.pos + len("<![CDATA[")
	k := strings.Index(s[body:], "]]>")
	if k < 0 {
		return p.errAt(p.pos, "unterminated CDATA section")
	}
	data, err := p.markup(body, body+k)
	if err != nil {
		return err
	}
	p.pos = body + k + 3
	return p.emitText(data)
}

// pi parses PI (§2.6). The target is a Name without colon (Namespaces §7)
// and not "xml" in any case; the XML declaration is handled by xmlDecl.
func (p *parser) pi() error {
	s := p.s
	start := p.pos
	p.pos += 2
	target, _, colons, err := p.name()
	if err != nil {
		return err
	}
	if strings.EqualFold(target, "xml") {
		return p.errRule(start, rulePI, "XML declaration allowed only at the start of the document; PI target %q is reserved (§2.6, §2.8)", target)
	}
	if colons > 0 {
		return p.errRule(start, ruleQName, "colon in processing instruction target %q (Namespaces §7)", target)
	}
	inst := ""
	if !strings.HasPrefix(s[p.pos:], "?>") {
		if !p.skipSpace() {
			return p.errRule(p.pos, rulePI, "white space required after processing instruction target (§2.6)")
		}
		k := strings.Index(s[p.pos:], "?>")
		if k < 0 {
			return p.errAt(start, "unterminated processing instruction")
		}
		if inst, err = p.markup(p.pos, p.pos+k); err != nil {
			return err
		}
		p.pos += k
	}
	p.pos += 2
	if p.h == nil {
		p.b.kids = append(p.b.kids, etree.NewProcInst(target, inst))
	}
	return nil
}

func (p *parser) skipSpace() bool {
	i := p.pos
	for i < len(p.s) && isSpace(p.s[i]) {
		i++
	}
	moved := i > p.pos
	p.pos = i
	return moved
}
