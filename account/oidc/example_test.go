package oidc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

// Example wires OIDC login and sessions into a net/http service and runs
// one login against the accounttest provider. In production, fill
// oidc.Config with the provider's Issuer, your ClientID and ClientKey (or
// ClientSecret) and your https RedirectURL, and use a shared store
// (account/sqlstore) for several instances.
func Example() {
	op, err := accounttest.NewOIDCSim(accounttest.OIDCConfig{})
	if err != nil {
		panic(err)
	}
	defer op.Close()

	var app http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { app.ServeHTTP(w, r) }))
	defer srv.Close()

	cfg := op.Config() // Issuer, ClientID, ClientSecret, Store, InsecureDevelopment
	cfg.RedirectURL = srv.URL + "/oidc/callback"
	rp, err := oidc.New(context.Background(), cfg)
	if err != nil {
		panic(err)
	}
	sessions, err := account.NewSessions(account.SessionConfig{Store: account.NewMemorySessionStore(), InsecureDevelopment: true})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		if err := rp.StartLogin(r.Context(), w, r, oidc.LoginOptions{ReturnTo: "/me"}); err != nil {
			http.Error(w, "login unavailable", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /oidc/callback", func(w http.ResponseWriter, r *http.Request) {
		login, err := rp.FinishLogin(r.Context(), w, r)
		if err != nil {
			http.Error(w, "login refused", http.StatusForbidden)
			return
		}
		if _, err := sessions.Start(r.Context(), w, r, login.Identity,
			account.StartOptions{IDToken: login.IDToken.Raw, ProviderSessionID: login.IDToken.SessionID}); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, login.ReturnTo, http.StatusSeeOther)
	})
	mux.Handle("GET /me", sessions.RequireLogin(account.LevelSubstanziell)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := account.SessionFromContext(r.Context()).Identity()
		fmt.Fprintf(w, "%s %s, %s", id.Person.GivenNames.Value, id.Person.FamilyName.Value, id.Level)
	})))
	mux.Handle("POST /oidc/backchannel-logout", rp.BackChannelLogoutHandler(func(ctx context.Context, t *oidc.LogoutToken) error {
		_, err := sessions.EndProviderSessions(ctx, t.Issuer, t.Subject, t.SessionID)
		return err
	}))
	app = mux

	// A browser with cookies presses the login link.
	browser := &http.Client{Jar: newJar()}
	resp, err := browser.Get(srv.URL + "/login")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var body [64]byte
	n, _ := resp.Body.Read(body[:])
	fmt.Println(resp.Request.URL.Path, string(body[:n]))
	// Output: /me Erika Mustermann, substanziell
}
