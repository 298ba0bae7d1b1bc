package accounttest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/oidc"
)

// OIDCUser is the user the simulated provider logs in.
type OIDCUser struct {
	Subject string
	// ACR is the acr claim; default the eIDAS "substantial" URI.
	ACR string
	// Claims are standard or provider claims, sent in the ID token and
	// from userinfo.
	Claims map[string]any
}

// ErikaOIDC returns the default OIDC user: Erika Mustermann at
// substanziell.
func ErikaOIDC() OIDCUser {
	return OIDCUser{Subject: "erika-7f3c", ACR: account.LevelSubstanziell.EIDAS(), Claims: map[string]any{
		"given_name": "Erika", "family_name": "Mustermann", "birthdate": "1964-08-12",
		"email": "erika@example.org", "email_verified": true,
		"address": map[string]any{"street_address": "Heidestraße 17", "postal_code": "51147", "locality": "Köln", "country": "DE"},
	}}
}

// OIDCConfig configures the simulated provider.
type OIDCConfig struct {
	// ClientID and ClientSecret registered; defaults "ozg-test" and a
	// random secret.
	ClientID, ClientSecret string
	// ClientKey, when set, is the public key of private_key_jwt client
	// assertions (the client must then use it).
	ClientKey crypto.PublicKey
	// RedirectURL is the registered redirect URI; default: any http
	// loopback URL is accepted.
	RedirectURL string
	// User logs in; default ErikaOIDC.
	User *OIDCUser
	// Now is the provider clock; default time.Now.
	Now func() time.Time
}

// OIDCSim is an httptest OpenID provider. Endpoints under its URL:
// /.well-known/openid-configuration, /authorize (logs the user in at once
// and redirects back with code, state and iss), /token, /userinfo, /jwks,
// /logout (end_session_endpoint). It is safe for concurrent use.
type OIDCSim struct {
	*httptest.Server
	Issuer string

	cfg OIDCConfig

	mu          sync.Mutex
	key         *rsa.PrivateKey
	kid         string
	oldKeys     []jwk.Key
	user        OIDCUser
	faults      OIDCFaults
	codes       map[string]grant
	tokens      map[string]string // access token → sub
	jwksFetches int
	assertions  map[string]bool // jti of client assertions
	sid         string
}

type grant struct {
	nonce, challenge, redirect string
}

// StartOIDC starts a provider with test defaults and closes it at the end
// of the test.
func StartOIDC(t testing.TB) *OIDCSim { return StartOIDCWith(t, OIDCConfig{}) }

// StartOIDCWith starts a provider with cfg.
func StartOIDCWith(t testing.TB, cfg OIDCConfig) *OIDCSim {
	t.Helper()
	s, err := NewOIDCSim(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewOIDCSim starts a provider; call Close when done. A RedirectURL that
// is not an absolute http(s) URL or a ClientKey that is not an RSA or
// ECDSA public key is ErrInvalidConfig.
func NewOIDCSim(cfg OIDCConfig) (*OIDCSim, error) {
	if cfg.RedirectURL != "" {
		if u, err := url.Parse(cfg.RedirectURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: RedirectURL must be an absolute http(s) URL", ErrInvalidConfig)
		}
	}
	switch cfg.ClientKey.(type) {
	case nil, *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, fmt.Errorf("%w: ClientKey must be an *rsa.PublicKey or *ecdsa.PublicKey", ErrInvalidConfig)
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "ozg-test"
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = randomHex(16)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	u := ErikaOIDC()
	if cfg.User != nil {
		u = *cfg.User
	}
	s := &OIDCSim{cfg: cfg, user: u, codes: map[string]grant{}, tokens: map[string]string{}, assertions: map[string]bool{}, sid: randomHex(8)}
	if err := s.rotate(false, firstKey); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /userinfo", s.userinfo)
	mux.HandleFunc("GET /jwks", s.jwks)
	mux.HandleFunc("GET /logout", s.logout)
	s.Server = httptest.NewServer(mux)
	s.Issuer = s.URL
	return s, nil
}

// Config returns a client configuration wired to the simulator:
// client_secret_basic, an in-memory store, InsecureDevelopment (plain
// http loopback), the simulator's clock and HTTP client, redirect
// http://127.0.0.1/callback (replace RedirectURL with your own server's).
func (s *OIDCSim) Config() oidc.Config {
	return oidc.Config{
		Issuer: s.Issuer, ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret,
		RedirectURL: "http://127.0.0.1/callback", PostLogoutRedirectURL: "http://127.0.0.1/",
		Store: oidc.NewMemoryStore(), InsecureDevelopment: true, HTTPClient: s.Client(), Now: s.cfg.Now,
	}
}

// SetFaults sets the faults of the following answers.
func (s *OIDCSim) SetFaults(f OIDCFaults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetUser changes the user of the following logins.
func (s *OIDCSim) SetUser(u OIDCUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// firstKey is the initial signing key of every simulator in the process
// (an RSA key takes long to generate on a busy machine); RotateKey makes
// fresh ones.
var firstKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// RotateKey replaces the signing key with a new one under a new kid;
// with keepOld the old public key stays in the key set.
func (s *OIDCSim) RotateKey(keepOld bool) error {
	return s.rotate(keepOld, func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })
}

func (s *OIDCSim) rotate(keepOld bool, gen func() (*rsa.PrivateKey, error)) error {
	k, err := gen()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil && keepOld {
		old, _ := jwk.FromRaw(&s.key.PublicKey)
		_ = old.Set(jwk.KeyIDKey, s.kid)
		_ = old.Set(jwk.KeyUsageKey, "sig")
		s.oldKeys = append(s.oldKeys, old)
	} else {
		s.oldKeys = nil
	}
	s.key, s.kid = k, "k-"+randomHex(4)
	return nil
}

// PublicKey returns the current signing key's public half.
func (s *OIDCSim) PublicKey() *rsa.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &s.key.PublicKey
}

// JWKSFetches counts the requests to the key set endpoint.
func (s *OIDCSim) JWKSFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jwksFetches
}

// SessionID is the sid the provider puts in ID and logout tokens.
func (s *OIDCSim) SessionID() string { return s.sid }

func (s *OIDCSim) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"issuer": s.Issuer, "authorization_endpoint": s.URL + "/authorize", "token_endpoint": s.URL + "/token",
		"userinfo_endpoint": s.URL + "/userinfo", "jwks_uri": s.URL + "/jwks", "end_session_endpoint": s.URL + "/logout",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
		"backchannel_logout_supported":                   true,
		"backchannel_logout_session_supported":           true,
		"acr_values_supported":                           []string{account.LevelNiedrig.EIDAS(), account.LevelSubstanziell.EIDAS(), account.LevelHoch.EIDAS()},
	})
}

func (s *OIDCSim) jwks(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.jwksFetches++
	status := s.faults.JWKSStatus
	set := jwk.NewSet()
	k, _ := jwk.FromRaw(&s.key.PublicKey)
	_ = k.Set(jwk.KeyIDKey, s.kid)
	_ = k.Set(jwk.KeyUsageKey, "sig")
	_ = k.Set(jwk.AlgorithmKey, jwa.RS256)
	_ = set.AddKey(k)
	for _, o := range s.oldKeys {
		_ = set.AddKey(o)
	}
	s.mu.Unlock()
	if status != 0 {
		http.Error(w, "", status)
		return
	}
	writeJSON(w, set)
}

func (s *OIDCSim) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	if err != nil || (s.cfg.RedirectURL != "" && redirect != s.cfg.RedirectURL) ||
		(s.cfg.RedirectURL == "" && (ru.Scheme != "http" || (ru.Hostname() != "127.0.0.1" && ru.Hostname() != "localhost"))) {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	if q.Get("client_id") != s.cfg.ClientID {
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	}
	back := ru.Query()
	back.Set("state", q.Get("state"))
	s.mu.Lock()
	f := s.faults
	switch {
	case q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back.Set("error", "invalid_request")
	case f.AuthorizationError != "":
		back.Set("error", f.AuthorizationError)
	default:
		code := randomHex(16)
		s.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: redirect}
		back.Set("code", code)
	}
	s.mu.Unlock()
	switch {
	case f.OmitResponseIssuer:
	case f.ResponseIssuer != "":
		back.Set("iss", f.ResponseIssuer)
	default:
		back.Set("iss", s.Issuer)
	}
	ru.RawQuery = back.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

func (s *OIDCSim) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request")
		return
	}
	if !s.clientAuthenticated(r) {
		tokenError(w, "invalid_client")
		return
	}
	code := r.PostForm.Get("code")
	s.mu.Lock()
	g, ok := s.codes[code]
	delete(s.codes, code) // single use
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" ||
		r.PostForm.Get("redirect_uri") != g.redirect || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		tokenError(w, "invalid_grant")
		return
	}
	s.mu.Lock()
	at := randomHex(16)
	s.tokens[at] = s.user.Subject
	s.mu.Unlock()
	idt, err := s.IDToken(g.nonce, at)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 300, "id_token": idt})
}

// clientAuthenticated checks client_secret_basic, client_secret_post or
// private_key_jwt (signature with OIDCConfig.ClientKey, aud the token
// endpoint, unique jti).
func (s *OIDCSim) clientAuthenticated(r *http.Request) bool {
	if id, sec, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(id)
		sec, _ = url.QueryUnescape(sec)
		return s.cfg.ClientKey == nil && id == s.cfg.ClientID && sec == s.cfg.ClientSecret
	}
	if r.PostForm.Get("client_secret") != "" {
		return s.cfg.ClientKey == nil && r.PostForm.Get("client_id") == s.cfg.ClientID && r.PostForm.Get("client_secret") == s.cfg.ClientSecret
	}
	a := r.PostForm.Get("client_assertion")
	if s.cfg.ClientKey == nil || a == "" || r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return false
	}
	var payload []byte
	var err error
	for _, alg := range []jwa.SignatureAlgorithm{jwa.RS256, jwa.PS256, jwa.ES256} {
		if payload, err = jws.Verify([]byte(a), jws.WithKey(alg, s.cfg.ClientKey)); err == nil {
			break
		}
	}
	if err != nil {
		return false
	}
	var c struct {
		Iss, Sub, Aud, Jti string
		Exp, Iat           int64
	}
	if json.Unmarshal(payload, &c) != nil || c.Iss != s.cfg.ClientID || c.Sub != s.cfg.ClientID || c.Aud != s.URL+"/token" || c.Jti == "" {
		return false
	}
	now := s.cfg.Now().Unix()
	if c.Exp < now || c.Exp-c.Iat > 300 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.assertions[c.Jti] {
		return false
	}
	s.assertions[c.Jti] = true
	return true
}

func (s *OIDCSim) userinfo(w http.ResponseWriter, r *http.Request) {
	at, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	sub, known := s.tokens[at]
	u, f := s.user, s.faults
	s.mu.Unlock()
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, "", http.StatusUnauthorized)
		return
	}
	m := map[string]any{"sub": sub}
	if f.UserInfoSubject != "" {
		m["sub"] = f.UserInfoSubject
	}
	for k, v := range u.Claims {
		m[k] = v
	}
	writeJSON(w, m)
}

func (s *OIDCSim) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.cfg.ClientID {
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	}
	if to := q.Get("post_logout_redirect_uri"); to != "" {
		u, err := url.Parse(to)
		if err != nil {
			http.Error(w, "bad post_logout_redirect_uri", http.StatusBadRequest)
			return
		}
		if st := q.Get("state"); st != "" {
			v := u.Query()
			v.Set("state", st)
			u.RawQuery = v.Encode()
		}
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	_, _ = w.Write([]byte("logged out"))
}

// IDToken mints an ID token for the current user with the current
// faults; accessToken sets at_hash ("" omits it).
func (s *OIDCSim) IDToken(nonce, accessToken string) (string, error) {
	s.mu.Lock()
	u, f := s.user, s.faults
	s.mu.Unlock()
	now := s.cfg.Now().Add(f.TimeShift)
	c := map[string]any{"iss": s.Issuer, "sub": u.Subject, "aud": s.cfg.ClientID, "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "nonce": nonce, "acr": u.ACR, "auth_time": now.Unix(), "sid": s.sid}
	if u.ACR == "" {
		c["acr"] = account.LevelSubstanziell.EIDAS()
	}
	for k, v := range u.Claims {
		c[k] = v
	}
	if accessToken != "" {
		h := sha256.Sum256([]byte(accessToken))
		c["at_hash"] = base64.RawURLEncoding.EncodeToString(h[:16])
	}
	set := func(k string, v any, on bool) {
		if on {
			c[k] = v
		}
	}
	set("iss", f.Issuer, f.Issuer != "")
	set("aud", f.Audience, f.Audience != nil)
	set("azp", f.AuthorizedParty, f.AuthorizedParty != "")
	set("nonce", f.Nonce, f.Nonce != "")
	set("acr", f.ACR, f.ACR != "")
	set("auth_time", now.Add(-f.AuthTimeAge).Unix(), f.AuthTimeAge != 0)
	set("at_hash", f.AccessTokenHash, f.AccessTokenHash != "")
	if f.OmitIssuedAt {
		delete(c, "iat")
	}
	if f.OmitSubject {
		delete(c, "sub")
	}
	if f.OmitExpiry {
		delete(c, "exp")
	}
	for k, v := range f.Claims {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	typ := "JWT"
	if f.Type != "" {
		typ = f.Type
	}
	return s.Sign(c, typ, f)
}

// LogoutToken mints a back-channel logout token (OIDC Back-Channel Logout
// 1.0 §2.4) for sub and/or sid with a fresh jti; extra claims are set
// (nil value: removed).
func (s *OIDCSim) LogoutToken(sub, sid string, extra map[string]any) (string, error) {
	now := s.cfg.Now()
	c := map[string]any{"iss": s.Issuer, "aud": s.cfg.ClientID, "iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
		"jti": randomHex(12), "events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}}
	if sub != "" {
		c["sub"] = sub
	}
	if sid != "" {
		c["sid"] = sid
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return s.Sign(c, "logout+jwt", OIDCFaults{})
}

// SendLogout posts a logout token to a back-channel logout endpoint and
// returns the HTTP status.
func (s *OIDCSim) SendLogout(ctx context.Context, endpoint, token string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Sign signs claims as a compact JWS with the provider key (RS256),
// honouring the signature faults of f.
func (s *OIDCSim) Sign(claims map[string]any, typ string, f OIDCFaults) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	key, kid := s.key, s.kid
	s.mu.Unlock()
	if f.KeyID != "" {
		kid = f.KeyID
	}
	if f.Algorithm == "none" {
		h, _ := json.Marshal(map[string]string{"alg": "none", "typ": typ})
		return b64(h) + "." + b64(payload) + ".", nil
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.TypeKey, typ)
	if !f.OmitKeyID {
		_ = hdr.Set(jws.KeyIDKey, kid)
	}
	var out []byte
	if f.Algorithm == "HS256" {
		der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		out, err = jws.Sign(payload, jws.WithKey(jwa.HS256, secret, jws.WithProtectedHeaders(hdr)))
	} else {
		out, err = jws.Sign(payload, jws.WithKey(jwa.RS256, key, jws.WithProtectedHeaders(hdr)))
	}
	if err != nil {
		return "", fmt.Errorf("accounttest: sign: %w", err)
	}
	if f.BadSignature {
		i := len(out) - 10
		if out[i] == 'A' {
			out[i] = 'B'
		} else {
			out[i] = 'A'
		}
	}
	return string(out), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

func tokenError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}
