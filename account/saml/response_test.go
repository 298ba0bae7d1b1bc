package saml_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

func TestBundIDLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	assert.Equal(t, account.ProviderBundID, id.Provider)
	assert.Equal(t, account.LevelHoch, id.Level)
	assert.Equal(t, account.LevelHoch, id.AuthnContextLevel)
	assert.Equal(t, account.LevelHoch, id.QAALevel)
	assert.NotEmpty(t, id.Subject)
	assert.False(t, id.Temporary)
	require.NotNil(t, id.Person)
	assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)
	assert.Equal(t, account.LevelHoch, id.Person.GivenNames.Level)
	assert.Equal(t, account.Date{Year: 1964, Month: 8, Day: 12}, id.Person.BirthDate.Value)
	assert.Equal(t, "DE", id.Person.Address.Country.Value)
	assert.Equal(t, account.GenderFemale, id.Person.Gender.Value)
	assert.Equal(t, account.LevelBasisregistrierung, id.Person.Gender.Level)
	assert.Equal(t, account.LevelNiedrig, id.Person.Email.Level)
	assert.True(t, id.MailboxHandle.Set)
	// Only requested attributes are released (extension V2).
	assert.False(t, id.Person.BirthName.Set)
	assert.Len(t, id.Attributes, 12)
}
