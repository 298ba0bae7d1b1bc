package main

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/signature/signaturetest"
)

type appConfig struct {
	BaseURL string // where this service is reachable, e.g. http://127.0.0.1:8080
	DBPath  string // SQLite file; "" = in memory
	Logger  *slog.Logger
	Now     func() time.Time
}

// app is the example service: login button, ACS, identity page.
type app struct {
	mux      *http.ServeMux
	sp       *saml.ServiceProvider
	idp      *accounttest.Server
	store    *sqlstore.Store
	sessions *account.Sessions
}

func newApp(ctx context.Context, cfg appConfig) (*app, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// The simulated BundID. Replace with the real IdP metadata in
	// production (saml.BundIDIntegration / BundIDProduction profiles).
	idp, err := accounttest.NewServer(accounttest.Config{Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	// Throwaway SP keys; in production load them with signature.LoadPEM or
	// signature.LoadPKCS12.
	signing, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "login example signing"})
	if err != nil {
		idp.Close()
		return nil, err
	}
	encryption, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "login example encryption"})
	if err != nil {
		idp.Close()
		return nil, err
	}
	dec, err := encryption.Decrypter()
	if err != nil {
		idp.Close()
		return nil, err
	}
	store, err := sqlstore.OpenSQLite(ctx, cfg.DBPath)
	if err != nil {
		idp.Close()
		return nil, err
	}
	sp, err := saml.New(saml.Config{
		EntityID:              "https://login.example.org/saml",
		ACSURL:                cfg.BaseURL + "/saml/acs",
		SigningKey:            signing,
		DecryptionKey:         dec,
		EncryptionCertificate: encryption.Certificate,
		IdPMetadata:           idp.Metadata(),
		Profile:               idp.Profile(),
		Level:                 account.LevelSubstanziell,
		Extension: &saml.Extension{
			RequestedAttributes: []saml.RequestedAttribute{
				{Name: account.AttrBPK2, Required: true},
				{Name: account.AttrGivenName, Required: true},
				{Name: account.AttrSurname, Required: true},
				{Name: account.AttrBirthdate},
				{Name: account.AttrPostalAddress},
				{Name: account.AttrPostalCode},
				{Name: account.AttrLocality},
				{Name: account.AttrCountry},
				{Name: account.AttrPostkorbHandle},
			},
			Display: saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", Lang: "de", OnlineServiceID: "99123456760000"},
		},
		Store:               store,
		Now:                 cfg.Now,
		Logger:              cfg.Logger,
		InsecureDevelopment: true, // plain-http demo; remove behind https
	})
	if err != nil {
		store.Close()
		idp.Close()
		return nil, err
	}
	a := &app{mux: http.NewServeMux()}
	md, err := sp.Metadata()
	if err == nil {
		err = idp.RegisterSP(md)
	}
	if err != nil {
		store.Close()
		idp.Close()
		return nil, err
	}
	// Sessions live in the same SQLite database as the pending logins, so
	// several instances on one PostgreSQL (sqlstore.OpenPostgres) share
	// them too.
	sessStore, err := store.Sessions(ctx)
	if err == nil {
		a.sessions, err = account.NewSessions(account.SessionConfig{
			Store: sessStore, Now: cfg.Now, Logger: cfg.Logger,
			InsecureDevelopment: true, // plain-http demo; remove behind https
			LoginRequired:       http.RedirectHandler("/", http.StatusSeeOther),
		})
	}
	if err != nil {
		store.Close()
		idp.Close()
		return nil, err
	}
	a.sp, a.idp, a.store = sp, idp, store
	a.mux.HandleFunc("GET /{$}", a.home)
	a.mux.Handle("POST /login", a.sessions.Protect(http.HandlerFunc(a.login)))
	a.mux.HandleFunc("POST /saml/acs", a.acs) // a cross-site POST by design: not behind Protect
	a.mux.Handle("GET /me", a.sessions.RequireLogin(account.LevelSubstanziell)(http.HandlerFunc(a.me)))
	a.mux.Handle("POST /logout", a.sessions.Protect(http.HandlerFunc(a.logout)))
	a.mux.HandleFunc("GET /saml/metadata", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		_, _ = w.Write(md)
	})
	return a, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Frame-Options", "DENY")
	a.mux.ServeHTTP(w, r)
}

// Close stops the simulator and closes the store.
func (a *app) Close() {
	a.idp.Close()
	a.store.Close()
}

var pages = template.Must(template.New("home").Parse(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Anmeldung</title></head><body>
<h1>Musterstadt Online-Dienst</h1>
<form method="post" action="/login"><button id="login" type="submit">Mit BundID anmelden</button></form>
</body></html>`))

var mePage = template.Must(template.New("me").Parse(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Identität</title></head><body>
<h1>Angemeldet</h1>
<dl>
<dt>Vertrauensniveau</dt><dd>{{.Level}}</dd>
{{with .Person}}<dt>Name</dt><dd id="name">{{.GivenNames.Value}} {{.FamilyName.Value}}</dd><dd>Vertrauensniveau des Namens: {{.GivenNames.Level}}</dd>
{{if .BirthDate.Set}}<dt>Geburtsdatum</dt><dd>{{.BirthDate.Value}}</dd>{{end}}
<dt>Anschrift</dt><dd>{{.Address.Street.Value}}, {{.Address.PostalCode.Value}} {{.Address.Locality.Value}} {{.Address.Country.Value}}</dd>{{end}}
<dt>Postfach</dt><dd>{{if .MailboxHandle.Set}}verbunden{{else}}keins{{end}}</dd>
<dt>Kennung</dt><dd>{{if .Temporary}}temporär{{else}}dauerhaft{{end}}</dd>
</dl>
<form method="post" action="/logout"><button id="logout" type="submit">Abmelden</button></form>
</body></html>`))

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pages.Execute(w, nil)
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	if err := a.sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/me"}); err != nil {
		http.Error(w, "Die Anmeldung konnte nicht gestartet werden.", http.StatusInternalServerError)
	}
}

func (a *app) acs(w http.ResponseWriter, r *http.Request) {
	login, err := a.sp.FinishLogin(r.Context(), w, r)
	if err != nil {
		// The SP logs the error without personal data; the citizen gets a
		// page that says what to do next.
		refuse(w, err)
		return
	}
	// A new session (a new random ID: any session ID the browser had
	// before is ended), limited by TR-03160-1 for the login's level.
	if _, err := a.sessions.Start(r.Context(), w, r, login.Identity, account.StartOptions{ProviderSessionID: login.Identity.SessionIndex}); err != nil {
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

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	_, _ = a.sessions.End(r.Context(), w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
