package saml_test

import (
	"errors"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// plainEnv accepts unencrypted assertions so that the wrapping attacks of
// Somorovsky et al., "On Breaking SAML" (USENIX Security 2012), can be
// staged on the cleartext tree.
func plainEnv(t *testing.T) *env {
	return newEnv(t, accounttest.BundID, func(c *saml.Config) {
		c.Profile.RequireEncryptedAssertion = false
		c.Profile.RequireSignedAssertion = false
	})
}

const evilName = "evil@attacker.example"

// evilCopy returns an unsigned copy of the signed assertion with the
// attacker's NameID and bPK2 and the given ID.
func evilCopy(a *etree.Element, id string) *etree.Element {
	evil := a.Copy()
	if s := evil.FindElement("./ds:Signature"); s != nil {
		evil.RemoveChild(s)
	}
	evil.CreateAttr("ID", id)
	evil.FindElement("./saml2:Subject/saml2:NameID").SetText(evilName)
	attr(evil, account.AttrBPK2).FindElement("./saml2:AttributeValue").SetText(evilName)
	return evil
}

func signedAssertion(r *etree.Element) *etree.Element { return r.FindElement("./saml2:Assertion") }

func TestXSWPermutations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		faults accounttest.Faults
	}{
		{"XSW1 signed response copied into Signature Object of evil response", accounttest.Faults{PlainAssertion: true, SignResponse: true, UnsignedAssertion: true, Final: func(r *etree.Element) {
			orig := r.Copy()
			r.CreateAttr("ID", "_evilresponse")
			signedAssertion(r).FindElement("./saml2:Subject/saml2:NameID").SetText(evilName)
			r.FindElement("./ds:Signature").CreateElement("ds:Object").AddChild(orig)
		}}},
		{"XSW2 signed response as detached sibling before evil content", accounttest.Faults{PlainAssertion: true, SignResponse: true, UnsignedAssertion: true, Final: func(r *etree.Element) {
			orig := r.Copy()
			r.CreateAttr("ID", "_evilresponse")
			signedAssertion(r).FindElement("./saml2:Subject/saml2:NameID").SetText(evilName)
			r.InsertChildAt(r.FindElement("./ds:Signature").Index(), orig)
		}}},
		{"XSW3 evil assertion first, signed assertion second, same ID", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			id := a.SelectAttrValue("ID", "")
			r.InsertChildAt(a.Index(), evilCopy(a, id))
		}}},
		{"XSW4 signed assertion wrapped inside evil assertion", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			evil := evilCopy(a, "_evil")
			r.RemoveChild(a)
			evil.AddChild(a)
			r.AddChild(evil)
		}}},
		{"XSW5 evil assertion carries the signature, original in Extensions", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			evil := evilCopy(a, "_evil")
			evil.InsertChildAt(1, a.FindElement("./ds:Signature").Copy())
			r.RemoveChild(a)
			r.InsertChildAt(1, etree.NewElement("saml2p:Extensions"))
			r.FindElement("./saml2p:Extensions").AddChild(a)
			r.AddChild(evil)
		}}},
		{"XSW6 original inside the Signature Object of the evil assertion", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			evil := evilCopy(a, a.SelectAttrValue("ID", ""))
			sig := a.FindElement("./ds:Signature").Copy()
			evil.InsertChildAt(1, sig)
			orig := a.Copy()
			orig.RemoveChild(orig.FindElement("./ds:Signature"))
			sig.CreateElement("ds:Object").AddChild(orig)
			r.RemoveChild(a)
			r.AddChild(evil)
		}}},
		{"XSW7 original in Extensions, evil assertion unsigned", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			r.RemoveChild(a)
			ext := etree.NewElement("saml2p:Extensions")
			ext.AddChild(a)
			r.InsertChildAt(1, ext)
			r.AddChild(evilCopy(a, "_evil"))
		}}},
		{"XSW8 evil assertion with Signature whose Object holds the unsigned original", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			evil := evilCopy(a, "_evil")
			sig := a.FindElement("./ds:Signature").Copy()
			a.RemoveChild(a.FindElement("./ds:Signature"))
			sig.CreateElement("ds:Object").AddChild(a.Copy())
			evil.InsertChildAt(1, sig)
			r.RemoveChild(a)
			r.AddChild(evil)
		}}},
		{"two assertions, one signed", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			r.AddChild(evilCopy(signedAssertion(r), "_evil"))
		}}},
		{"signed assertion duplicated", accounttest.Faults{PlainAssertion: true, Final: func(r *etree.Element) {
			r.AddChild(signedAssertion(r).Copy())
		}}},
		{"evil assertion appended to signed response", accounttest.Faults{PlainAssertion: true, SignResponse: true, UnsignedAssertion: true, Final: func(r *etree.Element) {
			r.AddChild(evilCopy(signedAssertion(r), "_evil"))
		}}},
		{"evil assertion replaces content of signed response", accounttest.Faults{PlainAssertion: true, SignResponse: true, Final: func(r *etree.Element) {
			a := signedAssertion(r)
			r.RemoveChild(a)
			r.AddChild(evilCopy(a, a.SelectAttrValue("ID", "")))
		}}},
		{"evil plain assertion next to encrypted one", accounttest.Faults{Final: func(r *etree.Element) {
			a := etree.NewElement("saml2:Assertion")
			a.CreateAttr("ID", "_evil")
			r.AddChild(a)
		}}},
	}
	e := plainEnv(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := e.login(saml.LoginOptions{}, tc.faults)
			require.Error(t, err)
			assert.Nil(t, id)
			assert.True(t, errors.Is(err, saml.ErrSignature) || errors.Is(err, saml.ErrMalformed), "got %v", err)
			t.Log(err)
		})
	}
	// Control: the untouched plain assertion is accepted.
	for _, f := range []accounttest.Faults{{PlainAssertion: true}, {PlainAssertion: true, SignResponse: true, UnsignedAssertion: true}, {PlainAssertion: true, SignResponse: true}} {
		id, err := e.login(saml.LoginOptions{}, f)
		require.NoError(t, err)
		assert.NotEqual(t, evilName, id.NameID)
	}
}

// splitWithComment puts an XML comment into the middle of el's text, which
// keeps an exclusive-C14N (without comments) signature valid.
func splitWithComment(el *etree.Element) {
	v := el.Text()
	el.SetText(v[:5])
	el.CreateComment("")
	el.CreateText(v[5:])
}

func TestCommentInjection(t *testing.T) {
	t.Parallel()
	e := plainEnv(t)
	erika := accounttest.Erika()
	bpk2 := erika.Attributes[0].Value
	for name, hook := range map[string]string{"after signing": "after", "before signing": "before"} {
		t.Run(name, func(t *testing.T) {
			inject := func(a *etree.Element) {
				splitWithComment(a.FindElement("./saml2:Subject/saml2:NameID"))
				splitWithComment(attr(a, account.AttrBPK2).FindElement("./saml2:AttributeValue"))
			}
			f := accounttest.Faults{PlainAssertion: true}
			if hook == "after" {
				f.AfterSign = inject
			} else {
				f.BeforeSign = inject
			}
			id, err := e.login(saml.LoginOptions{}, f)
			require.NoError(t, err)
			// The whole signed value, never the part before the comment.
			assert.Equal(t, erika.NameID, id.NameID)
			assert.Equal(t, bpk2, id.Subject)
		})
	}
}

func TestFriendlyNameSpoofing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, func(c *saml.Config) {
		c.Extension.RequestedAttributes[0].Required = false
		c.Extension.RequestedAttributes[1].Required = false
		c.AllowTemporaryLogin = true
	})
	id, err := e.login(saml.LoginOptions{}, accounttest.Faults{BeforeSign: func(a *etree.Element) {
		// The IdP sends bPK2 under a foreign Name and an attribute that
		// only claims to be "givenName" by FriendlyName.
		attr(a, account.AttrBPK2).CreateAttr("Name", "urn:oid:1.2.3.4")
		g := attr(a, account.AttrGivenName)
		g.CreateAttr("Name", "urn:oid:1.2.3.5")
		g.CreateAttr("FriendlyName", "bPK2")
	}})
	require.NoError(t, err)
	assert.Empty(t, id.Subject, "subject must come from Name, never FriendlyName")
	assert.True(t, id.Temporary)
	assert.False(t, id.Person.GivenNames.Set)
	assert.Contains(t, id.Attributes, "urn:oid:1.2.3.5")
}
