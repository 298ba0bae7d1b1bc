package accounttest

import (
	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
)

// Attribute is one attribute the simulated IdP can release.
type Attribute struct {
	Name         string
	FriendlyName string
	Value        string
	// Fields makes a structured value (MUK HandelndePerson,
	// Unternehmensanschrift): child element local name → text, written in
	// the ekona namespace.
	Fields map[string]string
	// TrustLevel is written as akdb:TrustLevel (BundID mode); "" omits it.
	TrustLevel string
}

// User is the account that logs in at the simulated IdP.
type User struct {
	// NameID is sent as NameID (transient for BundID, persistent for MUK).
	NameID string
	// Method is the authentication method (BundID: akdb method name).
	Method saml.AuthnMethod
	// Level is the authentication level (AuthnContextClassRef and
	// EID-CITIZEN-QAA-LEVEL).
	Level account.Level
	// Temporary simulates BundID's "Temporär Login": no bPK2, no
	// mailbox handle.
	Temporary  bool
	Attributes []Attribute
}

// Erika is the BundID test citizen: eID login (STORK-QAA-Level-4) with the
// attributes of a German ID card and the account attributes. Values follow
// the BundID example responses (§10.2). Every call returns a fresh copy.
func Erika() User {
	h := "HOCH"
	return User{
		NameID: "AAdzZWNyZXQxYNFGBLfaAabsJ1hoQiDlT8Nn1Tk7Wfzp", Method: saml.MethodEID, Level: account.LevelHoch,
		Attributes: []Attribute{
			{Name: account.AttrBPK2, FriendlyName: "bPK2", Value: "1af2e3a5b0c64a0a9c0b5e2e6b2f8d7c4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d", TrustLevel: h},
			{Name: account.AttrGivenName, FriendlyName: "givenName", Value: "ERIKA", TrustLevel: h},
			{Name: account.AttrSurname, FriendlyName: "surname", Value: "MUSTERMANN", TrustLevel: h},
			{Name: account.AttrBirthName, FriendlyName: "birthName", Value: "GABLER", TrustLevel: h},
			{Name: account.AttrBirthdate, FriendlyName: "birthdate", Value: "1964-08-12", TrustLevel: h},
			{Name: account.AttrPlaceOfBirth, FriendlyName: "placeOfBirth", Value: "BERLIN", TrustLevel: h},
			{Name: account.AttrPostalAddress, FriendlyName: "postalAddress", Value: "HEIDESTRASSE 17", TrustLevel: h},
			{Name: account.AttrPostalCode, FriendlyName: "postalCode", Value: "51147", TrustLevel: h},
			{Name: account.AttrLocality, FriendlyName: "localityName", Value: "KÖLN", TrustLevel: h},
			{Name: account.AttrCountry, FriendlyName: "country", Value: "D", TrustLevel: h},
			{Name: account.AttrNationality, FriendlyName: "nationality", Value: "D", TrustLevel: h},
			{Name: account.AttrDocumentType, FriendlyName: "documentType", Value: "ID", TrustLevel: h},
			{Name: account.AttrGender, FriendlyName: "gender", Value: "2", TrustLevel: "UNTERGEORDNET"},
			{Name: account.AttrMail, FriendlyName: "mail", Value: "erika.mustermann@example.org", TrustLevel: "NORMAL"},
			{Name: account.AttrTelephoneNumber, FriendlyName: "telephoneNumber", Value: "+4922112345678", TrustLevel: "UNTERGEORDNET"},
			{Name: account.AttrPostkorbHandle, FriendlyName: "legacyPostkorbHandle", Value: "4f0c5b6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f"},
			{Name: account.AttrApplicationID, FriendlyName: "applicationId", Value: "8d5e2a1c-3b4f-4e6d-a7c8-9b0a1f2e3d4c"},
			{Name: account.AttrAssertionProvedBy, FriendlyName: "AssertionProvedBy", Value: "eID"},
			{Name: account.AttrMFA, FriendlyName: "mfa", Value: "true"},
			{Name: account.AttrVersion, FriendlyName: "Version", Value: "2020.2.1"},
		},
	}
}

// Max is the MUK test user: a company (NNatPers) acting through Max
// Mustermann, ELSTER certificate (substanziell).
func Max() User {
	return User{
		NameID: "du-7b2f4c1e9a8d4e3b", Method: saml.MethodElster, Level: account.LevelSubstanziell,
		Attributes: []Attribute{
			{Name: account.MUKPersTyp, Value: "NNatPers"},
			{Name: account.MUKFirmenname, Value: "Musterbau GmbH"},
			{Name: account.MUKRechtsform, Value: "310"},
			{Name: account.MUKRechtsformText, Value: "Gesellschaft mit beschränkter Haftung"},
			{Name: account.MUKRegisternummer, Value: "HRB 12345"},
			{Name: account.MUKRegisterart, Value: "HRB"},
			{Name: account.MUKRegistergericht, Value: "Amtsgericht Köln"},
			{Name: account.MUKDatenkranzTyp, Value: "StNr-Datenkranz"},
			{Name: account.MUKDatenuebermittlerPseudonymID, Value: "du-7b2f4c1e9a8d4e3b"},
			{Name: account.MUKVertrauensniveauIdent, Value: "SUBSTANZIELL"},
			{Name: account.MUKVertrauensniveauAuthentifiz, Value: "SUBSTANZIELL"},
			{Name: account.MUKHandelndePerson, Fields: map[string]string{"Vorname": "Max", "Nachname": "Mustermann", "Geburtsdatum": "01.02.1970"}},
			{Name: account.MUKUnternehmensanschrift, Fields: map[string]string{"Typ": "INLAND", "Strasse": "Hauptstraße", "Hausnummer": "1", "PLZ": "50667", "Ort": "Köln", "Land": "DE"}},
		},
	}
}
