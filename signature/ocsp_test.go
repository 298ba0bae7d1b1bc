package signature_test

import (
	"context"
	"crypto/x509"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestOCSPChecker(t *testing.T) {
	t.Parallel()
	root, err := signaturetest.NewCA("Root", signaturetest.P256)
	require.NoError(t, err)
	inter, err := root.NewIntermediate("Sub-CA")
	require.NoError(t, err)

	cases := []struct {
		name    string
		fault   signaturetest.OCSPFault
		revoke  bool
		noURL   bool
		allowNo bool
		targets []error // nil = success
	}{
		{name: "good"},
		{name: "no OCSP URL allowed", noURL: true, allowNo: true},
		{name: "revoked", revoke: true, targets: []error{signature.ErrRevoked}},
		{name: "no OCSP URL", noURL: true, targets: []error{signature.ErrUntrustedKey}},
		{name: "http 500", fault: signaturetest.OCSPHTTPError, targets: []error{signature.ErrUntrustedKey}},
		{name: "garbage", fault: signaturetest.OCSPGarbage, targets: []error{signature.ErrUntrustedKey}},
		{name: "unknown", fault: signaturetest.OCSPUnknown, targets: []error{signature.ErrUntrustedKey}},
		{name: "stale", fault: signaturetest.OCSPStale, targets: []error{signature.ErrUntrustedKey}},
		{name: "future", fault: signaturetest.OCSPFuture, targets: []error{signature.ErrUntrustedKey}},
		{name: "wrong signer", fault: signaturetest.OCSPWrongSigner, targets: []error{signature.ErrUntrustedKey}},
		{name: "delegate without EKU", fault: signaturetest.OCSPDelegateWithoutEKU, targets: []error{signature.ErrUntrustedKey}},
		{name: "wrong serial", fault: signaturetest.OCSPWrongSerial, targets: []error{signature.ErrUntrustedKey}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := signaturetest.NewOCSPResponder(inter, nil)
			require.NoError(t, err)
			t.Cleanup(resp.Close)
			opts := signaturetest.Options{Key: signaturetest.P256, OCSPServer: []string{resp.URL}}
			if tc.noURL {
				opts.OCSPServer = nil
			}
			leaf, err := inter.Issue(opts)
			require.NoError(t, err)
			if tc.revoke {
				resp.Revoke(leaf.Certificate)
			}
			resp.SetFault(tc.fault)
			checker, err := signature.NewOCSPChecker(signature.OCSPConfig{AllowLeafWithoutOCSP: tc.allowNo})
			require.NoError(t, err)
			store, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root.Certificate}, Revocation: checker})
			require.NoError(t, err)
			chain, err := store.Verify(context.Background(), leaf.Certificate, leaf.Chain)
			if tc.targets == nil {
				require.NoError(t, err)
				require.Len(t, chain, 3)
				return
			}
			for _, target := range tc.targets {
				require.ErrorIs(t, err, target)
			}
			if !tc.revoke {
				require.NotErrorIs(t, err, signature.ErrRevoked)
			}
		})
	}

	t.Run("good answers are cached until nextUpdate", func(t *testing.T) {
		t.Parallel()
		var clock atomic.Int64
		clock.Store(time.Now().UnixNano())
		now := func() time.Time { return time.Unix(0, clock.Load()) }
		advance := func(d time.Duration) { clock.Add(int64(d)) }
		resp, err := signaturetest.NewOCSPResponder(inter, now)
		require.NoError(t, err)
		t.Cleanup(resp.Close)
		leaf, err := inter.Issue(signaturetest.Options{Key: signaturetest.P256, OCSPServer: []string{resp.URL}})
		require.NoError(t, err)
		checker, err := signature.NewOCSPChecker(signature.OCSPConfig{Now: now})
		require.NoError(t, err)
		chain := append([]*x509.Certificate{leaf.Certificate}, leaf.Chain...)
		chain = append(chain, root.Certificate)
		require.NoError(t, checker.CheckRevocation(context.Background(), chain))
		require.NoError(t, checker.CheckRevocation(context.Background(), chain))
		assert.Equal(t, 1, resp.Hits())
		advance(2 * time.Hour)
		resp.Revoke(leaf.Certificate)
		require.ErrorIs(t, checker.CheckRevocation(context.Background(), chain), signature.ErrRevoked)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		advance(2 * time.Hour)
		require.ErrorIs(t, checker.CheckRevocation(ctx, chain), context.Canceled)
	})
	_, err = signature.NewOCSPChecker(signature.OCSPConfig{MaxAge: -1})
	require.ErrorIs(t, err, signature.ErrInvalidConfig)
}

func TestNewOCSPCheckerInvalid(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]signature.OCSPConfig{
		"negative MaxResponseBytes": {MaxResponseBytes: -1},
		"negative MaxAge":           {MaxAge: -1},
		"negative Skew":             {Skew: -1},
	} {
		_, err := signature.NewOCSPChecker(cfg)
		require.ErrorIs(t, err, signature.ErrInvalidConfig, name)
	}
	_, err := signature.NewOCSPChecker(signature.OCSPConfig{})
	require.NoError(t, err)
}
