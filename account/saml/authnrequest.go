package saml

import (
	"fmt"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
)

// AuthnRequest is the model of a samlp:AuthnRequest (SAML 2.0 core §3.4.1)
// as this package sends it: RequestedAuthnContext always with
// Comparison="minimum" (BundID §5.1: "exact" is obsolete), optional akdb
// extension.
type AuthnRequest struct {
	ID              string
	IssueInstant    time.Time
	Destination     string // IdP SSO endpoint
	Issuer          string // SP entityID
	ACSURL          string // AssertionConsumerServiceURL
	ProtocolBinding string // binding of the response; always HTTP-POST
	ForceAuthn      bool
	// Level is the minimum level requested; LevelUnknown omits
	// RequestedAuthnContext.
	Level        account.Level
	NameIDFormat string // NameIDPolicy Format; "" omits NameIDPolicy
	Extension    *Extension
	// AuthnContextClassRefs, if set, are requested with Comparison
	// "exact" instead of the STORK value of Level (generic IdPs).
	AuthnContextClassRefs []string
	// OmitAuthnContext sends no RequestedAuthnContext at all.
	OmitAuthnContext bool
}

// Element builds the unsigned XML element. Child order follows the schema
// (core §3.2.1, §3.4.1): Issuer, (Signature), Extensions, NameIDPolicy,
// RequestedAuthnContext.
func (r *AuthnRequest) Element() *etree.Element {
	el := etree.NewElement("saml2p:AuthnRequest")
	el.CreateAttr("xmlns:saml2p", NSProtocol)
	el.CreateAttr("xmlns:saml2", NSAssertion)
	el.CreateAttr("ID", r.ID)
	el.CreateAttr("Version", "2.0")
	el.CreateAttr("IssueInstant", formatTime(r.IssueInstant))
	el.CreateAttr("Destination", r.Destination)
	el.CreateAttr("AssertionConsumerServiceURL", r.ACSURL)
	el.CreateAttr("ProtocolBinding", BindingHTTPPost)
	el.CreateAttr("ForceAuthn", fmt.Sprint(r.ForceAuthn))
	el.CreateAttr("IsPassive", "false")
	el.CreateElement("saml2:Issuer").SetText(r.Issuer)
	if r.Extension != nil {
		el.CreateElement("saml2p:Extensions").AddChild(r.Extension.element())
	}
	if r.NameIDFormat != "" {
		p := el.CreateElement("saml2p:NameIDPolicy")
		p.CreateAttr("AllowCreate", "true")
		p.CreateAttr("Format", r.NameIDFormat)
	}
	switch {
	case r.OmitAuthnContext:
	case len(r.AuthnContextClassRefs) > 0:
		rac := el.CreateElement("saml2p:RequestedAuthnContext")
		rac.CreateAttr("Comparison", "exact")
		for _, ref := range r.AuthnContextClassRefs {
			rac.CreateElement("saml2:AuthnContextClassRef").SetText(ref)
		}
	case r.Level.Valid():
		rac := el.CreateElement("saml2p:RequestedAuthnContext")
		rac.CreateAttr("Comparison", "minimum")
		rac.CreateElement("saml2:AuthnContextClassRef").SetText(r.Level.STORK())
	}
	return el
}

// ParseAuthnRequest reads an AuthnRequest element. It checks shape only,
// not the signature (the caller verifies that first and passes the verified
// element). It is used by the test IdP in package accounttest.
func ParseAuthnRequest(el *etree.Element) (*AuthnRequest, error) {
	if !is(el, NSProtocol, "AuthnRequest") {
		return nil, fmt.Errorf("%w: not an AuthnRequest", ErrMalformed)
	}
	r := &AuthnRequest{}
	r.ID, _ = plainAttr(el, "ID")
	if r.ID == "" {
		return nil, fmt.Errorf("%w: AuthnRequest without ID", ErrMalformed)
	}
	if v, _ := plainAttr(el, "Version"); v != "2.0" {
		return nil, fmt.Errorf("%w: Version must be 2.0", ErrMalformed)
	}
	ii, _ := plainAttr(el, "IssueInstant")
	t, err := parseTime(ii)
	if err != nil {
		return nil, err
	}
	r.IssueInstant = t
	r.Destination, _ = plainAttr(el, "Destination")
	r.ACSURL, _ = plainAttr(el, "AssertionConsumerServiceURL")
	r.ProtocolBinding, _ = plainAttr(el, "ProtocolBinding")
	fa, _ := plainAttr(el, "ForceAuthn")
	r.ForceAuthn = fa == "true" || fa == "1"
	iss, err := child(el, NSAssertion, "Issuer")
	if err != nil || iss == nil {
		return nil, fmt.Errorf("%w: AuthnRequest needs exactly one Issuer", ErrMalformed)
	}
	if r.Issuer, err = text(iss); err != nil {
		return nil, err
	}
	if ext, err := child(el, NSProtocol, "Extensions"); err != nil {
		return nil, err
	} else if ext != nil {
		if ar, err := child(ext, NSAkdb, "AuthenticationRequest"); err != nil {
			return nil, err
		} else if ar != nil {
			if r.Extension, err = parseExtension(ar); err != nil {
				return nil, err
			}
		}
	}
	if p, _ := child(el, NSProtocol, "NameIDPolicy"); p != nil {
		r.NameIDFormat, _ = plainAttr(p, "Format")
	}
	if rac, err := child(el, NSProtocol, "RequestedAuthnContext"); err != nil {
		return nil, err
	} else if rac != nil {
		if c, _ := plainAttr(rac, "Comparison"); c != "" && c != "minimum" {
			return nil, fmt.Errorf("%w: only Comparison=minimum is supported", ErrMalformed)
		}
		ref, err := child(rac, NSAssertion, "AuthnContextClassRef")
		if err != nil || ref == nil {
			return nil, fmt.Errorf("%w: RequestedAuthnContext needs one AuthnContextClassRef", ErrMalformed)
		}
		s, err := text(ref)
		if err != nil {
			return nil, err
		}
		if r.Level, err = account.ParseSTORK(s); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
	}
	return r, nil
}
