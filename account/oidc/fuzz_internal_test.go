package oidc

import "testing"

// FuzzParseJWKS: any key set input yields keys or a typed error, never a
// panic, and only RSA ≥ 2048 / P-256 keys.
func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := parseJWKS(b)
		if err == nil && len(keys) == 0 {
			t.Fatal("empty set without error")
		}
		for _, k := range keys {
			if !fits(k, RS256) && !fits(k, ES256) && !fits(k, PS256) {
				t.Fatal("unusable key kept")
			}
		}
	})
}

// FuzzUserInfo: any answer is a claims map with the expected sub or a
// typed error.
func FuzzUserInfo(f *testing.F) {
	f.Add([]byte(`{"sub":"a","name":"x"}`))
	f.Add([]byte(`{"sub":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseUserInfo(b, "a")
		if err == nil && m["sub"] != "a" {
			t.Fatal("sub mismatch accepted")
		}
	})
}

// FuzzParseCompact: splitting never panics.
func FuzzParseCompact(f *testing.F) {
	f.Add("a.b.c")
	f.Add("e30.e30.AA")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseCompact("id_token", s, DefaultMaxTokenBytes)
	})
}
