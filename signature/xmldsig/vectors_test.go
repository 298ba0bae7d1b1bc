package xmldsig_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
		{"aleksey-xmldsig-01/enveloped-sha256-ecdsa-sha256.xml", strict, xmldsig.ErrUnsupported}, // XPath transform
		{"aleksey-xmldsig-01/enveloped-sha256-rsa-pss-sha256.xml", strict, xmldsig.ErrUnsupported},
		{"aleksey-xmldsig-01/enveloped-sha1-rsa-sha1.xml", strict, xmldsig.ErrUnsupported},
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
