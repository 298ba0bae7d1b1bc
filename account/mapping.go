package account

import (
	"slices"
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
// MapAttributes is strict: a value that violates its specification (birth
// date not YYYY-MM-DD, gender not ISO 5218, country not ISO 3166-1
// alpha-2, mfa not a boolean, unknown level word) yields an
// *AttributeError and leaves id unchanged. [MapAttributesLenient] reports
// malformed optional attributes on the Identity instead.
func MapAttributes(id *Identity, attrs map[string]Attribute) error {
	out, errs := mapAll(id, attrs)
	if len(errs) > 0 {
		return &errs[0]
	}
	*id = out
	return nil
}

// MapAttributesLenient maps like [MapAttributes], but an attribute whose
// value does not parse blocks the login only when its Name is in
// required: every other malformed attribute is left unset in the typed
// fields and listed in id.InvalidAttributes (sorted by Name), so that a
// citizen is not turned away for an optional value the application may
// not even use. It returns the *AttributeError of the first malformed
// required attribute (by Name) and leaves id unchanged then. It does not
// check that required attributes are present; see [RequireAttributes].
func MapAttributesLenient(id *Identity, attrs map[string]Attribute, required []string) error {
	out, errs := mapAll(id, attrs)
	for i := range errs {
		if slices.Contains(required, errs[i].Name) {
			return &errs[i]
		}
	}
	out.InvalidAttributes = append(out.InvalidAttributes, errs...)
	*id = out
	return nil
}

// RequireAttributes returns a *AttributeError (Missing, wrapping
// ErrMissingAttribute) for the first Name of required, in order, that
// attrs lacks or holds without any value.
func RequireAttributes(attrs map[string]Attribute, required []string) error {
	for _, n := range required {
		if a, ok := attrs[n]; !ok || (len(a.Values) == 0 && len(a.Fields) == 0) {
			return MissingAttribute(n)
		}
	}
	return nil
}

// mapAll maps attrs onto a copy of id and returns every malformed
// attribute, sorted by Name (one entry per Name).
func mapAll(id *Identity, attrs map[string]Attribute) (Identity, []AttributeError) {
	m := &mapper{attrs: attrs}
	out := *id
	out.Attributes = attrs
	if id.Provider == ProviderMUK {
		m.muk(&out)
	} else {
		m.akdb(&out)
	}
	slices.SortFunc(m.errs, func(a, b AttributeError) int { return strings.Compare(a.Name, b.Name) })
	m.errs = slices.CompactFunc(m.errs, func(a, b AttributeError) bool { return a.Name == b.Name })
	return out, m.errs
}

type mapper struct {
	attrs map[string]Attribute
	errs  []AttributeError
}

func (m *mapper) fail(name, reason string) {
	m.errs = append(m.errs, AttributeError{Name: name, Reason: reason})
}

func (m *mapper) str(name string) Claim[string] {
	a, ok := m.attrs[name]
	if !ok || len(a.Values) == 0 {
		return Claim[string]{}
	}
	return Claim[string]{Value: a.Values[0], Level: a.Level, Set: true}
}

func (m *mapper) akdb(id *Identity) {
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
	p.BirthDate = m.isoDate(AttrBirthdate)
	p.Gender = m.gender(AttrGender)
	p.Address.Country = m.country(AttrCountry)
	if p.EIDASIssuingCountry.Set {
		if _, err := normaliseCountry(p.EIDASIssuingCountry.Value); err != nil {
			m.fail(AttrEIDASIssuingCountry, "not an ISO 3166-1 alpha-2 code")
			p.EIDASIssuingCountry = Claim[string]{}
		}
	}
	p.Nationality = m.str(AttrNationality)
	if p.Nationality.Set && p.Nationality.Value != "" && !isUpperAlpha(p.Nationality.Value, 1, 3) {
		m.fail(AttrNationality, "not an ICAO nationality code")
		p.Nationality = Claim[string]{}
	}
	// BundID §6.2: old ID cards leave nationality empty; the holder of a
	// German ID card ("ID") is German.
	if (!p.Nationality.Set || p.Nationality.Value == "") && p.DocumentType.Set && p.DocumentType.Value == "ID" {
		p.Nationality = Claim[string]{Value: "D", Level: p.DocumentType.Level, Set: true}
	}
	if p.Email.Set && !strings.Contains(p.Email.Value, "@") {
		m.fail(AttrMail, "not an e-mail address")
		p.Email = Claim[string]{}
	}
	if qaa := m.str(AttrQAALevel); qaa.Set {
		if l, err := ParseSTORK(qaa.Value); err != nil {
			m.fail(AttrQAALevel, "not a STORK-QAA level")
		} else {
			id.QAALevel = l
		}
	}
	if mfa := m.str(AttrMFA); mfa.Set {
		if mfa.Value != "true" && mfa.Value != "false" {
			m.fail(AttrMFA, `not "true" or "false"`)
		} else {
			b, _ := strconv.ParseBool(mfa.Value)
			id.MFA = Claim[bool]{Value: b, Level: mfa.Level, Set: true}
		}
	}
	id.AssertionProvedBy = m.str(AttrAssertionProvedBy)
	id.MailboxHandle = m.str(AttrPostkorbHandle)
	id.ApplicationID = m.str(AttrApplicationID)
	id.Version = m.str(AttrVersion)
	if id.MailboxHandle.Set && !uuidfmt.Valid(id.MailboxHandle.Value) {
		m.fail(AttrPostkorbHandle, "not a UUID")
		id.MailboxHandle = Claim[string]{}
	}
	if id.ApplicationID.Set && !uuidfmt.Valid(id.ApplicationID.Value) {
		m.fail(AttrApplicationID, "not a UUID")
		id.ApplicationID = Claim[string]{}
	}
	if personPresent(p) {
		id.Person = p
	}
}

func personPresent(p *Person) bool {
	return p.GivenNames.Set || p.FamilyName.Set || p.BirthName.Set || p.BirthDate.Set || p.Gender.Set ||
		p.Email.Set || p.Phone.Set || p.Address.Street.Set || p.Address.Locality.Set || p.Address.PostalCode.Set ||
		p.Address.Country.Set || p.Nationality.Set || p.PlaceOfBirth.Set || p.Title.Set || p.DocumentType.Set ||
		p.DeMail.Set || p.CommunityID.Set || p.Pseudonym.Set || p.EIDASIssuingCountry.Set
}

func (m *mapper) isoDate(name string) Claim[Date] {
	c := m.str(name)
	if !c.Set {
		return Claim[Date]{}
	}
	t, err := time.Parse(time.DateOnly, c.Value)
	if err != nil || len(c.Value) != 10 {
		m.fail(name, "not an ISO 8601 date YYYY-MM-DD")
		return Claim[Date]{}
	}
	return Claim[Date]{Value: Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, Level: c.Level, Set: true}
}

func (m *mapper) gender(name string) Claim[Gender] {
	c := m.str(name)
	if !c.Set {
		return Claim[Gender]{}
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
		m.fail(name, "not an ISO 5218 code (0, 1, 2, 9)")
		return Claim[Gender]{}
	}
	return Claim[Gender]{Value: g, Level: c.Level, Set: true}
}

func (m *mapper) country(name string) Claim[string] {
	c := m.str(name)
	if !c.Set {
		return c
	}
	v, err := normaliseCountry(c.Value)
	if err != nil {
		m.fail(name, "not an ISO 3166-1 alpha-2 code")
		return Claim[string]{}
	}
	c.Value = v
	return c
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

func (m *mapper) muk(id *Identity) {
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
		m.fail(MUKPersTyp, "not NatPers or NNatPers")
		o.PersTyp = Claim[string]{}
	}
	if o.Rechtsform.Set && (len(o.Rechtsform.Value) != 3 || strings.Trim(o.Rechtsform.Value, "0123456789") != "") {
		m.fail(MUKRechtsform, "not a 3-digit ELSTER code")
		o.Rechtsform = Claim[string]{}
	}
	for _, lv := range []struct {
		name string
		dst  *Claim[Level]
	}{{MUKVertrauensniveauIdent, &o.IdentificationLevel}, {MUKVertrauensniveauAuthentifiz, &o.AuthenticationLevel}} {
		if c := m.str(lv.name); c.Set {
			l, err := ParseMUKLevel(c.Value)
			if err != nil {
				m.fail(lv.name, "not a MUK level word")
				continue
			}
			*lv.dst = Claim[Level]{Value: l, Level: c.Level, Set: true}
		}
	}
	if a, ok := m.attrs[MUKUnternehmensanschrift]; ok && len(a.Fields) > 0 {
		f := a.Fields[0]
		o.Address = MUKAddress{Typ: f["Typ"], Strasse: f["Strasse"], Hausnummer: f["Hausnummer"], PLZ: f["PLZ"],
			Ort: f["Ort"], Ortsteil: f["Ortsteil"], Adressergaenzung: f["Adressergaenzung"], Land: f["Land"], Set: true}
		if o.Address.Typ != "" && o.Address.Typ != "INLAND" && o.Address.Typ != "AUSLAND" {
			m.fail(MUKUnternehmensanschrift, "Typ not INLAND or AUSLAND")
			o.Address = MUKAddress{}
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
				m.fail(MUKHandelndePerson, "Geburtsdatum not dd.MM.yyyy")
			} else {
				p.BirthDate = Claim[Date]{Value: Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, Level: a.Level, Set: true}
			}
		}
		id.Person = p
	}
	id.Organisation = o
}
