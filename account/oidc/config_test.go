package oidc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/oidc"
)

func validConfig() oidc.Config {
	return oidc.Config{Issuer: "https://op.example", ClientID: "c", ClientSecret: "s",
		RedirectURL: "https://rp.example/cb", Store: oidc.NewMemoryStore(),
		Provider: &oidc.ProviderMetadata{Issuer: "https://op.example", AuthorizationEndpoint: "https://op.example/a",
			TokenEndpoint: "https://op.example/t", JWKSURI: "https://op.example/k"}}
}

func TestConfigValidate(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	tests := []struct {
		name string
		mod  func(*oidc.Config)
	}{
		{"no issuer", func(c *oidc.Config) { c.Issuer = "" }},
		{"http issuer", func(c *oidc.Config) { c.Issuer = "http://op.example"; c.Provider = nil }},
		{"http loopback without development", func(c *oidc.Config) { c.Issuer = "http://127.0.0.1:1"; c.Provider = nil }},
		{"no client", func(c *oidc.Config) { c.ClientID = "" }},
		{"http redirect", func(c *oidc.Config) { c.RedirectURL = "http://rp.example/cb" }},
		{"no store", func(c *oidc.Config) { c.Store = nil }},
		{"no secret", func(c *oidc.Config) { c.ClientSecret = "" }},
		{"key auth without key", func(c *oidc.Config) { c.ClientAuth = oidc.AuthPrivateKeyJWT }},
		{"weak client key", func(c *oidc.Config) { c.ClientKey = &oidc.ClientKey{Signer: weak} }},
		{"unknown auth", func(c *oidc.Config) { c.ClientAuth = "tls_client_auth" }},
		{"alg HS256", func(c *oidc.Config) { c.Algorithms = []string{"HS256"} }},
		{"alg none", func(c *oidc.Config) { c.Algorithms = []string{"none"} }},
		{"bad level", func(c *oidc.Config) { c.MinLevel = 9 }},
		{"bad acr level", func(c *oidc.Config) { c.ACRLevels = map[string]account.Level{"x": 0} }},
		{"negative skew", func(c *oidc.Config) { c.ClockSkew = -1 }},
		{"__Host- in development", func(c *oidc.Config) { c.InsecureDevelopment = true; c.CookieName = "__Host-x" }},
		{"provider issuer differs", func(c *oidc.Config) { c.Provider.Issuer = "https://evil.example" }},
		{"provider http endpoint", func(c *oidc.Config) { c.Provider.TokenEndpoint = "http://op.example/t" }},
		{"provider without S256", func(c *oidc.Config) { c.Provider.CodeChallenge = []string{"plain"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.mod(&cfg)
			_, err := oidc.New(context.Background(), cfg)
			assert.ErrorIs(t, err, oidc.ErrInvalidConfig)
		})
	}
	_, err = oidc.New(context.Background(), validConfig())
	require.NoError(t, err)
}

func TestDiscovery(t *testing.T) {
	doc := map[string]any{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(doc)
	}))
	defer srv.Close()
	base := func() map[string]any {
		return map[string]any{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/a", "token_endpoint": srv.URL + "/t", "jwks_uri": srv.URL + "/k"}
	}
	cfg := oidc.Config{Issuer: srv.URL, ClientID: "c", ClientSecret: "s", RedirectURL: "http://127.0.0.1/cb",
		Store: oidc.NewMemoryStore(), InsecureDevelopment: true}
	doc = base()
	_, err := oidc.New(context.Background(), cfg)
	require.NoError(t, err)
	tests := []struct {
		name string
		mod  func(map[string]any)
	}{
		{"issuer mismatch", func(d map[string]any) { d["issuer"] = "https://evil.example" }},
		{"issuer trailing slash", func(d map[string]any) { d["issuer"] = srv.URL + "/" }},
		{"remote token endpoint over http", func(d map[string]any) { d["token_endpoint"] = "http://evil.example/t" }},
		{"no jwks_uri", func(d map[string]any) { delete(d, "jwks_uri") }},
		{"no S256", func(d map[string]any) { d["code_challenge_methods_supported"] = []string{"plain"} }},
		{"not JSON object", func(d map[string]any) { d["issuer"] = 5 }},
		{"too large", func(d map[string]any) { d["pad"] = strings.Repeat("x", oidc.DefaultMaxBytes) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc = base()
			tt.mod(doc)
			_, err := oidc.New(context.Background(), cfg)
			assert.ErrorIs(t, err, oidc.ErrDiscovery)
		})
	}
	t.Run("auth method unsupported", func(t *testing.T) {
		doc = base()
		doc["token_endpoint_auth_methods_supported"] = []string{"private_key_jwt"}
		_, err := oidc.New(context.Background(), cfg)
		assert.ErrorIs(t, err, oidc.ErrInvalidConfig)
	})
}
