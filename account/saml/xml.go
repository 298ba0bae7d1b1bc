package saml

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/internal/xmlsafe"
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

// The strict accessors of the shared wire package (see package
// account/internal/samlwire for their rules).
var (
	is        = samlwire.Is
	children  = samlwire.Children
	child     = samlwire.Child
	text      = samlwire.Text
	attrNS    = samlwire.AttrNS
	plainAttr = samlwire.PlainAttr
	parseTime = samlwire.ParseTime
)
