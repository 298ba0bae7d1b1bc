package samlwire

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
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

// ErrMalformed is account/saml's ErrMalformed: a message that is not a
// well-formed SAML message of the expected shape.
var ErrMalformed = errors.New("saml: malformed message")

// ErrLimit is account/saml's ErrLimit: a message over a size, depth or
// decompression limit.
var ErrLimit = errors.New("saml: message too large")

// ParseXML parses data within lim (xmlsafe), wrapping a limit breach in
// ErrLimit and anything else in ErrMalformed.
func ParseXML(data []byte, lim xmlsafe.Limits) (*etree.Document, error) {
	doc, err := xmlsafe.Parse(data, lim)
	if err != nil {
		if errors.Is(err, xmlsafe.ErrLimit) {
			return nil, fmt.Errorf("%w: %w", ErrLimit, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return doc, nil
}

// Problem is a metadata rule violation, reported by account/saml in a
// *saml.MetadataError.
type Problem string

func (p Problem) Error() string { return "saml: invalid metadata: " + string(p) }

// ParseTime parses an xs:dateTime; SAML requires UTC ("Z", core §1.3.3),
// offsets are tolerated but a missing zone is refused.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: invalid xs:dateTime", ErrMalformed)
	}
	return t, nil
}

// Is reports whether el is the element {ns}local.
func Is(el *etree.Element, ns, local string) bool {
	return el != nil && el.Tag == local && el.NamespaceURI() == ns
}

// Children returns the child elements {ns}local of el.
func Children(el *etree.Element, ns, local string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if Is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// Child returns the only child {ns}local of el, nil if absent, or an
// error if there are several.
func Child(el *etree.Element, ns, local string) (*etree.Element, error) {
	cs := Children(el, ns, local)
	switch len(cs) {
	case 0:
		return nil, nil
	case 1:
		return cs[0], nil
	}
	return nil, fmt.Errorf("%w: more than one %s", ErrMalformed, local)
}

// Text returns the character content of a simple-content element. Child
// elements, comments and processing instructions are refused: a comment
// inside a NameID or attribute value is the classic truncation attack
// (CVE-2017-11427), so the whole value is either plain text or an error.
// The result is NFC-normalised (BundID §6: values are UTF-8 NFC).
func Text(el *etree.Element) (string, error) {
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

// AttrNS returns the value of the attribute {ns}local on el.
func AttrNS(el *etree.Element, ns, local string) (string, bool) {
	for _, a := range el.Attr {
		if a.Key == local && a.NamespaceURI() == ns {
			return a.Value, true
		}
	}
	return "", false
}

// PlainAttr returns an unprefixed attribute.
func PlainAttr(el *etree.Element, name string) (string, bool) {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == name {
			return a.Value, true
		}
	}
	return "", false
}

// KeyDescriptors returns the signing and encryption certificates of a role
// descriptor. A KeyDescriptor without use counts for both (metadata §2.4.1.1).
func KeyDescriptors(role *etree.Element) (sign, enc []*x509.Certificate, err error) {
	for _, kd := range Children(role, NSMetadata, "KeyDescriptor") {
		use, _ := PlainAttr(kd, "use")
		ki, _ := Child(kd, NSDSig, "KeyInfo")
		if ki == nil {
			return nil, nil, Problem("KeyDescriptor without KeyInfo")
		}
		for _, xd := range Children(ki, NSDSig, "X509Data") {
			for _, xc := range Children(xd, NSDSig, "X509Certificate") {
				t, err := Text(xc)
				if err != nil {
					return nil, nil, err
				}
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t), ""))
				if err != nil {
					return nil, nil, Problem("X509Certificate is not base64")
				}
				c, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, nil, Problem("X509Certificate does not parse: " + err.Error())
				}
				switch use {
				case "signing":
					sign = append(sign, c)
				case "encryption":
					enc = append(enc, c)
				case "":
					sign = append(sign, c)
					enc = append(enc, c)
				default:
					return nil, nil, Problem(fmt.Sprintf("KeyDescriptor use %q unknown", use))
				}
			}
		}
	}
	return sign, enc, nil
}

// FormatTime writes t as xs:dateTime in UTC with millisecond precision,
// as SAML requires (SAML 2.0 core §1.3.3).
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// NewID returns a random xs:ID value: it starts with an underscore and
// carries 160 bits of randomness (SAML 2.0 core §1.3.4).
func NewID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return "_" + hex.EncodeToString(b[:])
}
