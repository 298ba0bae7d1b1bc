package saml_test

import (
	"slices"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

func TestAlgorithmVariantsAccepted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		faults accounttest.Faults
	}{
		{"RSA-OAEP MGF1-SHA1 (mgf1p)", accounttest.Faults{KeyTransport: xmlenc.RSAOAEPMGF1P}},
		{"xmlenc11 RSA-OAEP with MGF1-SHA1", accounttest.Faults{KeyTransport: xmlenc.RSAOAEP, MGF: xmlenc.MGF1SHA1}},
		{"xmlenc11 RSA-OAEP with MGF1-SHA512", accounttest.Faults{KeyTransport: xmlenc.RSAOAEP, MGF: xmlenc.MGF1SHA512}},
		{"AES-128-GCM", accounttest.Faults{ContentAlgorithm: xmlenc.AES128GCM}},
		{"AES-192-GCM", accounttest.Faults{ContentAlgorithm: xmlenc.AES192GCM}},
		{"signed Response and Assertion", accounttest.Faults{SignResponse: true}},
		{"PSS with explicit hash-length salt (control for the salt faults)", accounttest.Faults{PSSSaltLength: 32}},
	}
	e := newEnv(t, accounttest.BundID, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := e.login(saml.LoginOptions{}, tc.faults)
			require.NoError(t, err)
			assert.Equal(t, account.LevelHoch, id.Level)
		})
	}
}

func TestRSASHA256IdP(t *testing.T) {
	t.Parallel()
	c := &clock{now: t0}
	idp, err := accounttest.NewServer(accounttest.Config{Now: c.Now, SignatureMethod: signature.RSASHA256})
	require.NoError(t, err)
	t.Cleanup(idp.Close)
	sign, enc := spKeys(t)
	dec, err := enc.Decrypter()
	require.NoError(t, err)
	sp, err := saml.New(saml.Config{EntityID: "https://service.example.org/saml", ACSURL: "https://service.example.org/saml/acs",
		SigningKey: sign, DecryptionKey: dec, EncryptionCertificate: enc.Certificate, IdPMetadata: idp.Metadata(),
		Profile: idp.Profile(), Level: account.LevelSubstanziell, Now: c.Now, Extension: defaultExtension(),
		Store: saml.NewMemoryStore(), InsecureDevelopment: true})
	require.NoError(t, err)
	md, err := sp.Metadata()
	require.NoError(t, err)
	require.NoError(t, idp.RegisterSP(md))
	e2 := &env{t: t, clock: c, idp: idp, sp: sp}
	_, err = e2.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	// An allow-list without PKCS#1 v1.5 refuses it.
	sp2, err := saml.New(saml.Config{EntityID: "https://service.example.org/saml", ACSURL: "https://service.example.org/saml/acs",
		SigningKey: sign, DecryptionKey: dec, EncryptionCertificate: enc.Certificate, IdPMetadata: idp.Metadata(),
		Profile: idp.Profile(), Level: account.LevelSubstanziell, Now: c.Now, Extension: defaultExtension(),
		Policy: signature.Policy{SignatureMethods: []string{signature.RSAPSSSHA256}},
		Store:  saml.NewMemoryStore(), InsecureDevelopment: true})
	require.NoError(t, err)
	e3 := &env{t: t, clock: c, idp: idp, sp: sp2}
	_, err = e3.login(saml.LoginOptions{}, accounttest.Faults{})
	assert.ErrorIs(t, err, signature.ErrAlgorithmNotAllowed)
}

func TestLegacyCBC(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) { c.InsecureAllowCBC = true })
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{ContentAlgorithm: xmlenc.AES256CBC})
	assert.NoError(t, err)
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	t.Run("required attribute missing (temporary login)", func(t *testing.T) {
		e := newEnv(t, accounttest.BundID, nil)
		u := accounttest.Erika()
		u.Temporary = true
		e.idp.SetUser(u)
		_, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
		var se *saml.StatusError
		require.ErrorAs(t, err, &se)
		assert.ErrorIs(t, err, saml.ErrStatus)
		assert.Equal(t, saml.StatusRequester, se.Code)
		assert.Equal(t, saml.StatusRequestDenied, se.SubCode)
		assert.Equal(t, "security-msg", se.Message)
		assert.True(t, se.HasDetail(saml.DetailRequiredAttributesMissing))
		assert.Equal(t, []string{account.AttrBPK2}, se.MissingAttributes())
		assert.False(t, se.Verified)
	})
	t.Run("method disabled", func(t *testing.T) {
		e := newEnv(t, accounttest.BundID, nil)
		_, err := e.login(saml.LoginOptions{AuthnMethods: []saml.AuthnMethod{saml.MethodElster}}, accounttest.Faults{})
		var se *saml.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, saml.StatusRequestDenied, se.SubCode)
	})
	t.Run("user below requested level", func(t *testing.T) {
		e := newEnv(t, accounttest.BundID, nil)
		u := accounttest.Erika()
		u.Level = account.LevelSubstanziell
		e.idp.SetUser(u)
		_, err := e.login(saml.LoginOptions{Level: account.LevelHoch}, accounttest.Faults{})
		var se *saml.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext", se.SubCode)
	})
	t.Run("signed failure response", func(t *testing.T) {
		e := newEnv(t, accounttest.BundID, nil)
		_, err := e.login(saml.LoginOptions{}, accounttest.Faults{Status: saml.StatusAuthnFailed, SignResponse: true})
		var se *saml.StatusError
		require.ErrorAs(t, err, &se)
		assert.True(t, se.Verified)
		assert.Equal(t, saml.StatusAuthnFailed, se.SubCode)
	})
}

func TestTemporaryLogin(t *testing.T) {
	t.Parallel()
	temporary := accounttest.Erika()
	temporary.Temporary = true
	optionalBPK2 := func(c *saml.Config) { c.Extension.RequestedAttributes[0].Required = false }

	// Default: a login without bPK2 is refused, never an empty Subject.
	e := newEnv(t, accounttest.BundID, optionalBPK2)
	e.idp.SetUser(temporary)
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.ErrorIs(t, err, saml.ErrSubject)
	var re *saml.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "subject", re.Check)

	// bPK2 Required: the simulator answers IDP_REQUIRED_ATTRIBUTES_MISSING
	// as BundID does; an IdP that leaves it out of a success response gets
	// a typed missing-attribute error naming bPK2.
	e = newEnv(t, accounttest.BundID, nil)
	e.idp.SetUser(temporary)
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
	var se *saml.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, []string{account.AttrBPK2}, se.MissingAttributes())
	e.idp.SetUser(accounttest.Erika())
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{BeforeSign: func(a *etree.Element) {
		b := attr(a, account.AttrBPK2)
		b.Parent().RemoveChild(b)
	}})
	require.ErrorIs(t, err, saml.ErrAttribute)
	require.ErrorIs(t, err, account.ErrMissingAttribute)
	var ae *account.AttributeError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, account.AttrBPK2, ae.Name)

	// Opted in: Temporary is set explicitly.
	e = newEnv(t, accounttest.BundID, func(c *saml.Config) { optionalBPK2(c); c.AllowTemporaryLogin = true })
	e.idp.SetUser(temporary)
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	assert.True(t, id.Temporary)
	assert.Empty(t, id.Subject)
	require.NoError(t, id.Validate())
	_, stable := id.StableSubject()
	assert.False(t, stable)
	assert.False(t, id.MailboxHandle.Set)
	assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)

	// A mailbox handle without bPK2 is no stable subject either (it was
	// accepted with an empty Subject and Temporary false before).
	withMailbox := accounttest.Erika()
	withMailbox.Attributes = slices.DeleteFunc(withMailbox.Attributes, func(a accounttest.Attribute) bool { return a.Name == account.AttrBPK2 })
	e.idp.SetUser(withMailbox)
	id, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	assert.True(t, id.Temporary)
	require.NoError(t, id.Validate())

	// A stable login is never temporary.
	e.idp.SetUser(accounttest.Erika())
	id, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	assert.False(t, id.Temporary)
	require.NoError(t, id.Validate())
}

func TestMUKLogin(t *testing.T) {
	t.Parallel()
	// No RequestSignatureMethod: the MUK profile defaults to RSA-PSS, and
	// the simulator's MUK mode refuses anything else.
	e := newEnv(t, accounttest.MUK, nil)
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	assert.Equal(t, account.ProviderMUK, id.Provider)
	assert.Equal(t, accounttest.Max().NameID, id.Subject)
	assert.Equal(t, account.LevelSubstanziell, id.Level)
	require.NotNil(t, id.Organisation)
	assert.Equal(t, "Musterbau GmbH", id.Organisation.Firmenname.Value)
	assert.Equal(t, "NNatPers", id.Organisation.PersTyp.Value)
	assert.Equal(t, account.LevelSubstanziell, id.Organisation.IdentificationLevel.Value)
	assert.Equal(t, "Köln", id.Organisation.Address.Ort)
	require.NotNil(t, id.Person)
	assert.Equal(t, "Max", id.Person.GivenNames.Value)
	assert.Equal(t, account.Date{Year: 1970, Month: 2, Day: 1}, id.Person.BirthDate.Value)

	for name, f := range map[string]accounttest.Faults{
		"unsigned response": {UnsignedResponse: true},
		"attacker response": {AttackerKey: true},
		"plain assertion":   {PlainAssertion: true},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.login(saml.LoginOptions{}, f)
			assert.Error(t, err)
		})
	}
	// Malformed optional MUK attributes are reported, not blocking; the
	// same values fail when the attribute is required.
	required := newEnv(t, accounttest.MUK, func(c *saml.Config) {
		c.RequiredAttributes = []string{account.MUKRechtsform, account.MUKHandelndePerson, account.MUKVertrauensniveauAuthentifiz}
	})
	for name, tc := range map[string]struct {
		attr string
		f    accounttest.Faults
	}{
		"bad Rechtsform":     {account.MUKRechtsform, accounttest.Faults{BeforeSign: func(a *etree.Element) { attrByName(a, account.MUKRechtsform).SetText("31") }}},
		"bad MUK birth date": {account.MUKHandelndePerson, accounttest.Faults{BeforeSign: func(a *etree.Element) { a.FindElement(".//ekona:Geburtsdatum").SetText("1970-02-01") }}},
		"bad MUK level":      {account.MUKVertrauensniveauAuthentifiz, accounttest.Faults{BeforeSign: func(a *etree.Element) { attrByName(a, account.MUKVertrauensniveauAuthentifiz).SetText("GROSS") }}},
	} {
		t.Run(name, func(t *testing.T) {
			id, err := e.login(saml.LoginOptions{}, tc.f)
			require.NoError(t, err)
			require.Len(t, id.InvalidAttributes, 1)
			assert.Equal(t, tc.attr, id.InvalidAttributes[0].Name)
			_, err = required.login(saml.LoginOptions{}, tc.f)
			assert.ErrorIs(t, err, saml.ErrAttribute)
			assert.ErrorIs(t, err, account.ErrInvalidAttribute)
		})
	}
}

func attrByName(a *etree.Element, name string) *etree.Element {
	return attr(a, name).FindElement("./saml2:AttributeValue")
}

func TestGenericProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) {
		p := saml.Generic()
		p.IdPEntityID = c.Profile.IdPEntityID
		c.Profile = p
		c.Extension = nil
		c.DecryptionKey, c.EncryptionCertificate = nil, nil
	})
	// Without a decryption key the SP metadata carries the signing
	// certificate for encryption too; the simulator encrypts to it, and an
	// SP without key cannot decrypt.
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	assert.ErrorIs(t, err, saml.ErrDecryption)
	// The simulator sends a transient NameID: refused by default, so that
	// no application keys users on an empty or transient subject.
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{PlainAssertion: true})
	require.ErrorIs(t, err, saml.ErrSubject)

	e = newEnv(t, accounttest.BundID, func(c *saml.Config) {
		p := saml.Generic()
		p.IdPEntityID = c.Profile.IdPEntityID
		c.Profile = p
		c.Extension = nil
		c.DecryptionKey, c.EncryptionCertificate = nil, nil
		c.AllowTemporaryLogin = true
	})
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{PlainAssertion: true})
	require.NoError(t, err)
	assert.Equal(t, account.ProviderSAML, id.Provider)
	assert.True(t, id.Temporary, "transient NameID is a temporary login")
	assert.Empty(t, id.Subject, "transient NameID is never a subject")
	assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)
}

// TestKeysFromPEMAndPKCS12 configures the SP with keys loaded the way
// deployments hold them: signing key from PEM, decryption key from a
// PKCS#12 file.
func TestKeysFromPEMAndPKCS12(t *testing.T) {
	t.Parallel()
	sign, enc := spKeys(t)
	keyPEM, certPEM, err := signaturetest.EncodePEM(sign)
	require.NoError(t, err)
	p12, err := signaturetest.EncodePKCS12(enc, "geheim")
	require.NoError(t, err)
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) {
		kp, err := signature.LoadPEM(keyPEM, certPEM)
		require.NoError(t, err)
		ep, err := signature.LoadPKCS12(p12, "geheim")
		require.NoError(t, err)
		dec, err := ep.Decrypter()
		require.NoError(t, err)
		c.SigningKey, c.DecryptionKey, c.EncryptionCertificate = kp, dec, ep.Certificate
	})
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	assert.Equal(t, account.LevelHoch, id.Level)
}
