// Package samlidp holds the identity-provider side of the SAML wire
// format that only the simulator (account/accounttest) and the tests of
// account/saml need: reading AuthnRequests (with the akdb extension) and
// SP metadata, and decoding the HTTP-Redirect binding. It is internal so
// that applications see only what a service provider needs.
//
// Specifications: SAML 2.0 core (OASIS saml-core-2.0-os) §3.4.1
// AuthnRequest; SAML 2.0 bindings §3.4.4.1 HTTP-Redirect (DEFLATE
// encoding, query signature) and §3.4.3 (RelayState at most 80 bytes);
// SAML 2.0 metadata §2.4.4 SPSSODescriptor; Schnittstellenbeschreibung
// BundID 10.2.0.0 §9 akdb:AuthenticationRequest version 2.
//
// # Security
//
// Every parser has a size limit (xmlsafe limits, DefaultMaxRedirectQuery,
// DefaultMaxInflated for DEFLATE bombs), refuses duplicate parameters and
// elements, and reports bad input as errors wrapping the sentinels of
// account/saml; nothing here verifies an XML signature (the caller
// verifies first and passes the verified element).
package samlidp
