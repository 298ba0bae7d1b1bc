package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

func TestLoginEndToEnd(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	var app *app
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { app.ServeHTTP(w, r) }))
	defer srv.Close()
	var err error
	app, err = newApp(context.Background(), appConfig{BaseURL: srv.URL, Logger: slog.New(slog.DiscardHandler), Now: clock})
	require.NoError(t, err)
	defer app.Close()

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}

	// Home page with the login button.
	resp, err := client.Get(srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// Press the button: POST /login, then the browser follows the
	// auto-submitting forms to the IdP and back to the ACS and /me.
	resp, body := pressLogin(t, client, srv.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/me", resp.Request.URL.Path)
	assert.Contains(t, body, "ERIKA MUSTERMANN")
	assert.Contains(t, body, "hoch")
	assert.Contains(t, body, "1964-08-12")
	assert.Contains(t, body, "51147 KÖLN DE")
	assert.Contains(t, body, "verbunden")

	// Log out (same-origin POST) and back in.
	resp, err = client.Post(srv.URL+"/logout", "application/x-www-form-urlencoded", nil)
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = client.Get(srv.URL + "/me")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "/", resp.Request.URL.Path, "logged out")
	resp, body = pressLogin(t, client, srv.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)

	// The session follows TR-03160-1 for level hoch: 5 minutes idle.
	mu.Lock()
	now = now.Add(6 * time.Minute)
	mu.Unlock()
	resp, err = client.Get(srv.URL + "/me")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "/", resp.Request.URL.Path, "idle session ended")

	// A login from a browser without the binding cookie is refused.
	// The citizen sees what to do instead of a bare 403.
	other := &http.Client{Timeout: 20 * time.Second}
	resp, body = pressLogin(t, other, srv.URL)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "Anmeldung abgelaufen")
	assert.Contains(t, body, "Erneut anmelden")

	// A cross-site form post to /logout is refused (CSRF).
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/logout", nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func pressLogin(t *testing.T, c *http.Client, base string) (*http.Response, string) {
	t.Helper()
	// Browse starts with a GET; the login button posts, so we submit it
	// through a tiny page that Browse treats like an auto-submit form.
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<form id="saml-post" method="post" action="` + base + `/login"></form>`))
	}))
	defer page.Close()
	resp, body, err := accounttest.Browse(context.Background(), c, page.URL)
	require.NoError(t, err)
	return resp, strings.TrimSpace(body)
}

func TestRefusalPages(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&saml.StatusError{Code: "urn:oasis:names:tc:SAML:2.0:status:Responder"}, "abgebrochen"},
		{fmt.Errorf("x: %w", saml.ErrLevel), "substanziell"},
		{saml.ErrInResponseTo, "abgelaufen"},
		{saml.ErrSignature, "nicht möglich"},
	} {
		rec := httptest.NewRecorder()
		refuse(rec, tt.err)
		assert.Equal(t, http.StatusForbidden, rec.Code)
		assert.Contains(t, rec.Body.String(), tt.want)
		assert.NotContains(t, rec.Body.String(), "saml:")
	}
}
