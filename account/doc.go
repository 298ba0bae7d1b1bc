// Package account is the common result of a citizen or company login
// through a German service account (Servicekonto, Nutzerkonto): one
// [Identity] with a trust [Level], typed [Person] and [Organisation]
// attributes that each carry their own level, the mailbox handle and the
// raw verified attributes by Name.
//
// The protocol adapters live in sub-packages:
//
//   - account/saml: SAML 2.0 service provider for BundID (Nutzerkonto
//     Bund), BayernID, Mein Unternehmenskonto (MUK) and other SAML IdPs;
//   - account/accounttest: an httptest IdP that behaves like BundID and MUK,
//     with fault injection, and the store conformance suite;
//   - account/sqlstore: the request and replay store on SQLite or
//     PostgreSQL.
//
// An OpenID Connect relying party for state accounts is planned as
// account/oidc and not part of this release.
//
// # Terms
//
// German terms are kept where the specifications name the concept:
// Servicekonto / Buergerservicekonto (citizen service account shared by
// a state and its municipalities), Nutzerkonto Bund (BundID), Mein
// Unternehmenskonto (MUK, company account on ELSTER), Vertrauensniveau
// (trust level, [Level]), Basisregistrierung (registration with user name
// and password, below the TR-03160-1 levels), Postkorb-Handle
// (legacyPostkorbHandle, the account mailbox address,
// [Identity].MailboxHandle), bPK2 (per-service pseudonymous person
// identifier, [Identity].Subject), Temporaer Login (guest login without
// account, [Identity].Temporary), Handelnde Person (person acting for a
// company at MUK).
//
// # Specifications
//
//   - Schnittstellenbeschreibung BundID (Nutzerkonto des Bundes),
//     Release 10.2.0.0, Dokument-Version 1.0, 16.05.2025: §5 trust levels,
//     §6 attribute catalogue (Name URNs, [AttrBPK2] …), §6.2.9
//     akdb:TrustLevel, §9 akdb request extension;
//   - BundID FAQ 01/2025 §7.5.3 and BSI TR-03160-1 (session limits per
//     level, [Level.SessionLimits]);
//   - eIDAS Regulation (EU) 910/2014 Art. 8 levels low/substantial/high
//     ([Level.EIDAS]); STORK QAA levels 1–4 ([Level.STORK]);
//   - ISO/IEC 5218 ([Gender]), ISO 3166-1 alpha-2 (country), ISO 8601
//     (birth date).
//
// # Security
//
// An Identity is built only from the signed and decrypted assertion;
// attributes are mapped by Name, never by FriendlyName; a malformed value
// (date, gender, country, level word, UUID) is never guessed: in a
// required attribute it rejects the login with an *AttributeError, in an
// optional one it is left unset and listed in Identity.InvalidAttributes
// ([MapAttributesLenient]); [MapAttributes] rejects every one. Use
// Identity.Level (the lower of the stated levels) for authorisation
// decisions and each Claim's Level for attribute-specific ones: an e-mail
// address at level Basisregistrierung was not verified by the eID card.
// A temporary login is marked by Identity.Temporary (explicit, opt-in at
// the protocol adapter), never by an empty Subject alone; key users with
// Identity.StableSubject and never fall back to NameID, which is transient
// at BundID. Identity, Person, Organisation, Attribute and Claim hold
// personal data: Identity.LogValue and every fmt verb print a redacted
// summary, and no error of this module contains attribute values.
package account
