package account

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ProviderKind names the kind of service account an identity comes from.
// (It was called Provider before; renamed so that it does not read like
// payprovider.Provider, which is an interface.)
type ProviderKind string

// Provider kinds known to this package. A generic SAML identity provider
// uses ProviderSAML.
const (
	ProviderBundID   ProviderKind = "bundid"   // Nutzerkonto Bund (BundID)
	ProviderBayernID ProviderKind = "bayernid" // BayernID (same AKDB platform)
	ProviderMUK      ProviderKind = "muk"      // Mein Unternehmenskonto (ELSTER NEZO)
	ProviderSAML     ProviderKind = "saml"     // any other SAML 2.0 identity provider
)

// Identity is the verified result of a login. It is built only from the
// signed (and decrypted) assertion.
//
// Identity holds personal data: do not log it. Its LogValue prints only the
// provider, level and a fingerprint of the subject, keyed per process
// (redact.LogFingerprint): log lines of one process correlate, and the
// subject cannot be recovered from them by a dictionary. Every fmt verb
// (%v, %+v, %#v, %s, %q) prints the same redacted summary ([Identity.Format]).
//
// # Stable and temporary logins
//
// An Identity is either stable or temporary, and the two are told apart by
// the explicit field Temporary, never by an empty string:
//
//   - Temporary == false: Subject is the stable, non-empty identifier of the
//     user at this service. Key accounts on (Issuer, Subject), or use
//     [Identity.StableSubject].
//   - Temporary == true: the IdP sent no stable identifier (a BundID
//     "Temporär Login", or only a transient NameID). Subject is empty; the
//     login proves who is at the keyboard now and nothing about any later
//     visit. The SAML service provider returns such an identity only when
//     the application opted in (saml.Config.AllowTemporaryLogin); otherwise
//     the login fails.
//
// [Identity.Validate] checks this invariant; code that receives an Identity
// from elsewhere (a session store, a test) should call it.
type Identity struct {
	Provider ProviderKind
	Issuer   string // entityID of the identity provider

	// Subject is the stable identifier of the user at this service: bPK2
	// for BundID/BayernID, the persistent NameID for MUK and generic IdPs.
	// It is non-empty exactly when Temporary is false. Never use NameID
	// instead: it is transient at BundID.
	Subject string
	// Temporary reports a login without a stable subject: a BundID guest
	// login without account ("Temporär Login", BundID §5.3) or a generic
	// IdP's transient NameID. It is set only when the application allowed
	// such logins; Subject is empty then.
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

	// InvalidAttributes lists the optional attributes whose value did not
	// parse (an unknown level word, an empty or malformed date, gender or
	// country), sorted by Name. Their typed fields are left unset; the raw
	// attribute stays in Attributes. A required attribute that does not
	// parse fails the login instead. The entries name the attribute and
	// the rule, never the value.
	InvalidAttributes []AttributeError
}

// StableSubject returns Subject and true for a stable login, and "" and
// false for a temporary one (or an Identity that breaks the invariant of
// [Identity.Validate]). Use it where an application keys its users.
func (id *Identity) StableSubject() (string, bool) {
	if id == nil || id.Temporary || id.Subject == "" {
		return "", false
	}
	return id.Subject, true
}

// ErrInvalidIdentity reports an Identity that breaks the stable/temporary
// invariant (see [Identity.Validate]).
var ErrInvalidIdentity = errors.New("account: invalid identity")

// Validate checks the invariant every Identity built by this module keeps:
// a provider kind and issuer are set, a valid Level, and either Temporary
// is false and Subject is non-empty, or Temporary is true and Subject is
// empty. It returns an error wrapping ErrInvalidIdentity otherwise.
func (id *Identity) Validate() error {
	switch {
	case id == nil:
		return fmt.Errorf("%w: nil", ErrInvalidIdentity)
	case id.Provider == "" || id.Issuer == "":
		return fmt.Errorf("%w: provider and issuer are required", ErrInvalidIdentity)
	case !id.Level.Valid():
		return fmt.Errorf("%w: no valid level", ErrInvalidIdentity)
	case !id.Temporary && id.Subject == "":
		return fmt.Errorf("%w: stable login without subject", ErrInvalidIdentity)
	case id.Temporary && id.Subject != "":
		return fmt.Errorf("%w: temporary login with subject", ErrInvalidIdentity)
	}
	return nil
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
		slog.Int("invalid_attributes", len(id.InvalidAttributes)),
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
