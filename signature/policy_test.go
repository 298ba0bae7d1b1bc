package signature_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestPolicySignatureMethod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    signature.Policy
		uri  string
		ok   bool
	}{
		{"default rsa-sha256", signature.Policy{}, signature.RSASHA256, true},
		{"default pss-sha512", signature.Policy{}, signature.RSAPSSSHA512, true},
		{"default ecdsa-sha384", signature.Policy{}, signature.ECDSASHA384, true},
		{"default refuses rsa-sha1", signature.Policy{}, signature.RSASHA1, false},
		{"default refuses ecdsa-sha1", signature.Policy{}, signature.ECDSASHA1, false},
		{"md5 unknown", signature.Policy{}, "http://www.w3.org/2001/04/xmldsig-more#rsa-md5", false},
		{"hmac unknown", signature.Policy{}, "http://www.w3.org/2000/09/xmldsig#hmac-sha1", false},
		{"empty uri", signature.Policy{}, "", false},
		{"case variant", signature.Policy{}, "http://www.w3.org/2001/04/xmldsig-more#RSA-SHA256", false},
		{"restricted list", signature.Policy{SignatureMethods: []string{signature.RSAPSSSHA256}}, signature.RSASHA256, false},
		{"restricted list hit", signature.Policy{SignatureMethods: []string{signature.RSAPSSSHA256}}, signature.RSAPSSSHA256, true},
		{"sha1 listed but not opted in", signature.Policy{SignatureMethods: []string{signature.RSASHA1}}, signature.RSASHA1, false},
		{"sha1 opted in", signature.Policy{InsecureAllowSHA1: true}, signature.RSASHA1, true},
		{"sha1 opted in but not listed", signature.Policy{InsecureAllowSHA1: true, SignatureMethods: []string{signature.RSASHA256}}, signature.RSASHA1, false},
		{"empty non-nil list refuses all", signature.Policy{SignatureMethods: []string{}}, signature.RSASHA256, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := tc.p.SignatureMethod(tc.uri)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, tc.uri, m.URI)
				return
			}
			var ae *signature.AlgorithmError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tc.uri, ae.URI)
			require.ErrorIs(t, err, signature.ErrAlgorithmNotAllowed)
		})
	}
}

func TestPolicyDigestMethod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    signature.Policy
		uri  string
		want crypto.Hash
	}{
		{"sha256", signature.Policy{}, signature.DigestSHA256, crypto.SHA256},
		{"sha384", signature.Policy{}, signature.DigestSHA384, crypto.SHA384},
		{"sha512", signature.Policy{}, signature.DigestSHA512, crypto.SHA512},
		{"sha1 refused", signature.Policy{}, signature.DigestSHA1, 0},
		{"sha1 allowed", signature.Policy{InsecureAllowSHA1: true}, signature.DigestSHA1, crypto.SHA1},
		{"md5 refused", signature.Policy{InsecureAllowSHA1: true}, "http://www.w3.org/2001/04/xmldsig-more#md5", 0},
		{"sha224 unknown", signature.Policy{}, "http://www.w3.org/2001/04/xmldsig-more#sha224", 0},
		{"not listed", signature.Policy{DigestMethods: []string{signature.DigestSHA512}}, signature.DigestSHA256, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, err := tc.p.DigestMethod(tc.uri)
			if tc.want != 0 {
				require.NoError(t, err)
				require.Equal(t, tc.want, h)
				return
			}
			require.ErrorIs(t, err, signature.ErrAlgorithmNotAllowed)
		})
	}
}

func TestPolicyCheckPublicKey(t *testing.T) {
	t.Parallel()
	small := mustKey(t, signaturetest.RSA1024).Public()
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	require.NoError(t, err)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	rsa2048 := mustKey(t, signaturetest.RSA2048).Public().(*rsa.PublicKey)
	evenE := &rsa.PublicKey{N: rsa2048.N, E: 65536}
	cases := []struct {
		name string
		p    signature.Policy
		pub  crypto.PublicKey
		ok   bool
	}{
		{"rsa2048", signature.Policy{}, rsa2048, true},
		{"p256", signature.Policy{}, mustKey(t, signaturetest.P256).Public(), true},
		{"p521", signature.Policy{}, mustKey(t, signaturetest.P521).Public(), true},
		{"ed25519", signature.Policy{}, edPub, true},
		{"rsa1024 refused", signature.Policy{}, small, false},
		{"rsa1024 refused even if policy asks lower", signature.Policy{MinRSABits: 1024}, small, false},
		{"rsa2048 below 3072 policy", signature.Policy{MinRSABits: 3072}, rsa2048, false},
		{"p224 refused", signature.Policy{}, &p224.PublicKey, false},
		{"even exponent", signature.Policy{}, evenE, false},
		{"nil modulus", signature.Policy{}, &rsa.PublicKey{E: 65537}, false},
		{"tiny modulus", signature.Policy{}, &rsa.PublicKey{N: big.NewInt(15), E: 3}, false},
		{"nil", signature.Policy{}, nil, false},
		{"wrong type", signature.Policy{}, "key", false},
		{"short ed25519", signature.Policy{}, ed25519.PublicKey{1, 2, 3}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.p.CheckPublicKey(tc.pub)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, signature.ErrInvalidKey)
		})
	}
}
