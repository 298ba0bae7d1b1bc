package xmldsig_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

func vector(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "xmlsec", name))
	require.NoError(t, err)
	return data
}

// TestPublicVectorsRefused: the xmlsec project's vectors that fall outside
// this package's profile are refused with the documented typed errors.
func TestPublicVectorsRefused(t *testing.T) {
	ctx := context.Background()
	// The Phaos certificate is pinned so that trust is not what fails.
	phaos := vector(t, "phaos-xmldsig-three/signature-rsa-enveloped.xml")
	m := regexp.MustCompile(`<dsig:X509Certificate>([^<]+)<`).FindSubmatch(phaos)
	require.NotNil(t, m)
	der, err := base64.StdEncoding.DecodeString(string(m[1]))
	require.NoError(t, err)
	phaosCert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pinned, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{phaosCert}, InsecureIgnorePinnedValidity: true, Now: fixedNow})
	require.NoError(t, err)
	strict := newVerifier(t, xmldsig.VerifierConfig{Trust: pinned})
	legacy := newVerifier(t, xmldsig.VerifierConfig{Trust: pinned, Policy: signature.Policy{InsecureAllowSHA1: true}})

	for _, c := range []struct {
		file string
		v    *xmldsig.Verifier
		want error
	}{
		// The enveloped XPath idiom is accepted, the KeyName-only KeyInfo
		// falls back to the pins: the Phaos pin does not verify them.
		{"aleksey-xmldsig-01/enveloped-sha256-ecdsa-sha256.xml", strict, xmldsig.ErrUntrustedKey},
		{"aleksey-xmldsig-01/enveloped-sha256-rsa-pss-sha256.xml", strict, xmldsig.ErrUntrustedKey},
		{"aleksey-xmldsig-01/enveloped-sha1-rsa-sha1.xml", strict, xmldsig.ErrAlgorithmNotAllowed},
		{"phaos-xmldsig-three/signature-rsa-enveloped.xml", strict, xmldsig.ErrAlgorithmNotAllowed},                // SHA-1
		{"phaos-xmldsig-three/signature-rsa-enveloped.xml", legacy, signature.ErrInvalidKey},                       // 1024-bit RSA
		{"phaos-xmldsig-three/signature-rsa-enveloped-bad-digest-val.xml", strict, xmldsig.ErrAlgorithmNotAllowed}, // refused before crypto
		{"merlin-c14n-three/signature.xml", strict, xmldsig.ErrUnsupported},                                        // XPath
	} {
		t.Run(c.file, func(t *testing.T) {
			_, err := c.v.Verify(ctx, vector(t, c.file))
			assert.ErrorIs(t, err, c.want, "%v", err)
		})
	}
}

// TestInsecureAllowSHA1: an rsa-sha1/sha1 signature made by xmlsec1 is
// refused by default and accepted, with a logged warning, under
// InsecureAllowSHA1.
func TestInsecureAllowSHA1(t *testing.T) {
	ctx := context.Background()
	env := newXMLSec1Env(t, signaturetest.RSA2048)
	tmpl := withTemplate([]byte(xoevDoc), signature.RSASHA1)
	tmpl = bytes.Replace(tmpl, []byte(signature.DigestSHA256), []byte(signature.DigestSHA1), 1)
	signed := env.sign(t, tmpl)

	_, err := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)}).Verify(ctx, signed)
	assert.ErrorIs(t, err, xmldsig.ErrAlgorithmNotAllowed)

	var logs bytes.Buffer
	v := newVerifier(t, xmldsig.VerifierConfig{
		Trust:  trustAnchors(t, env.ca.Certificate),
		Policy: signature.Policy{InsecureAllowSHA1: true},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	res, err := v.Verify(ctx, signed)
	require.NoError(t, err)
	assert.Equal(t, signature.RSASHA1, res.SignatureMethod)
	assert.Equal(t, 2, strings.Count(logs.String(), "level=WARN"), logs.String())
}

// TestJavaP521ShortValue: xmlsec's vector of an older Java signer, whose
// P-521 ECDSA value is 2×65 bytes instead of 2×66, verifies as in xmlsec1
// (its test suite verifies it against the same CA at the same time);
// signature.P521ShortHalf documents the rule.
func TestJavaP521ShortValue(t *testing.T) {
	ctx := context.Background()
	data := vector(t, "aleksey-xmldsig-01/enveloped-ecdsa-java-bug.xml")
	ca, err := signature.ParseCertificatesPEM(vector(t, "keys/enveloped-ecdsa-java-bug-cert.pem"))
	require.NoError(t, err)
	at := func(s string) func() time.Time {
		return func() time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Anchors: ca, Now: at("2019-01-01T00:00:00Z")})
	require.NoError(t, err)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trust})

	m := regexp.MustCompile(`<SignatureValue>([^<]+)<`).FindSubmatch(data)
	require.NotNil(t, m)
	value, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(m[1]), "\n", ""))
	require.NoError(t, err)
	require.Len(t, value, 2*signature.P521ShortHalf)

	res, err := v.Verify(ctx, data)
	require.NoError(t, err)
	assert.Equal(t, signature.ECDSASHA512, res.SignatureMethod)
	assert.Equal(t, "hello", res.Element.Tag)

	reencode := func(v []byte) []byte {
		return bytes.Replace(data, m[1], []byte(base64.StdEncoding.EncodeToString(v)), 1)
	}
	padded := append(append(append([]byte{0}, value[:65]...), 0), value[65:]...)
	_, err = v.Verify(ctx, reencode(padded))
	require.NoError(t, err, "the same value as 2×66 bytes")

	for name, bad := range map[string][]byte{
		"one byte dropped":  value[:129],
		"2×64 bytes":        append(append([]byte{}, value[1:65]...), value[66:]...),
		"one half 66 bytes": append([]byte{0}, value...),
		"tampered":          append(append([]byte{}, value[:129]...), value[129]^1),
	} {
		_, err := v.Verify(ctx, reencode(bad))
		assert.ErrorIs(t, err, xmldsig.ErrInvalidSignature, name)
	}
	_, err = newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, ca...)}).Verify(ctx, data)
	assert.ErrorIs(t, err, signature.ErrCertificateExpired, "the signer's certificate expired in 2019")
}

// TestAlekseyVectorsVerify: xmlsec's own enveloped signatures (KeyInfo with
// a KeyName only, the enveloped-signature transform followed by the XPath
// idiom not(ancestor-or-self::dsig:Signature)) verify end to end with the
// published public keys pinned as bare keys, and fail with another key.
func TestAlekseyVectorsVerify(t *testing.T) {
	ctx := context.Background()
	rsaKey, err := signature.ParsePublicKeyPEM(vector(t, "keys/rsa/rsa-4096-pubkey.pem"))
	require.NoError(t, err)
	ecKey, err := signature.ParsePublicKeyPEM(vector(t, "keys/ec/ec-prime256v1-pubkey.pem"))
	require.NoError(t, err)
	pinned := func(k ...crypto.PublicKey) *xmldsig.Verifier {
		ts, err := signature.NewTrustStore(signature.TrustConfig{PinnedKeys: k})
		require.NoError(t, err)
		return newVerifier(t, xmldsig.VerifierConfig{Trust: ts})
	}
	for _, c := range []struct {
		file string
		key  crypto.PublicKey
		der  bool
	}{
		{"enveloped-sha256-ecdsa-sha256.xml", ecKey, false},
		{"enveloped-sha256-ecdsa-sha256-with-asn1.xml", ecKey, true},
		{"enveloped-sha256-rsa-pss-sha256.xml", rsaKey, false},
		{"enveloped-sha384-rsa-pss-sha384.xml", rsaKey, false},
		{"enveloped-sha512-rsa-pss-sha512.xml", rsaKey, false},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := vector(t, "aleksey-xmldsig-01/"+c.file)
			v := pinned(rsaKey, ecKey)
			if c.der {
				_, err := v.Verify(ctx, data)
				require.ErrorIs(t, err, xmldsig.ErrUntrustedKey, "DER value needs AllowECDSADER")
				ts, err := signature.NewTrustStore(signature.TrustConfig{PinnedKeys: []crypto.PublicKey{ecKey}})
				require.NoError(t, err)
				v = newVerifier(t, xmldsig.VerifierConfig{Trust: ts, AllowECDSADER: true})
			}
			res, err := v.Verify(ctx, data)
			require.NoError(t, err)
			assert.Nil(t, res.Certificate)
			assert.Equal(t, c.key, res.PublicKey)
			assert.Equal(t, "Envelope", res.Element.Tag)

			_, err = v.Verify(ctx, bytes.Replace(data, []byte("Hello, World!"), []byte("Hello, World?"), 1))
			assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
			other := rsaKey
			if c.key == rsaKey {
				other = ecKey
			}
			_, err = pinned(other).Verify(ctx, data)
			assert.ErrorIs(t, err, xmldsig.ErrUntrustedKey)
		})
	}
}
