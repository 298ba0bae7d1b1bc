package xoev

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Message is a parsed or built XÖV message: the root element name, the
// typed header and the document, whose body (the root's children after the
// header) the caller or a standard-specific decoder reads.
type Message struct {
	// Root is the root element's namespace and local name, e.g.
	// {http://www.xleitstelle.de/xbau/2/6 baugenehmigung.antrag.0200}.
	Root xml.Name
	// Kopf is the header with the root attributes.
	Kopf Nachrichtenkopf
	// Profile is the standard profile matched by the root namespace, or
	// nil.
	Profile *Profile
	// Warnings lists findings that do not make the message invalid.
	Warnings []Warning

	doc *etree.Document
}

// Document returns the underlying document. Changes to it are reflected by
// Bytes; use SetNachrichtenkopf to change the header.
func (m *Message) Document() *etree.Document { return m.doc }

// RootElement returns the message root element.
func (m *Message) RootElement() *etree.Element {
	if m.doc == nil {
		return nil
	}
	return m.doc.Root()
}

// errNoDocument is returned by methods of a Message that was not produced
// by a Parser or Builder.
var errNoDocument = newErr(ErrNotXOEV, "/", "message has no document (use Parser or Builder)")

// Header returns the header element (nachrichtenkopf.g2g or the XInneres-4
// nachrichtenkopf).
func (m *Message) Header() *etree.Element {
	if m.doc == nil {
		return nil
	}
	h, _, _ := headerOf(m.doc.Root())
	return h
}

// Body returns the element children of the root after the header, in
// document order (including a trailing ds:Signature, if any).
func (m *Message) Body() []*etree.Element {
	if m.doc == nil {
		return nil
	}
	c := m.doc.Root().ChildElements()
	if len(c) == 0 {
		return nil
	}
	return c[1:]
}

// Signature returns the ds:Signature child of the root, or nil.
func (m *Message) Signature() *etree.Element {
	for _, e := range m.Body() {
		if e.Tag == "Signature" && e.NamespaceURI() == NamespaceXMLDSig {
			return e
		}
	}
	return nil
}

// Bytes serialises the document. A parsed message that was not changed is
// written equivalent to its input: byte-equal after exclusive C14N (etree
// may normalise attribute quoting, whitespace inside tags and character
// references). Signatures must be verified on the original input bytes.
func (m *Message) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteTo writes the document to w.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	if m.doc == nil {
		return 0, errNoDocument
	}
	return m.doc.WriteTo(w)
}

// SetNachrichtenkopf replaces the header and the root attributes with k,
// written in k.Form (qualified or unqualified; the XInneres-4 form is read
// only). Existing namespace prefixes are reused. The header is not
// validated here; call Parser.Validate.
func (m *Message) SetNachrichtenkopf(k Nachrichtenkopf) error {
	if m.doc == nil {
		return errNoDocument
	}
	root := m.doc.Root()
	var old *etree.Element
	if c := root.ChildElements(); len(c) > 0 && (c[0].Tag == tagKopfG2G || c[0].Tag == tagKopfXInneres4) {
		old = c[0]
	}
	if old == nil {
		return newErr(ErrNotXOEV, "/"+root.FullTag(), "no header to replace")
	}
	hdr, err := encodeKopf(&k, root, old)
	if err != nil {
		return err
	}
	root.InsertChildAt(old.Index(), hdr)
	root.RemoveChild(old)
	m.Kopf = k
	return nil
}

// Decode parses data securely and reads the header without applying the
// header rules; use it for lenient reading of messages that Parse
// refuses. Errors wrap ErrDoctype, ErrLimit, ErrSyntax, ErrNotXOEV or
// ErrHeader.
func (p *Parser) Decode(data []byte) (*Message, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	doc, err := xmlsafe.Parse(data, p.limits)
	if err != nil {
		return nil, mapParseError(err)
	}
	return p.decodeDoc(doc)
}

func (p *Parser) decodeDoc(doc *etree.Document) (*Message, error) {
	root := doc.Root()
	hdr, form, err := headerOf(root)
	if err != nil {
		return nil, err
	}
	d := decoder{findings: findings{max: p.cfg.maxFindings()}}
	k := d.decodeKopf(root, hdr, form)
	if err := d.err(); err != nil {
		return nil, err
	}
	m := &Message{Root: xml.Name{Space: root.NamespaceURI(), Local: root.Tag}, Kopf: k, Warnings: d.warns, doc: doc}
	m.Profile, _ = p.profiles.Lookup(m.Root.Space)
	return m, nil
}

// Parse decodes data (see Decode) and validates the header (see
// Validate). On any error it returns no message. ctx bounds code list
// fetching, if a fetcher is configured.
func (p *Parser) Parse(ctx context.Context, data []byte) (*Message, error) {
	m, err := p.Decode(data)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// ParseReader reads at most Config.MaxBytes from r and parses the message
// like Parse.
func (p *Parser) ParseReader(ctx context.Context, r io.Reader) (*Message, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := boundedio.ReadAll(r, p.limits.MaxBytes)
	if err != nil {
		if errors.Is(err, boundedio.ErrTooLarge) {
			return nil, newErr(ErrLimit, "/", "message larger than %d bytes", p.limits.MaxBytes)
		}
		return nil, err
	}
	return p.Parse(ctx, data)
}
