package saml

import (
	"fmt"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
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
	el.CreateAttr("xmlns:saml2p", samlwire.NSProtocol)
	el.CreateAttr("xmlns:saml2", samlwire.NSAssertion)
	el.CreateAttr("ID", r.ID)
	el.CreateAttr("Version", "2.0")
	el.CreateAttr("IssueInstant", samlwire.FormatTime(r.IssueInstant))
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
