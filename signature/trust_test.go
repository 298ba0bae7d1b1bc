package signature_test

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

type revocationFunc func(ctx context.Context, chain []*x509.Certificate) error

func (f revocationFunc) CheckRevocation(ctx context.Context, chain []*x509.Certificate) error {
	return f(ctx, chain)
}

func TestTrustStore(t *testing.T) {
	t.Parallel()
	p := newPKI(t, signaturetest.P256)
	// Another root with the SAME subject but another key.
	evilRoot, err := signaturetest.NewCA("Test Root", signaturetest.P256)
	require.NoError(t, err)
	evilInter, err := evilRoot.NewIntermediate("Test Intermediate")
	require.NoError(t, err)
	evilLeaf, err := evilInter.Issue(signaturetest.Options{CommonName: "Stadt Musterhausen", Key: signaturetest.P256})
	require.NoError(t, err)

	// A self-signed certificate that impersonates the anchor (same subject).
	impostor, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Test Root", Key: signaturetest.P256})
	require.NoError(t, err)

	now := time.Now()
	expired, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.P256, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	require.NoError(t, err)
	future, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.P256, NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(48 * time.Hour)})
	require.NoError(t, err)
	serverOnly, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.P256, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	require.NoError(t, err)
	pinnedKP, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP", Key: signaturetest.P256})
	require.NoError(t, err)
	// Same key, same subject, but a re-issued certificate: pin must not match.
	pinnedTwin, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP", Signer: pinnedKP.Signer})
	require.NoError(t, err)
	expiredPin, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP old", Key: signaturetest.P256, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)})
	require.NoError(t, err)

	encOnly, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.RSA2048, KeyUsage: x509.KeyUsageKeyEncipherment})
	require.NoError(t, err)
	sigOnly, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.P256, KeyUsage: x509.KeyUsageDigitalSignature})
	require.NoError(t, err)
	ccOnly, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.P256, KeyUsage: x509.KeyUsageContentCommitment})
	require.NoError(t, err)
	noKU, err := p.inter.Issue(signaturetest.Options{Key: signaturetest.P256, NoKeyUsage: true})
	require.NoError(t, err)
	require.Zero(t, noKU.Certificate.KeyUsage)
	encOnlyPin, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.RSA2048, KeyUsage: x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment})
	require.NoError(t, err)
	kaPin, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256, KeyUsage: x509.KeyUsageKeyAgreement})
	require.NoError(t, err)
	noKUPin, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256, NoKeyUsage: true})
	require.NoError(t, err)

	base := signature.TrustConfig{Anchors: []*x509.Certificate{p.root.Certificate}, Now: func() time.Time { return now }}
	pinCfg := signature.TrustConfig{Pinned: []*x509.Certificate{pinnedKP.Certificate, expiredPin.Certificate}, Now: func() time.Time { return now }}
	revoked := base
	revoked.Revocation = revocationFunc(func(context.Context, []*x509.Certificate) error { return signature.ErrRevoked })
	unavailable := base
	errOCSP := errors.New("ocsp responder down")
	unavailable.Revocation = revocationFunc(func(context.Context, []*x509.Certificate) error { return errOCSP })
	withInter := base
	withInter.Intermediates = []*x509.Certificate{p.inter.Certificate}
	emailOnly := base
	emailOnly.ExtKeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	pinEnc := signature.TrustConfig{Pinned: []*x509.Certificate{encOnlyPin.Certificate, kaPin.Certificate, noKUPin.Certificate}, Now: func() time.Time { return now }}
	encStore := base
	encStore.KeyUsage = x509.KeyUsageKeyEncipherment
	later := base
	later.Now = func() time.Time { return now.AddDate(2, 0, 0) }

	cases := []struct {
		name    string
		cfg     signature.TrustConfig
		leaf    *x509.Certificate
		inters  []*x509.Certificate
		chain   int // expected chain length on success
		targets []error
	}{
		{"chain ok", base, p.leaf.Certificate, p.leaf.Chain, 3, nil},
		{"configured intermediate", withInter, p.leaf.Certificate, nil, 3, nil},
		{"pinned ok", pinCfg, pinnedKP.Certificate, nil, 1, nil},
		{"missing intermediate", base, p.leaf.Certificate, nil, 0, []error{signature.ErrUntrustedKey}},
		{"same subject other key", base, evilLeaf.Certificate, evilLeaf.Chain, 0, []error{signature.ErrUntrustedKey}},
		{"anchor impostor same subject", base, impostor.Certificate, nil, 0, []error{signature.ErrUntrustedKey}},
		{"anchor impostor as intermediate", base, evilLeaf.Certificate, []*x509.Certificate{impostor.Certificate}, 0, []error{signature.ErrUntrustedKey}},
		{"evil intermediate offered", base, evilLeaf.Certificate, []*x509.Certificate{p.inter.Certificate, evilInter.Certificate}, 0, []error{signature.ErrUntrustedKey}},
		{"expired", base, expired.Certificate, expired.Chain, 0, []error{signature.ErrUntrustedKey, signature.ErrCertificateExpired}},
		{"not yet valid", base, future.Certificate, future.Chain, 0, []error{signature.ErrUntrustedKey, signature.ErrCertificateExpired}},
		{"expired by clock", later, p.leaf.Certificate, p.leaf.Chain, 0, []error{signature.ErrCertificateExpired}},
		{"key usage", emailOnly, serverOnly.Certificate, serverOnly.Chain, 0, []error{signature.ErrUntrustedKey}},
		{"revoked", revoked, p.leaf.Certificate, p.leaf.Chain, 0, []error{signature.ErrUntrustedKey, signature.ErrRevoked}},
		{"revocation unavailable fails closed", unavailable, p.leaf.Certificate, p.leaf.Chain, 0, []error{signature.ErrUntrustedKey, errOCSP}},
		{"pinned twin", pinCfg, pinnedTwin.Certificate, nil, 0, []error{signature.ErrUntrustedKey}},
		{"not pinned", pinCfg, p.leaf.Certificate, p.leaf.Chain, 0, []error{signature.ErrUntrustedKey}},
		{"pinned expired", pinCfg, expiredPin.Certificate, nil, 0, []error{signature.ErrCertificateExpired}},
		{"CA certificate as signer (key usage certSign)", base, p.inter.Certificate, nil, 0, []error{signature.ErrUntrustedKey}},
		{"encipherment-only leaf", base, encOnly.Certificate, encOnly.Chain, 0, []error{signature.ErrUntrustedKey}},
		{"encipherment-only leaf pinned", pinEnc, encOnlyPin.Certificate, nil, 0, []error{signature.ErrUntrustedKey}},
		{"key agreement leaf pinned", pinEnc, kaPin.Certificate, nil, 0, []error{signature.ErrUntrustedKey}},
		{"encipherment-only leaf for an encryption store", encStore, encOnly.Certificate, encOnly.Chain, 3, nil},
		{"signing leaf for an encryption store", encStore, sigOnly.Certificate, sigOnly.Chain, 0, []error{signature.ErrUntrustedKey}},
		{"contentCommitment only", base, ccOnly.Certificate, ccOnly.Chain, 3, nil},
		{"no key usage extension", base, noKU.Certificate, noKU.Chain, 3, nil},
		{"no key usage extension pinned", pinEnc, noKUPin.Certificate, nil, 1, nil},
		{"nil leaf", base, nil, nil, 0, []error{signature.ErrUntrustedKey}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := signature.NewTrustStore(tc.cfg)
			require.NoError(t, err)
			chain, err := s.Verify(context.Background(), tc.leaf, tc.inters)
			if tc.targets == nil {
				require.NoError(t, err)
				require.Len(t, chain, tc.chain)
				assert.True(t, chain[0].Equal(tc.leaf))
				return
			}
			require.Nil(t, chain)
			for _, target := range tc.targets {
				require.ErrorIs(t, err, target)
			}
			var te *signature.TrustError
			require.ErrorAs(t, err, &te)
			// The subject is formatted only for an error, for every reason.
			if tc.leaf != nil {
				assert.Equal(t, tc.leaf.Subject.String(), te.Subject)
			}
		})
	}

	t.Run("insecure ignore pinned validity", func(t *testing.T) {
		t.Parallel()
		cfg := pinCfg
		cfg.InsecureIgnorePinnedValidity = true
		s, err := signature.NewTrustStore(cfg)
		require.NoError(t, err)
		_, err = s.Verify(context.Background(), expiredPin.Certificate, nil)
		require.NoError(t, err)
	})
	t.Run("revocation sees chain and cancelled ctx", func(t *testing.T) {
		t.Parallel()
		cfg := base
		var got int
		cfg.Revocation = revocationFunc(func(_ context.Context, c []*x509.Certificate) error { got = len(c); return nil })
		s, err := signature.NewTrustStore(cfg)
		require.NoError(t, err)
		_, err = s.Verify(context.Background(), p.leaf.Certificate, p.leaf.Chain)
		require.NoError(t, err)
		assert.Equal(t, 3, got)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("concurrent", func(t *testing.T) {
		t.Parallel()
		s, err := signature.NewTrustStore(base)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := s.Verify(context.Background(), p.leaf.Certificate, p.leaf.Chain)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
	})
}

func TestNewTrustStoreInvalid(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]signature.TrustConfig{
		"empty":            {},
		"nil anchor":       {Anchors: []*x509.Certificate{nil}},
		"nil pinned":       {Pinned: []*x509.Certificate{nil}},
		"nil intermediate": {Pinned: []*x509.Certificate{{Raw: []byte{1}}}, Intermediates: []*x509.Certificate{nil}},
	} {
		_, err := signature.NewTrustStore(cfg)
		require.ErrorIs(t, err, signature.ErrInvalidConfig, name)
		assert.Equal(t, 1, strings.Count(err.Error(), "signature:"), err.Error())
	}
}

func TestTrustStorePinned(t *testing.T) {
	t.Parallel()
	p := newPKI(t, signaturetest.P256)
	a, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP A", Key: signaturetest.P256})
	require.NoError(t, err)
	b, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "IdP B", Key: signaturetest.P256})
	require.NoError(t, err)

	anchorsOnly, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{p.root.Certificate}})
	require.NoError(t, err)
	assert.Empty(t, anchorsOnly.Pinned(), "anchors are never pinned candidates")

	cfgCert := *a.Certificate // the caller's copy, changed after NewTrustStore
	s, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{p.root.Certificate}, Pinned: []*x509.Certificate{&cfgCert, b.Certificate}})
	require.NoError(t, err)
	got := s.Pinned()
	require.Len(t, got, 2)
	assert.True(t, got[0].Equal(a.Certificate))
	assert.True(t, got[1].Equal(b.Certificate))

	cfgCert.PublicKey = b.Certificate.PublicKey
	got[0].PublicKey = b.Certificate.PublicKey
	got[1] = a.Certificate
	again := s.Pinned()
	assert.True(t, again[0].Equal(a.Certificate), "the store keeps its own copy")
	assert.Equal(t, a.Certificate.PublicKey, again[0].PublicKey)
	assert.True(t, again[1].Equal(b.Certificate))

	_, err = signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{{Raw: []byte{0x30, 0x00}}}})
	assert.ErrorIs(t, err, signature.ErrInvalidConfig, "a pinned certificate whose DER does not parse")
}
