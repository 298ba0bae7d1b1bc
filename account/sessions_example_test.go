package account_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/egosaar/ozg/account"
)

// ExampleSessions starts a session after a verified login (here a given
// Identity; in a service the one saml or oidc FinishLogin returned) and
// protects a page with RequireLogin.
func ExampleSessions() {
	sessions, err := account.NewSessions(account.SessionConfig{
		Store: account.NewMemorySessionStore(), // account/sqlstore for several instances
	})
	if err != nil {
		panic(err)
	}
	page := sessions.RequireLogin(account.LevelSubstanziell)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := account.SessionFromContext(r.Context())
		fmt.Fprintf(w, "level %s, idle limit %s", s.Level, s.IdleTimeout)
	}))

	// After login (the callback handler):
	id := &account.Identity{Provider: account.ProviderBundID, Issuer: "https://id.bund.de/idp", Subject: "bPK2-example", Level: account.LevelSubstanziell}
	rec := httptest.NewRecorder()
	if _, err := sessions.Start(httptest.NewRequest("POST", "/saml/acs", nil).Context(), rec, httptest.NewRequest("POST", "/saml/acs", nil), id, account.StartOptions{}); err != nil {
		panic(err)
	}
	cookie := rec.Result().Cookies()[0]
	fmt.Println("cookie:", cookie.Name, "HttpOnly:", cookie.HttpOnly, "Secure:", cookie.Secure)

	// Later requests carry the cookie.
	req := httptest.NewRequest("GET", "https://service.example/antrag", nil)
	req.AddCookie(cookie)
	rec = httptest.NewRecorder()
	page.ServeHTTP(rec, req)
	fmt.Println(rec.Body.String())

	// Without it, RequireLogin refuses.
	rec = httptest.NewRecorder()
	page.ServeHTTP(rec, httptest.NewRequest("GET", "https://service.example/antrag", nil))
	fmt.Println(rec.Code)
	// Output:
	// cookie: __Host-ozg_session HttpOnly: true Secure: true
	// level substanziell, idle limit 30m0s
	// 401
}
