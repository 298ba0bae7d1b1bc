package samlidp

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
)

func keyDescriptors(role *etree.Element) (sign, enc []*x509.Certificate, err error) {
	sign, enc, err = samlwire.KeyDescriptors(role)
	var p samlwire.Problem
	if errors.As(err, &p) {
		return nil, nil, &saml.MetadataError{Problems: []string{string(p)}}
	}
	return sign, enc, err
}

// ParseAuthnRequest reads an AuthnRequest element. It checks shape only,
// not the signature (the caller verifies that first and passes the verified
// element). It is used by the test IdP in package accounttest.
func ParseAuthnRequest(el *etree.Element) (*saml.AuthnRequest, error) {
	if !samlwire.Is(el, samlwire.NSProtocol, "AuthnRequest") {
		return nil, fmt.Errorf("%w: not an AuthnRequest", saml.ErrMalformed)
	}
	r := &saml.AuthnRequest{}
	r.ID, _ = samlwire.PlainAttr(el, "ID")
	if r.ID == "" {
		return nil, fmt.Errorf("%w: AuthnRequest without ID", saml.ErrMalformed)
	}
	if v, _ := samlwire.PlainAttr(el, "Version"); v != "2.0" {
		return nil, fmt.Errorf("%w: Version must be 2.0", saml.ErrMalformed)
	}
	ii, _ := samlwire.PlainAttr(el, "IssueInstant")
	t, err := samlwire.ParseTime(ii)
	if err != nil {
		return nil, err
	}
	r.IssueInstant = t
	r.Destination, _ = samlwire.PlainAttr(el, "Destination")
	r.ACSURL, _ = samlwire.PlainAttr(el, "AssertionConsumerServiceURL")
	r.ProtocolBinding, _ = samlwire.PlainAttr(el, "ProtocolBinding")
	fa, _ := samlwire.PlainAttr(el, "ForceAuthn")
	r.ForceAuthn = fa == "true" || fa == "1"
	iss, err := samlwire.Child(el, samlwire.NSAssertion, "Issuer")
	if err != nil || iss == nil {
		return nil, fmt.Errorf("%w: AuthnRequest needs exactly one Issuer", saml.ErrMalformed)
	}
	if r.Issuer, err = samlwire.Text(iss); err != nil {
		return nil, err
	}
	if ext, err := samlwire.Child(el, samlwire.NSProtocol, "Extensions"); err != nil {
		return nil, err
	} else if ext != nil {
		if ar, err := samlwire.Child(ext, samlwire.NSAkdb, "AuthenticationRequest"); err != nil {
			return nil, err
		} else if ar != nil {
			if r.Extension, err = parseExtension(ar); err != nil {
				return nil, err
			}
		}
	}
	if p, _ := samlwire.Child(el, samlwire.NSProtocol, "NameIDPolicy"); p != nil {
		r.NameIDFormat, _ = samlwire.PlainAttr(p, "Format")
	}
	if rac, err := samlwire.Child(el, samlwire.NSProtocol, "RequestedAuthnContext"); err != nil {
		return nil, err
	} else if rac != nil {
		c, _ := samlwire.PlainAttr(rac, "Comparison")
		if c == "exact" {
			// A generic SP's own class refs (saml.Config.RequestedAuthnContext).
			for _, ref := range samlwire.Children(rac, samlwire.NSAssertion, "AuthnContextClassRef") {
				s, err := samlwire.Text(ref)
				if err != nil {
					return nil, err
				}
				if strings.HasPrefix(strings.TrimSpace(s), "STORK-QAA-Level-") {
					// BundID §5.1: "exact" is obsolete for STORK levels.
					return nil, fmt.Errorf("%w: STORK levels need Comparison=minimum", saml.ErrMalformed)
				}
				r.AuthnContextClassRefs = append(r.AuthnContextClassRefs, strings.TrimSpace(s))
			}
			if len(r.AuthnContextClassRefs) == 0 {
				return nil, fmt.Errorf("%w: RequestedAuthnContext without AuthnContextClassRef", saml.ErrMalformed)
			}
			return r, nil
		}
		if c != "" && c != "minimum" {
			return nil, fmt.Errorf("%w: only Comparison minimum or exact is supported", saml.ErrMalformed)
		}
		ref, err := samlwire.Child(rac, samlwire.NSAssertion, "AuthnContextClassRef")
		if err != nil || ref == nil {
			return nil, fmt.Errorf("%w: RequestedAuthnContext needs one AuthnContextClassRef", saml.ErrMalformed)
		}
		s, err := samlwire.Text(ref)
		if err != nil {
			return nil, err
		}
		if r.Level, err = account.ParseSTORK(s); err != nil {
			return nil, fmt.Errorf("%w: %w", saml.ErrMalformed, err)
		}
	}
	return r, nil
}

// parseExtension reads akdb:AuthenticationRequest (for the test IdP and
// for checks of built requests). Version 1 is refused
// (akdb-extension-v1-deprecated).
func parseExtension(ar *etree.Element) (*saml.Extension, error) {
	bad := func(s string) error { return &saml.ExtensionError{Problems: []string{s}} }
	if v, _ := samlwire.PlainAttr(ar, "Version"); v != "2" {
		return nil, bad("akdb-extension-v1-deprecated: Version must be 2")
	}
	e := &saml.Extension{}
	if am, err := samlwire.Child(ar, samlwire.NSAkdb, "AuthnMethods"); err != nil {
		return nil, bad("AuthnMethods twice")
	} else if am != nil {
		e.AuthnMethods = []saml.AuthnMethod{}
		for _, m := range am.ChildElements() {
			if m.NamespaceURI() != samlwire.NSAkdb {
				continue
			}
			en, err := samlwire.Child(m, samlwire.NSAkdb, "Enabled")
			if err != nil || en == nil {
				return nil, bad("method without Enabled")
			}
			t, err := samlwire.Text(en)
			if err != nil || (t != "true" && t != "false") {
				return nil, bad("Enabled must be true or false")
			}
			if t == "true" {
				e.AuthnMethods = append(e.AuthnMethods, saml.AuthnMethod(m.Tag))
			}
		}
	}
	if ra, err := samlwire.Child(ar, samlwire.NSAkdb, "RequestedAttributes"); err != nil {
		return nil, bad("RequestedAttributes twice")
	} else if ra != nil {
		for _, a := range samlwire.Children(ra, samlwire.NSAkdb, "RequestedAttribute") {
			name, _ := samlwire.PlainAttr(a, "Name")
			req, _ := samlwire.PlainAttr(a, "RequiredAttribute")
			e.RequestedAttributes = append(e.RequestedAttributes, saml.RequestedAttribute{Name: name, Required: req == "true" || req == "1"})
		}
	}
	if di, _ := samlwire.Child(ar, samlwire.NSAkdb, "DisplayInformation"); di != nil {
		if v, _ := samlwire.Child(di, samlwire.NSAkdbClassicUI, "Version"); v != nil {
			get := func(local string) string {
				el, _ := samlwire.Child(v, samlwire.NSAkdbClassicUI, local)
				if el == nil {
					return ""
				}
				s, _ := samlwire.Text(el)
				return s
			}
			e.Display = saml.DisplayInformation{
				OrganizationDisplayName: get("OrganizationDisplayName"),
				Lang:                    get("Lang"),
				BackURL:                 get("BackURL"),
				OnlineServiceID:         get("OnlineServiceId"),
			}
		}
	}
	return e, nil
}

// ParseSPMetadata reads a service provider's metadata: entityID, the
// HTTP-POST AssertionConsumerService and the signing and encryption
// certificates. It checks shape only; [ValidateSPMetadata] checks the
// BundID rules.
func ParseSPMetadata(data []byte) (*saml.SPMetadata, error) {
	doc, err := samlwire.ParseXML(data, xmlsafe.Limits{MaxBytes: saml.MaxMetadataBytes, MaxDepth: 32, MaxElements: 20000})
	if err != nil {
		return nil, err
	}
	ed := doc.Root()
	if !samlwire.Is(ed, samlwire.NSMetadata, "EntityDescriptor") {
		return nil, &saml.MetadataError{Problems: []string{"root is not an EntityDescriptor"}}
	}
	m := &saml.SPMetadata{}
	m.EntityID, _ = samlwire.PlainAttr(ed, "entityID")
	sps := samlwire.Children(ed, samlwire.NSMetadata, "SPSSODescriptor")
	if len(sps) != 1 {
		return nil, &saml.MetadataError{Problems: []string{"exactly one SPSSODescriptor required"}}
	}
	sign, enc, err := keyDescriptors(sps[0])
	if err != nil {
		return nil, err
	}
	if len(sign) > 0 {
		m.SigningCertificate = sign[0]
	}
	if len(enc) > 0 {
		m.EncryptionCertificate = enc[0]
	}
	for _, a := range samlwire.Children(sps[0], samlwire.NSMetadata, "AssertionConsumerService") {
		if b, _ := samlwire.PlainAttr(a, "Binding"); b == saml.BindingHTTPPost && m.ACSURL == "" {
			m.ACSURL, _ = samlwire.PlainAttr(a, "Location")
		}
	}
	for _, nf := range samlwire.Children(sps[0], samlwire.NSMetadata, "NameIDFormat") {
		t, err := samlwire.Text(nf)
		if err != nil {
			return nil, err
		}
		m.NameIDFormats = append(m.NameIDFormats, strings.TrimSpace(t))
	}
	return m, nil
}

// Redirect binding limits. A signed AuthnRequest with the akdb extension
// deflates to well under 4 KiB; browsers cap URLs at about 8 KiB.
const (
	// DefaultMaxRedirectQuery bounds the raw query string.
	DefaultMaxRedirectQuery = 16 << 10
	// DefaultMaxInflated bounds the inflated message (DEFLATE bombs).
	DefaultMaxInflated = 64 << 10
)

// RedirectMessage is a message received with the HTTP-Redirect binding.
type RedirectMessage struct {
	Param      string // "SAMLRequest" or "SAMLResponse"
	XML        []byte // the inflated message
	RelayState string
	SigAlg     string
	Signature  []byte
	signed     []byte // the exact octets the signature covers
}

// DecodeRedirect parses the raw query of an HTTP-Redirect binding request
// (bindings §3.4.4.1). It keeps the parameters as received, because the
// signature covers their URL-encoded form, caps the query at maxQuery bytes
// and the inflated message at maxInflated bytes (zero selects the
// defaults), and refuses duplicate parameters. It does not verify the
// signature; call [RedirectMessage.Verify].
func DecodeRedirect(rawQuery string, maxQuery, maxInflated int64) (*RedirectMessage, error) {
	if maxQuery <= 0 {
		maxQuery = DefaultMaxRedirectQuery
	}
	if maxInflated <= 0 {
		maxInflated = DefaultMaxInflated
	}
	if int64(len(rawQuery)) > maxQuery {
		return nil, fmt.Errorf("%w: redirect query over %d bytes", saml.ErrLimit, maxQuery)
	}
	raw := map[string]string{}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if _, dup := raw[k]; dup {
			return nil, fmt.Errorf("%w: parameter %q twice", saml.ErrBinding, k)
		}
		raw[k] = v
	}
	m := &RedirectMessage{}
	switch {
	case raw["SAMLRequest"] != "" && raw["SAMLResponse"] != "":
		return nil, fmt.Errorf("%w: both SAMLRequest and SAMLResponse", saml.ErrBinding)
	case raw["SAMLRequest"] != "":
		m.Param = "SAMLRequest"
	case raw["SAMLResponse"] != "":
		m.Param = "SAMLResponse"
	default:
		return nil, fmt.Errorf("%w: no SAMLRequest or SAMLResponse", saml.ErrBinding)
	}
	dec := func(k string) (string, error) {
		v, err := url.QueryUnescape(raw[k])
		if err != nil {
			return "", fmt.Errorf("%w: parameter %s not URL-encoded", saml.ErrBinding, k)
		}
		return v, nil
	}
	b64, err := dec(m.Param)
	if err != nil {
		return nil, err
	}
	compressed, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: %s not base64", saml.ErrBinding, m.Param)
	}
	m.XML, err = boundedio.ReadAll(flate.NewReader(bytes.NewReader(compressed)), maxInflated)
	if err != nil {
		if errors.Is(err, boundedio.ErrTooLarge) {
			return nil, fmt.Errorf("%w: inflated message over %d bytes", saml.ErrLimit, maxInflated)
		}
		return nil, fmt.Errorf("%w: invalid DEFLATE data", saml.ErrBinding)
	}
	if m.RelayState, err = dec("RelayState"); err != nil {
		return nil, err
	}
	if len(m.RelayState) > 80 {
		// bindings §3.4.3: RelayState MUST NOT exceed 80 bytes.
		return nil, fmt.Errorf("%w: RelayState over 80 bytes", saml.ErrBinding)
	}
	if m.SigAlg, err = dec("SigAlg"); err != nil {
		return nil, err
	}
	if s, ok := raw["Signature"]; ok {
		sv, err := url.QueryUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("%w: Signature not URL-encoded", saml.ErrBinding)
		}
		if m.Signature, err = base64.StdEncoding.DecodeString(sv); err != nil {
			return nil, fmt.Errorf("%w: Signature not base64", saml.ErrBinding)
		}
	}
	signed := m.Param + "=" + raw[m.Param]
	if _, ok := raw["RelayState"]; ok {
		signed += "&RelayState=" + raw["RelayState"]
	}
	signed += "&SigAlg=" + raw["SigAlg"]
	m.signed = []byte(signed)
	return m, nil
}

// Verify checks the query-string signature with pub; the SigAlg must be
// allowed by policy. An unsigned message is an error.
func (m *RedirectMessage) Verify(pub crypto.PublicKey, policy signature.Policy) error {
	if len(m.Signature) == 0 || m.SigAlg == "" {
		return fmt.Errorf("%w: redirect message not signed", saml.ErrSignature)
	}
	meth, err := policy.SignatureMethod(m.SigAlg)
	if err != nil {
		return fmt.Errorf("%w: %w", saml.ErrSignature, err)
	}
	if err := signature.Verify(pub, meth, m.signed, m.Signature, signature.VerifyOptions{}); err != nil {
		return fmt.Errorf("%w: %w", saml.ErrSignature, err)
	}
	return nil
}
