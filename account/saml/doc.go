// Package saml is a SAML 2.0 service provider (Web Browser SSO profile)
// for the German service accounts: BundID (Nutzerkonto Bund) and BayernID
// on the AKDB platform, Mein Unternehmenskonto (MUK, ELSTER NEZO) and any
// other SAML 2.0 identity provider. It returns an [account.Identity].
//
// # Quick start
//
// The package example (Example, runnable against the BundID simulator of
// account/accounttest) shows every step with real calls:
//
//	signing, err := signature.LoadPEM(keyPEM, certPEM)        // or signature.LoadPKCS12
//	encryption, err := signature.LoadPEM(encKeyPEM, encCertPEM)
//	dec, err := encryption.Decrypter()
//	store, err := sqlstore.OpenSQLite(ctx, "saml.db")          // shared by all instances
//	sp, err := saml.New(saml.Config{
//		EntityID: "https://service.example.org/saml", ACSURL: "https://service.example.org/saml/acs",
//		SigningKey: signing, DecryptionKey: dec, EncryptionCertificate: encryption.Certificate,
//		IdPMetadata: idpMetadata, Profile: saml.BundIDProduction(), Level: account.LevelSubstanziell,
//		Extension: &saml.Extension{RequestedAttributes: []saml.RequestedAttribute{{Name: account.AttrBPK2, Required: true}},
//			Display: saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", OnlineServiceID: "99123456760000"}},
//		Store: store,
//	})
//	// GET /login:       err := sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/antrag"})
//	// POST /saml/acs:   login, err := sp.FinishLogin(r.Context(), w, r) // login.Identity, login.ReturnTo
//	// metadata:         md, err := sp.Metadata() // upload to the IdP
//
// An application's own end-to-end test wires the simulator the same way
// (accounttest.NewServer, Server.Profile, Server.RegisterSP).
//
// # Specifications
//
//   - SAML 2.0 core (OASIS saml-core-2.0-os): §2.3.4 EncryptedAssertion,
//     §2.4 Subject, §2.5 Conditions (all conditions must be understood,
//     §2.5.1.5), §2.7.2 AuthnStatement, §3.2.2 Status, §3.4.1
//     AuthnRequest with RequestedAuthnContext (Comparison "minimum" only,
//     BundID §5.1);
//   - SAML 2.0 bindings: §3.4 HTTP-Redirect (DEFLATE, signature over the
//     query string, RelayState ≤ 80 bytes) and §3.5 HTTP-POST
//     (auto-submitting form, Destination required on signed messages);
//   - SAML 2.0 profiles §4.1 Web Browser SSO (bearer SubjectConfirmation,
//     Recipient, NotOnOrAfter, InResponseTo, no NotBefore, §4.1.4.2–3);
//   - SAML 2.0 metadata §2.4 (SP metadata without validUntil and ID,
//     BundID §7.2), §3 (signed IdP metadata: Config.IdPMetadataSigners,
//     VerifyIdPMetadata) and §1.2.3/§2.2.1 (validUntil, cacheDuration:
//     Config.IdPMetadataURL is refreshed by them, RefreshMetadata);
//   - SAML 2.0 core §2.4.1 and §2.2.4 (EncryptedID, decrypted like an
//     EncryptedAssertion);
//   - Schnittstellenbeschreibung BundID 10.2.0.0 (16.05.2025): §5.4
//     algorithms (RSA-PSS xmldsig-more#sha256-rsa-MGF1, AES-GCM since
//     2024), §7.2 metadata rules, §8 bindings and back-button replay, §9
//     akdb:AuthenticationRequest extension version 2
//     (namespace https://www.akdb.de/request/2018/09, classic-ui/v1
//     DisplayInformation), §9.6 IdP error codes, §9.7 akdb:StatusDetail
//     JSON version 1.0;
//   - XML Signature 1.1 and XML Encryption 1.1 through package
//     signature/xmldsig and signature/xmlenc; this package has no crypto
//     of its own except the Redirect query signature via signature.Sign.
//
// Single Logout (SAML 2.0 profiles §4.4) is not implemented: BundID does
// not describe SAML SLO for online services; end the application session
// locally (see account.Level.SessionLimits). IdP-initiated SSO is refused
// (every response must answer a request of the same user agent).
//
// # Security
//
// ParseResponse verifies before it reads: the Response and/or Assertion
// signature is checked with the IdP metadata certificates only (pinned;
// a certificate in KeyInfo is never trusted by itself), with an algorithm
// allow-list (no SHA-1 unless signature.Policy.InsecureAllowSHA1), and
// everything afterwards is read from the element the verifier returns,
// rebuilt from the signed canonical bytes. Exactly one Assertion or
// EncryptedAssertion must be a child of the Response, so the signature
// wrapping attacks (XSW 1–8) fail; text values must be plain character
// data, so comment injection cannot truncate a NameID. AES-CBC needs
// Config.InsecureAllowCBC. Issuer, Destination, Recipient, Audience,
// InResponseTo, all time windows (Config.Skew), bearer confirmation,
// assertion-ID replay (Store) and the requested level (the lower of
// AuthnContextClassRef and EID-CITIZEN-QAA-LEVEL) are enforced. Parsing
// uses internal/xmlsafe (no DOCTYPE, size/depth limits); the plaintext of
// an EncryptedAssertion gets the same limits as the Response (depth 48,
// 5,000 elements, 64 attributes per element) although its signature is
// checked only afterwards. Redirect payloads are inflated through a
// bounded reader.
//
// Login starts are unauthenticated and each one stores a pending request,
// so every Store must bound itself: the ServiceProvider never calls
// DeleteExpired. MemoryStore removes expired entries on every write in
// O(expired) and refuses new ones beyond MaxEntries with a
// *StoreFullError (ErrStoreFull; the login start fails closed);
// account/sqlstore deletes expired rows in bounded batches during writes.
// Custom Store implementations must do the same. Rate-limit the login
// start endpoint at the edge in addition.
//
// StartLogin binds each request to the user agent with a random HttpOnly
// cookie (stored as a hash) and a random RelayState; FinishLogin accepts a
// response only from that user agent and only once, so login CSRF and
// response injection fail. Every login start mints a fresh binding value
// (a value arriving from the browser is never reused, so nobody who
// planted or saw an older one knows it); the cookie carries the values of
// up to four pending logins (several tabs), and a used value is removed.
// The default cookie name has the __Host- prefix, so a sibling subdomain
// cannot plant the cookie (DefaultCookieName; InsecureDevelopment with a
// plain-http ACS drops the prefix and Secure, and a non-Secure cookie is
// SameSite=Lax, which a real IdP's cross-site POST does not carry back:
// development against a simulator on loopback only). ReturnTo must be a local
// path. The IdP's SingleSignOnService and the ACS URL must be https (plain
// http only for loopback hosts). The POST form
// is served with Cache-Control no-store and every request is single use,
// so the browser's back button yields a fresh AuthnRequest instead of a
// replayed one (BundID §8.2).
//
// IdP metadata fetched from Config.IdPMetadataURL is trusted only with a
// valid signature by a pinned Config.IdPMetadataSigners certificate; a
// copy whose entityID, binding or endpoints no longer fit is refused, a
// failed refresh keeps the last good copy (retried with backoff), and an
// expired copy stops every login (ErrMetadata) instead of trusting stale
// keys. During an IdP key rollover both published signing certificates
// are trusted, never a key from a message's KeyInfo.
//
// A login needs a stable subject (bPK2 for AKDB profiles, a persistent
// NameID otherwise; an EncryptedID is decrypted like an assertion): a
// transient NameID or a missing bPK2 is refused with ErrSubject unless
// Config.AllowTemporaryLogin is set, and then marked
// account.Identity.Temporary — never an empty Subject on a stable login.
// Required attributes (Config.RequiredAttributes and the Required
// attributes of the akdb extension, bPK2 included) must be present and
// well-formed (*account.AttributeError, ErrAttribute); a malformed
// optional attribute is listed in account.Identity.InvalidAttributes
// instead of failing the login. BundID, BayernID and MUK levels are read
// only from STORK-QAA and eIDAS values; only the Generic profile maps
// other AuthnContextClassRefs (Config.AuthnContextLevels). The binding is
// decided by New from what the IdP metadata offers. FinishLogin logs every
// refusal with its check and reason and without personal data.
//
// Errors never contain assertions, NameIDs or attribute values; their
// text is generic, details are reachable with errors.Is/As. The caller
// must still: serve the ACS over https, keep the SP keys secret, share one
// persistent Store between instances (account/sqlstore), and authorise
// with Identity.Level and the per-attribute levels.
package saml
