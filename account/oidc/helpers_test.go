package oidc_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

// clock is a settable test clock shared by provider and client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup starts a simulator and a client wired to it; mod adjusts the
// client configuration.
func setup(t *testing.T, mod func(*oidc.Config)) (*accounttest.OIDCSim, *oidc.Client, *clock) {
	t.Helper()
	clk := newClock()
	sim := accounttest.StartOIDCWith(t, accounttest.OIDCConfig{Now: clk.Now})
	cfg := sim.Config()
	if mod != nil {
		mod(&cfg)
	}
	c, err := oidc.New(context.Background(), cfg)
	require.NoError(t, err)
	return sim, c, clk
}

// flow is one login in progress: the callback URL the provider sent the
// user agent to, and the user agent's cookies.
type flow struct {
	callback string
	cookies  []*http.Cookie
}

// begin starts a login and lets the provider answer.
func begin(t *testing.T, sim *accounttest.OIDCSim, c *oidc.Client, opts oidc.LoginOptions) flow {
	t.Helper()
	rec := httptest.NewRecorder()
	require.NoError(t, c.StartLogin(context.Background(), rec, httptest.NewRequest("GET", "http://127.0.0.1/login", nil), opts))
	require.Equal(t, http.StatusFound, rec.Code)
	hc := *sim.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(rec.Header().Get("Location"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	return flow{callback: resp.Header.Get("Location"), cookies: rec.Result().Cookies()}
}

// finish delivers the callback with the given cookies.
func finish(c *oidc.Client, f flow) (*oidc.Login, error) {
	req := httptest.NewRequest("GET", f.callback, nil)
	for _, ck := range f.cookies {
		req.AddCookie(ck)
	}
	return c.FinishLogin(context.Background(), httptest.NewRecorder(), req)
}

func login(t *testing.T, sim *accounttest.OIDCSim, c *oidc.Client) (*oidc.Login, error) {
	t.Helper()
	return finish(c, begin(t, sim, c, oidc.LoginOptions{}))
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
func newRequest() *http.Request               { return httptest.NewRequest("GET", "http://127.0.0.1/login", nil) }

func newJar() http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err)
	}
	return jar
}
