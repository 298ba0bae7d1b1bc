package oidc_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

// BenchmarkVerifyIDToken compares VerifyIDToken (every check, cached key
// set) with a bare RS256 verification of the same token (split, base64,
// SHA-256, rsa.VerifyPKCS1v15) in one run; metric "ratio" is
// VerifyIDToken ÷ raw.
func BenchmarkVerifyIDToken(b *testing.B) {
	clk := newClock()
	sim := accounttest.StartOIDCWith(b, accounttest.OIDCConfig{Now: clk.Now})
	cfg := sim.Config()
	c, err := oidc.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sim.IDToken("n", "at")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := oidc.VerifyOptions{Nonce: "n", AccessToken: "at"}
	if _, err := c.VerifyIDToken(ctx, raw, opts); err != nil {
		b.Fatal(err)
	}
	pub := sim.PublicKey()
	rawVerify := func() error {
		i := strings.LastIndexByte(raw, '.')
		sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
		if err != nil {
			return err
		}
		h := sha256.Sum256([]byte(raw[:i]))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
	}
	// Per round: 20 calls of each side, interleaved; the reported ratio
	// is the median of the per-round ratios (steadier than a ratio of sums
	// on a shared machine).
	var ours, anchor time.Duration
	var ratios []float64
	const perRound = 20
	for b.Loop() {
		var o, a time.Duration
		for range perRound {
			t0 := time.Now()
			if err := errOf(c.VerifyIDToken(ctx, raw, opts)); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := rawVerify(); err != nil {
				b.Fatal(err)
			}
			o += t1.Sub(t0)
			a += time.Since(t1)
		}
		ours, anchor = ours+o, anchor+a
		ratios = append(ratios, float64(o)/float64(a))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N*perRound), "ours-ns/op")
	b.ReportMetric(float64(anchor.Nanoseconds())/float64(b.N*perRound), "anchor-ns/op")
}

func errOf(_ any, err error) error { return err }
