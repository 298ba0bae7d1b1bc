package signature_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// TestTrustStorePathCache: a cached path never outlives the validity of
// its certificates, never skips the revocation checker, is keyed by the
// intermediates offered, and cannot be changed through a returned chain.
func TestTrustStorePathCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPKI(t, signaturetest.P256)
	now := time.Now()
	clock := now
	calls := 0
	revoke := false
	s, err := signature.NewTrustStore(signature.TrustConfig{
		Anchors: []*x509.Certificate{p.root.Certificate},
		Now:     func() time.Time { return clock },
		Revocation: revocationFunc(func(context.Context, []*x509.Certificate) error {
			calls++
			if revoke {
				return signature.ErrRevoked
			}
			return nil
		}),
	})
	require.NoError(t, err)

	for i := range 3 {
		chain, err := s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
		require.NoError(t, err, i)
		require.Len(t, chain, 3)
		chain[0], chain[2] = nil, nil // the caller's copy
	}
	assert.Equal(t, 3, calls, "revocation is asked on every call")

	chain, err := s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
	require.NoError(t, err)
	assert.True(t, chain[0].Equal(p.leaf.Certificate), "a changed result does not change the cache")

	_, err = s.Verify(ctx, p.leaf.Certificate, nil)
	assert.ErrorIs(t, err, signature.ErrUntrustedKey, "other intermediates, other entry")

	revoke = true
	before := calls
	_, err = s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
	assert.ErrorIs(t, err, signature.ErrRevoked, "a cached path is still checked for revocation")
	assert.Equal(t, before+1, calls, "and the checker is asked once, not again for a rebuilt path")
	revoke = false

	clock = p.leaf.Certificate.NotAfter.Add(time.Second)
	_, err = s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
	assert.ErrorIs(t, err, signature.ErrCertificateExpired, "a cached path expires with its leaf")
	clock = p.leaf.Certificate.NotBefore.Add(-time.Second)
	_, err = s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
	assert.ErrorIs(t, err, signature.ErrCertificateExpired, "and is not valid before it")
	clock = now
	_, err = s.Verify(ctx, p.leaf.Certificate, p.leaf.Chain)
	require.NoError(t, err)
}

// BenchmarkTrustStoreVerify: an anchored three-certificate path, verified
// repeatedly (cached) against the first verification of a fresh store
// (path building with its signature checks), in the same run.
func BenchmarkTrustStoreVerify(b *testing.B) {
	ctx := context.Background()
	p := newPKI(b, signaturetest.P256)
	cfg := signature.TrustConfig{Anchors: []*x509.Certificate{p.root.Certificate}}
	warm, err := signature.NewTrustStore(cfg)
	require.NoError(b, err)
	var cached, fresh time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := warm.Verify(ctx, p.leaf.Certificate, p.leaf.Chain); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		cold, _ := signature.NewTrustStore(cfg)
		t2 := time.Now()
		if _, err := cold.Verify(ctx, p.leaf.Certificate, p.leaf.Chain); err != nil {
			b.Fatal(err)
		}
		cached += t1.Sub(t0)
		fresh += time.Since(t2)
	}
	b.ReportMetric(float64(cached.Nanoseconds())/float64(b.N), "ns/op")
	b.ReportMetric(float64(cached)/float64(fresh), "x-uncached")
}
