package oidc_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

// signed returns an ID token for nonce "n" with the given faults.
func signed(t *testing.T, sim *accounttest.OIDCSim, f accounttest.OIDCFaults) string {
	t.Helper()
	sim.SetFaults(f)
	defer sim.SetFaults(accounttest.OIDCFaults{})
	raw, err := sim.IDToken("n", "")
	require.NoError(t, err)
	return raw
}

func TestKeyRotation(t *testing.T) {
	sim, c, clk := setup(t, nil)
	ctx := context.Background()
	_, err := c.VerifyIDToken(ctx, signed(t, sim, accounttest.OIDCFaults{}), oidc.VerifyOptions{Nonce: "n"})
	require.NoError(t, err)
	require.Equal(t, 1, sim.JWKSFetches())
	// A new kid right after a fetch waits for the interval.
	require.NoError(t, sim.RotateKey(false))
	raw := signed(t, sim, accounttest.OIDCFaults{})
	_, err = c.VerifyIDToken(ctx, raw, oidc.VerifyOptions{Nonce: "n"})
	assert.ErrorIs(t, err, oidc.ErrUnknownKey)
	clk.Add(oidc.DefaultJWKSMinInterval)
	_, err = c.VerifyIDToken(ctx, raw, oidc.VerifyOptions{Nonce: "n"})
	require.NoError(t, err)
	assert.Equal(t, 2, sim.JWKSFetches())
}

// TestJWKSFlood: many unknown kids at once cost one fetch per interval.
func TestJWKSFlood(t *testing.T) {
	sim, c, clk := setup(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 200 {
		raw := signed(t, sim, accounttest.OIDCFaults{KeyID: fmt.Sprintf("flood-%d", i)})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.VerifyIDToken(ctx, raw, oidc.VerifyOptions{Nonce: "n"})
			assert.ErrorIs(t, err, oidc.ErrUnknownKey)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, sim.JWKSFetches())
	clk.Add(oidc.DefaultJWKSMinInterval)
	for i := range 50 {
		_, _ = c.VerifyIDToken(ctx, signed(t, sim, accounttest.OIDCFaults{KeyID: fmt.Sprintf("again-%d", i)}), oidc.VerifyOptions{Nonce: "n"})
	}
	assert.Equal(t, 2, sim.JWKSFetches())
}

// TestJWKSFailureKeepsLastGoodSet: a failing key set endpoint does not
// drop known keys, and retries back off.
func TestJWKSFailureKeepsLastGoodSet(t *testing.T) {
	sim, c, clk := setup(t, nil)
	ctx := context.Background()
	good := signed(t, sim, accounttest.OIDCFaults{})
	_, err := c.VerifyIDToken(ctx, good, oidc.VerifyOptions{Nonce: "n"})
	require.NoError(t, err)
	sim.SetFaults(accounttest.OIDCFaults{JWKSStatus: http.StatusInternalServerError})
	clk.Add(oidc.DefaultJWKSMinInterval)
	bad := signed(t, sim, accounttest.OIDCFaults{KeyID: "unknown"})
	sim.SetFaults(accounttest.OIDCFaults{JWKSStatus: http.StatusInternalServerError})
	_, err = c.VerifyIDToken(ctx, bad, oidc.VerifyOptions{Nonce: "n"})
	assert.ErrorIs(t, err, oidc.ErrUnknownKey)
	assert.Equal(t, 2, sim.JWKSFetches())
	_, err = c.VerifyIDToken(ctx, good, oidc.VerifyOptions{Nonce: "n"})
	require.NoError(t, err, "last good set kept")
	// Backoff: after one failure the next fetch waits one interval, after
	// two failures two.
	clk.Add(oidc.DefaultJWKSMinInterval)
	_, _ = c.VerifyIDToken(ctx, bad, oidc.VerifyOptions{Nonce: "n"})
	assert.Equal(t, 3, sim.JWKSFetches())
	clk.Add(oidc.DefaultJWKSMinInterval)
	_, _ = c.VerifyIDToken(ctx, bad, oidc.VerifyOptions{Nonce: "n"})
	assert.Equal(t, 3, sim.JWKSFetches(), "second failure doubles the wait")
	clk.Add(oidc.DefaultJWKSMinInterval)
	_, _ = c.VerifyIDToken(ctx, bad, oidc.VerifyOptions{Nonce: "n"})
	assert.Equal(t, 4, sim.JWKSFetches())
}

func TestKidAbsent(t *testing.T) {
	sim, c, _ := setup(t, nil)
	ctx := context.Background()
	_, err := c.VerifyIDToken(ctx, signed(t, sim, accounttest.OIDCFaults{OmitKeyID: true}), oidc.VerifyOptions{Nonce: "n"})
	require.NoError(t, err, "one key: kid may be absent")
	sim2, c2, clk := setup(t, nil)
	require.NoError(t, sim2.RotateKey(true))
	clk.Add(time.Hour)
	_, err = c2.VerifyIDToken(ctx, signed(t, sim2, accounttest.OIDCFaults{OmitKeyID: true}), oidc.VerifyOptions{Nonce: "n"})
	assert.ErrorIs(t, err, oidc.ErrUnknownKey, "two keys: kid required")
}

func TestTokenSizeLimit(t *testing.T) {
	sim, c, _ := setup(t, func(c *oidc.Config) { c.MaxTokenBytes = 2048 })
	raw := signed(t, sim, accounttest.OIDCFaults{Claims: map[string]any{"pad": string(make([]byte, 3000))}})
	_, err := c.VerifyIDToken(context.Background(), raw, oidc.VerifyOptions{Nonce: "n"})
	assert.ErrorIs(t, err, oidc.ErrLimit)
}
