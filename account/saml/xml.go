package saml

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"
	"golang.org/x/text/unicode/norm"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Namespaces (SAML 2.0 core §1.2, metadata §1.1, akdb: BundID §9).
const (
	NSProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NSAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NSMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	NSDSig      = "http://www.w3.org/2000/09/xmldsig#"
	NSXMLEnc    = "http://www.w3.org/2001/04/xmlenc#"
	NSXSI       = "http://www.w3.org/2001/XMLSchema-instance"
	NSXSD       = "http://www.w3.org/2001/XMLSchema"
	// NSAkdb is the AKDB request extension namespace (BundID §9).
	NSAkdb = "https://www.akdb.de/request/2018/09"
	// NSAkdbClassicUI is the namespace of akdb:DisplayInformation content.
	NSAkdbClassicUI = "https://www.akdb.de/request/2018/09/classic-ui/v1"
)

// Bindings and formats (SAML 2.0 bindings §3.4, §3.5; core §8.3).
const (
	BindingHTTPPost     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	BindingHTTPRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

	NameIDFormatTransient   = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	NameIDFormatPersistent  = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	NameIDFormatUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"

	AttrNameFormatURI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"

	ConfirmationMethodBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
)

// timeFormat is xs:dateTime in UTC as SAML requires (core §1.3.3).
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime parses an xs:dateTime; SAML requires UTC ("Z", core §1.3.3),
// offsets are tolerated but a missing zone is refused.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: invalid xs:dateTime", ErrMalformed)
	}
	return t, nil
}

// newID returns a random xs:ID value (starts with a letter/underscore,
// 160 bits of randomness; SAML core §1.3.4).
func newID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return "_" + hex.EncodeToString(b[:])
}

func parseXML(data []byte, lim xmlsafe.Limits) (*etree.Document, error) {
	doc, err := xmlsafe.Parse(data, lim)
	if err != nil {
		if errors.Is(err, xmlsafe.ErrLimit) {
			return nil, fmt.Errorf("%w: %w", ErrLimit, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return doc, nil
}

// is reports whether el is the element {ns}local.
func is(el *etree.Element, ns, local string) bool {
	return el != nil && el.Tag == local && el.NamespaceURI() == ns
}

// children returns the child elements {ns}local of el.
func children(el *etree.Element, ns, local string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// child returns the only child {ns}local of el, nil if absent, or an
// error if there are several.
func child(el *etree.Element, ns, local string) (*etree.Element, error) {
	cs := children(el, ns, local)
	switch len(cs) {
	case 0:
		return nil, nil
	case 1:
		return cs[0], nil
	}
	return nil, fmt.Errorf("%w: more than one %s", ErrMalformed, local)
}

// text returns the character content of a simple-content element. Child
// elements, comments and processing instructions are refused: a comment
// inside a NameID or attribute value is the classic truncation attack
// (CVE-2017-11427), so the whole value is either plain text or an error.
// The result is NFC-normalised (BundID §6: values are UTF-8 NFC).
func text(el *etree.Element) (string, error) {
	var b strings.Builder
	for _, tok := range el.Child {
		switch t := tok.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		default:
			return "", fmt.Errorf("%w: unexpected markup in %s", ErrMalformed, el.Tag)
		}
	}
	s := b.String()
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: invalid UTF-8 in %s", ErrMalformed, el.Tag)
	}
	return norm.NFC.String(s), nil
}

// attrNS returns the value of the attribute {ns}local on el.
func attrNS(el *etree.Element, ns, local string) (string, bool) {
	for _, a := range el.Attr {
		if a.Key == local && a.NamespaceURI() == ns {
			return a.Value, true
		}
	}
	return "", false
}

// plainAttr returns an unprefixed attribute.
func plainAttr(el *etree.Element, name string) (string, bool) {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == name {
			return a.Value, true
		}
	}
	return "", false
}
