// Package accounttest runs a SAML identity provider in an httptest server
// that behaves like BundID (Nutzerkonto Bund) or Mein Unternehmenskonto
// (MUK), so service providers can be tested without registration,
// network or real accounts.
//
// BundID mode: own RSA key and metadata, Assertion signed with RSA-PSS
// (xmldsig-more#sha256-rsa-MGF1, exc-C14N with InclusiveNamespaces
// "xsd"), encrypted with RSA-OAEP (xmlenc11#rsa-oaep, MGF1-SHA-256) and
// AES-256-GCM, transient NameID, akdb:TrustLevel on every attribute; the
// akdb extension (BundID 10.2.0.0 §9) is honoured: disabled methods,
// requested attributes only, RequestDenied with akdb:StatusDetail
// IDP_REQUIRED_ATTRIBUTES_MISSING, requested level, temporary login
// (no bPK2, no mailbox). MUK mode: signed Response, encrypted unsigned
// Assertion, persistent NameID, ELSTER attribute names with structured
// HandelndePerson/Unternehmensanschrift values (namespace
// urn:accounttest:ekona; the real ELSTER namespace URI was not available).
//
// Like BundID, the simulator accepts only signed AuthnRequests from the
// registered service provider (HTTP-POST with an enveloped signature,
// HTTP-Redirect with the query signature), refuses stale requests and
// re-sent request IDs (BundID §8.2), and answers with idp.code error pages
// (saml-request-not-signed, saml-request-replayed, …).
//
// # Starting a simulator
//
// Each simulator starts for one test with its cleanup registered and hands
// out a ready SDK-side configuration wired to it, so an application's
// end-to-end login test needs a few lines:
//
//   - SAML: [Start](t) (or [StartWith](t, cfg)), then
//     [Server.SPConfig](t, acsURL) for a saml.Config, or [Server.NewSP] for
//     a ready saml.ServiceProvider.
//   - OpenID Connect: [StartOIDC](t) (or [StartOIDCWith](t, cfg)), then
//     [OIDCSim.Config]() for an oidc.Config.
//
// The SAML method is SPConfig, not the module-wide Config: [Server] embeds
// httptest.Server, whose exported Config field a Config method would hide.
// [NewServer] and [NewOIDCSim] start a simulator without a testing.TB
// (call Close); a configuration they cannot use is [ErrInvalidConfig].
//
// [Faults] breaks any single rule a service provider must check (issuer,
// audience, recipient, destination, InResponseTo, time windows, levels,
// missing/attacker/SHA-1 signatures, wrong PSS salt, tampering, wrong
// encryption key or algorithm, status, replayed response, delay) and
// offers hooks to stage signature wrapping and comment injection. [Browse] plays a browser
// through the HTTP-POST forms. [TestStore] is the conformance suite for
// saml.Store implementations.
//
// # Security
//
// Test use only: keys are throwaway (signature/signaturetest), users are
// authenticated without any credential, and AuthnRequests are accepted
// from the one registered service provider whose signature verifies.
package accounttest
