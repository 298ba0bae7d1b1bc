// Package samlwire holds the SAML wire details that the service provider
// (account/saml) and the simulated identity provider (account/accounttest)
// share: namespace names, strict element and attribute accessors, the
// xs:dateTime parser and writer, the xs:ID generator and the metadata
// KeyDescriptor reader. It is internal
// so that these IdP-side helpers are not part of the public API.
//
// Specifications: SAML 2.0 core (OASIS saml-core-2.0-os) §1.2
// namespaces, §1.3.3 time values, §1.3.4 ID values; SAML 2.0 metadata §2.4.1.1
// KeyDescriptor; Schnittstellenbeschreibung BundID 10.2.0.0 §9 (akdb
// namespaces).
//
// # Security
//
// Text refuses any markup inside a simple-content element (comment
// truncation of NameIDs, CVE-2017-11427) and returns NFC-normalised
// UTF-8; Child refuses duplicates instead of picking one.
package samlwire
