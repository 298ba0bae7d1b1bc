package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/egosaar/ozg/account/internal/uabind"
)

// tokenResponse is the token endpoint's answer (OIDC Core 1.0 §3.1.3.3).
type tokenResponse struct {
	IDToken     string `json:"id_token"`
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// ClientAssertionLifetime is the lifetime of a private_key_jwt assertion.
const ClientAssertionLifetime = time.Minute

// exchange redeems code at the token endpoint.
func (c *Client) exchange(ctx context.Context, code, verifier string) (*tokenResponse, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {c.cfg.RedirectURL},
		"code_verifier": {verifier},
	}
	req, err := c.tokenRequest(ctx, form)
	if err != nil {
		return nil, err
	}
	body, err := do(c.cfg, req, ErrTokenEndpoint)
	var se *statusError
	if errors.As(err, &se) {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &e)
		return nil, &ProviderError{Endpoint: "token", Code: e.Error, Description: e.Description, Status: se.status, err: ErrTokenEndpoint}
	}
	if err != nil {
		return nil, err
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("%w: %w: answer not JSON", ErrTokenEndpoint, ErrMalformed)
	}
	if tr.IDToken == "" {
		return nil, fmt.Errorf("%w: no id_token", ErrTokenEndpoint)
	}
	if tr.AccessToken != "" && !strings.EqualFold(tr.TokenType, "Bearer") && !strings.EqualFold(tr.TokenType, "DPoP") {
		return nil, fmt.Errorf("%w: unsupported token_type", ErrTokenEndpoint)
	}
	return &tr, nil
}

// tokenRequest builds the POST with the configured client authentication
// (OIDC Core 1.0 §9).
func (c *Client) tokenRequest(ctx context.Context, form url.Values) (*http.Request, error) {
	switch c.cfg.ClientAuth {
	case AuthClientSecretPost:
		form.Set("client_id", c.cfg.ClientID)
		form.Set("client_secret", c.cfg.ClientSecret)
	case AuthPrivateKeyJWT:
		a, err := c.clientAssertion()
		if err != nil {
			return nil, err
		}
		form.Set("client_id", c.cfg.ClientID)
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", a)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.meta.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTokenEndpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.cfg.ClientAuth == AuthClientSecretBasic {
		// RFC 6749 §2.3.1: both parts form-urlencoded before Basic.
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	}
	return req, nil
}

// clientAssertion signs a private_key_jwt assertion (RFC 7523 §3, OIDC
// Core §9): iss = sub = client_id, aud = the token endpoint (one string),
// a unique jti, iat now and exp one minute later.
func (c *Client) clientAssertion() (string, error) {
	now := c.cfg.Now()
	payload, err := json.Marshal(map[string]any{
		"iss": c.cfg.ClientID, "sub": c.cfg.ClientID, "aud": c.meta.TokenEndpoint,
		"jti": uabind.Random(24), "iat": now.Unix(), "exp": now.Add(ClientAssertionLifetime).Unix(),
	})
	if err != nil {
		return "", err
	}
	alg, err := c.cfg.ClientKey.alg()
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	_ = h.Set(jws.TypeKey, "JWT")
	if c.cfg.ClientKey.KeyID != "" {
		_ = h.Set(jws.KeyIDKey, c.cfg.ClientKey.KeyID)
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.SignatureAlgorithm(alg), c.cfg.ClientKey.Signer, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("oidc: sign client assertion: %w", err)
	}
	return string(out), nil
}
