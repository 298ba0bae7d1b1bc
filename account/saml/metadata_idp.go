package saml

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// MaxMetadataBytes bounds metadata documents handed to the parsers.
const MaxMetadataBytes = 1 << 20

// IdPMetadata is what the service provider takes from the identity
// provider's metadata (SAML 2.0 metadata §2.4.3).
type IdPMetadata struct {
	EntityID string
	// SSOPost and SSORedirect are the SingleSignOnService locations.
	SSOPost, SSORedirect string
	// SigningCertificates verify the IdP's responses; they are trusted by
	// exact match (pinned), never through KeyInfo of a message.
	SigningCertificates []*x509.Certificate
	// EncryptionCertificates are the IdP's encryption keys (unused by an SP
	// that only receives).
	EncryptionCertificates  []*x509.Certificate
	WantAuthnRequestsSigned bool
	// ValidUntil is the metadata's validUntil (zero if absent); New
	// refuses metadata that has expired.
	ValidUntil time.Time
}

// ParseIdPMetadata parses an EntityDescriptor with an IDPSSODescriptor (or
// an EntitiesDescriptor holding exactly one). It requires at least one
// signing certificate and one SSO endpoint with an https (or, for local
// tests, http) URL. The metadata signature, if any, is not checked here:
// metadata is configuration the operator obtained out of band (BundID hands
// it out via the self-service portal).
func ParseIdPMetadata(data []byte) (*IdPMetadata, error) {
	doc, err := parseXML(data, metadataLimits)
	if err != nil {
		return nil, err
	}
	return idpMetadataFrom(doc.Root())
}

var metadataLimits = xmlsafe.Limits{MaxBytes: MaxMetadataBytes, MaxDepth: 32, MaxElements: 20000}

// VerifyIdPMetadata checks the enveloped XML signature over a metadata
// document (metadata §3) with the given certificates (pinned, e.g. the
// metadata signing certificate of a federation or of the IdP operator) and
// parses only the verified content. Use it when metadata is fetched rather
// than handed over out of band; Config.IdPMetadataSigners makes New call
// it.
func VerifyIdPMetadata(ctx context.Context, data []byte, signers []*x509.Certificate) (*IdPMetadata, error) {
	if len(signers) == 0 {
		return nil, fmt.Errorf("%w: no metadata signing certificate", ErrInvalidConfig)
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: signers, InsecureIgnorePinnedValidity: true})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	v, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust, IDAttribute: "ID",
		Limits: xmldsig.Limits{MaxBytes: metadataLimits.MaxBytes, MaxDepth: metadataLimits.MaxDepth, MaxElements: metadataLimits.MaxElements}})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	res, err := v.Verify(ctx, data)
	if err != nil {
		return nil, &MetadataError{Problems: []string{"signature: " + err.Error()}, err: err}
	}
	return idpMetadataFrom(res.Element)
}

func idpMetadataFrom(root *etree.Element) (*IdPMetadata, error) {
	ed := root
	if is(ed, NSMetadata, "EntitiesDescriptor") {
		eds := children(ed, NSMetadata, "EntityDescriptor")
		if len(eds) != 1 {
			return nil, &MetadataError{Problems: []string{"EntitiesDescriptor must hold exactly one EntityDescriptor"}}
		}
		ed = eds[0]
	}
	if !is(ed, NSMetadata, "EntityDescriptor") {
		return nil, &MetadataError{Problems: []string{"root is not an EntityDescriptor"}}
	}
	md := &IdPMetadata{}
	for _, el := range []*etree.Element{root, ed} {
		if v, ok := plainAttr(el, "validUntil"); ok {
			t, err := parseTime(v)
			if err != nil {
				return nil, &MetadataError{Problems: []string{"validUntil is not an xs:dateTime"}}
			}
			if md.ValidUntil.IsZero() || t.Before(md.ValidUntil) {
				md.ValidUntil = t
			}
		}
	}
	md.EntityID, _ = plainAttr(ed, "entityID")
	if md.EntityID == "" {
		return nil, &MetadataError{Problems: []string{"entityID missing"}}
	}
	idps := children(ed, NSMetadata, "IDPSSODescriptor")
	if len(idps) != 1 {
		return nil, &MetadataError{Problems: []string{"exactly one IDPSSODescriptor required"}}
	}
	idp := idps[0]
	if pse, _ := plainAttr(idp, "protocolSupportEnumeration"); !strings.Contains(pse, NSProtocol) {
		return nil, &MetadataError{Problems: []string{"IDPSSODescriptor does not support SAML 2.0"}}
	}
	w, _ := plainAttr(idp, "WantAuthnRequestsSigned")
	md.WantAuthnRequestsSigned = w == "true" || w == "1"
	sign, enc, err := keyDescriptors(idp)
	if err != nil {
		return nil, err
	}
	md.SigningCertificates, md.EncryptionCertificates = sign, enc
	if len(md.SigningCertificates) == 0 {
		return nil, &MetadataError{Problems: []string{"no signing certificate"}}
	}
	for _, s := range children(idp, NSMetadata, "SingleSignOnService") {
		b, _ := plainAttr(s, "Binding")
		loc, _ := plainAttr(s, "Location")
		if !webURL(loc) {
			return nil, &MetadataError{Problems: []string{"SingleSignOnService Location is not an https URL (plain http only for loopback hosts)"}}
		}
		switch b {
		case BindingHTTPPost:
			if md.SSOPost == "" {
				md.SSOPost = loc
			}
		case BindingHTTPRedirect:
			if md.SSORedirect == "" {
				md.SSORedirect = loc
			}
		}
	}
	if md.SSOPost == "" && md.SSORedirect == "" {
		return nil, &MetadataError{Problems: []string{"no SingleSignOnService with HTTP-POST or HTTP-Redirect binding"}}
	}
	return md, nil
}

// keyDescriptors returns the signing and encryption certificates of a role
// descriptor. A KeyDescriptor without use counts for both (metadata §2.4.1.1).
func keyDescriptors(role *etree.Element) (sign, enc []*x509.Certificate, err error) {
	for _, kd := range children(role, NSMetadata, "KeyDescriptor") {
		use, _ := plainAttr(kd, "use")
		ki, _ := child(kd, NSDSig, "KeyInfo")
		if ki == nil {
			return nil, nil, &MetadataError{Problems: []string{"KeyDescriptor without KeyInfo"}}
		}
		for _, xd := range children(ki, NSDSig, "X509Data") {
			for _, xc := range children(xd, NSDSig, "X509Certificate") {
				t, err := text(xc)
				if err != nil {
					return nil, nil, err
				}
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t), ""))
				if err != nil {
					return nil, nil, &MetadataError{Problems: []string{"X509Certificate is not base64"}}
				}
				c, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, nil, &MetadataError{Problems: []string{"X509Certificate does not parse: " + err.Error()}}
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
					return nil, nil, &MetadataError{Problems: []string{fmt.Sprintf("KeyDescriptor use %q unknown", use)}}
				}
			}
		}
	}
	return sign, enc, nil
}

// webURL accepts an https URL, or plain http to a loopback host (local
// simulators): a SingleSignOnService receives the signed AuthnRequest with
// the akdb extension and RelayState, the ACS the assertion.
func webURL(s string) bool { return endpointURL(s, true) }

// endpointURL applies the module's endpoint rule (httpx.AllowedEndpoint):
// https, or plain http to a loopback host only in development.
func endpointURL(s string, development bool) bool {
	u, err := url.Parse(s)
	return err == nil && httpx.AllowedEndpoint(u, development)
}
