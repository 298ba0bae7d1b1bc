package xmldsig_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// selfSigned returns a self-signed key pair (the shape of a SAML IdP's
// metadata certificate) with a key of its own.
func selfSigned(t *testing.T, cn string, kt signaturetest.KeyType, notBefore, notAfter time.Time) *signature.KeyPair {
	t.Helper()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: cn, Key: kt, UniqueKey: true, NotBefore: notBefore, NotAfter: notAfter})
	require.NoError(t, err)
	return kp
}

// signNoKeyInfo signs xoevDoc without KeyInfo.
func signNoKeyInfo(t *testing.T, kp *signature.KeyPair) []byte {
	t.Helper()
	out, err := newSigner(t, xmldsig.SignerConfig{Key: kp, OmitKeyInfo: true}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	require.NotContains(t, string(out), "KeyInfo")
	return out
}

func trustConfig(t *testing.T, cfg signature.TrustConfig) *signature.TrustStore {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = fixedNow
	}
	ts, err := signature.NewTrustStore(cfg)
	require.NoError(t, err)
	return ts
}

// TestVerifyPinnedWithoutKeyInfo: a Signature without KeyInfo verifies only
// against a pinned certificate that passes the same trust and policy checks
// as one carried in KeyInfo.
func TestVerifyPinnedWithoutKeyInfo(t *testing.T) {
	ctx := context.Background()
	idp := selfSigned(t, "IdP 2026", signaturetest.RSA2048, time.Time{}, time.Time{})
	next := selfSigned(t, "IdP 2027", signaturetest.P256, time.Time{}, time.Time{})
	other := selfSigned(t, "IdP 2026", signaturetest.RSA2048, time.Time{}, time.Time{}) // same subject, other key
	expired := selfSigned(t, "IdP old", signaturetest.RSA2048, testNow.Add(-48*time.Hour), testNow.Add(-time.Hour))
	notYet := selfSigned(t, "IdP future", signaturetest.RSA2048, testNow.Add(time.Hour), testNow.Add(48*time.Hour))
	// The expired certificate renewed for the same key (rollover by
	// re-issuing).
	renewed, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP old", Signer: expired.Signer})
	require.NoError(t, err)

	leaf, ca := issue(t, signaturetest.RSA2048)

	signed := signNoKeyInfo(t, idp)
	signedNext := signNoKeyInfo(t, next)
	signedExpired := signNoKeyInfo(t, expired)
	signedNotYet := signNoKeyInfo(t, notYet)
	signedLeaf := signNoKeyInfo(t, leaf)
	withKeyInfo, err := newSigner(t, xmldsig.SignerConfig{Key: idp}).Sign([]byte(xoevDoc))
	require.NoError(t, err)
	otherWithKeyInfo, err := newSigner(t, xmldsig.SignerConfig{Key: other}).Sign([]byte(xoevDoc))
	require.NoError(t, err)

	pins := func(c ...*signature.KeyPair) signature.TrustConfig {
		var certs []*x509.Certificate
		for _, kp := range c {
			certs = append(certs, kp.Certificate)
		}
		return signature.TrustConfig{Pinned: certs}
	}

	t.Run("accepted", func(t *testing.T) {
		cases := []struct {
			name string
			cfg  signature.TrustConfig
			data []byte
			want *x509.Certificate
		}{
			{"one pinned certificate", pins(idp), signed, idp.Certificate},
			{"rollover: second pinned certificate signs", pins(idp, next), signedNext, next.Certificate},
			{"rollover: first pinned certificate signs", pins(idp, next), signed, idp.Certificate},
			{"expired pin and its renewal for the same key", pins(expired, renewed), signedExpired, renewed.Certificate},
			{"expired pin with InsecureIgnorePinnedValidity", signature.TrustConfig{Pinned: []*x509.Certificate{expired.Certificate}, InsecureIgnorePinnedValidity: true}, signedExpired, expired.Certificate},
			{"pins and anchors", signature.TrustConfig{Pinned: []*x509.Certificate{idp.Certificate}, Anchors: []*x509.Certificate{ca.Certificate}}, signed, idp.Certificate},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, c.cfg)})
				res, err := v.Verify(ctx, c.data)
				require.NoError(t, err)
				assert.True(t, res.Certificate.Equal(c.want))
				require.Len(t, res.Chain, 1)
				assert.True(t, res.Chain[0].Equal(c.want))
				assert.Equal(t, "Gemeinde Musterstadt & Co <Wasser>", res.Element.FindElement("//autor/name").Text())

				// The parsed-tree path gives the same answer.
				doc := etree.NewDocument()
				require.NoError(t, doc.ReadFromBytes(c.data))
				res2, err := v.VerifyDocument(ctx, doc)
				require.NoError(t, err)
				assert.True(t, res2.Certificate.Equal(c.want))
			})
		}
	})

	revoked := &signaturetest.Revocation{}
	revoked.Revoke(idp.Certificate)
	down := &signaturetest.Revocation{}
	down.SetError(context.DeadlineExceeded)

	refused := []struct {
		name string
		cfg  signature.TrustConfig
		data []byte
		want []error
	}{
		{"wrong pinned certificate", pins(other), signed, []error{xmldsig.ErrUntrustedKey}},
		{"wrong pinned certificates (two)", pins(other, next), signed, []error{xmldsig.ErrUntrustedKey}},
		{"anchors only, signer anchored", signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}}, signedLeaf, []error{xmldsig.ErrUntrustedKey}},
		{"anchored signer, other pin", signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}, Pinned: []*x509.Certificate{idp.Certificate}}, signedLeaf, []error{xmldsig.ErrUntrustedKey}},
		{"expired pinned certificate", pins(expired), signedExpired, []error{xmldsig.ErrUntrustedKey, signature.ErrCertificateExpired}},
		{"expired pinned certificate second", pins(idp, expired), signedExpired, []error{signature.ErrCertificateExpired}},
		{"not yet valid pinned certificate", pins(notYet), signedNotYet, []error{signature.ErrCertificateExpired}},
		{"revoked pinned certificate", signature.TrustConfig{Pinned: []*x509.Certificate{idp.Certificate}, Revocation: revoked}, signed, []error{xmldsig.ErrUntrustedKey, signature.ErrRevoked}},
		{"revocation status unavailable", signature.TrustConfig{Pinned: []*x509.Certificate{idp.Certificate}, Revocation: down}, signed, []error{xmldsig.ErrUntrustedKey}},
		{"tampered content", pins(idp), replace(t, signed, "Musterstadt", "Musterstadx"), []error{xmldsig.ErrDigestMismatch}},
		{"tampered digest value", pins(idp, next), replace(t, signed, "<ds:DigestValue>", "<ds:DigestValue>AAAA"), []error{xmldsig.ErrUntrustedKey}},
		{"tampered signature value", pins(idp), replace(t, signed, "<ds:SignatureValue>", "<ds:SignatureValue>AAAA"), []error{xmldsig.ErrUntrustedKey}},
		{"method relabelled to the other pin's type", pins(idp, next), replace(t, signed, signature.RSASHA256, signature.ECDSASHA256), []error{xmldsig.ErrUntrustedKey}},
		{"sha1 method by default", pins(idp), replace(t, signed, signature.RSASHA256, signature.RSASHA1), []error{xmldsig.ErrAlgorithmNotAllowed}},
		// A certificate in KeyInfo that is not trusted does not help (its
		// key is no pinned key); one that is trusted is used strictly.
		{"KeyInfo names a certificate that is not pinned", pins(idp), otherWithKeyInfo, []error{xmldsig.ErrUntrustedKey}},
		{"KeyInfo certificate swapped for another pin", pins(idp, other), bytes.Replace(withKeyInfo, []byte(b64(idp.Certificate)), []byte(b64(other.Certificate)), 1), []error{xmldsig.ErrInvalidSignature}},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, c.cfg)})
			res, err := v.Verify(ctx, c.data)
			require.NotEmpty(t, c.want)
			for _, w := range c.want {
				require.ErrorIs(t, err, w, "%v", err)
			}
			assert.Nil(t, res)
		})
	}

	t.Run("pinned key refused by the policy", func(t *testing.T) {
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(idp)), Policy: signature.Policy{MinRSABits: 3072}})
		_, err := v.Verify(ctx, signed)
		assert.ErrorIs(t, err, signature.ErrInvalidKey)
	})
	t.Run("pinned key type outside the policy's methods", func(t *testing.T) {
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(next)), Policy: signature.Policy{SignatureMethods: []string{signature.RSASHA256}}})
		_, err := v.Verify(ctx, signedNext)
		assert.ErrorIs(t, err, xmldsig.ErrAlgorithmNotAllowed)
	})
	t.Run("weak pinned key", func(t *testing.T) {
		weak, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "weak", Key: signaturetest.RSA1024})
		require.NoError(t, err)
		data := signNoKeyInfo(t, weak)
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(weak))})
		_, err = v.Verify(ctx, data)
		assert.ErrorIs(t, err, signature.ErrInvalidKey)
	})
	t.Run("revocation is asked only about the matching pin", func(t *testing.T) {
		rev := &signaturetest.Revocation{}
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, signature.TrustConfig{Pinned: []*x509.Certificate{other.Certificate, next.Certificate, idp.Certificate}, Revocation: rev})})
		_, err := v.Verify(ctx, signed)
		require.NoError(t, err)
		assert.Equal(t, 1, rev.Calls())
	})
	t.Run("cancelled context", func(t *testing.T) {
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(other, idp))})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := v.Verify(cctx, signed)
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("ID-referenced assertion without KeyInfo", func(t *testing.T) {
		doc := etree.NewDocument()
		require.NoError(t, doc.ReadFromString(samlResponse))
		s := newSigner(t, xmldsig.SignerConfig{Key: idp, OmitKeyInfo: true, Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Space: "urn:oasis:names:tc:SAML:2.0:assertion", Local: "Issuer"}})
		require.NoError(t, s.SignElement(doc.FindElement("//Assertion")))
		data, err := doc.WriteToBytes()
		require.NoError(t, err)
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(next, idp))})
		res, err := verifyAssertion(ctx, v, data)
		require.NoError(t, err)
		assert.Equal(t, "user@user.com.evil.com", res.Element.FindElement("//NameID").Text())
		_, err = verifyAssertion(ctx, v, replace(t, data, "user@user.com.evil.com", "admin@user.com"))
		assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
		vOther := newVerifier(t, xmldsig.VerifierConfig{Trust: trustConfig(t, pins(other))})
		_, err = verifyAssertion(ctx, vOther, data)
		assert.ErrorIs(t, err, xmldsig.ErrUntrustedKey)
	})
}

func b64(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }
