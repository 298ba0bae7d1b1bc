package saml_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// TestBindingCookieAttributes: the default cookie is __Host- prefixed
// (Secure, Path "/", no Domain), so a sibling subdomain cannot plant it.
func TestBindingCookieAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, secureIdP)
	rec := httptest.NewRecorder()
	require.NoError(t, e.sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.Equal(t, saml.DefaultCookieName, c.Name)
	assert.True(t, strings.HasPrefix(c.Name, "__Host-"))
	assert.True(t, c.Secure)
	assert.Equal(t, "/", c.Path)
	assert.Empty(t, c.Domain)
	assert.True(t, c.HttpOnly)

	// A planted value is not reused: the new login gets a fresh value first.
	planted := strings.Repeat("A", 43)
	req := httptest.NewRequest(http.MethodGet, "/login", nil)
	req.AddCookie(&http.Cookie{Name: saml.DefaultCookieName, Value: planted})
	rec = httptest.NewRecorder()
	require.NoError(t, e.sp.StartLogin(t.Context(), rec, req, saml.LoginOptions{}))
	v := rec.Result().Cookies()[0].Value
	assert.False(t, strings.HasPrefix(v, planted), "new login bound to the incoming value")
}

func TestCookieNameConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, accounttest.BundID, nil)
	cases := []struct {
		name     string
		cookie   string
		insecure bool
		ok       bool
	}{
		{"__Host- name without Secure", "__Host-x", true, false},
		{"__Secure- name without Secure", "__Secure-x", true, false},
		{"invalid name", "a b", false, false},
		{"name with semicolon", "a;b", false, false},
		{"name with equals", "a=b", false, false},
		{"custom __Host- name", "__Host-login", false, true},
		{"insecure default", "", true, true},
	}
	// InsecureDevelopment with an https ACS keeps the production cookie.
	t.Run("development with https ACS", func(t *testing.T) {
		sp, err := saml.New(e.cfg)
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		require.NoError(t, sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
		c := rec.Result().Cookies()[0]
		assert.Equal(t, saml.DefaultCookieName, c.Name)
		assert.True(t, c.Secure)
		assert.Equal(t, http.SameSiteNoneMode, c.SameSite)
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.cfg
			if !tc.insecure {
				secureIdP(&cfg)
			} else {
				cfg.ACSURL = "http://127.0.0.1:8080/saml/acs"
			}
			cfg.CookieName, cfg.InsecureDevelopment = tc.cookie, tc.insecure
			sp, err := saml.New(cfg)
			if !tc.ok {
				require.ErrorIs(t, err, saml.ErrInvalidConfig)
				return
			}
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			require.NoError(t, sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
			want := tc.cookie
			if want == "" {
				want = saml.DefaultDevelopmentCookieName
			}
			assert.Equal(t, want, rec.Result().Cookies()[0].Name)
		})
	}
}

// startAtIdP starts a login with c and lets the IdP answer it; it returns
// the RelayState and the base64 SAMLResponse without posting them to the
// ACS.
func startAtIdP(t *testing.T, h *httpEnv, c *http.Client) (relay, samlResp string) {
	t.Helper()
	r, err := c.Get(h.srv.URL + "/login")
	require.NoError(t, err)
	page := readAll(t, r)
	relay = hidden(page, "RelayState")
	r, err = c.PostForm(h.idp.SSOURL, url.Values{"SAMLRequest": {hidden(page, "SAMLRequest")}, "RelayState": {relay}})
	require.NoError(t, err)
	samlResp = hidden(readAll(t, r), "SAMLResponse")
	require.NotEmpty(t, samlResp)
	return relay, samlResp
}

// TestBindingCookieFixation: a binding value that arrives from the user
// agent is never the one a new login is bound to, several logins may be
// pending in one browser, and a used value leaves the cookie.
func TestBindingCookieFixation(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t, saml.BindingHTTPPost)
	acs := h.srv.URL + "/saml/acs"
	u, err := url.Parse(h.srv.URL)
	require.NoError(t, err)
	planted := strings.Repeat("B", 43)
	jarWith := func(v string) *http.Client {
		c := newClient(t)
		c.Jar.SetCookies(u, []*http.Cookie{{Name: saml.DefaultDevelopmentCookieName, Value: v, Path: "/"}})
		return c
	}
	cookieOf := func(c *http.Client) string {
		for _, k := range c.Jar.Cookies(u) {
			if k.Name == saml.DefaultDevelopmentCookieName {
				return k.Value
			}
		}
		return ""
	}
	type step struct {
		post   *http.Client // who posts the response to the ACS
		relay  string
		resp   string
		wantOK bool
	}
	cases := map[string]func(t *testing.T) []step{
		"planted value does not finish the victim's login": func(t *testing.T) []step {
			victim := jarWith(planted)
			relay, resp := startAtIdP(t, h, victim)
			assert.NotContains(t, strings.Split(cookieOf(victim), ".")[0], planted)
			return []step{{post: jarWith(planted), relay: relay, resp: resp}, {post: victim, relay: relay, resp: resp, wantOK: true}}
		},
		"planted garbage is dropped": func(t *testing.T) []step {
			victim := jarWith("garbage." + strings.Repeat("!", 43))
			relay, resp := startAtIdP(t, h, victim)
			assert.Len(t, strings.Split(cookieOf(victim), "."), 1)
			return []step{{post: jarWith("garbage"), relay: relay, resp: resp}, {post: victim, relay: relay, resp: resp, wantOK: true}}
		},
		"used value leaves the cookie": func(t *testing.T) []step {
			victim := newClient(t)
			relay, resp := startAtIdP(t, h, victim)
			before := cookieOf(victim)
			require.Equal(t, http.StatusOK, postACS(t, victim, acs, resp, relay))
			assert.Empty(t, cookieOf(victim), "cookie deleted after its only login")
			return []step{{post: jarWith(before), relay: relay, resp: resp}} // consumed anyway
		},
		"two pending logins in one browser both finish": func(t *testing.T) []step {
			c := newClient(t)
			relay1, resp1 := startAtIdP(t, h, c)
			relay2, resp2 := startAtIdP(t, h, c)
			return []step{
				{post: c, relay: relay2, resp: resp2, wantOK: true},
				{post: c, relay: relay1, resp: resp1, wantOK: true},
			}
		},
		"oldest of too many pending logins is dropped": func(t *testing.T) []step {
			c := newClient(t)
			relay1, resp1 := startAtIdP(t, h, c)
			for range 4 {
				startAtIdP(t, h, c)
			}
			return []step{{post: c, relay: relay1, resp: resp1}}
		},
		"other browser's value does not finish": func(t *testing.T) []step {
			a, b := newClient(t), newClient(t)
			relayA, respA := startAtIdP(t, h, a)
			startAtIdP(t, h, b)
			return []step{{post: b, relay: relayA, resp: respA}, {post: a, relay: relayA, resp: respA, wantOK: true}}
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			for i, s := range mk(t) {
				code := postACS(t, s.post, acs, s.resp, s.relay)
				if s.wantOK {
					assert.Equal(t, http.StatusOK, code, "step %d", i)
					continue
				}
				assert.Equal(t, http.StatusForbidden, code, "step %d", i)
				assert.ErrorIs(t, <-h.errs, saml.ErrInResponseTo, "step %d", i)
			}
		})
	}
}
