package accounttest

import (
	"crypto/x509"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
)

// Faults make the simulated IdP break one rule on purpose, so that SDK
// users can show that their service provider rejects the result. The zero
// value injects nothing. Every field maps to one check of
// saml.ServiceProvider.ParseResponse.
type Faults struct {
	// Issuer replaces the Issuer of Response and Assertion.
	Issuer string
	// Audience replaces the Audience.
	Audience string
	// Recipient replaces SubjectConfirmationData Recipient.
	Recipient string
	// Destination replaces the Response Destination.
	Destination string
	// InResponseTo replaces InResponseTo in Response and
	// SubjectConfirmationData.
	InResponseTo string
	// TimeShift moves every timestamp of the response (IssueInstant,
	// NotBefore, NotOnOrAfter, AuthnInstant) by this amount.
	TimeShift time.Duration
	// Validity is the length of the Conditions and SubjectConfirmation
	// windows; default 5 minutes (as BundID).
	Validity time.Duration
	// AuthnContextLevel replaces the AuthnContextClassRef level.
	AuthnContextLevel account.Level
	// QAALevel replaces the EID-CITIZEN-QAA-LEVEL attribute value ("" keeps
	// it).
	QAALevel string
	// IgnoreRequestedLevel answers even when the user's level is below
	// the requested one (level downgrade).
	IgnoreRequestedLevel bool
	// UnsignedAssertion leaves the Assertion unsigned.
	UnsignedAssertion bool
	// SignResponse additionally signs the Response (MUK mode always does).
	SignResponse bool
	// UnsignedResponse leaves the Response unsigned in MUK mode.
	UnsignedResponse bool
	// EncryptNameID sends the Subject's NameID as an EncryptedID (SAML
	// core §2.4.1) encrypted for the SP.
	EncryptNameID bool
	// PlainAssertion sends the Assertion unencrypted.
	PlainAssertion bool
	// AttackerKey signs with a fresh self-signed key whose certificate is
	// put into KeyInfo (not the metadata key).
	AttackerKey bool
	// PSSSaltLength signs RSA-PSS with this salt length instead of the
	// hash length that xmldsig-more#sha256-rsa-MGF1 prescribes (RFC 6931
	// §2.3.10); 0 keeps the correct length.
	PSSSaltLength int
	// SignatureMethod overrides the signature method URI written into
	// SignedInfo after signing (e.g. rsa-sha1), DigestMethod likewise.
	SignatureMethod, DigestMethod string
	// KeyTransport and ContentAlgorithm override the encryption algorithms.
	KeyTransport, ContentAlgorithm string
	// EncryptTo encrypts the assertion for this certificate instead of
	// the SP's encryption certificate.
	EncryptTo *x509.Certificate
	// MGF overrides the MGF1 digest of xmlenc11#rsa-oaep (default
	// MGF1-SHA-256), e.g. xmlenc.MGF1SHA1.
	MGF string
	// Status sends a non-success response with this second-level status
	// code (e.g. saml.StatusRequestDenied) and no assertion.
	Status string
	// Replay makes the HTTP endpoint post the previous response again
	// instead of a new one (replayed assertion).
	Replay bool
	// Delay holds the HTTP answer back (slow IdP); the request context
	// cancels the wait.
	Delay time.Duration
	// BeforeSign edits the Assertion before it is signed.
	BeforeSign func(assertion *etree.Element)
	// AfterSign edits the signed Assertion before it is encrypted
	// (tampering, comment injection after signing).
	AfterSign func(assertion *etree.Element)
	// Final edits the finished Response (after signing and encryption):
	// XSW wrapping, duplicated assertions, ...
	Final func(response *etree.Element)
}
