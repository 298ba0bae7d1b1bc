package signaturetest_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestIssueAllKeyTypes(t *testing.T) {
	t.Parallel()
	for _, kt := range []signaturetest.KeyType{signaturetest.RSA2048, signaturetest.P256, signaturetest.P384, signaturetest.P521} {
		root, err := signaturetest.NewCA("Root", kt)
		require.NoError(t, err)
		inter, err := root.NewIntermediate("Inter")
		require.NoError(t, err)
		inter2, err := inter.NewIntermediate("Inter 2")
		require.NoError(t, err)
		kp, err := inter2.Issue(signaturetest.Options{CommonName: "Leaf", Key: kt})
		require.NoError(t, err)
		require.Len(t, kp.Chain, 2)
		assert.True(t, kp.Chain[0].Equal(inter2.Certificate))
		assert.True(t, kp.Chain[1].Equal(inter.Certificate))
		s, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root.Certificate}})
		require.NoError(t, err)
		chain, err := s.Verify(context.Background(), kp.Certificate, kp.Chain)
		require.NoError(t, err)
		assert.Len(t, chain, 4)

		k, c, err := signaturetest.EncodePEM(kp)
		require.NoError(t, err)
		back, err := signature.LoadPEM(k, c)
		require.NoError(t, err)
		assert.True(t, back.Certificate.Equal(kp.Certificate))
		p12, err := signaturetest.EncodePKCS12(kp, "pw")
		require.NoError(t, err)
		back, err = signature.LoadPKCS12(p12, "pw")
		require.NoError(t, err)
		assert.Len(t, back.Chain, 2)
	}
}

func TestPoolDistinctKeys(t *testing.T) {
	t.Parallel()
	a, err := signaturetest.SelfSigned(signaturetest.Options{})
	require.NoError(t, err)
	b, err := signaturetest.SelfSigned(signaturetest.Options{})
	require.NoError(t, err)
	assert.False(t, a.Public().(*rsa.PublicKey).Equal(b.Public()))
}

func TestOptionsWindow(t *testing.T) {
	t.Parallel()
	nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256, NotBefore: nb})
	require.NoError(t, err)
	assert.Equal(t, nb, kp.Certificate.NotBefore)
	assert.Equal(t, nb.AddDate(1, 0, 0), kp.Certificate.NotAfter)
	_, err = signaturetest.NewKey(signaturetest.KeyType(99), false)
	require.ErrorIs(t, err, signaturetest.ErrInvalidConfig)
	_, err = signaturetest.NewCA("x", signaturetest.KeyType(99))
	require.ErrorIs(t, err, signaturetest.ErrInvalidConfig)
	_, err = signaturetest.NewOCSPResponder(nil, nil)
	require.ErrorIs(t, err, signaturetest.ErrInvalidConfig)
	_, err = signaturetest.EncodePKCS12(nil, "")
	require.ErrorIs(t, err, signature.ErrInvalidKey)
	_, _, err = signaturetest.EncodePEM(&signature.KeyPair{})
	require.ErrorIs(t, err, signature.ErrInvalidKey)
}

func TestRevocationDouble(t *testing.T) {
	t.Parallel()
	root, err := signaturetest.NewCA("Root", signaturetest.P256)
	require.NoError(t, err)
	inter, err := root.NewIntermediate("Inter")
	require.NoError(t, err)
	kp, err := inter.Issue(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	rev := &signaturetest.Revocation{}
	s, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root.Certificate}, Revocation: rev})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = s.Verify(ctx, kp.Certificate, kp.Chain)
	require.NoError(t, err)
	rev.Revoke(inter.Certificate) // revoking the intermediate revokes the leaf's chain
	_, err = s.Verify(ctx, kp.Certificate, kp.Chain)
	require.ErrorIs(t, err, signature.ErrRevoked)
	rev2 := &signaturetest.Revocation{}
	rev2.SetError(context.DeadlineExceeded)
	s2, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root.Certificate}, Revocation: rev2})
	require.NoError(t, err)
	_, err = s2.Verify(ctx, kp.Certificate, kp.Chain)
	require.ErrorIs(t, err, signature.ErrUntrustedKey)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 2, rev.Calls())
}

func TestRSAPSSSignedChain(t *testing.T) {
	t.Parallel()
	root, err := signaturetest.NewCA("Verwaltungs-PKI Test Root", signaturetest.RSA2048)
	require.NoError(t, err)
	root.SignatureAlgorithm = x509.SHA512WithRSAPSS
	inter, err := root.NewIntermediate("Sub-CA")
	require.NoError(t, err)
	kp, err := inter.Issue(signaturetest.Options{CommonName: "Destination"})
	require.NoError(t, err)
	assert.Equal(t, x509.SHA512WithRSAPSS, inter.Certificate.SignatureAlgorithm)
	assert.Equal(t, x509.SHA512WithRSAPSS, kp.Certificate.SignatureAlgorithm)
	s, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root.Certificate}})
	require.NoError(t, err)
	_, err = s.Verify(context.Background(), kp.Certificate, kp.Chain)
	require.NoError(t, err)
}
