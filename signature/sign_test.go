package signature_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func mustKey(t testing.TB, kt signaturetest.KeyType) crypto.Signer {
	t.Helper()
	k, err := signaturetest.NewKey(kt, false)
	require.NoError(t, err)
	return k
}

func method(t testing.TB, uri string) signature.Method {
	t.Helper()
	m, ok := signature.LookupMethod(uri)
	require.True(t, ok, uri)
	return m
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	rsaKey := mustKey(t, signaturetest.RSA2048)
	cases := []struct {
		uri string
		key crypto.Signer
	}{
		{signature.RSASHA256, rsaKey},
		{signature.RSASHA384, rsaKey},
		{signature.RSASHA512, rsaKey},
		{signature.RSAPSSSHA256, rsaKey},
		{signature.RSAPSSSHA384, rsaKey},
		{signature.RSAPSSSHA512, rsaKey},
		{signature.ECDSASHA256, mustKey(t, signaturetest.P256)},
		{signature.ECDSASHA384, mustKey(t, signaturetest.P384)},
		{signature.ECDSASHA512, mustKey(t, signaturetest.P521)},
	}
	data := []byte("<Nachricht>Hallo Behörde</Nachricht>")
	for _, tc := range cases {
		t.Run(tc.uri, func(t *testing.T) {
			t.Parallel()
			m, err := signature.Policy{}.SignatureMethod(tc.uri)
			require.NoError(t, err)
			sig, err := signature.Sign(tc.key, m, data)
			require.NoError(t, err)
			require.NoError(t, signature.Verify(tc.key.Public(), m, data, sig, signature.VerifyOptions{}))

			h := m.Hash.New()
			h.Write(data)
			sig2, err := signature.SignDigest(tc.key, m, h.Sum(nil))
			require.NoError(t, err)
			require.NoError(t, signature.VerifyDigest(tc.key.Public(), m, h.Sum(nil), sig2, signature.VerifyOptions{}))

			tampered := append([]byte(nil), data...)
			tampered[0] ^= 1
			require.ErrorIs(t, signature.Verify(tc.key.Public(), m, tampered, sig, signature.VerifyOptions{}), signature.ErrInvalidSignature)
			badSig := append([]byte(nil), sig...)
			badSig[len(badSig)-1] ^= 1
			require.ErrorIs(t, signature.Verify(tc.key.Public(), m, data, badSig, signature.VerifyOptions{}), signature.ErrInvalidSignature)
		})
	}
}

func TestECDSARawWidth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kt    signaturetest.KeyType
		uri   string
		width int
	}{
		{signaturetest.P256, signature.ECDSASHA256, 64},
		{signaturetest.P384, signature.ECDSASHA384, 96},
		{signaturetest.P521, signature.ECDSASHA512, 132},
	} {
		k := mustKey(t, tc.kt)
		for range 20 { // leading zero bytes in r or s must keep the width
			sig, err := signature.Sign(k, method(t, tc.uri), []byte("x"))
			require.NoError(t, err)
			require.Len(t, sig, tc.width)
		}
	}
}

func TestSignVerifyNegative(t *testing.T) {
	t.Parallel()
	rsaKey := mustKey(t, signaturetest.RSA2048).(*rsa.PrivateKey)
	otherRSA := mustKey(t, signaturetest.RSA3072)
	ecKey := mustKey(t, signaturetest.P256).(*ecdsa.PrivateKey)
	data := []byte("payload")
	digest := sha256.Sum256(data)

	pssSig, err := signature.Sign(rsaKey, method(t, signature.RSAPSSSHA256), data)
	require.NoError(t, err)
	rawEC, err := signature.Sign(ecKey, method(t, signature.ECDSASHA256), data)
	require.NoError(t, err)
	derEC, err := ecdsa.SignASN1(rand.Reader, ecKey, digest[:])
	require.NoError(t, err)
	pssMaxSalt, err := rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, digest[:], nil) // Go default: max salt
	require.NoError(t, err)
	pssSalt20, err := rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: 20})
	require.NoError(t, err)
	pkcs1, err := rsa.SignPKCS1v15(rand.Reader, rsaKey, crypto.SHA256, digest[:])
	require.NoError(t, err)

	cases := []struct {
		name   string
		pub    crypto.PublicKey
		uri    string
		sig    []byte
		opts   signature.VerifyOptions
		target error
	}{
		{"pss wrong key", otherRSA.Public(), signature.RSAPSSSHA256, pssSig, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"pss max salt refused", &rsaKey.PublicKey, signature.RSAPSSSHA256, pssMaxSalt, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"pss salt 20 refused", &rsaKey.PublicKey, signature.RSAPSSSHA256, pssSalt20, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"pss verified as pkcs1", &rsaKey.PublicKey, signature.RSASHA256, pssSig, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"pkcs1 verified as pss", &rsaKey.PublicKey, signature.RSAPSSSHA256, pkcs1, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"pss wrong hash", &rsaKey.PublicKey, signature.RSAPSSSHA512, pssSig, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"ecdsa der refused by default", &ecKey.PublicKey, signature.ECDSASHA256, derEC, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"ecdsa raw truncated", &ecKey.PublicKey, signature.ECDSASHA256, rawEC[:63], signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"ecdsa empty", &ecKey.PublicKey, signature.ECDSASHA256, nil, signature.VerifyOptions{AllowECDSADER: true}, signature.ErrInvalidSignature},
		{"ecdsa garbage der", &ecKey.PublicKey, signature.ECDSASHA256, []byte{0x30, 0x02, 0x02, 0x00}, signature.VerifyOptions{AllowECDSADER: true}, signature.ErrInvalidSignature},
		{"ecdsa method with rsa key", &rsaKey.PublicKey, signature.ECDSASHA256, rawEC, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"rsa method with ec key", &ecKey.PublicKey, signature.RSASHA256, pkcs1, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"nil key", nil, signature.RSASHA256, pkcs1, signature.VerifyOptions{}, signature.ErrInvalidSignature},
		{"forged method struct", &rsaKey.PublicKey, "", pkcs1, signature.VerifyOptions{}, signature.ErrAlgorithmNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := signature.Method{URI: tc.uri, Hash: crypto.SHA256, Key: signature.KeyRSA}
			if tc.uri != "" {
				m = method(t, tc.uri)
			}
			err := signature.Verify(tc.pub, m, data, tc.sig, tc.opts)
			require.ErrorIs(t, err, tc.target)
		})
	}

	t.Run("ecdsa der accepted with option", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, signature.Verify(&ecKey.PublicKey, method(t, signature.ECDSASHA256), data, derEC, signature.VerifyOptions{AllowECDSADER: true}))
		require.NoError(t, signature.Verify(&ecKey.PublicKey, method(t, signature.ECDSASHA256), data, rawEC, signature.VerifyOptions{AllowECDSADER: true}))
	})
	t.Run("pss salt equals hash interoperates with crypto/rsa", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, rsa.VerifyPSS(&rsaKey.PublicKey, crypto.SHA256, digest[:], pssSig, &rsa.PSSOptions{SaltLength: 32}))
	})
}

func TestSignRefuses(t *testing.T) {
	t.Parallel()
	rsaKey := mustKey(t, signaturetest.RSA2048)
	ecKey := mustKey(t, signaturetest.P256)
	cases := []struct {
		name   string
		key    crypto.Signer
		m      signature.Method
		digest []byte
		target error
	}{
		{"rsa-sha1", rsaKey, method(t, signature.RSASHA1), make([]byte, 20), signature.ErrAlgorithmNotAllowed},
		{"ecdsa-sha1", ecKey, method(t, signature.ECDSASHA1), make([]byte, 20), signature.ErrAlgorithmNotAllowed},
		{"forged method", rsaKey, signature.Method{URI: "urn:x", Hash: crypto.SHA256, Key: signature.KeyRSA}, make([]byte, 32), signature.ErrAlgorithmNotAllowed},
		{"method with wrong hash", rsaKey, signature.Method{URI: signature.RSASHA256, Hash: crypto.SHA1, Key: signature.KeyRSA}, make([]byte, 20), signature.ErrAlgorithmNotAllowed},
		{"ecdsa method rsa key", rsaKey, method(t, signature.ECDSASHA256), make([]byte, 32), signature.ErrInvalidKey},
		{"rsa method ec key", ecKey, method(t, signature.RSAPSSSHA256), make([]byte, 32), signature.ErrInvalidKey},
		{"nil signer", nil, method(t, signature.RSASHA256), make([]byte, 32), signature.ErrInvalidKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := signature.SignDigest(tc.key, tc.m, tc.digest)
			require.ErrorIs(t, err, tc.target)
		})
	}
	t.Run("wrong digest length", func(t *testing.T) {
		t.Parallel()
		_, err := signature.SignDigest(rsaKey, method(t, signature.RSASHA256), make([]byte, 31))
		require.ErrorIs(t, err, signature.ErrInvalidDigest)
		err = signature.VerifyDigest(rsaKey.Public(), method(t, signature.RSASHA256), make([]byte, 31), make([]byte, 256), signature.VerifyOptions{})
		require.ErrorIs(t, err, signature.ErrInvalidSignature)
	})
	t.Run("algorithm error type", func(t *testing.T) {
		t.Parallel()
		_, err := signature.Sign(rsaKey, method(t, signature.RSASHA1), []byte("x"))
		var ae *signature.AlgorithmError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, signature.RSASHA1, ae.URI)
	})
}

func TestDefaultMethod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pub  crypto.PublicKey
		want string
		ok   bool
	}{
		{mustKey(t, signaturetest.RSA2048).Public(), signature.RSASHA256, true},
		{mustKey(t, signaturetest.P256).Public(), signature.ECDSASHA256, true},
		{mustKey(t, signaturetest.P384).Public(), signature.ECDSASHA384, true},
		{mustKey(t, signaturetest.P521).Public(), signature.ECDSASHA512, true},
		{nil, "", false},
		{"not a key", "", false},
		{func() crypto.PublicKey { k, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader); return &k.PublicKey }(), "", false},
	}
	for _, tc := range cases {
		m, err := signature.DefaultMethod(tc.pub)
		if !tc.ok {
			require.ErrorIs(t, err, signature.ErrInvalidKey)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, m.URI)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for uri, h := range map[string]crypto.Hash{
		signature.DigestSHA256: crypto.SHA256, signature.DigestSHA384: crypto.SHA384,
		signature.DigestSHA512: crypto.SHA512, signature.DigestSHA1: crypto.SHA1,
	} {
		got, ok := signature.LookupDigest(uri)
		require.True(t, ok)
		assert.Equal(t, h, got)
		assert.Equal(t, uri, signature.DigestURI(h))
	}
	_, ok := signature.LookupDigest("http://www.w3.org/2001/04/xmldsig-more#md5")
	assert.False(t, ok)
	_, ok = signature.LookupMethod("http://www.w3.org/2001/04/xmldsig-more#rsa-md5")
	assert.False(t, ok)
	assert.Empty(t, signature.DigestURI(crypto.MD5))
	assert.True(t, errors.Is(&signature.AlgorithmError{URI: "x"}, signature.ErrAlgorithmNotAllowed))
}
