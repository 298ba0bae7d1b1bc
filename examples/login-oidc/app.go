package main

import (
	"context"
	"database/sql"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/database"
)

type appConfig struct {
	BaseURL string // where this service is reachable, e.g. http://127.0.0.1:8081
	DBPath  string // SQLite file; "" = in memory
	Logger  *slog.Logger
	Now     func() time.Time
}

// app is the example service: login button, callback, identity page,
// logout (local, RP-initiated and back-channel).
type app struct {
	mux      *http.ServeMux
	op       *accounttest.OIDCSim
	rp       *oidc.Client
	db       *sql.DB
	sessions *account.Sessions
}

func newApp(ctx context.Context, cfg appConfig) (a *app, err error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DBPath == "" {
		cfg.DBPath = database.MemoryPath
	}
	a = &app{mux: http.NewServeMux()}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	// The simulated provider. In production drop it and set Issuer,
	// ClientID and ClientKey (private_key_jwt) or ClientSecret yourself.
	if a.op, err = accounttest.NewOIDCSim(accounttest.OIDCConfig{Now: cfg.Now}); err != nil {
		return nil, err
	}
	if a.db, err = database.OpenSQLite(ctx, cfg.DBPath); err != nil {
		return nil, err
	}
	store, err := sqlstore.NewSessionsSQLite(ctx, a.db)
	if err != nil {
		return nil, err
	}
	a.sessions, err = account.NewSessions(account.SessionConfig{
		Store: store, Now: cfg.Now, Logger: cfg.Logger,
		InsecureDevelopment: true, // plain-http demo; remove behind https
		LoginRequired:       http.RedirectHandler("/", http.StatusSeeOther),
	})
	if err != nil {
		return nil, err
	}
	rpCfg := a.op.Config() // Issuer, ClientID, ClientSecret of the simulator
	rpCfg.RedirectURL = cfg.BaseURL + "/oidc/callback"
	rpCfg.PostLogoutRedirectURL = cfg.BaseURL + "/"
	rpCfg.MinLevel = account.LevelSubstanziell
	rpCfg.Logger = cfg.Logger
	if a.rp, err = oidc.New(ctx, rpCfg); err != nil {
		return nil, err
	}
	a.mux.HandleFunc("GET /{$}", a.home)
	a.mux.Handle("POST /login", a.sessions.Protect(http.HandlerFunc(a.login)))
	a.mux.HandleFunc("GET /oidc/callback", a.callback)
	a.mux.Handle("GET /me", a.sessions.RequireLogin(account.LevelSubstanziell)(http.HandlerFunc(a.me)))
	a.mux.Handle("POST /logout", a.sessions.Protect(http.HandlerFunc(a.logout)))
	// The provider's server-to-server POST: verified by its own token, not
	// behind CSRF protection.
	a.mux.Handle("POST /oidc/backchannel-logout", a.rp.BackChannelLogoutHandler(func(ctx context.Context, t *oidc.LogoutToken) error {
		_, err := a.sessions.EndProviderSessions(ctx, t.Issuer, t.Subject, t.SessionID)
		return err
	}))
	return a, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Frame-Options", "DENY")
	a.mux.ServeHTTP(w, r)
}

// Close stops the simulator and closes the database.
func (a *app) Close() {
	if a.op != nil {
		a.op.Close()
	}
	if a.db != nil {
		a.db.Close()
	}
}

var homePage = template.Must(template.New("home").Parse(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Anmeldung</title></head><body>
<h1>Musterstadt Online-Dienst</h1>
<form method="post" action="/login"><button id="login" type="submit">Mit dem Servicekonto anmelden</button></form>
</body></html>`))

var mePage = template.Must(template.New("me").Parse(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Identität</title></head><body>
<h1>Angemeldet</h1>
<dl>
<dt>Vertrauensniveau</dt><dd>{{.Level}}</dd>
{{with .Person}}<dt>Name</dt><dd id="name">{{.GivenNames.Value}} {{.FamilyName.Value}}</dd>
{{if .BirthDate.Set}}<dt>Geburtsdatum</dt><dd>{{.BirthDate.Value}}</dd>{{end}}
<dt>Anschrift</dt><dd>{{.Address.Street.Value}}, {{.Address.PostalCode.Value}} {{.Address.Locality.Value}} {{.Address.Country.Value}}</dd>{{end}}
</dl>
<form method="post" action="/logout"><button id="logout" type="submit">Abmelden</button></form>
</body></html>`))

func (a *app) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homePage.Execute(w, nil)
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	if err := a.rp.StartLogin(r.Context(), w, r, oidc.LoginOptions{ReturnTo: "/me"}); err != nil {
		http.Error(w, "Die Anmeldung konnte nicht gestartet werden.", http.StatusInternalServerError)
	}
}

func (a *app) callback(w http.ResponseWriter, r *http.Request) {
	login, err := a.rp.FinishLogin(r.Context(), w, r)
	if err != nil {
		refuse(w, err)
		return
	}
	_, err = a.sessions.Start(r.Context(), w, r, login.Identity,
		account.StartOptions{IDToken: login.IDToken.Raw, ProviderSessionID: login.IDToken.SessionID})
	if err != nil {
		refuse(w, err)
		return
	}
	http.Redirect(w, r, login.ReturnTo, http.StatusSeeOther)
}

func (a *app) me(w http.ResponseWriter, r *http.Request) {
	id, err := account.SessionFromContext(r.Context()).Identity()
	if err != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = mePage.Execute(w, id)
}

// logout ends the local session, then sends the browser to the provider
// to end the single sign-on session too (RP-initiated logout).
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	sess, err := a.sessions.End(r.Context(), w, r)
	if err != nil { // also account.ErrSessionNotFound: nothing to end at the provider
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u, err := a.rp.LogoutURL(sess.IDToken(), "")
	if err != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}
