package saml_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// httpEnv runs a service provider behind net/http with /login and
// /saml/acs; the ACS answers "ok <subject fingerprint>" or the error
// sentinel check name with status 403.
type httpEnv struct {
	*env
	srv  *httptest.Server
	errs chan error
}

func newHTTPEnv(t *testing.T, binding string) *httpEnv {
	return newHTTPEnvWith(t, accounttest.BundID, func(c *saml.Config) { c.Binding = binding })
}

// newHTTPEnvWith is newHTTPEnv for a simulator mode and a Config change.
func newHTTPEnvWith(t *testing.T, mode accounttest.Mode, mutate func(*saml.Config)) *httpEnv {
	h := &httpEnv{errs: make(chan error, 10)}
	var handler http.Handler
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(h.srv.Close)
	h.env = newEnv(t, mode, func(c *saml.Config) {
		c.ACSURL = h.srv.URL + "/saml/acs"
		c.InsecureDevelopment = true
		if mutate != nil {
			mutate(c)
		}
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		if err := h.sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/antrag/42"}); err != nil {
			http.Error(w, "start failed", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/saml/acs", func(w http.ResponseWriter, r *http.Request) {
		login, err := h.sp.FinishLogin(r.Context(), w, r)
		if err != nil {
			h.errs <- err
			http.Error(w, "login failed", http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, "ok %s %s %s", login.Identity.Level, login.ReturnTo, login.Identity.Person.GivenNames.Value)
	})
	handler = mux
	return h
}

func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
}

func TestHTTPLogin(t *testing.T) {
	t.Parallel()
	for _, binding := range []string{saml.BindingHTTPPost, saml.BindingHTTPRedirect} {
		t.Run(binding, func(t *testing.T) {
			h := newHTTPEnv(t, binding)
			resp, body, err := accounttest.Browse(context.Background(), newClient(t), h.srv.URL+"/login")
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			assert.Equal(t, "ok hoch /antrag/42 ERIKA", body)
			reqs := h.idp.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, account.LevelSubstanziell, reqs[0].Level)
			require.NotNil(t, reqs[0].Extension)
			assert.Equal(t, "Stadt Musterstadt", reqs[0].Extension.Display.OrganizationDisplayName)
		})
	}
}

// postACS posts a SAMLResponse with RelayState to the ACS.
func postACS(t *testing.T, c *http.Client, acs, samlResponse, relay string) int {
	form := url.Values{"SAMLResponse": {samlResponse}, "RelayState": {relay}}
	resp, err := c.PostForm(acs, form)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestHTTPBindingRejected(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t, saml.BindingHTTPPost)
	victim := newClient(t)
	// A complete login captured at the ACS: replay it afterwards.
	resp, body, err := accounttest.Browse(context.Background(), victim, h.srv.URL+"/login")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	last := base64.StdEncoding.EncodeToString(h.idp.LastResponse())
	acs := h.srv.URL + "/saml/acs"

	t.Run("replayed response and RelayState", func(t *testing.T) {
		// The RelayState was consumed by the first login.
		code := postACS(t, victim, acs, last, "anything")
		assert.Equal(t, http.StatusForbidden, code)
		assert.ErrorIs(t, <-h.errs, saml.ErrInResponseTo)
	})
	t.Run("no RelayState (IdP-initiated)", func(t *testing.T) {
		assert.Equal(t, http.StatusForbidden, postACS(t, victim, acs, last, ""))
		assert.ErrorIs(t, <-h.errs, saml.ErrInResponseTo)
	})
	t.Run("GET at ACS", func(t *testing.T) {
		r, err := victim.Get(acs)
		require.NoError(t, err)
		r.Body.Close()
		assert.ErrorIs(t, <-h.errs, saml.ErrBinding)
	})
	t.Run("oversized body", func(t *testing.T) {
		assert.Equal(t, http.StatusForbidden, postACS(t, victim, acs, strings.Repeat("A", 2*saml.DefaultMaxResponseBytes), "x"))
		assert.ErrorIs(t, <-h.errs, saml.ErrLimit)
	})
	t.Run("login injection from another user agent", func(t *testing.T) {
		// The attacker starts a login in its own browser and makes the
		// victim post the attacker's response: the binding cookie differs.
		attacker := newClient(t)
		r, err := attacker.Get(h.srv.URL + "/login")
		require.NoError(t, err)
		page := readAll(t, r)
		relay := hidden(page, "RelayState")
		samlReq := hidden(page, "SAMLRequest")
		r, err = attacker.PostForm(h.idp.SSOURL, url.Values{"SAMLRequest": {samlReq}, "RelayState": {relay}})
		require.NoError(t, err)
		idpPage := readAll(t, r)
		samlResp := hidden(idpPage, "SAMLResponse")
		require.NotEmpty(t, samlResp)
		assert.Equal(t, http.StatusForbidden, postACS(t, victim, acs, samlResp, relay))
		assert.ErrorIs(t, <-h.errs, saml.ErrInResponseTo)
		// Without any cookie as well.
		assert.Equal(t, http.StatusForbidden, postACS(t, &http.Client{}, acs, samlResp, relay))
		assert.ErrorIs(t, <-h.errs, saml.ErrInResponseTo)
		// The failed attempts changed nothing: the attacker's own browser
		// still completes its login.
		assert.Equal(t, http.StatusOK, postACS(t, attacker, acs, samlResp, relay))
	})
	t.Run("bad base64", func(t *testing.T) {
		r, err := victim.Get(h.srv.URL + "/login")
		require.NoError(t, err)
		relay := hidden(readAll(t, r), "RelayState")
		assert.Equal(t, http.StatusForbidden, postACS(t, victim, acs, "%%%not base64", relay))
		assert.ErrorIs(t, <-h.errs, saml.ErrBinding)
	})
}

func readAll(t *testing.T, r *http.Response) string {
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return string(b)
}

func hidden(page, name string) string {
	i := strings.Index(page, `name="`+name+`" value="`)
	if i < 0 {
		return ""
	}
	rest := page[i+len(`name="`+name+`" value="`):]
	return html.UnescapeString(rest[:strings.IndexByte(rest, '"')])
}

func TestHTTPSimulatorFaults(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t, saml.BindingHTTPPost)
	c := newClient(t)
	resp, body, err := accounttest.Browse(context.Background(), c, h.srv.URL+"/login")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)

	t.Run("IdP replays the previous response", func(t *testing.T) {
		h.idp.SetFaults(accounttest.Faults{Replay: true})
		defer h.idp.SetFaults(accounttest.Faults{})
		resp, _, err := accounttest.Browse(context.Background(), c, h.srv.URL+"/login")
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		err = <-h.errs
		assert.True(t, errorsIsAny(err, saml.ErrInResponseTo, saml.ErrReplay), "%v", err)
	})
	t.Run("slow IdP and impatient client", func(t *testing.T) {
		h.idp.SetFaults(accounttest.Faults{Delay: time.Hour})
		defer h.idp.SetFaults(accounttest.Faults{})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, _, err := accounttest.Browse(ctx, c, h.srv.URL+"/login")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("AuthnRequest sent twice (back button)", func(t *testing.T) {
		r, err := c.Get(h.srv.URL + "/login")
		require.NoError(t, err)
		page := readAll(t, r)
		form := url.Values{"SAMLRequest": {hidden(page, "SAMLRequest")}, "RelayState": {hidden(page, "RelayState")}}
		r, err = c.PostForm(h.idp.SSOURL, form)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, r.StatusCode)
		r.Body.Close()
		r, err = c.PostForm(h.idp.SSOURL, form)
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, r.StatusCode)
		assert.Contains(t, readAll(t, r), "saml-request-replayed")
	})
	t.Run("stale AuthnRequest", func(t *testing.T) {
		r, err := c.Get(h.srv.URL + "/login")
		require.NoError(t, err)
		page := readAll(t, r)
		h.clock.Add(6 * time.Minute)
		defer h.clock.Add(-6 * time.Minute)
		r, err = c.PostForm(h.idp.SSOURL, url.Values{"SAMLRequest": {hidden(page, "SAMLRequest")}, "RelayState": {hidden(page, "RelayState")}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, r.StatusCode)
		assert.Contains(t, readAll(t, r), "saml-request-expired")
	})
}
