package account

import (
	"strconv"
	"strings"
	"time"

	"github.com/egosaar/ozg/internal/uuidfmt"
)

// MapAttributes fills the typed fields of id (Person, Organisation,
// AssertionProvedBy, MFA, MailboxHandle, ApplicationID, Version, QAALevel)
// from attrs, keyed by attribute Name. It uses id.Provider to pick the
// catalogue: ProviderMUK maps the ELSTER names, every other provider the
// AKDB URNs (BundID §6). FriendlyName is never consulted.
//
// A value that violates its specification (birth date not YYYY-MM-DD,
// gender not ISO 5218, country not ISO 3166-1 alpha-2, mfa not a boolean,
// unknown level word) yields an *AttributeError and leaves id unchanged.
func MapAttributes(id *Identity, attrs map[string]Attribute) error {
	m := mapper{attrs: attrs}
	out := *id
	out.Attributes = attrs
	if id.Provider == ProviderMUK {
		if err := m.muk(&out); err != nil {
			return err
		}
	} else if err := m.akdb(&out); err != nil {
		return err
	}
	*id = out
	return nil
}

type mapper struct {
	attrs map[string]Attribute
}

func (m mapper) str(name string) Claim[string] {
	a, ok := m.attrs[name]
	if !ok || len(a.Values) == 0 {
		return Claim[string]{}
	}
	return Claim[string]{Value: a.Values[0], Level: a.Level, Set: true}
}

func (m mapper) akdb(id *Identity) error {
	p := &Person{
		GivenNames:          m.str(AttrGivenName),
		FamilyName:          m.str(AttrSurname),
		BirthName:           m.str(AttrBirthName),
		Title:               m.str(AttrPersonalTitle),
		PlaceOfBirth:        m.str(AttrPlaceOfBirth),
		DocumentType:        m.str(AttrDocumentType),
		Email:               m.str(AttrMail),
		Phone:               m.str(AttrTelephoneNumber),
		DeMail:              m.str(AttrDeMail),
		CommunityID:         m.str(AttrCommunityID),
		Pseudonym:           m.str(AttrPseudonym),
		EIDASIssuingCountry: m.str(AttrEIDASIssuingCountry),
		Address: Address{
			Street:     m.str(AttrPostalAddress),
			PostalCode: m.str(AttrPostalCode),
			Locality:   m.str(AttrLocality),
		},
	}
	var err error
	if p.BirthDate, err = m.isoDate(AttrBirthdate); err != nil {
		return err
	}
	if p.Gender, err = m.gender(AttrGender); err != nil {
		return err
	}
	if p.Address.Country, err = m.country(AttrCountry); err != nil {
		return err
	}
	if p.EIDASIssuingCountry.Set {
		if _, err := normaliseCountry(p.EIDASIssuingCountry.Value); err != nil {
			return &AttributeError{Name: AttrEIDASIssuingCountry, Reason: "not an ISO 3166-1 alpha-2 code"}
		}
	}
	p.Nationality = m.str(AttrNationality)
	if p.Nationality.Set && p.Nationality.Value != "" && !isUpperAlpha(p.Nationality.Value, 1, 3) {
		return &AttributeError{Name: AttrNationality, Reason: "not an ICAO nationality code"}
	}
	// BundID §6.2: old ID cards leave nationality empty; the holder of a
	// German ID card ("ID") is German.
	if (!p.Nationality.Set || p.Nationality.Value == "") && p.DocumentType.Set && p.DocumentType.Value == "ID" {
		p.Nationality = Claim[string]{Value: "D", Level: p.DocumentType.Level, Set: true}
	}
	if p.Email.Set && !strings.Contains(p.Email.Value, "@") {
		return &AttributeError{Name: AttrMail, Reason: "not an e-mail address"}
	}
	if qaa := m.str(AttrQAALevel); qaa.Set {
		l, err := ParseSTORK(qaa.Value)
		if err != nil {
			return &AttributeError{Name: AttrQAALevel, Reason: "not a STORK-QAA level"}
		}
		id.QAALevel = l
	}
	if mfa := m.str(AttrMFA); mfa.Set {
		b, err := strconv.ParseBool(mfa.Value)
		if err != nil || (mfa.Value != "true" && mfa.Value != "false") {
			return &AttributeError{Name: AttrMFA, Reason: `not "true" or "false"`}
		}
		id.MFA = Claim[bool]{Value: b, Level: mfa.Level, Set: true}
	}
	id.AssertionProvedBy = m.str(AttrAssertionProvedBy)
	id.MailboxHandle = m.str(AttrPostkorbHandle)
	id.ApplicationID = m.str(AttrApplicationID)
	id.Version = m.str(AttrVersion)
	if id.MailboxHandle.Set && !uuidfmt.Valid(id.MailboxHandle.Value) {
		return &AttributeError{Name: AttrPostkorbHandle, Reason: "not a UUID"}
	}
	if id.ApplicationID.Set && !uuidfmt.Valid(id.ApplicationID.Value) {
		return &AttributeError{Name: AttrApplicationID, Reason: "not a UUID"}
	}
	if personPresent(p) {
		id.Person = p
	}
	return nil
}

func personPresent(p *Person) bool {
	return p.GivenNames.Set || p.FamilyName.Set || p.BirthName.Set || p.BirthDate.Set || p.Gender.Set ||
		p.Email.Set || p.Phone.Set || p.Address.Street.Set || p.Address.Locality.Set || p.Address.PostalCode.Set ||
		p.Address.Country.Set || p.Nationality.Set || p.PlaceOfBirth.Set || p.Title.Set || p.DocumentType.Set ||
		p.DeMail.Set || p.CommunityID.Set || p.Pseudonym.Set || p.EIDASIssuingCountry.Set
}

func (m mapper) isoDate(name string) (Claim[Date], error) {
	c := m.str(name)
	if !c.Set {
		return Claim[Date]{}, nil
	}
	t, err := time.Parse(time.DateOnly, c.Value)
	if err != nil || len(c.Value) != 10 {
		return Claim[Date]{}, &AttributeError{Name: name, Reason: "not an ISO 8601 date YYYY-MM-DD"}
	}
	return Claim[Date]{Value: Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, Level: c.Level, Set: true}, nil
}

func (m mapper) gender(name string) (Claim[Gender], error) {
	c := m.str(name)
	if !c.Set {
		return Claim[Gender]{}, nil
	}
	var g Gender
	switch c.Value {
	case "0":
		g = GenderNotKnown
	case "1":
		g = GenderMale
	case "2":
		g = GenderFemale
	case "9":
		g = GenderNotApplicable
	default:
		return Claim[Gender]{}, &AttributeError{Name: name, Reason: "not an ISO 5218 code (0, 1, 2, 9)"}
	}
	return Claim[Gender]{Value: g, Level: c.Level, Set: true}, nil
}

func (m mapper) country(name string) (Claim[string], error) {
	c := m.str(name)
	if !c.Set {
		return c, nil
	}
	v, err := normaliseCountry(c.Value)
	if err != nil {
		return Claim[string]{}, &AttributeError{Name: name, Reason: "not an ISO 3166-1 alpha-2 code"}
	}
	c.Value = v
	return c, nil
}

// normaliseCountry maps BundID's "D" (from eID and eIDAS, §6.2) to "DE"
// and accepts ISO 3166-1 alpha-2 codes in upper case.
func normaliseCountry(v string) (string, error) {
	if v == "D" {
		return "DE", nil
	}
	if !isUpperAlpha(v, 2, 2) {
		return "", ErrInvalidAttribute
	}
	return v, nil
}

func isUpperAlpha(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func (m mapper) muk(id *Identity) error {
	o := &Organisation{
		PersTyp:         m.str(MUKPersTyp),
		Firmenname:      m.str(MUKFirmenname),
		Rechtsform:      m.str(MUKRechtsform),
		RechtsformText:  m.str(MUKRechtsformText),
		Taetigkeit:      m.str(MUKTaetigkeit),
		TaetigkeitText:  m.str(MUKTaetigkeitText),
		Registernummer:  m.str(MUKRegisternummer),
		Registerart:     m.str(MUKRegisterart),
		Registergericht: m.str(MUKRegistergericht),
		DatenkranzTyp:   m.str(MUKDatenkranzTyp),
		PseudonymID:     m.str(MUKDatenuebermittlerPseudonymID),
	}
	if o.PersTyp.Set && o.PersTyp.Value != "NatPers" && o.PersTyp.Value != "NNatPers" {
		return &AttributeError{Name: MUKPersTyp, Reason: "not NatPers or NNatPers"}
	}
	if o.Rechtsform.Set && (len(o.Rechtsform.Value) != 3 || strings.Trim(o.Rechtsform.Value, "0123456789") != "") {
		return &AttributeError{Name: MUKRechtsform, Reason: "not a 3-digit ELSTER code"}
	}
	for _, lv := range []struct {
		name string
		dst  *Claim[Level]
	}{{MUKVertrauensniveauIdent, &o.IdentificationLevel}, {MUKVertrauensniveauAuthentifiz, &o.AuthenticationLevel}} {
		if c := m.str(lv.name); c.Set {
			l, err := ParseMUKLevel(c.Value)
			if err != nil {
				return &AttributeError{Name: lv.name, Reason: "not a MUK level word"}
			}
			*lv.dst = Claim[Level]{Value: l, Level: c.Level, Set: true}
		}
	}
	if a, ok := m.attrs[MUKUnternehmensanschrift]; ok && len(a.Fields) > 0 {
		f := a.Fields[0]
		o.Address = MUKAddress{Typ: f["Typ"], Strasse: f["Strasse"], Hausnummer: f["Hausnummer"], PLZ: f["PLZ"],
			Ort: f["Ort"], Ortsteil: f["Ortsteil"], Adressergaenzung: f["Adressergaenzung"], Land: f["Land"], Set: true}
		if o.Address.Typ != "" && o.Address.Typ != "INLAND" && o.Address.Typ != "AUSLAND" {
			return &AttributeError{Name: MUKUnternehmensanschrift, Reason: "Typ not INLAND or AUSLAND"}
		}
	}
	if a, ok := m.attrs[MUKHandelndePerson]; ok && len(a.Fields) > 0 {
		f := a.Fields[0]
		p := &Person{}
		set := func(v string) Claim[string] {
			if v == "" {
				return Claim[string]{}
			}
			return Claim[string]{Value: v, Level: a.Level, Set: true}
		}
		p.GivenNames = set(f["Vorname"])
		fam := f["Nachname"]
		if v := f["Namensvorsatz"]; v != "" && fam != "" {
			fam = v + " " + fam
		}
		p.FamilyName = set(fam)
		p.Title = set(f["AkademischerGrad"])
		if v := f["Geburtsdatum"]; v != "" {
			// ELSTER writes dd.MM.yyyy.
			t, err := time.Parse("02.01.2006", v)
			if err != nil || len(v) != 10 {
				return &AttributeError{Name: MUKHandelndePerson, Reason: "Geburtsdatum not dd.MM.yyyy"}
			}
			p.BirthDate = Claim[Date]{Value: Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, Level: a.Level, Set: true}
		}
		id.Person = p
	}
	id.Organisation = o
	return nil
}
