package oidc_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/internal/sidebyside"
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
	sidebyside.Compare(b, func() error { _, err := c.VerifyIDToken(ctx, raw, opts); return err }, rawVerify)
}
