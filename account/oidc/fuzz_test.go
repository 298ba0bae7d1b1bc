package oidc_test

import (
	"context"
	"testing"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

func fuzzSeeds(f *testing.F, sim *accounttest.OIDCSim) {
	for _, fl := range []accounttest.OIDCFaults{{}, {Algorithm: "none"}, {Algorithm: "HS256"}, {BadSignature: true}, {OmitKeyID: true}} {
		sim.SetFaults(fl)
		raw, err := sim.IDToken("n", "at")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	sim.SetFaults(accounttest.OIDCFaults{})
	lt, _ := sim.LogoutToken("s", "sid", nil)
	f.Add(lt)
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJSUzI1NiIsImNyaXQiOlsieCJdfQ.e30.AA")
	f.Add("")
}

// FuzzVerifyIDToken: arbitrary input never panics and never verifies
// without the provider's signature.
func FuzzVerifyIDToken(f *testing.F) {
	sim := accounttest.StartOIDC(f)
	c, err := oidc.New(context.Background(), sim.Config())
	if err != nil {
		f.Fatal(err)
	}
	fuzzSeeds(f, sim)
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := c.VerifyIDToken(context.Background(), raw, oidc.VerifyOptions{Nonce: "n", AccessToken: "at"})
		if err == nil && tok.Subject == "" {
			t.Fatal("verified token without subject")
		}
	})
}

// FuzzVerifyLogoutToken: arbitrary input never panics.
func FuzzVerifyLogoutToken(f *testing.F) {
	sim := accounttest.StartOIDC(f)
	c, err := oidc.New(context.Background(), sim.Config())
	if err != nil {
		f.Fatal(err)
	}
	fuzzSeeds(f, sim)
	f.Fuzz(func(t *testing.T, raw string) {
		lt, err := c.VerifyLogoutToken(context.Background(), raw)
		if err == nil && lt.Subject == "" && lt.SessionID == "" {
			t.Fatal("logout token without sub and sid")
		}
	})
}
