package account

// Attribute Name URNs of the AKDB platform (BundID, BayernID), from the
// Schnittstellenbeschreibung BundID 10.2.0.0 §6 (NameFormat
// urn:oasis:names:tc:SAML:2.0:attrname-format:uri). Attributes are mapped by
// these Names only, never by FriendlyName (§6: "darf … nicht das XML Attribut
// FriendlyName verwendet werden").
const (
	AttrGivenName           = "urn:oid:2.5.4.42"                             // givenName, Vorname(n)
	AttrSurname             = "urn:oid:2.5.4.4"                              // surname, Nachname
	AttrMail                = "urn:oid:0.9.2342.19200300.100.1.3"            // mail
	AttrPostalAddress       = "urn:oid:2.5.4.16"                             // postalAddress: street and number
	AttrPostalCode          = "urn:oid:2.5.4.17"                             // postalCode
	AttrLocality            = "urn:oid:2.5.4.7"                              // localityName, Wohnort
	AttrCountry             = "urn:oid:1.2.40.0.10.2.1.1.225599"             // country (ISO 3166-1 alpha-2, "D" → "DE")
	AttrPersonalTitle       = "urn:oid:0.9.2342.19200300.100.1.40"           // personalTitle, akademischer Titel
	AttrGender              = "urn:oid:1.3.6.1.4.1.33592.1.3.5"              // gender (ISO 5218)
	AttrBirthdate           = "urn:oid:1.2.40.0.10.2.1.1.55"                 // birthdate (YYYY-MM-DD)
	AttrPlaceOfBirth        = "urn:oid:1.3.6.1.5.5.7.9.2"                    // placeOfBirth
	AttrIssuingState        = "urn:oid:1.2.40.0.10.2.1.1.552244"             // issuingState (not supported since 02/2019)
	AttrBirthName           = "urn:oid:1.2.40.0.10.2.1.1.225566"             // birthName
	AttrNationality         = "urn:oid:1.2.40.0.10.2.1.1.225577"             // nationality (ICAO, Germany "D")
	AttrDocumentType        = "urn:oid:1.2.40.0.10.2.1.1.552255"             // documentType (TR-03127)
	AttrDeMail              = "urn:oid:1.3.6.1.4.1.55605.70737875.1.1.1.7.1" // DeMail
	AttrTelephoneNumber     = "urn:oid:2.5.4.20"                             // telephoneNumber
	AttrEIDASIssuingCountry = "urn:oid:1.3.6.1.4.1.25484.494450.10.1"        // eIDAS-Issuing-Country
	AttrCommunityID         = "urn:oid:1.3.6.1.4.1.25484.494450.5"           // communityId, Wohnort-ID
	AttrBPK                 = "urn:oid:1.2.40.0.10.2.1.1.149"                // bPK (deprecated)
	AttrBPK2                = "urn:oid:1.3.6.1.4.1.25484.494450.3"           // bPK2: stable per-SP pseudonym
	AttrQAALevel            = "urn:oid:1.2.40.0.10.2.1.1.261.94"             // EID-CITIZEN-QAA-LEVEL
	AttrVersion             = "urn:oid:1.3.6.1.4.1.25484.494450.1"           // Version (CalVer)
	AttrAssertionProvedBy   = "urn:oid:1.3.6.1.4.1.25484.494450.2"           // AssertionProvedBy
	AttrPostkorbHandle      = "urn:oid:2.5.4.18"                             // legacyPostkorbHandle (mailbox)
	AttrApplicationID       = "urn:oid:1.3.6.1.4.1.25484.494450.4"           // applicationId
	AttrPseudonym           = "urn:oid:1.2.40.0.10.2.1.1.226699"             // pseudonym (not stable)
	AttrMFA                 = "urn:oid:1.3.6.1.4.1.25484.494450.7"           // mfa ("true"/"false")
)

// Attribute names of Mein Unternehmenskonto (ELSTER NEZO). MUK uses plain
// names, not URNs.
const (
	MUKPersTyp                      = "PersTyp"
	MUKFirmenname                   = "Firmenname"
	MUKRechtsform                   = "Rechtsform"
	MUKRechtsformText               = "RechtsformText"
	MUKTaetigkeit                   = "Taetigkeit"
	MUKTaetigkeitText               = "TaetigkeitText"
	MUKRegisternummer               = "Registernummer"
	MUKRegisterart                  = "Registerart"
	MUKRegistergericht              = "Registergericht"
	MUKDatenkranzTyp                = "DatenkranzTyp"
	MUKDatenuebermittlerPseudonymID = "DatenuebermittlerPseudonymId"
	MUKVertrauensniveauIdent        = "ElsterVertrauensniveauIdentifizierung"
	MUKVertrauensniveauAuthentifiz  = "ElsterVertrauensniveauAuthentifizierung"
	MUKHandelndePerson              = "HandelndePerson"
	MUKUnternehmensanschrift        = "Unternehmensanschrift"
)

// Attribute is one verified SAML attribute as the identity provider sent it.
type Attribute struct {
	Name         string   // the Name (URN for BundID); the only key used for mapping
	NameFormat   string   // e.g. urn:oasis:names:tc:SAML:2.0:attrname-format:uri
	FriendlyName string   // informational only; never used for mapping
	Values       []string // text values, NFC-normalised
	// Fields holds structured values (MUK HandelndePerson,
	// Unternehmensanschrift): one map per AttributeValue, child element
	// local name → text.
	Fields []map[string]string
	// Level is the per-attribute trust level (akdb:TrustLevel);
	// LevelUnknown when the IdP did not state one.
	Level Level
}

// Value returns the first value or "".
func (a Attribute) Value() string {
	if len(a.Values) == 0 {
		return ""
	}
	return a.Values[0]
}
