package account_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
)

func attrs(kv ...string) map[string]account.Attribute {
	m := map[string]account.Attribute{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = account.Attribute{Name: kv[i], Values: []string{kv[i+1]}, Level: account.LevelHoch}
	}
	return m
}

func TestMapAttributesAKDB(t *testing.T) {
	t.Parallel()
	id := &account.Identity{Provider: account.ProviderBundID}
	err := account.MapAttributes(id, attrs(
		account.AttrGivenName, "ERIKA", account.AttrSurname, "MUSTERMANN", account.AttrBirthdate, "1964-08-12",
		account.AttrGender, "9", account.AttrCountry, "D", account.AttrDocumentType, "ID",
		account.AttrQAALevel, "STORK-QAA-Level-4", account.AttrMFA, "true", account.AttrEIDASIssuingCountry, "AT",
		account.AttrPostkorbHandle, "4f0c5b6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f",
	))
	require.NoError(t, err)
	p := id.Person
	require.NotNil(t, p)
	assert.Equal(t, "1964-08-12", p.BirthDate.Value.String())
	assert.Equal(t, account.GenderNotApplicable, p.Gender.Value)
	assert.Equal(t, "not applicable", p.Gender.Value.String())
	assert.Equal(t, "DE", p.Address.Country.Value)
	// Old ID cards leave nationality empty: holder of "ID" is German.
	assert.Equal(t, "D", p.Nationality.Value)
	assert.Equal(t, account.LevelHoch, id.QAALevel)
	assert.True(t, id.MFA.Value)
	assert.Nil(t, id.Organisation)
}

func TestMapAttributesRejects(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"date dd.mm.yyyy":      {account.AttrBirthdate, "12.08.1964"},
		"date without dashes":  {account.AttrBirthdate, "19640812"},
		"date 30 February":     {account.AttrBirthdate, "1964-02-30"},
		"date with time":       {account.AttrBirthdate, "1964-08-12T00:00:00Z"},
		"date empty":           {account.AttrBirthdate, ""},
		"gender letter":        {account.AttrGender, "w"},
		"gender 3":             {account.AttrGender, "3"},
		"gender padded":        {account.AttrGender, " 2"},
		"country long":         {account.AttrCountry, "DEU"},
		"country lower":        {account.AttrCountry, "de"},
		"country name":         {account.AttrCountry, "Deutschland"},
		"eIDAS country":        {account.AttrEIDASIssuingCountry, "Austria"},
		"nationality digits":   {account.AttrNationality, "276"},
		"mfa yes":              {account.AttrMFA, "yes"},
		"mfa 1":                {account.AttrMFA, "1"},
		"QAA level":            {account.AttrQAALevel, "HOCH"},
		"mailbox not UUID":     {account.AttrPostkorbHandle, "postkorb-1"},
		"application not UUID": {account.AttrApplicationID, "4f0c5b6e-1d2a-4c3b-9e8f-7a6b5c4d3e2g"},
		"mail without at":      {account.AttrMail, "erika.example.org"},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			id := &account.Identity{Provider: account.ProviderBundID, Subject: "keep"}
			err := account.MapAttributes(id, attrs(kv...))
			assert.ErrorIs(t, err, account.ErrInvalidAttribute)
			var ae *account.AttributeError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, kv[0], ae.Name)
			if len(kv[1]) > 3 {
				assert.NotContains(t, err.Error(), kv[1], "no value in error")
			}
			assert.Nil(t, id.Person, "identity unchanged on error")
		})
	}
}

func TestMapAttributesMUK(t *testing.T) {
	t.Parallel()
	m := attrs(account.MUKPersTyp, "NatPers", account.MUKRechtsform, "310", account.MUKVertrauensniveauAuthentifiz, "SUBSTANZIELL")
	m[account.MUKHandelndePerson] = account.Attribute{Name: account.MUKHandelndePerson, Fields: []map[string]string{{"Vorname": "Max", "Nachname": "Mustermann", "Namensvorsatz": "von", "Geburtsdatum": "01.02.1970"}}}
	m[account.MUKUnternehmensanschrift] = account.Attribute{Name: account.MUKUnternehmensanschrift, Fields: []map[string]string{{"Typ": "AUSLAND", "Land": "AT"}}}
	id := &account.Identity{Provider: account.ProviderMUK}
	require.NoError(t, account.MapAttributes(id, m))
	assert.Equal(t, "von Mustermann", id.Person.FamilyName.Value)
	assert.Equal(t, account.LevelSubstanziell, id.Organisation.AuthenticationLevel.Value)
	assert.Equal(t, "AT", id.Organisation.Address.Land)
	for name, mod := range map[string]func(map[string]account.Attribute){
		"PersTyp": func(m map[string]account.Attribute) {
			m[account.MUKPersTyp] = account.Attribute{Values: []string{"Firma"}}
		},
		"Rechtsform": func(m map[string]account.Attribute) {
			m[account.MUKRechtsform] = account.Attribute{Values: []string{"31a"}}
		},
		"level": func(m map[string]account.Attribute) {
			m[account.MUKVertrauensniveauIdent] = account.Attribute{Values: []string{"X"}}
		},
		"birth date": func(m map[string]account.Attribute) {
			m[account.MUKHandelndePerson].Fields[0]["Geburtsdatum"] = "1970-02-01"
		},
		"address type": func(m map[string]account.Attribute) { m[account.MUKUnternehmensanschrift].Fields[0]["Typ"] = "MARS" },
	} {
		t.Run(name, func(t *testing.T) {
			m := attrs(account.MUKPersTyp, "NatPers")
			m[account.MUKHandelndePerson] = account.Attribute{Fields: []map[string]string{{"Vorname": "Max"}}}
			m[account.MUKUnternehmensanschrift] = account.Attribute{Fields: []map[string]string{{"Typ": "INLAND"}}}
			mod(m)
			assert.ErrorIs(t, account.MapAttributes(&account.Identity{Provider: account.ProviderMUK}, m), account.ErrInvalidAttribute)
		})
	}
}

func TestIdentityLogValue(t *testing.T) {
	t.Parallel()
	id := &account.Identity{Provider: account.ProviderBundID, Subject: "secret-bpk2", Level: account.LevelHoch,
		Person: &account.Person{GivenNames: account.Claim[string]{Value: "ERIKA", Set: true}}}
	v := id.LogValue().String()
	assert.NotContains(t, v, "secret-bpk2")
	assert.NotContains(t, v, "ERIKA")
	assert.Contains(t, v, "hoch")
}
