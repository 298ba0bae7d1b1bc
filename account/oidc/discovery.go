package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/httpx"
)

// ProviderMetadata is the part of the OpenID Provider Metadata (OIDC
// Discovery 1.0 §3) the client uses.
type ProviderMetadata struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	UserinfoEndpoint      string `json:"userinfo_endpoint,omitempty"`
	JWKSURI               string `json:"jwks_uri"`
	EndSessionEndpoint    string `json:"end_session_endpoint,omitempty"`

	IDTokenSigningAlgs []string `json:"id_token_signing_alg_values_supported,omitempty"`
	TokenAuthMethods   []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	CodeChallenge      []string `json:"code_challenge_methods_supported,omitempty"`
	ACRValues          []string `json:"acr_values_supported,omitempty"`
	// AuthorizationResponseIss is RFC 9207 §3: the provider sends iss in
	// every authorization response, and the client then requires it.
	AuthorizationResponseIss bool `json:"authorization_response_iss_parameter_supported,omitempty"`
	BackchannelLogout        bool `json:"backchannel_logout_supported,omitempty"`
	BackchannelLogoutSession bool `json:"backchannel_logout_session_supported,omitempty"`
}

func (m *ProviderMetadata) validate(dev bool) error {
	for _, e := range []struct{ name, v string }{
		{"authorization_endpoint", m.AuthorizationEndpoint},
		{"token_endpoint", m.TokenEndpoint},
		{"jwks_uri", m.JWKSURI},
	} {
		u, err := url.Parse(e.v)
		if e.v == "" || err != nil || !httpx.AllowedEndpoint(u, dev) {
			return fmt.Errorf("%s must be an https URL", e.name)
		}
	}
	for _, e := range []struct{ name, v string }{
		{"userinfo_endpoint", m.UserinfoEndpoint},
		{"end_session_endpoint", m.EndSessionEndpoint},
	} {
		if e.v == "" {
			continue
		}
		if u, err := url.Parse(e.v); err != nil || !httpx.AllowedEndpoint(u, dev) {
			return fmt.Errorf("%s must be an https URL", e.name)
		}
	}
	if len(m.CodeChallenge) > 0 && !slices.Contains(m.CodeChallenge, "S256") {
		return errors.New("provider does not support PKCE S256")
	}
	return nil
}

// Discover fetches and checks the provider's discovery document: the
// document's issuer must equal issuer exactly (OIDC Discovery 1.0 §4.3,
// mix-up defence), and every endpoint must pass the module's endpoint
// rule. It reads at most cfg.MaxBytes.
func Discover(ctx context.Context, cfg Config) (*ProviderMetadata, error) {
	c := cfg.withDefaults()
	u := strings.TrimSuffix(c.Issuer, "/") + "/.well-known/openid-configuration"
	pu, err := url.Parse(u)
	if err != nil || !httpx.AllowedEndpoint(pu, c.InsecureDevelopment) {
		return nil, bad("Issuer must be an https URL")
	}
	var m ProviderMetadata
	if err := getJSON(ctx, c, u, &m, ErrDiscovery); err != nil {
		return nil, err
	}
	if m.Issuer != c.Issuer {
		return nil, fmt.Errorf("%w: document issuer differs from the configured issuer", ErrDiscovery)
	}
	if err := m.validate(c.InsecureDevelopment); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	return &m, nil
}

// getJSON GETs u and decodes a JSON object of at most c.MaxBytes into v.
func getJSON(ctx context.Context, c Config, u string, v any, sentinel error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	req.Header.Set("Accept", "application/json")
	body, err := do(c, req, sentinel)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %w: not a JSON object", sentinel, ErrMalformed)
	}
	return nil
}

// do sends req and returns the body of a 200 answer, read up to the limit.
func do(c Config, req *http.Request, sentinel error) ([]byte, error) {
	body, _, err := doHeader(c, req, sentinel)
	return body, err
}

func doHeader(c Config, req *http.Request, sentinel error) ([]byte, http.Header, error) {
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		if httpx.IsCertificateError(err) {
			return nil, nil, fmt.Errorf("%w: %w", sentinel, ErrCertificate)
		}
		return nil, nil, fmt.Errorf("%w: %w", sentinel, err)
	}
	defer httpx.DrainAndClose(resp)
	body, err := httpx.ReadBody(resp, c.MaxBytes)
	if errors.Is(err, boundedio.ErrTooLarge) {
		return nil, nil, fmt.Errorf("%w: %w", sentinel, ErrLimit)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", sentinel, err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, resp.Header, &statusError{status: resp.StatusCode, sentinel: sentinel}
	}
	return body, resp.Header, nil
}

type statusError struct {
	status   int
	sentinel error
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%v: HTTP status %d", e.sentinel, e.status)
}
func (e *statusError) Unwrap() error { return e.sentinel }
