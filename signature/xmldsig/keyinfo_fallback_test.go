package xmldsig_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// withKeyInfo puts ki (the inner XML of a ds:KeyInfo) into a signature made
// without KeyInfo. KeyInfo is not signed, so the signature stays valid.
func withKeyInfo(t *testing.T, signed []byte, ki string) []byte {
	t.Helper()
	return replace(t, signed, "</ds:SignatureValue>", "</ds:SignatureValue><ds:KeyInfo>"+ki+"</ds:KeyInfo>")
}

func keyValueXML(t *testing.T, kp *signature.KeyPair) string {
	t.Helper()
	switch pub := kp.Certificate.PublicKey.(type) {
	case *rsa.PublicKey:
		return "<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>" + base64.StdEncoding.EncodeToString(pub.N.Bytes()) +
			"</ds:Modulus><ds:Exponent>" + base64.StdEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()) +
			"</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>"
	case *ecdsa.PublicKey:
		b, err := pub.Bytes()
		require.NoError(t, err)
		return `<ds:KeyValue><dsig11:ECKeyValue xmlns:dsig11="http://www.w3.org/2009/xmldsig11#"><dsig11:NamedCurve URI="urn:oid:1.2.840.10045.3.1.7"/><dsig11:PublicKey>` +
			base64.StdEncoding.EncodeToString(b) + "</dsig11:PublicKey></dsig11:ECKeyValue></ds:KeyValue>"
	}
	t.Fatalf("unexpected key %T", kp.Certificate.PublicKey)
	return ""
}

func x509DataXML(certs ...*x509.Certificate) string {
	var b strings.Builder
	b.WriteString("<ds:X509Data>")
	for _, c := range certs {
		b.WriteString("<ds:X509Certificate>" + b64(c) + "</ds:X509Certificate>")
	}
	b.WriteString("</ds:X509Data>")
	return b.String()
}

// TestVerifyKeyInfoFallback: whatever KeyInfo carries, a signature that
// names no trusted certificate verifies only with a pinned key, and a key
// from KeyInfo is never trusted by itself.
func TestVerifyKeyInfoFallback(t *testing.T) {
	ctx := context.Background()
	idp := selfSigned(t, "IdP 2026", signaturetest.RSA2048, time.Time{}, time.Time{})
	ecIdP := selfSigned(t, "IdP EC", signaturetest.P256, time.Time{}, time.Time{})
	attacker := selfSigned(t, "IdP 2026", signaturetest.RSA2048, time.Time{}, time.Time{}) // same subject, other key
	// The IdP re-issued its certificate for the same key; metadata still
	// pins the old one.
	reissued, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP 2026", Signer: idp.Signer})
	require.NoError(t, err)
	leaf, ca := issue(t, signaturetest.RSA2048)

	signed := signNoKeyInfo(t, idp)
	signedEC := signNoKeyInfo(t, ecIdP)
	signedAttacker := signNoKeyInfo(t, attacker)
	signedLeaf := signNoKeyInfo(t, leaf)

	pins := func(kp ...*signature.KeyPair) signature.TrustConfig {
		var certs []*x509.Certificate
		for _, k := range kp {
			certs = append(certs, k.Certificate)
		}
		return signature.TrustConfig{Pinned: certs}
	}

	accepted := []struct {
		name string
		cfg  signature.TrustConfig
		data []byte
		want *x509.Certificate
	}{
		{"KeyName hint", pins(idp), withKeyInfo(t, signed, "<ds:KeyName>idp-signing</ds:KeyName>"), idp.Certificate},
		{"empty KeyInfo", pins(idp), withKeyInfo(t, signed, ""), idp.Certificate},
		{"RSA KeyValue of the pinned key", pins(idp), withKeyInfo(t, signed, keyValueXML(t, idp)), idp.Certificate},
		{"EC KeyValue of the pinned key", pins(ecIdP), withKeyInfo(t, signedEC, keyValueXML(t, ecIdP)), ecIdP.Certificate},
		{"KeyValue names another key, pinned key signs", pins(idp), withKeyInfo(t, signed, keyValueXML(t, attacker)), idp.Certificate},
		{"re-issued certificate for the pinned key", pins(idp), withKeyInfo(t, signed, x509DataXML(reissued.Certificate)), idp.Certificate},
		{"re-issued certificate with KeyName and KeyValue", pins(attacker, idp), withKeyInfo(t, signed, "<ds:KeyName>idp</ds:KeyName>"+keyValueXML(t, idp)+x509DataXML(reissued.Certificate)), idp.Certificate},
		{"X509SubjectName only", pins(idp), withKeyInfo(t, signed, "<ds:X509Data><ds:X509SubjectName>CN=IdP 2026</ds:X509SubjectName></ds:X509Data>"), idp.Certificate},
		{"X509IssuerSerial only", pins(idp), withKeyInfo(t, signed, "<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=x</ds:X509IssuerName><ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>"), idp.Certificate},
		{"RetrievalMethod is not followed", pins(idp), withKeyInfo(t, signed, `<ds:RetrievalMethod URI="http://attacker.example/cert"/>`), idp.Certificate},
		{"foreign KeyInfo child", pins(idp), withKeyInfo(t, signed, `<wsse:SecurityTokenReference xmlns:wsse="urn:x"/>`), idp.Certificate},
		{"garbage certificate", pins(idp), withKeyInfo(t, signed, "<ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data>"), idp.Certificate},
		{"certificate with mismatching KeyValue", pins(idp), withKeyInfo(t, signed, keyValueXML(t, attacker)+x509DataXML(idp.Certificate)), idp.Certificate},
		{"anchored certificate in KeyInfo beside pins", signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}, Pinned: []*x509.Certificate{idp.Certificate}}, withKeyInfo(t, signedLeaf, x509DataXML(leaf.Certificate)), leaf.Certificate},
	}
	for _, c := range accepted {
		t.Run("accepted/"+c.name, func(t *testing.T) {
			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, c.cfg)})
			res, err := v.Verify(ctx, c.data)
			require.NoError(t, err)
			assert.True(t, res.Certificate.Equal(c.want), "got %s", res.Certificate.Subject)
			assert.Equal(t, "Gemeinde Musterstadt & Co <Wasser>", res.Element.FindElement("//autor/name").Text())
		})
	}

	refused := []struct {
		name string
		cfg  signature.TrustConfig
		data []byte
		want []error
	}{
		{"KeyValue key is not pinned", pins(idp), withKeyInfo(t, signedAttacker, keyValueXML(t, attacker)), []error{xmldsig.ErrUntrustedKey}},
		{"KeyValue key, nothing pinned", signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}}, withKeyInfo(t, signedAttacker, keyValueXML(t, attacker)), []error{xmldsig.ErrUntrustedKey}},
		{"untrusted certificate that verifies the signature", pins(idp), withKeyInfo(t, signedAttacker, x509DataXML(attacker.Certificate)), []error{xmldsig.ErrUntrustedKey}},
		{"untrusted certificate with the pinned KeyValue", pins(idp), withKeyInfo(t, signedAttacker, keyValueXML(t, idp)+x509DataXML(attacker.Certificate)), []error{xmldsig.ErrUntrustedKey}},
		{"KeyName of the pinned signer, foreign key", pins(idp), withKeyInfo(t, signedAttacker, "<ds:KeyName>IdP 2026</ds:KeyName>"), []error{xmldsig.ErrUntrustedKey}},
		{"re-issued certificate, key not pinned", signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}}, withKeyInfo(t, signed, x509DataXML(reissued.Certificate)), []error{xmldsig.ErrUntrustedKey}},
		{"trusted certificate in KeyInfo is used strictly", pins(idp, attacker), withKeyInfo(t, signed, x509DataXML(attacker.Certificate)), []error{xmldsig.ErrInvalidSignature}},
		{"tampered content with KeyName", pins(idp), replace(t, withKeyInfo(t, signed, "<ds:KeyName>idp</ds:KeyName>"), "Musterstadt", "Musterstadx"), []error{xmldsig.ErrDigestMismatch}},
		{"tampered SignedInfo with re-issued certificate", pins(idp), replace(t, withKeyInfo(t, signed, x509DataXML(reissued.Certificate)), "<ds:DigestValue>", "<ds:DigestValue>AAAA"), []error{xmldsig.ErrUntrustedKey}},
		{"too many certificates in KeyInfo", pins(idp), withKeyInfo(t, signed, x509DataXML(repeatCert(reissued.Certificate, 17)...)), []error{xmldsig.ErrLimit}},
	}
	for _, c := range refused {
		t.Run("refused/"+c.name, func(t *testing.T) {
			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, c.cfg)})
			res, err := v.Verify(ctx, c.data)
			require.NotEmpty(t, c.want)
			for _, w := range c.want {
				require.ErrorIs(t, err, w, "%v", err)
			}
			assert.Nil(t, res)
		})
	}

	t.Run("refused/the KeyInfo certificate's trust error is kept", func(t *testing.T) {
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(idp))})
		_, err := v.Verify(ctx, withKeyInfo(t, signedAttacker, x509DataXML(attacker.Certificate)))
		var te *signature.TrustError
		require.True(t, errors.As(err, &te), "%v", err)
		assert.Equal(t, signature.TrustUnknownAuthority, te.Reason)
		var ke *xmldsig.KeyInfoError
		require.True(t, errors.As(err, &ke), "%v", err)
		assert.NotContains(t, err.Error(), "IdP 2026", "no subject in the message")
	})
	t.Run("refused/a weak trusted certificate is not bypassed by the pins", func(t *testing.T) {
		weak, err := ca.Issue(signaturetest.Options{CommonName: "weak", Key: signaturetest.RSA1024})
		require.NoError(t, err)
		data := withKeyInfo(t, signNoKeyInfo(t, weak), x509DataXML(weak.Certificate))
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}, Pinned: []*x509.Certificate{idp.Certificate}})})
		_, err = v.Verify(ctx, data)
		assert.ErrorIs(t, err, signature.ErrInvalidKey)
	})
}

func repeatCert(c *x509.Certificate, n int) []*x509.Certificate {
	out := make([]*x509.Certificate, n)
	for i := range out {
		out[i] = c
	}
	return out
}

// TestVerifyPinnedBareKey: a bare public key pinned in the TrustStore
// verifies signatures whose KeyInfo names no trusted certificate; it
// yields no certificate, and only the exact key is trusted.
func TestVerifyPinnedBareKey(t *testing.T) {
	ctx := context.Background()
	partner := selfSigned(t, "Partner", signaturetest.RSA2048, time.Time{}, time.Time{})
	ecPartner := selfSigned(t, "Partner EC", signaturetest.P384, time.Time{}, time.Time{})
	other := selfSigned(t, "Partner", signaturetest.RSA2048, time.Time{}, time.Time{})
	expired := selfSigned(t, "Partner", signaturetest.RSA2048, testNow.Add(-48*time.Hour), testNow.Add(-time.Hour))
	weak, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "weak", Key: signaturetest.RSA1024})
	require.NoError(t, err)
	leaf, ca := issue(t, signaturetest.P256)

	keys := func(kp ...*signature.KeyPair) signature.TrustConfig {
		var out []crypto.PublicKey
		for _, k := range kp {
			out = append(out, k.Signer.Public())
		}
		return signature.TrustConfig{PinnedKeys: out}
	}
	signed := signNoKeyInfo(t, partner)

	accepted := []struct {
		name string
		cfg  signature.TrustConfig
		data []byte
		want crypto.PublicKey
	}{
		{"no KeyInfo", keys(partner), signed, partner.Signer.Public()},
		{"KeyValue", keys(partner), withKeyInfo(t, signed, keyValueXML(t, partner)), partner.Signer.Public()},
		{"certificate for the key (not trusted as such)", keys(partner), withKeyInfo(t, signed, x509DataXML(partner.Certificate)), partner.Signer.Public()},
		{"expired certificate for the key", keys(expired), withKeyInfo(t, signNoKeyInfo(t, expired), x509DataXML(expired.Certificate)), expired.Signer.Public()},
		{"second of two keys, EC", keys(partner, ecPartner), signNoKeyInfo(t, ecPartner), ecPartner.Signer.Public()},
		{"beside a pinned certificate", signature.TrustConfig{Pinned: []*x509.Certificate{other.Certificate}, PinnedKeys: []crypto.PublicKey{partner.Signer.Public()}}, signed, partner.Signer.Public()},
	}
	for _, c := range accepted {
		t.Run("accepted/"+c.name, func(t *testing.T) {
			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, c.cfg)})
			res, err := v.Verify(ctx, c.data)
			require.NoError(t, err)
			assert.Nil(t, res.Certificate)
			assert.Nil(t, res.Chain)
			assert.True(t, c.want.(interface{ Equal(crypto.PublicKey) bool }).Equal(res.PublicKey))
		})
	}

	refused := []struct {
		name string
		cfg  signature.TrustConfig
		data []byte
		want error
	}{
		{"other key signs", keys(partner), signNoKeyInfo(t, other), xmldsig.ErrUntrustedKey},
		{"other key with its certificate", keys(partner), withKeyInfo(t, signNoKeyInfo(t, other), x509DataXML(other.Certificate)), xmldsig.ErrUntrustedKey},
		{"other key with its KeyValue", keys(partner), withKeyInfo(t, signNoKeyInfo(t, other), keyValueXML(t, other)), xmldsig.ErrUntrustedKey},
		{"weak pinned key", keys(weak), signNoKeyInfo(t, weak), signature.ErrInvalidKey},
		{"tampered", keys(partner), replace(t, signed, "Musterstadt", "Musterstadx"), xmldsig.ErrDigestMismatch},
		{"tampered SignedInfo", keys(partner), replace(t, signed, "<ds:DigestValue>", "<ds:DigestValue>AAAA"), xmldsig.ErrUntrustedKey},
		{"anchored certificate with a pinned key is used strictly", signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}, PinnedKeys: []crypto.PublicKey{partner.Signer.Public()}}, withKeyInfo(t, signed, x509DataXML(leaf.Certificate)), xmldsig.ErrInvalidSignature},
	}
	for _, c := range refused {
		t.Run("refused/"+c.name, func(t *testing.T) {
			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, c.cfg)})
			res, err := v.Verify(ctx, c.data)
			require.ErrorIs(t, err, c.want, "%v", err)
			assert.Nil(t, res)
		})
	}
}
