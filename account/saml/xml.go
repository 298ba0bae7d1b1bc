package saml

import "github.com/egosaar/ozg/account/internal/samlwire"

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

// The strict accessors of the shared wire package (see package
// account/internal/samlwire for their rules).
var (
	parseXML  = samlwire.ParseXML
	is        = samlwire.Is
	children  = samlwire.Children
	child     = samlwire.Child
	text      = samlwire.Text
	attrNS    = samlwire.AttrNS
	plainAttr = samlwire.PlainAttr
	parseTime = samlwire.ParseTime
)
