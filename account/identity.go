package account

import (
	"log/slog"
	"time"
)

// Provider names the kind of service account an identity comes from.
type Provider string

// Providers known to this package. A generic SAML identity provider uses
// ProviderSAML.
const (
	ProviderBundID   Provider = "bundid"   // Nutzerkonto Bund (BundID)
	ProviderBayernID Provider = "bayernid" // BayernID (same AKDB platform)
	ProviderMUK      Provider = "muk"      // Mein Unternehmenskonto (ELSTER NEZO)
	ProviderSAML     Provider = "saml"     // any other SAML 2.0 identity provider
)

// Identity is the verified result of a login. It is built only from the
// signed (and decrypted) assertion.
//
// Identity holds personal data: do not log it. Its LogValue prints only the
// provider, level and a fingerprint of the subject, keyed per process
// (redact.LogFingerprint): log lines of one process correlate, and the
// subject cannot be recovered from them by a dictionary.
type Identity struct {
	Provider Provider
	Issuer   string // entityID of the identity provider

	// Subject is the stable identifier of the user at this service: bPK2
	// for BundID/BayernID, the persistent NameID for MUK and generic IdPs.
	// It is empty for a temporary login (BundID "Temporär Login") and when
	// the IdP sent no stable identifier; never use NameID then.
	Subject string
	// Temporary reports a BundID guest login without account (§5.3),
	// inferred from the absence of both bPK2 and the mailbox handle when
	// at least one of them was requested (the IdP marks it no other way).
	Temporary bool

	NameID       string // NameID as sent (transient for BundID)
	NameIDFormat string
	SessionIndex string

	// Level is the effective authentication level: the lower of
	// AuthnContextLevel and QAALevel when both are present.
	Level               Level
	AuthnContextLevel   Level // from AuthnStatement/AuthnContextClassRef
	QAALevel            Level // from attribute EID-CITIZEN-QAA-LEVEL; LevelUnknown if absent
	AuthenticatedAt     time.Time
	SessionNotOnOrAfter time.Time // zero if the IdP did not limit the session

	AssertionProvedBy Claim[string] // eID, Elster, Benutzername, eIDAS, FINK, …
	MFA               Claim[bool]
	MailboxHandle     Claim[string] // legacyPostkorbHandle (Postkorb-Handle)
	ApplicationID     Claim[string] // applicationId
	Version           Claim[string] // attribute schema version (CalVer)

	Person       *Person       // natural person attributes; nil if none were sent
	Organisation *Organisation // MUK company attributes; nil otherwise

	// Attributes are all verified attributes by Name, including those the
	// typed fields above were mapped from.
	Attributes map[string]Attribute
}

// LogValue implements slog.LogValuer without personal data.
func (id *Identity) LogValue() slog.Value {
	if id == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("provider", string(id.Provider)),
		slog.String("level", id.Level.String()),
		slog.Bool("temporary", id.Temporary),
		slog.String("subject_fp", fingerprint(id.Subject)),
	)
}

// Claim is one typed attribute value with its own trust level.
type Claim[T any] struct {
	Value T
	Level Level // akdb:TrustLevel; LevelUnknown when not stated
	Set   bool  // the IdP sent the attribute
}

// Gender is the ISO/IEC 5218 code BundID sends in attribute gender
// (Anrede).
type Gender int

// ISO/IEC 5218 codes.
const (
	GenderNotKnown      Gender = 0
	GenderMale          Gender = 1
	GenderFemale        Gender = 2
	GenderNotApplicable Gender = 9
)

// String returns "not known", "male", "female" or "not applicable".
func (g Gender) String() string {
	switch g {
	case GenderNotKnown:
		return "not known"
	case GenderMale:
		return "male"
	case GenderFemale:
		return "female"
	case GenderNotApplicable:
		return "not applicable"
	}
	return "invalid"
}

// Date is a calendar date without time zone (birth date).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// Address is a postal address; every part has its own trust level.
type Address struct {
	Street     Claim[string] // street and house number in one value (postalAddress)
	PostalCode Claim[string]
	Locality   Claim[string]
	// Country is ISO 3166-1 alpha-2; BundID's "D" from eID/eIDAS is
	// normalised to "DE".
	Country Claim[string]
}

// Person holds the attributes of a natural person (BundID, BayernID and the
// acting person of a MUK login).
type Person struct {
	GivenNames          Claim[string]
	FamilyName          Claim[string]
	BirthName           Claim[string]
	Title               Claim[string] // academic title (personalTitle)
	BirthDate           Claim[Date]
	PlaceOfBirth        Claim[string]
	Gender              Claim[Gender]
	Nationality         Claim[string] // ICAO code as sent, Germany = "D"
	DocumentType        Claim[string] // TR-03127 document type, e.g. "ID"
	Email               Claim[string]
	Phone               Claim[string]
	DeMail              Claim[string]
	Address             Address
	CommunityID         Claim[string] // Wohnort-ID (eID DG18)
	EIDASIssuingCountry Claim[string]
	// Pseudonym is not stable; unique only together with AssertionProvedBy.
	Pseudonym Claim[string]
}

// Organisation holds the company attributes of a Mein Unternehmenskonto
// login.
type Organisation struct {
	PersTyp         Claim[string] // NatPers or NNatPers
	Firmenname      Claim[string]
	Rechtsform      Claim[string] // 3-digit ELSTER code
	RechtsformText  Claim[string]
	Taetigkeit      Claim[string]
	TaetigkeitText  Claim[string]
	Registernummer  Claim[string]
	Registerart     Claim[string] // HRA, HRB, VR, GR, PR
	Registergericht Claim[string]
	DatenkranzTyp   Claim[string]
	// PseudonymID is DatenuebermittlerPseudonymId, the per-SP pseudonymous
	// organisation ID (prefix "du-").
	PseudonymID Claim[string]
	// IdentificationLevel and AuthenticationLevel are
	// ElsterVertrauensniveauIdentifizierung/-Authentifizierung.
	IdentificationLevel Claim[Level]
	AuthenticationLevel Claim[Level]
	Address             MUKAddress
}

// MUKAddress is the structured Unternehmensanschrift of a MUK login.
type MUKAddress struct {
	Typ              string // INLAND or AUSLAND
	Strasse          string
	Hausnummer       string
	PLZ              string
	Ort              string
	Ortsteil         string
	Adressergaenzung string
	Land             string
	Set              bool
}
