package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
)

func TestLoginOIDCEndToEnd(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	var a *app
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.ServeHTTP(w, r) }))
	defer srv.Close()
	var err error
	a, err = newApp(context.Background(), appConfig{BaseURL: srv.URL, Logger: slog.New(slog.DiscardHandler), Now: clock})
	require.NoError(t, err)
	defer a.Close()

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	get := func(c *http.Client, path string) (*http.Response, string) {
		resp, err := c.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	post := func(c *http.Client, path string) (*http.Response, string) {
		resp, err := c.Post(srv.URL+path, "application/x-www-form-urlencoded", nil)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	// Login: POST /login → provider → /oidc/callback → /me.
	resp, body := post(client, "/login")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/me", resp.Request.URL.Path)
	assert.Contains(t, body, "Erika Mustermann")
	assert.Contains(t, body, "substanziell")
	assert.Contains(t, body, "51147 Köln DE")

	// RP-initiated logout: local session ends, provider sends us home.
	resp, _ = post(client, "/logout")
	assert.Equal(t, "/", resp.Request.URL.Path)
	resp, _ = get(client, "/me")
	assert.Equal(t, "/", resp.Request.URL.Path, "logged out")

	// Back-channel logout by sid ends the session on the server.
	resp, _ = post(client, "/login")
	require.Equal(t, "/me", resp.Request.URL.Path)
	lt, err := a.op.LogoutToken("", a.op.SessionID(), nil)
	require.NoError(t, err)
	code, err := a.op.SendLogout(context.Background(), srv.URL+"/oidc/backchannel-logout", lt)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	resp, _ = get(client, "/me")
	assert.Equal(t, "/", resp.Request.URL.Path, "ended by the provider")
	code, err = a.op.SendLogout(context.Background(), srv.URL+"/oidc/backchannel-logout", lt)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, code, "replayed logout token")

	// Idle limit for substanziell: 30 minutes.
	resp, _ = post(client, "/login")
	require.Equal(t, "/me", resp.Request.URL.Path)
	mu.Lock()
	now = now.Add(31 * time.Minute)
	mu.Unlock()
	resp, _ = get(client, "/me")
	assert.Equal(t, "/", resp.Request.URL.Path, "idle session ended")

	// A refused login gets an explanation instead of a bare 403.
	a.op.SetFaults(accounttest.OIDCFaults{ACR: account.LevelNiedrig.EIDAS()})
	resp, body = post(client, "/login")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "Stärkere Anmeldung nötig")
	a.op.SetFaults(accounttest.OIDCFaults{AuthorizationError: "access_denied"})
	resp, body = post(client, "/login")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "Anmeldung abgebrochen")
	a.op.SetFaults(accounttest.OIDCFaults{})

	// The callback in a browser that did not start the login is refused.
	resp, body = get(&http.Client{}, "/oidc/callback?state=x&code=y")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "Anmeldung abgelaufen")
}
