package main

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// operatorView is what the operator page shows for one tenant or all.
type operatorView struct {
	LoggedIn, StateWide bool
	Operator, CSRF      string
	Error, Replayed     string
	Tenant              *Tenant   // nil: across tenants
	Tenants             []*Tenant // the tenants the operator may choose
	Submissions         []opSubmission
	Deliveries          []opDelivery
	DeadLetters         []opDeadLetter
	Anomalies           []paystore.Anomaly
	Open                []*paytype.Transaction
	Refusals            []Refusal
}

// opSubmission is an application whose submission is pending (claimed
// or at the Zustelldienst without the authority's answer) or rejected.
type opSubmission struct {
	ID, Tenant, Leika, Status, SubmissionID, Created string
}

type opDelivery struct {
	Tenant string
	notify.Attempt
}

type opDeadLetter struct {
	Tenant string
	notify.DeadLetter
}

// opLimit bounds every list of the page.
const opLimit = 50

func (p *Portal) operatorView(ctx context.Context, s *opSession, ars string) (*operatorView, error) {
	v := &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, StateWide: s.Tenant == ""}
	for _, t := range p.Tenants() {
		if s.mayView(t.ARS) {
			v.Tenants = append(v.Tenants, t)
		}
	}
	if ars != "" {
		v.Tenant = p.tenants[ars].Tenant
	}
	var err error
	if v.Submissions, err = p.pendingSubmissions(ctx, ars); err != nil {
		return nil, err
	}
	if v.Deliveries, err = p.deliveries(ctx, ars); err != nil {
		return nil, err
	}
	if v.DeadLetters, err = p.deadLetters(ctx, ars); err != nil {
		return nil, err
	}
	if v.Anomalies, v.Open, err = p.payments(ctx, ars); err != nil {
		return nil, err
	}
	if v.Refusals, err = p.LoginRefusals(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

// pendingSubmissions lists the applications of ars ("" = all) that are
// being submitted, submitted without the authority's answer, or
// rejected, oldest first.
func (p *Portal) pendingSubmissions(ctx context.Context, ars string) ([]opSubmission, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT id, ars, leika, status, submission_id, created_at FROM saarportal_applications
		WHERE status IN (?, ?, ?) AND (? = '' OR ars = ?) ORDER BY created_at LIMIT ?`,
		StateSending, StateSubmitted, StateRejected, ars, ars, opLimit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opSubmission
	for rows.Next() {
		var s opSubmission
		if err := rows.Scan(&s.ID, &s.Tenant, &s.Leika, &s.Status, &s.SubmissionID, &s.Created); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// deliveries is the notify delivery log of the newest applications of
// ars ("" = all) that have a notice.
func (p *Portal) deliveries(ctx context.Context, ars string) ([]opDelivery, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT id, ars FROM saarportal_applications
		WHERE status IN (?, ?) AND (? = '' OR ars = ?) ORDER BY receipt_at DESC LIMIT ?`,
		StateReceived, StateRejected, ars, ars, opLimit)
	if err != nil {
		return nil, err
	}
	type app struct{ id, ars string }
	var apps []app
	for rows.Next() {
		var a app
		if err := rows.Scan(&a.id, &a.ars); err != nil {
			rows.Close()
			return nil, err
		}
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []opDelivery
	for _, a := range apps {
		attempts, err := p.attempts(ctx, a.ars, a.id)
		if err != nil {
			return nil, err
		}
		for _, at := range attempts {
			out = append(out, opDelivery{Tenant: a.ars, Attempt: at})
		}
	}
	return out, nil
}

// attempts is the delivery log of one of the tenant's applications.
func (p *Portal) attempts(ctx context.Context, ars, appID string) ([]notify.Attempt, error) {
	return p.notify.Attempts(ctx, notify.ForTenant(ars), appID, 20)
}

// deadLetters lists the unreplayed dead letters of ars ("" = all).
func (p *Portal) deadLetters(ctx context.Context, ars string) ([]opDeadLetter, error) {
	f := notify.ReplayFilter{Scope: notify.AllTenants(), Limit: opLimit}
	if ars != "" {
		f.Scope = notify.ForTenant(ars)
	}
	dls, err := p.notify.DeadLetters(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]opDeadLetter, 0, len(dls))
	for _, d := range dls {
		out = append(out, opDeadLetter{Tenant: d.Tenant, DeadLetter: d})
	}
	return out, nil
}

// deadLetterTenant returns the tenant of an unreplayed dead letter.
func (p *Portal) deadLetterTenant(ctx context.Context, ev notify.EventID) (string, error) {
	if _, err := notify.ParseEventID(string(ev)); err != nil {
		return "", errNoDeadLetter
	}
	dls, err := p.notify.DeadLetters(ctx, notify.ReplayFilter{Scope: notify.AllTenants(), EventID: ev, Limit: 1})
	if err != nil {
		return "", err
	}
	if len(dls) == 0 {
		return "", errNoDeadLetter
	}
	if _, ok := p.tenants[dls[0].Tenant]; !ok {
		return "", errNoDeadLetter
	}
	return dls[0].Tenant, nil
}

// replay re-enqueues the tenant's dead letters of the event.
func (p *Portal) replay(ctx context.Context, ars string, ev notify.EventID) (int, error) {
	return p.notify.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(ars), EventID: ev})
}

// payments lists payment anomalies and unconfirmed (not final)
// transactions of ars, oldest first: through the tenant's payment client
// (its view of the shared store), or across tenants on the store itself
// (ars "": the state-wide operator).
func (p *Portal) payments(ctx context.Context, ars string) ([]paystore.Anomaly, []*paytype.Transaction, error) {
	f := paystore.ListFilter{Limit: opLimit}
	var (
		anomalies *paystore.AnomalyPage
		open      *paystore.TransactionPage
		err       error
	)
	if ars == "" {
		f.AllTenants = true
		if anomalies, err = p.payStore.ListAnomalies(ctx, f); err == nil {
			open, err = p.payStore.ListOpen(ctx, f)
		}
	} else {
		rt := p.tenants[ars]
		if anomalies, err = rt.pay.ListAnomalies(ctx, f); err == nil {
			open, err = rt.pay.ListOpen(ctx, f)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return anomalies.Anomalies, open.Transactions, nil
}

func (p *Portal) renderOperator(w http.ResponseWriter, status int, v *operatorView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := operatorPage.Execute(w, v); err != nil {
		p.log.Warn("render operator page", "err", err)
	}
}

func zeit(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(time.Local).Format("02.01.2006 15:04:05")
}

var operatorPage = template.Must(template.New("operator").Funcs(template.FuncMap{"zeit": zeit}).Parse(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Saarland-Portal – Betrieb</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;font-size:.85rem}caption{text-align:left;font-weight:600}.fail{color:#a4001d}</style></head>
<body><h1>Saarland-Portal – Betrieb</h1>
{{if .Error}}<p id="op-error" class="fail" role="alert">{{.Error}}</p>{{end}}
{{if not .LoggedIn}}
<form method="post" action="/operator/login">
<label for="name">Kennung</label> <input id="name" name="name" autocomplete="username" required>
<label for="passwort">Passwort</label> <input id="passwort" name="passwort" type="password" autocomplete="current-password" required>
<button id="op-login" type="submit">Anmelden</button></form>
{{else}}
<p>Angemeldet: <span id="op-name">{{.Operator}}</span>. Ansicht: <strong id="op-scope">{{if .Tenant}}{{.Tenant.Name}}{{else}}alle Gemeinden{{end}}</strong></p>
<nav id="op-tenants">{{if .StateWide}}<a id="op-all" href="/operator">alle Gemeinden</a> · {{end}}{{range .Tenants}}<a id="op-{{.Slug}}" href="/operator?gemeinde={{.ARS}}">{{.Name}}</a> · {{end}}</nav>
{{if .Replayed}}<p id="op-replayed">{{.Replayed}} Zustellung(en) erneut eingeplant.</p>{{end}}
{{$csrf := .CSRF}}{{$g := ""}}{{if .Tenant}}{{$g = .Tenant.ARS}}{{end}}
<table id="op-submissions"><caption>FIT-Connect-Einreichungen: offen oder zurückgewiesen</caption>
<tr><th>Antrag</th><th>Gemeinde (ARS)</th><th>Leistung</th><th>Status</th><th>Einreichung</th><th>angelegt</th></tr>
{{range .Submissions}}<tr><td>{{.ID}}</td><td>{{.Tenant}}</td><td>{{.Leika}}</td><td>{{.Status}}</td><td>{{.SubmissionID}}</td><td>{{.Created}}</td></tr>
{{else}}<tr><td colspan="6">keine</td></tr>{{end}}</table>
<table id="op-deliveries"><caption>Benachrichtigungen: Zustellungen</caption>
<tr><th>Antrag</th><th>Gemeinde</th><th>Kanal</th><th>Versuch</th><th>Zeit</th><th>Ergebnis</th><th>Fehlerklasse</th></tr>
{{range .Deliveries}}<tr><td>{{.ApplicationID}}</td><td>{{.Tenant}}</td><td>{{.Channel}}</td><td>{{.Number}}</td><td>{{zeit .StartedAt}}</td><td>{{.Outcome}}</td><td>{{.ErrorClass}}</td></tr>
{{else}}<tr><td colspan="7">keine</td></tr>{{end}}</table>
<table id="op-dead"><caption>Benachrichtigungen: unzustellbar</caption>
<tr><th>Antrag</th><th>Gemeinde</th><th>Kanal</th><th>Grund</th><th>Versuche</th><th>seit</th><th></th></tr>
{{range .DeadLetters}}<tr><td>{{.ApplicationID}}</td><td>{{.Tenant}}</td><td>{{.Channel}}</td><td>{{.Reason}} {{.ErrorClass}}</td><td>{{.Attempts}}</td><td>{{zeit .DeadAt}}</td>
<td><form method="post" action="/operator/replay"><input type="hidden" name="csrf" value="{{$csrf}}"><input type="hidden" name="gemeinde" value="{{$g}}"><input type="hidden" name="event" value="{{.EventID}}"><button class="op-replay" type="submit">erneut zustellen</button></form></td></tr>
{{else}}<tr><td colspan="7">keine</td></tr>{{end}}</table>
<table id="op-anomalies"><caption>Zahlungen: Auffälligkeiten</caption>
<tr><th>Zeit</th><th>Gemeinde</th><th>Vorgang</th><th>Art</th><th>Beschreibung</th></tr>
{{range .Anomalies}}<tr><td>{{zeit .At}}</td><td>{{.Tenant}}</td><td>{{.RequestID}}</td><td>{{.Kind}}</td><td>{{.Detail}}</td></tr>
{{else}}<tr><td colspan="5">keine</td></tr>{{end}}</table>
<table id="op-open"><caption>Zahlungen: nicht bestätigt oder offen</caption>
<tr><th>angelegt</th><th>Gemeinde</th><th>Vorgang</th><th>Transaktion</th><th>Status</th><th>Betrag</th></tr>
{{range .Open}}<tr><td>{{zeit .CreatedAt}}</td><td>{{.Tenant}}</td><td>{{.RequestID}}</td><td>{{.TransactionID}}</td><td>{{if .Status}}{{.Status}}{{else}}nicht bestätigt{{end}}</td><td>{{.Request.Total}} EUR</td></tr>
{{else}}<tr><td colspan="6">keine</td></tr>{{end}}</table>
<table id="op-refusals"><caption>Abgelehnte Anmeldungen nach Grund (portalweit)</caption>
<tr><th>Grund</th><th>Anzahl</th><th>zuletzt</th></tr>
{{range .Refusals}}<tr><td class="op-reason">{{.Reason}}</td><td>{{.N}}</td><td>{{.LastAt}}</td></tr>
{{else}}<tr><td colspan="3">keine</td></tr>{{end}}</table>
<form method="post" action="/operator/logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button id="op-logout" type="submit">Abmelden</button></form>
{{end}}</body></html>`))

var errNoDeadLetter = errors.New("saarportal: no such dead letter")
