package xmlsafe

import (
	"encoding/xml"
	"io"
	"strings"
)

// Handler receives the events of Stream in document order. Comments,
// processing instructions, the XML declaration and white space outside the
// root element produce no event. A non-nil error stops the parse and is
// returned by Stream as it is.
type Handler interface {
	// StartElement receives a start tag (or an empty-element tag, which is
	// followed by EndElement) with namespace-resolved names in the shape
	// encoding/xml gives them: Name.Space is the namespace URI; a
	// declaration xmlns:p is {Space: "xmlns", Local: "p"}, xmlns is
	// {Local: "xmlns"}. Attribute values are normalized (XML 1.0 §3.3.3).
	// line is the 1-based line on which the tag ends. t.Attr is reused
	// after the call returns; the strings are not.
	StartElement(t xml.StartElement, line int) error
	// EndElement closes the innermost open element.
	EndElement() error
	// CharData receives character data inside the root element, with
	// references expanded, CDATA sections unwrapped and line ends
	// normalized (§2.11). One text node may arrive in several calls.
	CharData(text string) error
}

// Stream parses data with exactly the rules and limits of Parse (it is the
// same parser) and reports the document to h instead of building a tree.
// The verdict is Parse's: a document Stream refuses is refused by Parse
// with the same error, and vice versa. data is copied once.
func Stream(data []byte, lim Limits, h Handler) error {
	return streamBytes(data, lim, h, false)
}

func streamBytes(data []byte, lim Limits, h Handler, trusted bool) error {
	if err := lim.Validate(); err != nil {
		return err
	}
	lim = lim.WithDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return &LimitError{Limit: "bytes", Max: lim.MaxBytes, Offset: lim.MaxBytes}
	}
	return streamWith(string(data), lim, h, trusted)
}

// StreamReader reads at most lim.MaxBytes from r and streams it like
// Stream.
func StreamReader(r io.Reader, lim Limits, h Handler) error {
	if err := lim.Validate(); err != nil {
		return err
	}
	lim = lim.WithDefaults()
	data, err := readBounded(r, lim)
	if err != nil {
		return err
	}
	return streamWith(string(data), lim, h, false)
}

// StreamTrusted is Stream for documents the caller chose and trusts (XSD
// schema files): it additionally accepts a DOCTYPE before the root whose
// internal subset declares plain general entities, bounded in number, size
// and expansion, never external and never parameter entities (doctype.go).
// Untrusted input must go through Stream or Parse, which refuse any
// DOCTYPE.
func StreamTrusted(data []byte, lim Limits, h Handler) error {
	return streamBytes(data, lim, h, true)
}

func streamWith(s string, lim Limits, h Handler, trusted bool) error {
	p := newParser(s, lim)
	p.h = h
	p.trusted = trusted
	err := p.document(nil)
	p.release(err != nil)
	return err
}

// lineAt returns the 1-based line of byte offset off, counting newlines
// incrementally from the last offset asked for (offsets only grow while
// streaming).
func (p *parser) lineAt(off int) int {
	if off < p.lineOff {
		return 1 + strings.Count(p.s[:off], "\n")
	}
	p.lines += strings.Count(p.s[p.lineOff:off], "\n")
	p.lineOff = off
	return 1 + p.lines
}

// emitStart reports the start tag parsed at start (p.pos is after its '>')
// to the handler, with names resolved against the in-scope declarations.
func (p *parser) emitStart(name string, colon int, attrs []rawAttr, start int) error {
	t := xml.StartElement{Attr: p.xattrs[:0]}
	if colon > 0 {
		uri, err := p.resolve(name[:colon], start)
		if err != nil {
			return err
		}
		t.Name = xml.Name{Space: uri, Local: name[colon+1:]}
	} else {
		t.Name = xml.Name{Space: p.defaultNS(), Local: name}
	}
	for i := range attrs {
		a := &attrs[i]
		an := p.attrName(a)
		var n xml.Name
		switch {
		case a.colon < 0:
			n = xml.Name{Local: an}
		case an[:a.colon] == "xmlns":
			n = xml.Name{Space: "xmlns", Local: an[a.colon+1:]}
		default:
			uri, err := p.resolve(an[:a.colon], start)
			if err != nil {
				return err
			}
			n = xml.Name{Space: uri, Local: an[a.colon+1:]}
		}
		t.Attr = append(t.Attr, xml.Attr{Name: n, Value: p.attrValue(a)})
	}
	p.xattrs = t.Attr
	err := p.h.StartElement(t, p.lineAt(p.pos))
	clear(p.xattrs)
	return err
}

// defaultNS returns the in-scope default namespace (recorded under the
// empty prefix only while streaming).
func (p *parser) defaultNS() string {
	if i, ok := p.scope[""]; ok {
		return p.ns[i].uri
	}
	return ""
}

// emitText hands text inside the root to the handler, or appends it to
// the tree.
func (p *parser) emitText(data string) error {
	if p.h == nil {
		p.b.text(data)
		return nil
	}
	if len(p.stack) == 0 {
		return nil
	}
	return p.h.CharData(data)
}

// streamStart is startTag's tail while streaming: the element is open (or,
// if empty, opened and closed) for the handler instead of in the tree.
func (p *parser) streamStart(name string, colon int, attrs []rawAttr, start int, empty bool, nsLen int) error {
	if err := p.emitStart(name, colon, attrs, start); err != nil {
		return err
	}
	if empty {
		p.unbind(nsLen)
		return p.h.EndElement()
	}
	p.stack = append(p.stack, frame{name: start + 1, nameLen: len(name), ns: nsLen})
	p.open = append(p.open, nil)
	return nil
}
