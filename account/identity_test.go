package account_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
)

func personalIdentity() *account.Identity {
	return &account.Identity{Provider: account.ProviderBundID, Issuer: "https://id.bund.de/idp", Subject: "secret-bpk2",
		Level: account.LevelHoch, NameID: "secret-nameid",
		Person: &account.Person{GivenNames: account.Claim[string]{Value: "ERIKA", Set: true},
			Address: account.Address{Street: account.Claim[string]{Value: "Heidestraße 17", Set: true}}},
		Organisation: &account.Organisation{Firmenname: account.Claim[string]{Value: "Musterfirma GmbH", Set: true},
			Address: account.MUKAddress{Strasse: "Musterweg", Set: true}},
		Attributes: map[string]account.Attribute{account.AttrGivenName: {Name: account.AttrGivenName, Values: []string{"ERIKA"}}},
	}
}

func TestIdentityFormatRedacts(t *testing.T) {
	t.Parallel()
	id := personalIdentity()
	secrets := []string{"secret-bpk2", "secret-nameid", "ERIKA", "Heidestraße", "Musterfirma", "Musterweg"}
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outputs["ptr "+verb] = fmt.Sprintf(verb, id)
		outputs["val "+verb] = fmt.Sprintf(verb, *id)
		outputs["person "+verb] = fmt.Sprintf(verb, id.Person)
		outputs["person val "+verb] = fmt.Sprintf(verb, *id.Person)
		outputs["org "+verb] = fmt.Sprintf(verb, id.Organisation)
		outputs["claim "+verb] = fmt.Sprintf(verb, id.Person.GivenNames)
		outputs["address "+verb] = fmt.Sprintf(verb, id.Person.Address)
		outputs["attrs "+verb] = fmt.Sprintf(verb, id.Attributes)
		outputs["nested "+verb] = fmt.Sprintf(verb, struct{ ID account.Identity }{*id})
	}
	outputs["println"] = fmt.Sprintln(id, *id)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "ptr", id, "val", *id, "person", id.Person)
	// encoding/json marshals values that are no LogValuer: log pointers.
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "ptr", id, "person", id.Person, "org", id.Organisation)
	outputs["slog"] = buf.String()
	for name, out := range outputs {
		for _, s := range secrets {
			assert.NotContains(t, out, s, name)
		}
	}
	assert.Contains(t, fmt.Sprint(id), "level=hoch")
	assert.Contains(t, fmt.Sprintf("%#v", *id), "provider=bundid")
}

func TestIdentityValidate(t *testing.T) {
	t.Parallel()
	ok := func() *account.Identity {
		return &account.Identity{Provider: account.ProviderSAML, Issuer: "https://idp", Subject: "s", Level: account.LevelNiedrig}
	}
	require.NoError(t, ok().Validate())
	s, stable := ok().StableSubject()
	assert.True(t, stable)
	assert.Equal(t, "s", s)
	tmp := ok()
	tmp.Subject, tmp.Temporary = "", true
	require.NoError(t, tmp.Validate())
	_, stable = tmp.StableSubject()
	assert.False(t, stable)
	for name, mod := range map[string]func(*account.Identity){
		"stable without subject": func(id *account.Identity) { id.Subject = "" },
		"temporary with subject": func(id *account.Identity) { id.Temporary = true },
		"no provider":            func(id *account.Identity) { id.Provider = "" },
		"no issuer":              func(id *account.Identity) { id.Issuer = "" },
		"no level":               func(id *account.Identity) { id.Level = account.LevelUnknown },
		"level out of range":     func(id *account.Identity) { id.Level = 7 },
	} {
		t.Run(name, func(t *testing.T) {
			id := ok()
			mod(id)
			assert.ErrorIs(t, id.Validate(), account.ErrInvalidIdentity)
			if id.Subject == "" || id.Temporary {
				_, stable := id.StableSubject()
				assert.False(t, stable)
			}
		})
	}
	var nilID *account.Identity
	assert.ErrorIs(t, nilID.Validate(), account.ErrInvalidIdentity)
	_, stable = nilID.StableSubject()
	assert.False(t, stable)
}

func TestMapAttributesLenient(t *testing.T) {
	t.Parallel()
	m := attrs(account.AttrGivenName, "ERIKA", account.AttrBirthdate, "", account.AttrGender, "w",
		account.AttrCountry, "Deutschland", account.AttrMFA, "yes")
	id := &account.Identity{Provider: account.ProviderBundID}
	require.NoError(t, account.MapAttributesLenient(id, m, []string{account.AttrGivenName}))
	require.NotNil(t, id.Person)
	assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)
	assert.False(t, id.Person.BirthDate.Set)
	assert.False(t, id.Person.Gender.Set)
	assert.False(t, id.Person.Address.Country.Set)
	assert.False(t, id.MFA.Set)
	var names []string
	for _, e := range id.InvalidAttributes {
		names = append(names, e.Name)
		assert.ErrorIs(t, &e, account.ErrInvalidAttribute)
	}
	assert.Equal(t, []string{account.AttrCountry, account.AttrBirthdate, account.AttrMFA, account.AttrGender}, names)
	assert.NotContains(t, fmt.Sprint(id.InvalidAttributes), "Deutschland")

	// The same malformed value in a required attribute fails, id unchanged.
	id = &account.Identity{Provider: account.ProviderBundID}
	err := account.MapAttributesLenient(id, m, []string{account.AttrGender})
	var ae *account.AttributeError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, account.AttrGender, ae.Name)
	assert.Nil(t, id.Person)
	assert.Empty(t, id.InvalidAttributes)

	// MUK: an unknown level word is optional by default.
	mm := attrs(account.MUKPersTyp, "NatPers", account.MUKVertrauensniveauIdent, "SEHR HOCH")
	id = &account.Identity{Provider: account.ProviderMUK}
	require.NoError(t, account.MapAttributesLenient(id, mm, nil))
	assert.False(t, id.Organisation.IdentificationLevel.Set)
	require.Len(t, id.InvalidAttributes, 1)
	assert.Equal(t, account.MUKVertrauensniveauIdent, id.InvalidAttributes[0].Name)
}

func TestRequireAttributes(t *testing.T) {
	t.Parallel()
	m := attrs(account.AttrGivenName, "ERIKA")
	m[account.AttrSurname] = account.Attribute{Name: account.AttrSurname}
	require.NoError(t, account.RequireAttributes(m, []string{account.AttrGivenName}))
	require.NoError(t, account.RequireAttributes(m, nil))
	for _, name := range []string{account.AttrBPK2, account.AttrSurname} {
		err := account.RequireAttributes(m, []string{account.AttrGivenName, name})
		assert.ErrorIs(t, err, account.ErrMissingAttribute)
		assert.NotErrorIs(t, err, account.ErrInvalidAttribute)
		var ae *account.AttributeError
		require.ErrorAs(t, err, &ae)
		assert.True(t, ae.Missing)
		assert.Equal(t, name, ae.Name)
	}
}
