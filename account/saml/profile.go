package saml

import (
	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/signature"
)

// Profile captures how one kind of identity provider behaves. Use the
// constructors; a Profile is a plain value and may be adjusted.
type Profile struct {
	// Provider is copied into account.Identity.Provider.
	Provider account.ProviderKind
	// IdPEntityID, if set, must equal the entityID of the IdP metadata
	// handed to New. It prevents mixing up integration and production
	// metadata (INT vs PROD).
	IdPEntityID string
	// AKDB enables the AKDB platform features (BundID, BayernID): the akdb
	// request extension, akdb:TrustLevel, the URN attribute catalogue,
	// bPK2 as subject, status detail parsing.
	AKDB bool
	// RequireEncryptedAssertion refuses plain assertions.
	RequireEncryptedAssertion bool
	// RequireSignedAssertion refuses assertions without their own
	// signature even when the Response is signed.
	RequireSignedAssertion bool
	// SubjectFromNameID uses a persistent NameID as Identity.Subject (MUK,
	// generic IdPs); otherwise the subject is attribute bPK2.
	SubjectFromNameID bool
	// NameIDFormat is requested in NameIDPolicy; "" sends none.
	NameIDFormat string
	// RequestSignatureMethod is the default AuthnRequest signature method
	// for an RSA signing key when Config.RequestSignatureMethod is empty
	// (MUK: RSA-PSS, which ELSTER requires); "" uses the key's default.
	RequestSignatureMethod string
	// Production marks the production environment of a real platform
	// (BundIDProduction, BayernID, MUK): it refuses
	// Config.InsecureDevelopment.
	Production bool
}

// BundIDIntegration is the profile of the BundID integration environment
// (IdP https://int.id.bund.de/idp). Responses are RSA-PSS signed and
// AES-GCM encrypted (BundID §5.4).
func BundIDIntegration() Profile {
	return Profile{Provider: account.ProviderBundID, IdPEntityID: "https://int.id.bund.de/idp", AKDB: true,
		RequireEncryptedAssertion: true, RequireSignedAssertion: true}
}

// BundIDProduction is the profile of BundID production (IdP
// https://id.bund.de/idp).
func BundIDProduction() Profile {
	p := BundIDIntegration()
	p.IdPEntityID = "https://id.bund.de/idp"
	p.Production = true
	return p
}

// BayernID is the profile of BayernID (same AKDB platform as BundID, IdP
// https://id.bayernportal.de/idp).
func BayernID() Profile {
	p := BundIDIntegration()
	p.Provider = account.ProviderBayernID
	p.IdPEntityID = "https://id.bayernportal.de/idp"
	p.Production = true
	return p
}

// MUK is the profile of Mein Unternehmenskonto (ELSTER NEZO, IdP
// https://www.elster.de): persistent NameID, encrypted assertions, signed
// Response (assertions are not signed separately). AuthnRequests are
// signed with RSA-PSS (xmldsig-more#sha256-rsa-MGF1) by default, as ELSTER
// requires.
func MUK() Profile {
	return Profile{Provider: account.ProviderMUK, IdPEntityID: "https://www.elster.de",
		RequireEncryptedAssertion: true, SubjectFromNameID: true, NameIDFormat: NameIDFormatPersistent,
		RequestSignatureMethod: signature.RSAPSSSHA256, Production: true}
}

// Generic is the profile of any SAML 2.0 IdP: signed Response or
// Assertion, encryption optional, persistent NameID as subject (a
// transient one is a temporary login, see Config.AllowTemporaryLogin).
// Map the IdP's AuthnContextClassRefs to levels with
// Config.AuthnContextLevels and choose what to request with
// Config.RequestedAuthnContext.
func Generic() Profile {
	return Profile{Provider: account.ProviderSAML, SubjectFromNameID: true}
}
