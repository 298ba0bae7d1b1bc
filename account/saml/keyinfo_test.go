package saml_test

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// dropKeyInfo removes ds:KeyInfo from the Signature directly inside el.
// KeyInfo is not covered by the signature, so the signature stays valid:
// this is what an IdP sends that relies on the certificate in its
// metadata.
func dropKeyInfo(t *testing.T) func(*etree.Element) {
	return func(el *etree.Element) {
		ki := el.FindElement("./ds:Signature/ds:KeyInfo")
		require.NotNil(t, ki, "no KeyInfo to drop")
		ki.Parent().RemoveChild(ki)
	}
}

func both(fs ...func(*etree.Element)) func(*etree.Element) {
	return func(el *etree.Element) {
		for _, f := range fs {
			f(el)
		}
	}
}

// TestSignatureWithoutKeyInfo: the IdP's metadata signing certificates are
// pinned, so a Signature without KeyInfo verifies against them; everything
// else about it stays checked.
func TestSignatureWithoutKeyInfo(t *testing.T) {
	t.Parallel()
	t.Run("BundID assertion", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, accounttest.BundID, nil)
		id, err := e.login(saml.LoginOptions{}, accounttest.Faults{AfterSign: dropKeyInfo(t)})
		require.NoError(t, err)
		assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)
	})
	t.Run("MUK response and assertion", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, accounttest.MUK, nil)
		id, err := e.login(saml.LoginOptions{}, accounttest.Faults{Final: dropKeyInfo(t)})
		require.NoError(t, err)
		assert.Equal(t, account.ProviderMUK, id.Provider)
	})

	cases := []struct {
		name   string
		mode   accounttest.Mode
		faults accounttest.Faults
		want   []error
	}{
		{"tampered attribute", accounttest.BundID, accounttest.Faults{AfterSign: both(dropKeyInfo(t), setValue(account.AttrGivenName, "MALLORY"))},
			[]error{saml.ErrSignature, xmldsig.ErrDigestMismatch}},
		{"tampered signature value", accounttest.BundID, accounttest.Faults{AfterSign: both(dropKeyInfo(t), func(a *etree.Element) {
			sv := a.FindElement("./ds:Signature/ds:SignatureValue")
			sv.SetText("AAAA" + sv.Text()[4:])
		})}, []error{saml.ErrSignature, signature.ErrUntrustedKey}},
		{"attacker key, no KeyInfo", accounttest.BundID, accounttest.Faults{AttackerKey: true, AfterSign: dropKeyInfo(t)},
			[]error{saml.ErrSignature, signature.ErrUntrustedKey}},
		{"attacker-signed MUK response, no KeyInfo", accounttest.MUK, accounttest.Faults{AttackerKey: true, Final: dropKeyInfo(t)},
			[]error{saml.ErrSignature, signature.ErrUntrustedKey}},
		{"tampered MUK response, no KeyInfo", accounttest.MUK, accounttest.Faults{Final: both(dropKeyInfo(t), func(r *etree.Element) {
			r.CreateAttr("Destination", "https://attacker.example/acs")
		})}, []error{saml.ErrSignature}},
		{"SHA-1 method, no KeyInfo", accounttest.BundID, accounttest.Faults{SignatureMethod: signature.RSASHA1, AfterSign: dropKeyInfo(t)},
			[]error{saml.ErrSignature, signature.ErrAlgorithmNotAllowed}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.mode, nil)
			id, err := e.login(saml.LoginOptions{}, tc.faults)
			require.Error(t, err)
			assert.Nil(t, id)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w, "%v", err)
			}
		})
	}
}

// TestSignedIdPMetadataWithoutKeyInfo: metadata signed without KeyInfo
// verifies against the configured metadata signers (two during a key
// rollover) and against nothing else.
func TestSignedIdPMetadataWithoutKeyInfo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: e.idp.Key(), OmitKeyInfo: true, Placement: xmldsig.Placement{Position: xmldsig.FirstChild}})
	require.NoError(t, err)
	signed, err := signer.Sign(e.idp.Metadata())
	require.NoError(t, err)
	sig := string(signed)[strings.Index(string(signed), "<ds:Signature"):strings.Index(string(signed), "</ds:Signature>")]
	require.NotContains(t, sig, "KeyInfo")
	cert := e.idp.Key().Certificate
	other, _ := spKeys(t)

	md, err := saml.VerifyIdPMetadata(t.Context(), signed, []*x509.Certificate{other.Certificate, cert})
	require.NoError(t, err)
	assert.Equal(t, e.idp.EntityID, md.EntityID)

	for name, tc := range map[string]struct {
		data    []byte
		signers []*x509.Certificate
	}{
		"other signer only":    {signed, []*x509.Certificate{other.Certificate}},
		"SSO location swapped": {[]byte(strings.Replace(string(signed), e.idp.SSOURL, "https://attacker.example/sso", 1)), []*x509.Certificate{other.Certificate, cert}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := saml.VerifyIdPMetadata(t.Context(), tc.data, tc.signers)
			assert.ErrorIs(t, err, saml.ErrMetadata, "%v", err)
		})
	}
}
