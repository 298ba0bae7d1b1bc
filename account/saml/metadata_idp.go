package saml

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account/internal/samlwire"
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
	// CacheDuration is the metadata's cacheDuration (zero if absent): how
	// long a copy may be used before it is fetched again (metadata
	// §1.2.3).
	CacheDuration time.Duration
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
	if is(ed, samlwire.NSMetadata, "EntitiesDescriptor") {
		eds := children(ed, samlwire.NSMetadata, "EntityDescriptor")
		if len(eds) != 1 {
			return nil, &MetadataError{Problems: []string{"EntitiesDescriptor must hold exactly one EntityDescriptor"}}
		}
		ed = eds[0]
	}
	if !is(ed, samlwire.NSMetadata, "EntityDescriptor") {
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
	for _, el := range []*etree.Element{root, ed} {
		if v, ok := plainAttr(el, "cacheDuration"); ok {
			d, err := parseDuration(v)
			if err != nil {
				return nil, &MetadataError{Problems: []string{"cacheDuration is not a supported xs:duration"}}
			}
			if md.CacheDuration == 0 || d < md.CacheDuration {
				md.CacheDuration = d
			}
		}
	}
	md.EntityID, _ = plainAttr(ed, "entityID")
	if md.EntityID == "" {
		return nil, &MetadataError{Problems: []string{"entityID missing"}}
	}
	idps := children(ed, samlwire.NSMetadata, "IDPSSODescriptor")
	if len(idps) != 1 {
		return nil, &MetadataError{Problems: []string{"exactly one IDPSSODescriptor required"}}
	}
	idp := idps[0]
	if pse, _ := plainAttr(idp, "protocolSupportEnumeration"); !strings.Contains(pse, samlwire.NSProtocol) {
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
	for _, s := range children(idp, samlwire.NSMetadata, "SingleSignOnService") {
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
// descriptor (samlwire.KeyDescriptors), reporting a rule violation as a
// *MetadataError.
func keyDescriptors(role *etree.Element) (sign, enc []*x509.Certificate, err error) {
	sign, enc, err = samlwire.KeyDescriptors(role)
	var p samlwire.Problem
	if errors.As(err, &p) {
		return nil, nil, &MetadataError{Problems: []string{string(p)}}
	}
	return sign, enc, err
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

// parseDuration reads an xs:duration (XML Schema 1.0 part 2 §3.2.6) of
// days, hours, minutes and seconds, e.g. "PT6H" or "P1DT12H". Years and
// months have no fixed length and are refused, as are negative values.
func parseDuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" || len(s) > 64 {
		return 0, errors.New("not an xs:duration")
	}
	var d time.Duration
	inTime, timeParts := false, 0
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return 0, errors.New("not an xs:duration")
			}
			inTime, rest = true, rest[1:]
			continue
		}
		i := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return 0, errors.New("not an xs:duration")
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || n > 1e6 {
			return 0, errors.New("not an xs:duration")
		}
		var unit time.Duration
		switch {
		case rest[i] == 'D' && !inTime:
			unit = 24 * time.Hour
		case rest[i] == 'H' && inTime:
			unit = time.Hour
		case rest[i] == 'M' && inTime:
			unit = time.Minute
		case rest[i] == 'S' && inTime:
			unit = time.Second
		default:
			return 0, errors.New("unsupported xs:duration unit")
		}
		// At most ten years in total: no overflow, no silly cache times.
		const most = 10 * 365 * 24 * time.Hour
		if f := n * float64(unit); f > float64(most-d) {
			return 0, errors.New("xs:duration too long")
		}
		d += time.Duration(n * float64(unit))
		if inTime {
			timeParts++
		}
		rest = rest[i+1:]
	}
	if inTime && timeParts == 0 {
		return 0, errors.New("not an xs:duration")
	}
	return d, nil
}
