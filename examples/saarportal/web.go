package main

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
)

// routes are the citizen's pages: login, pick municipality and service,
// pay (a link to the tenant's Bezahldienst), submitted and receipt.
func (p *Portal) routes() {
	login := p.sessions.RequireLogin(account.LevelSubstanziell)
	p.mux.HandleFunc("GET /{$}", p.home)
	p.mux.HandleFunc("GET /login", p.login)
	p.mux.HandleFunc("POST /saml/acs", p.acs) // a cross-site POST by design
	p.mux.Handle("POST /antrag", p.sessions.Protect(login(http.HandlerFunc(p.apply))))
	p.mux.Handle("GET /antrag/{id}", login(http.HandlerFunc(p.status)))
}

func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	p.mux.ServeHTTP(w, r)
}

var pages = template.Must(template.New("layout").Parse(`{{define "top"}}<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Saarland-Portal</title></head><body><h1>Saarland-Portal</h1>{{end}}
{{define "bottom"}}</body></html>{{end}}
{{define "home"}}{{template "top"}}{{if .LoggedIn}}
<p id="hello">Angemeldet als {{.Name}}. Wählen Sie Ihre Gemeinde und den Dienst:</p>
{{range .Tenants}}<section><h2>{{.Name}}</h2>{{$t := .}}{{range .Services}}
<form method="post" action="/antrag"><input type="hidden" name="ars" value="{{$t.ARS}}"><input type="hidden" name="leika" value="{{.Leika}}">
<button id="svc-{{$t.Slug}}-{{.Leika}}" type="submit">{{.Name}} ({{.Fee}} €)</button></form>{{end}}</section>{{end}}
{{else}}<p><a id="login" href="/login">Mit BundID anmelden</a></p>{{end}}
{{template "bottom"}}{{end}}
{{define "pay"}}{{template "top"}}<h2>{{.Tenant.Name}}: {{.Service.Name}}</h2>
<p>Zuständige Stelle: {{.Tenant.Authority.Name}} (<span id="routing">{{if .App.Routed}}über die FIT-Connect-Routing-API gefunden{{else}}vereinbarter Zustellpunkt{{end}}</span>)</p>
<p>Antrag <span id="antrag">{{.App.ID}}</span>, Gebühr {{.Service.Fee}} €, Kassenzeichen <span id="kz">{{.App.Kassenzeichen}}</span>.</p>
<p><a id="pay" href="{{.PayURL}}">Gebühr beim Bezahldienst der Gemeinde bezahlen</a> (Transaktion <span id="tx">{{.TransactionID}}</span>)</p>
{{template "bottom"}}{{end}}
{{define "status"}}{{template "top"}}<h2>{{.Tenant.Name}}: {{.Service.Name}}</h2>
<p>Antrag {{.App.ID}}: <strong id="status">{{.App.Status}}</strong></p>
{{if .App.SubmissionID}}<p>Einreichung <span id="submission">{{.App.SubmissionID}}</span> an {{.Tenant.Authority.Name}}</p>{{end}}
{{if not .App.ReceiptAt.IsZero}}<p id="receipt">Eingangsbestätigung der Behörde vom {{.App.ReceiptAt.Format "02.01.2006 15:04:05"}}</p>{{end}}
{{if .Message}}<p id="message">{{.Message}}</p>{{end}}
<p><a id="aktualisieren" href="/antrag/{{.App.ID}}">Aktualisieren</a> · <a href="/">Zur Startseite</a></p>{{template "bottom"}}{{end}}
{{define "error"}}{{template "top"}}<p id="error">{{.}}</p><p><a href="/">Zur Startseite</a></p>{{template "bottom"}}{{end}}`))

func (p *Portal) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		p.log.Warn("render", "page", name, "err", err)
	}
}

func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	data := struct {
		LoggedIn bool
		Name     string
		Tenants  []*Tenant
	}{Tenants: p.Tenants()}
	if s, err := p.sessions.Get(r); err == nil && s != nil {
		if id, err := s.Identity(); err == nil && id.Person != nil {
			data.LoggedIn, data.Name = true, id.Person.GivenNames.Value+" "+id.Person.FamilyName.Value
		}
	}
	p.render(w, http.StatusOK, "home", data)
}

func (p *Portal) login(w http.ResponseWriter, r *http.Request) {
	if err := p.sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/"}); err != nil {
		p.render(w, http.StatusInternalServerError, "error", "Die Anmeldung konnte nicht gestartet werden.")
	}
}

func (p *Portal) acs(w http.ResponseWriter, r *http.Request) {
	login, err := p.sp.FinishLogin(r.Context(), w, r)
	if err == nil {
		_, err = p.sessions.Start(r.Context(), w, r, login.Identity, account.StartOptions{ProviderSessionID: login.Identity.SessionIndex})
	}
	if err != nil {
		// The SP logged the reason without personal data; the operator
		// page and /metrics count it by reason (refusals.go).
		p.refused(r.Context(), err)
		p.render(w, http.StatusForbidden, "error", "Die Anmeldung wurde nicht angenommen. Bitte melden Sie sich erneut an.")
		return
	}
	http.Redirect(w, r, login.ReturnTo, http.StatusSeeOther)
}

func identity(r *http.Request) (*account.Identity, error) {
	return account.SessionFromContext(r.Context()).Identity()
}

func (p *Portal) apply(w http.ResponseWriter, r *http.Request) {
	id, err := identity(r)
	if err != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	st, err := p.Start(r.Context(), id, r.PostFormValue("ars"), r.PostFormValue("leika"))
	if err != nil {
		p.fail(w, err)
		return
	}
	rt := p.tenants[st.ARS]
	svc, _ := rt.Service(st.Leika)
	p.render(w, http.StatusOK, "pay", map[string]any{"Tenant": rt.Tenant, "Service": svc, "App": st.Application,
		"PayURL": template.URL(st.PayURL), "TransactionID": st.TransactionID})
}

// status is the Bezahldienst's redirect target and the status page:
// it moves the application on as far as it can (paid → submitted,
// accepted → received) and shows where it stands.
func (p *Portal) status(w http.ResponseWriter, r *http.Request) {
	id, err := identity(r)
	if err != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	appID := r.PathValue("id")
	a, err := p.Finish(r.Context(), id.Subject, appID)
	msg := ""
	if errors.Is(err, ErrNotPaid) {
		msg, err = "Die Gebühr ist noch nicht bezahlt.", nil
	}
	if err != nil {
		p.fail(w, err)
		return
	}
	rt := p.tenants[a.ARS]
	svc, _ := rt.Service(a.Leika)
	p.render(w, http.StatusOK, "status", map[string]any{"Tenant": rt.Tenant, "Service": svc, "App": a, "Message": msg})
}

// fail explains a refused step without technical detail (logged with
// IDs only).
func (p *Portal) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrUnknownTenant), errors.Is(err, ErrUnknownService):
		p.render(w, http.StatusNotFound, "error", "Diesen Dienst bietet die gewählte Gemeinde nicht online an.")
	case errors.Is(err, ErrNoDestination):
		p.render(w, http.StatusServiceUnavailable, "error", "Für diesen Dienst ist noch keine zuständige Stelle online erreichbar. Es wurde keine Gebühr erhoben.")
	case errors.Is(err, ErrNotYours):
		p.render(w, http.StatusNotFound, "error", "Diesen Antrag gibt es nicht.")
	default:
		p.log.Warn("application step failed", "err", err)
		p.render(w, http.StatusBadGateway, "error", "Der Schritt ist gerade nicht möglich. Bitte versuchen Sie es später noch einmal.")
	}
}
