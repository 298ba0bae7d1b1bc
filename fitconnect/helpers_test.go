package fitconnect_test

import (
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// untrustedStore anchors at a CA that did not issue the test PKI.
func untrustedStore(t testing.TB) *signature.TrustStore {
	t.Helper()
	ca, err := signaturetest.NewCA("untrusted root", signaturetest.P256)
	require.NoError(t, err)
	ts, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}, KeyUsage: fitconnect.TrustKeyUsage})
	require.NoError(t, err)
	return ts
}
