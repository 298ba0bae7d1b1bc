package saml_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

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
	other := otherKey(t)

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

// setKeyInfo replaces the content of the KeyInfo of the Signature directly
// inside el (KeyInfo is not covered by the signature).
func setKeyInfo(t *testing.T, build func(ki *etree.Element)) func(*etree.Element) {
	return func(el *etree.Element) {
		ki := el.FindElement("./ds:Signature/ds:KeyInfo")
		require.NotNil(t, ki, "no KeyInfo")
		for _, c := range ki.ChildElements() {
			ki.RemoveChild(c)
		}
		build(ki)
	}
}

func keyValue(pub *rsa.PublicKey) func(*etree.Element) {
	return func(ki *etree.Element) {
		rv := ki.CreateElement("ds:KeyValue").CreateElement("ds:RSAKeyValue")
		rv.CreateElement("ds:Modulus").SetText(base64.StdEncoding.EncodeToString(pub.N.Bytes()))
		rv.CreateElement("ds:Exponent").SetText(base64.StdEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()))
	}
}

func x509Cert(der []byte) func(*etree.Element) {
	return func(ki *etree.Element) {
		ki.CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(der))
	}
}

// reissue makes a new self-signed certificate for the key of kp (another
// serial number, subject and validity): what an IdP sends after renewing
// its certificate without changing the key.
func reissue(t *testing.T, kp *signature.KeyPair) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(4711), Subject: pkix.Name{CommonName: "re-issued IdP certificate"},
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(720 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, kp.Signer.Public(), kp.Signer)
	require.NoError(t, err)
	return der
}

// TestKeyInfoHints: real IdPs send a KeyName, a KeyValue or a re-issued
// certificate for the metadata key instead of the metadata certificate;
// the signature verifies against the pinned metadata certificates then. A
// key that only KeyInfo names is never trusted.
func TestKeyInfoHints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	idpKey := e.idp.Key()
	pub := idpKey.Certificate.PublicKey.(*rsa.PublicKey)
	for name, build := range map[string]func(*etree.Element){
		"KeyName hint":                           func(ki *etree.Element) { ki.CreateElement("ds:KeyName").SetText("idp-signing-2026") },
		"KeyValue":                               keyValue(pub),
		"re-issued certificate for the same key": x509Cert(reissue(t, idpKey)),
		"KeyName and KeyValue": func(ki *etree.Element) {
			ki.CreateElement("ds:KeyName").SetText("idp")
			keyValue(pub)(ki)
		},
	} {
		t.Run(name, func(t *testing.T) {
			id, err := e.login(saml.LoginOptions{}, accounttest.Faults{AfterSign: setKeyInfo(t, build)})
			require.NoError(t, err)
			assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)
		})
	}

	// Signed with a key that is not in the metadata: whatever KeyInfo
	// says, the signature is refused.
	attacker := otherKey(t)
	for name, build := range map[string]func(*etree.Element){
		"attacker KeyValue":          keyValue(attacker.Certificate.PublicKey.(*rsa.PublicKey)),
		"attacker certificate":       x509Cert(attacker.Certificate.Raw),
		"KeyName of the IdP":         func(ki *etree.Element) { ki.CreateElement("ds:KeyName").SetText("accounttest IdP") },
		"IdP certificate in KeyInfo": x509Cert(idpKey.Certificate.Raw),
		"IdP KeyValue":               keyValue(pub),
	} {
		t.Run("untrusted key, "+name, func(t *testing.T) {
			_, err := e.login(saml.LoginOptions{}, accounttest.Faults{AttackerKey: true, AfterSign: setKeyInfo(t, build)})
			require.ErrorIs(t, err, saml.ErrSignature)
		})
	}
	// KeyInfo is only a hint: a foreign KeyValue on a signature made with
	// the metadata key neither adds trust nor blocks the pinned key.
	t.Run("foreign KeyValue on a metadata-key signature", func(t *testing.T) {
		_, err := e.login(saml.LoginOptions{}, accounttest.Faults{AfterSign: setKeyInfo(t, keyValue(attacker.Certificate.PublicKey.(*rsa.PublicKey)))})
		require.NoError(t, err)
	})
}
