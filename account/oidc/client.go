package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/oauth2"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/uabind"
	"github.com/egosaar/ozg/internal/replay"
	"github.com/egosaar/ozg/internal/telemetry"
)

// Client is an OpenID Connect relying party for one provider. It is safe
// for concurrent use.
type Client struct {
	cfg        Config
	meta       *ProviderMetadata
	keys       *keySet
	verifiers  map[string]jws.Verifier
	logoutSeen *replay.Memory
	binding    uabind.Cookie
	tel        *telemetry.Telemetry
}

// New checks cfg, discovers the provider unless cfg.Provider is set, and
// returns a Client. Configuration errors wrap ErrInvalidConfig, discovery
// errors ErrDiscovery.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg.withDefaults(), tel: newTelemetry(&cfg)}
	if cfg.Provider != nil {
		m := *cfg.Provider
		c.meta = &m
	} else {
		m, err := Discover(ctx, cfg)
		if err != nil {
			return nil, err
		}
		c.meta = m
	}
	if ms := c.meta.TokenAuthMethods; len(ms) > 0 && !slices.Contains(ms, c.cfg.ClientAuth) {
		return nil, bad("provider does not support %s", c.cfg.ClientAuth)
	}
	c.verifiers = map[string]jws.Verifier{}
	for _, a := range c.cfg.Algorithms {
		v, err := jws.NewVerifier(jwa.SignatureAlgorithm(a))
		if err != nil {
			return nil, bad("algorithm %s unavailable", a)
		}
		c.verifiers[a] = v
	}
	c.keys = newKeySet(c.meta.JWKSURI, &c.cfg)
	c.logoutSeen = replay.New(c.cfg.LogoutReplayMax, replay.Refuse)
	// SameSite=Lax suffices: the authorization response is a top-level
	// GET redirect.
	c.binding = uabind.Cookie{Name: c.cfg.CookieName, TTL: c.cfg.RequestTTL, Insecure: c.cfg.InsecureDevelopment,
		SameSite: http.SameSiteLaxMode}
	return c, nil
}

// Provider returns the provider metadata in use.
func (c *Client) Provider() ProviderMetadata { return *c.meta }

// LoginOptions adjust one login.
type LoginOptions struct {
	// ReturnTo is the local path to continue at after login.
	ReturnTo string
	// MinLevel raises Config.MinLevel for this login.
	MinLevel account.Level
	// MaxAge overrides Config.MaxAge for this login (re-authentication
	// for a sensitive step).
	MaxAge time.Duration
	// Prompt is sent as prompt ("login" forces re-authentication).
	Prompt string
	// LoginHint is sent as login_hint.
	LoginHint string
}

// Login is the result of FinishLogin.
type Login struct {
	Identity *account.Identity
	IDToken  *IDToken
	// AccessToken for userinfo or APIs of the provider; "" if none.
	AccessToken string
	ReturnTo    string
}

// AuthorizationURL records a pending login bound to the user agent (it
// sets the binding cookie on w) and returns the authorization request URL:
// response_type code, PKCE S256 (RFC 7636), a fresh state and nonce, and
// acr_values for the levels ≥ MinLevel the provider advertises.
func (c *Client) AuthorizationURL(ctx context.Context, w http.ResponseWriter, r *http.Request, opts LoginOptions) (_ string, err error) {
	ctx, op := c.tel.Start(ctx, opStartLogin, trace.SpanKindServer)
	defer op.End(&err)
	if opts.ReturnTo != "" && !uabind.LocalPath(opts.ReturnTo) {
		return "", bad("ReturnTo must be a local path")
	}
	if opts.MinLevel != account.LevelUnknown && !opts.MinLevel.Valid() {
		return "", bad("MinLevel invalid")
	}
	now := c.cfg.Now()
	bind, cookie := c.binding.Fresh(r)
	state, nonce, verifier := uabind.Random(32), uabind.Random(32), oauth2.GenerateVerifier()
	minLevel := max(c.cfg.MinLevel, opts.MinLevel)
	maxAge := c.cfg.MaxAge
	if opts.MaxAge > 0 {
		maxAge = opts.MaxAge
	}
	p := PendingRequest{BindingHash: uabind.Hash(bind), Nonce: nonce, CodeVerifier: verifier, MinLevel: minLevel,
		MaxAge: maxAge, ReturnTo: opts.ReturnTo, Expires: now.Add(c.cfg.RequestTTL)}
	if err := c.cfg.Store.SaveRequest(ctx, state, p, now); err != nil {
		return "", fmt.Errorf("oidc: save pending request: %w", err)
	}
	u, err := url.Parse(c.meta.AuthorizationEndpoint)
	if err != nil {
		return "", fmt.Errorf("%w: authorization_endpoint", ErrInvalidConfig)
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", c.cfg.ClientID)
	q.Set("redirect_uri", c.cfg.RedirectURL)
	q.Set("scope", strings.Join(append([]string{"openid"}, slices.DeleteFunc(slices.Clone(c.cfg.Scopes), func(s string) bool { return s == "openid" })...), " "))
	q.Set("state", state)
	q.Set("nonce", nonce)
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	q.Set("code_challenge_method", "S256")
	if acr := c.acrValues(minLevel); acr != "" {
		q.Set("acr_values", acr)
	}
	if maxAge > 0 {
		q.Set("max_age", fmt.Sprint(int64(maxAge/time.Second)))
	}
	if opts.Prompt != "" {
		q.Set("prompt", opts.Prompt)
	}
	if opts.LoginHint != "" {
		q.Set("login_hint", opts.LoginHint)
	}
	u.RawQuery = q.Encode()
	http.SetCookie(w, cookie)
	return u.String(), nil
}

// acrValues lists the configured acr values of levels ≥ min that the
// provider advertises (all configured ones if it advertises none),
// strongest first.
func (c *Client) acrValues(minLevel account.Level) string {
	var vals []string
	for v, l := range c.cfg.ACRLevels {
		if l >= minLevel && (len(c.meta.ACRValues) == 0 || slices.Contains(c.meta.ACRValues, v)) {
			vals = append(vals, v)
		}
	}
	if len(c.meta.ACRValues) == 0 {
		// Without the provider's list, sending unknown values can only
		// confuse it; the ID token's acr is checked anyway.
		return ""
	}
	sort.Slice(vals, func(i, j int) bool {
		li, lj := c.cfg.ACRLevels[vals[i]], c.cfg.ACRLevels[vals[j]]
		if li != lj {
			return li > lj
		}
		return vals[i] < vals[j]
	})
	return strings.Join(vals, " ")
}

// StartLogin redirects the user agent to the provider (see
// AuthorizationURL).
func (c *Client) StartLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, opts LoginOptions) error {
	u, err := c.AuthorizationURL(ctx, w, r, opts)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// maxParam bounds each authorization response parameter.
const maxParam = 4096

// FinishLogin handles the redirect to RedirectURL in this order: the
// state must name a pending login of this user agent (binding cookie)
// and is consumed (single use); RFC 9207 iss must equal the issuer
// (required when the provider advertises it); an error answer becomes a
// *ProviderError; the code is redeemed with the PKCE verifier and client
// authentication; the ID token is verified (VerifyIDToken); userinfo is
// fetched (unless the provider has no endpoint) and its sub must match;
// claims are mapped to the Identity. Show the user a generic message on
// error; ProviderError.LoginRequired tells a refusal from a failure.
func (c *Client) FinishLogin(ctx context.Context, w http.ResponseWriter, r *http.Request) (_ *Login, err error) {
	ctx, op := c.tel.Start(ctx, opFinishLogin, trace.SpanKindServer)
	defer endLogin(op, &err)
	const tok = "authorization_response"
	if r.Method != http.MethodGet {
		return nil, checkf(tok, "method", ErrMalformed, "callback accepts GET only")
	}
	q := r.URL.Query()
	for k, v := range q {
		if len(v) != 1 || len(v[0]) > maxParam {
			return nil, checkf(tok, "form", ErrMalformed, "parameter %s repeated or too long", quoteAlg(k))
		}
	}
	state := q.Get("state")
	if state == "" {
		return nil, checkf(tok, "state", ErrState, "no state")
	}
	vals := c.binding.Incoming(r)
	if len(vals) == 0 {
		return nil, checkf(tok, "binding_cookie", ErrState, "binding cookie missing")
	}
	now := c.cfg.Now()
	p, err := c.cfg.Store.Request(ctx, state, now)
	if errors.Is(err, ErrNotFound) {
		return nil, checkf(tok, "state", ErrState, "unknown, used or expired state")
	}
	if err != nil {
		return nil, fmt.Errorf("oidc: load pending request: %w", err)
	}
	used := uabind.Match(vals, p.BindingHash)
	if used < 0 {
		return nil, checkf(tok, "binding_cookie", ErrState, "started by another user agent")
	}
	if err := c.cfg.Store.ConsumeRequest(ctx, state); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, checkf(tok, "state", ErrState, "state already used")
		}
		return nil, fmt.Errorf("oidc: consume pending request: %w", err)
	}
	http.SetCookie(w, c.binding.Without(vals, used))
	if iss, ok := q["iss"]; ok {
		if iss[0] != c.cfg.Issuer {
			return nil, check(tok, "iss", ErrResponseIssuer)
		}
	} else if c.meta.AuthorizationResponseIss {
		return nil, checkf(tok, "iss", ErrResponseIssuer, "missing although the provider advertises it")
	}
	if code := q.Get("error"); code != "" {
		return nil, &ProviderError{Endpoint: "authorization", Code: code, Description: q.Get("error_description"), err: ErrAuthorization}
	}
	code := q.Get("code")
	if code == "" {
		return nil, checkf(tok, "code", ErrMalformed, "no code")
	}
	tr, err := c.exchange(ctx, code, p.CodeVerifier)
	if err != nil {
		return nil, err
	}
	idt, err := c.VerifyIDToken(ctx, tr.IDToken, VerifyOptions{Nonce: p.Nonce, AccessToken: tr.AccessToken, MinLevel: p.MinLevel, MaxAge: p.MaxAge})
	if err != nil {
		c.cfg.Logger.WarnContext(ctx, "oidc: ID token rejected", "check", checkName(err))
		return nil, err
	}
	var all map[string]any
	if err := idt.Claims(&all); err != nil {
		return nil, err
	}
	if c.meta.UserinfoEndpoint != "" && tr.AccessToken != "" {
		ui, err := c.UserInfo(ctx, tr.AccessToken, idt.Subject)
		if err != nil {
			return nil, err
		}
		for k, v := range ui {
			if _, ok := all[k]; !ok {
				all[k] = v
			}
		}
	}
	id, err := c.identity(idt, all)
	if err != nil {
		return nil, err
	}
	c.cfg.Logger.InfoContext(ctx, "oidc: login accepted", "identity", id)
	return &Login{Identity: id, IDToken: idt, AccessToken: tr.AccessToken, ReturnTo: p.ReturnTo}, nil
}

func checkName(err error) string {
	var ce *CheckError
	if errors.As(err, &ce) {
		return ce.Check
	}
	return ""
}

// identity builds the Identity from verified claims.
func (c *Client) identity(t *IDToken, all map[string]any) (*account.Identity, error) {
	id := &account.Identity{Provider: ProviderOIDC, Issuer: t.Issuer, Subject: t.Subject,
		Level: t.Level, AuthnContextLevel: t.Level, AuthenticatedAt: t.AuthTime}
	if id.AuthenticatedAt.IsZero() {
		id.AuthenticatedAt = t.IssuedAt
	}
	if err := StandardClaims(all, id); err != nil {
		return nil, err
	}
	if c.cfg.Claims != nil {
		if err := c.cfg.Claims(all, id); err != nil {
			return nil, err
		}
	}
	// A provider mapping must not break the stable/temporary invariant.
	if err := id.Validate(); err != nil {
		return nil, err
	}
	return id, nil
}
