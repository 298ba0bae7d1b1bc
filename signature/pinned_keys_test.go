package signature_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestTrustStorePinnedKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rsaKP, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "RSA", Key: signaturetest.RSA2048, UniqueKey: true})
	require.NoError(t, err)
	ecKP, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "EC", Key: signaturetest.P256, UniqueKey: true})
	require.NoError(t, err)
	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)

	cfgKey := *rsaKP.Certificate.PublicKey.(*rsa.PublicKey) // the caller's copy, changed below
	s, err := signature.NewTrustStore(signature.TrustConfig{PinnedKeys: []crypto.PublicKey{&cfgKey, ecKP.Certificate.PublicKey, edPub}})
	require.NoError(t, err, "bare keys alone are a valid configuration")
	assert.Empty(t, s.Pinned())

	for name, k := range map[string]crypto.PublicKey{
		"rsa":                      rsaKP.Certificate.PublicKey,
		"ecdsa":                    ecKP.Certificate.PublicKey,
		"ed25519":                  edPub,
		"rsa as a fresh value":     &rsa.PublicKey{N: new(big.Int).Set(cfgKey.N), E: cfgKey.E},
		"ecdsa from the signer":    ecKP.Signer.Public(),
		"ed25519 as a fresh slice": ed25519.PublicKey(append([]byte(nil), edPub...)),
	} {
		assert.NoError(t, s.VerifyKey(ctx, k), name)
	}

	cfgKey.E = 3 // changing the configuration afterwards changes nothing
	assert.NoError(t, s.VerifyKey(ctx, rsaKP.Certificate.PublicKey))

	for name, k := range map[string]crypto.PublicKey{
		"other key":        &otherEC.PublicKey,
		"changed exponent": &cfgKey,
		"nil":              nil,
		"nil rsa":          (*rsa.PublicKey)(nil),
		"private key":      otherEC,
		"short ed25519":    ed25519.PublicKey(edPub[:31]),
	} {
		err := s.VerifyKey(ctx, k)
		require.ErrorIs(t, err, signature.ErrUntrustedKey, name)
		var te *signature.TrustError
		require.ErrorAs(t, err, &te, name)
		assert.Equal(t, signature.TrustKeyNotPinned, te.Reason, name)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, s.VerifyKey(cctx, edPub), context.Canceled)

	// A certificate is not trusted because it carries a pinned key, and a
	// pinned certificate's key is not a pinned key.
	_, err = s.Verify(ctx, ecKP.Certificate, nil)
	assert.ErrorIs(t, err, signature.ErrUntrustedKey)
	certs, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{ecKP.Certificate}})
	require.NoError(t, err)
	assert.ErrorIs(t, certs.VerifyKey(ctx, ecKP.Certificate.PublicKey), signature.ErrUntrustedKey)
	assert.Empty(t, certs.PinnedKeys())

	got := s.PinnedKeys()
	require.Len(t, got, 3)
	assert.True(t, rsaKP.Certificate.PublicKey.(*rsa.PublicKey).Equal(got[0]))
	assert.True(t, ecKP.Certificate.PublicKey.(*ecdsa.PublicKey).Equal(got[1]))
	assert.True(t, edPub.Equal(got[2]))
	got[0].(*rsa.PublicKey).E = 5
	assert.True(t, rsaKP.Certificate.PublicKey.(*rsa.PublicKey).Equal(s.PinnedKeys()[0]), "fresh copies")

	for name, k := range map[string]crypto.PublicKey{
		"nil":           nil,
		"nil rsa":       (*rsa.PublicKey)(nil),
		"rsa without N": &rsa.PublicKey{E: 65537},
		"nil ecdsa":     (*ecdsa.PublicKey)(nil),
		"short ed25519": ed25519.PublicKey{1, 2, 3},
		"private key":   otherEC,
		"string":        "key",
	} {
		_, err := signature.NewTrustStore(signature.TrustConfig{PinnedKeys: []crypto.PublicKey{k}})
		require.ErrorIs(t, err, signature.ErrInvalidConfig, name)
		assert.ErrorIs(t, err, signature.ErrInvalidKey, name)
	}
}

func TestParsePublicKeyPEM(t *testing.T) {
	t.Parallel()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	good := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	cert, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate.Raw})

	got, err := signature.ParsePublicKeyPEM(append(certPEM, good...))
	require.NoError(t, err, "other blocks are skipped")
	assert.True(t, k.PublicKey.Equal(got))

	for name, data := range map[string][]byte{
		"empty":       nil,
		"not pem":     []byte("hello"),
		"certificate": certPEM,
		"garbage":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{0x30, 0x03, 1, 2, 3}}),
		"truncated":   pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der[:len(der)-4]}),
	} {
		_, err := signature.ParsePublicKeyPEM(data)
		require.ErrorIs(t, err, signature.ErrInvalidKey, name)
	}
}
