package oidc_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/oidc"
	"github.com/egosaar/ozg/internal/testenv"
)

// nodeOP is oidc-provider (npm, pinned in testdata/node/package-lock.json)
// started by the test on 127.0.0.1.
type nodeOP struct {
	dir, issuer string
	port        int
	cmd         *exec.Cmd
}

func nodeProviderDir(t *testing.T) (node, dir string) {
	t.Helper()
	node = testenv.Command(t, "node", "nodejs")
	dir, err := filepath.Abs("testdata/node")
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider", "package.json")); err != nil {
		testenv.Unavailable(t, "oidc-provider", "run npm ci in account/oidc/testdata/node (as .ci/run does)")
	}
	return node, dir
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs provider.mjs with cfg (port and issuer are filled in).
func (op *nodeOP) start(t *testing.T, node string, cfg map[string]any) {
	t.Helper()
	cfg["port"], cfg["issuer"] = op.port, op.issuer
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "op.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	cmd := exec.Command(node, filepath.Join(op.dir, "provider.mjs"), path)
	cmd.Dir = op.dir
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("oidc-provider stderr:\n%s", stderr.String())
		}
	})
	require.NoError(t, cmd.Start())
	op.cmd = cmd
	t.Cleanup(op.stop)
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- true
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		require.True(t, ok, "oidc-provider exited: %s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("oidc-provider did not start: %s", stderr.String())
	}
}

// lockedBuffer collects the provider's stderr while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (op *nodeOP) stop() {
	if op.cmd != nil && op.cmd.Process != nil {
		_ = op.cmd.Process.Kill()
		_ = op.cmd.Wait()
		op.cmd = nil
	}
}

// rpApp is a relying party service around an oidc.Client and
// account.Sessions, reachable over loopback.
type rpApp struct {
	srv      *httptest.Server
	client   *oidc.Client
	sessions *account.Sessions

	mu        sync.Mutex
	lastLogin *oidc.Login
	logouts   []string // logout tokens received
}

func newRPServer() *rpApp {
	a := &rpApp{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.serve(w, r) }))
	return a
}

func (a *rpApp) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/login":
		if err := a.client.StartLogin(r.Context(), w, r, oidc.LoginOptions{ReturnTo: "/me"}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	case "/cb":
		l, err := a.client.FinishLogin(r.Context(), w, r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		a.mu.Lock()
		a.lastLogin = l
		a.mu.Unlock()
		if _, err := a.sessions.Start(r.Context(), w, r, l.Identity, account.StartOptions{IDToken: l.IDToken.Raw, ProviderSessionID: l.IDToken.SessionID}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, l.ReturnTo, http.StatusSeeOther)
	case "/me":
		a.sessions.RequireLogin(account.LevelSubstanziell)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := account.SessionFromContext(r.Context())
			id, _ := s.Identity()
			name := ""
			if id.Person != nil {
				name = id.Person.GivenNames.Value
			}
			fmt.Fprintf(w, "subject=%s level=%s name=%s", s.Subject, s.Level, name)
		})).ServeHTTP(w, r)
	case "/logout":
		s, err := a.sessions.End(r.Context(), w, r)
		if err != nil {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		u, err := a.client.LogoutURL(s.IDToken(), "st")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
	case "/bcl":
		_ = r.ParseForm()
		a.mu.Lock()
		a.logouts = append(a.logouts, r.PostForm.Get("logout_token"))
		a.mu.Unlock()
		a.client.BackChannelLogoutHandler(func(ctx context.Context, t *oidc.LogoutToken) error {
			_, err := a.sessions.EndProviderSessions(ctx, t.Issuer, t.Subject, t.SessionID)
			return err
		}).ServeHTTP(w, r)
	default:
		_, _ = io.WriteString(w, "home")
	}
}

func jwkJSON(t *testing.T, raw any, kid, alg string) map[string]any {
	t.Helper()
	k, err := jwk.FromRaw(raw)
	require.NoError(t, err)
	require.NoError(t, k.Set(jwk.KeyIDKey, kid))
	require.NoError(t, k.Set(jwk.KeyUsageKey, "sig"))
	require.NoError(t, k.Set(jwk.AlgorithmKey, jwa.SignatureAlgorithm(alg)))
	b, err := json.Marshal(k)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var (
	formAction = regexp.MustCompile(`action="([^"]+)"`)
	xsrfInput  = regexp.MustCompile(`name="xsrf" value="([^"]+)"`)
)

// TestInteropOIDCProvider runs the relying party end to end against
// oidc-provider 9.13.3: code flow with PKCE, private_key_jwt and
// client_secret_basic, userinfo, a second client's ID token refused,
// RP-initiated logout that makes the provider send a back-channel logout
// to the other client, a replayed logout token refused, and key rotation.
func TestInteropOIDCProvider(t *testing.T) {
	node, dir := nodeProviderDir(t)
	op := &nodeOP{dir: dir, port: freePort(t)}
	op.issuer = fmt.Sprintf("http://127.0.0.1:%d", op.port)
	ctx := context.Background()

	k1, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	k2, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	clientKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	a, b := newRPServer(), newRPServer()
	defer a.srv.Close()
	defer b.srv.Close()
	client := func(id string, rp *rpApp, extra map[string]any) map[string]any {
		m := map[string]any{
			"client_id": id, "redirect_uris": []string{rp.srv.URL + "/cb"},
			"post_logout_redirect_uris": []string{rp.srv.URL + "/"},
			"backchannel_logout_uri":    rp.srv.URL + "/bcl", "backchannel_logout_session_required": true,
			"grant_types": []string{"authorization_code"}, "response_types": []string{"code"},
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	eidas := account.LevelSubstanziell.EIDAS()
	opCfg := func(keys ...map[string]any) map[string]any {
		return map[string]any{
			"jwks":      map[string]any{"keys": keys},
			"acrValues": []string{account.LevelNiedrig.EIDAS(), eidas, account.LevelHoch.EIDAS()},
			"account": map[string]any{"sub": "erika-bund-01", "acr": eidas, "claims": map[string]any{
				"given_name": "Erika", "family_name": "Mustermann", "birthdate": "1964-08-12",
				"email": "erika@example.org", "email_verified": true}},
			"clients": []any{
				client("rp-a", a, map[string]any{"token_endpoint_auth_method": "private_key_jwt",
					"token_endpoint_auth_signing_alg": "ES256",
					"jwks":                            map[string]any{"keys": []any{jwkJSON(t, &clientKey.PublicKey, "rp-a-1", "ES256")}}}),
				client("rp-b", b, map[string]any{"token_endpoint_auth_method": "client_secret_basic", "client_secret": "rp-b-secret-0123456789abcdef"}),
			},
		}
	}
	op.start(t, node, opCfg(jwkJSON(t, k1, "k1", "RS256")))

	var err2 error
	a.client, err2 = oidc.New(ctx, oidc.Config{Issuer: op.issuer, ClientID: "rp-a",
		ClientKey: &oidc.ClientKey{Signer: clientKey, KeyID: "rp-a-1"}, RedirectURL: a.srv.URL + "/cb",
		PostLogoutRedirectURL: a.srv.URL + "/", Scopes: []string{"profile", "email"},
		Store: oidc.NewMemoryStore(), InsecureDevelopment: true, JWKSMinInterval: time.Millisecond})
	require.NoError(t, err2)
	a.sessions, err2 = account.NewSessions(account.SessionConfig{Store: account.NewMemorySessionStore(), InsecureDevelopment: true, CookieName: "ozg_session_a"})
	require.NoError(t, err2)
	b.client, err2 = oidc.New(ctx, oidc.Config{Issuer: op.issuer, ClientID: "rp-b", ClientSecret: "rp-b-secret-0123456789abcdef",
		RedirectURL: b.srv.URL + "/cb", PostLogoutRedirectURL: b.srv.URL + "/", CookieName: "ozg_oidc_b",
		Store: oidc.NewMemoryStore(), InsecureDevelopment: true})
	require.NoError(t, err2)
	b.sessions, err2 = account.NewSessions(account.SessionConfig{Store: account.NewMemorySessionStore(), InsecureDevelopment: true, CookieName: "ozg_session_b"})
	require.NoError(t, err2)
	assert.True(t, a.client.Provider().AuthorizationResponseIss, "RFC 9207 advertised, so required")

	// Code flow + PKCE: private_key_jwt at A, client_secret_basic at B,
	// in one browser (single sign-on at the provider).
	br := browser(t)
	resp, body := fetch(t, br, "GET", a.srv.URL+"/login", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "subject=erika-bund-01 level=substanziell name=Erika", body)
	resp, body = fetch(t, br, "GET", b.srv.URL+"/login", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "subject=erika-bund-01")

	// A second client's ID token is refused by A.
	b.mu.Lock()
	bToken := b.lastLogin.IDToken.Raw
	b.mu.Unlock()
	_, err = a.client.VerifyIDToken(ctx, bToken, oidc.VerifyOptions{Nonce: "any"})
	assert.ErrorIs(t, err, oidc.ErrAudience)

	// RP-initiated logout at A: A's session ends locally; the provider's
	// logout page is confirmed; the provider then sends B a back-channel
	// logout token that ends B's session too.
	resp, body = fetch(t, br, "POST", a.srv.URL+"/logout", url.Values{})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	action, xsrf := formAction.FindStringSubmatch(body), xsrfInput.FindStringSubmatch(body)
	require.NotNil(t, action, body)
	require.NotNil(t, xsrf, body)
	resp, body = fetch(t, br, "POST", html.UnescapeString(action[1]), url.Values{"xsrf": {xsrf[1]}, "logout": {"yes"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, a.srv.URL+"/?state=st", resp.Request.URL.String(), "post_logout_redirect_uri with state")
	resp, _ = fetch(t, br, "GET", a.srv.URL+"/me", nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = fetch(t, br, "GET", b.srv.URL+"/me", nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "B ended by back-channel logout")
	b.mu.Lock()
	require.NotEmpty(t, b.logouts)
	lt := b.logouts[0]
	b.mu.Unlock()
	resp, _ = fetch(t, &http.Client{}, "POST", b.srv.URL+"/bcl", url.Values{"logout_token": {lt}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "replayed logout token")
	_, err = a.client.VerifyLogoutToken(ctx, lt)
	assert.ErrorIs(t, err, oidc.ErrAudience, "B's logout token at A")

	// Key rotation: the provider restarts with a new signing key first
	// and the old one still published; A fetches the new set on the
	// unknown kid.
	op.stop()
	op.start(t, node, opCfg(jwkJSON(t, k2, "k2", "RS256"), jwkJSON(t, k1, "k1", "RS256")))
	br2 := browser(t)
	resp, body = fetch(t, br2, "GET", a.srv.URL+"/login", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	a.mu.Lock()
	raw := a.lastLogin.IDToken.Raw
	a.mu.Unlock()
	hdr, err := base64.RawURLEncoding.DecodeString(raw[:strings.IndexByte(raw, '.')])
	require.NoError(t, err)
	assert.Contains(t, string(hdr), `"kid":"k2"`)
}
