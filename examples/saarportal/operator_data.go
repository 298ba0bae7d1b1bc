package main

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
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
	// Next is the href of each list's next page (by list name; absent
	// at the end), Paged the list continued on this page.
	Next  map[string]string
	Paged string
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

// opLimit is the page size of every list of the page (Portal.opPageSize
// 0).
const opLimit = 50

func (p *Portal) pageSize() int {
	if p.opPageSize > 0 {
		return p.opPageSize
	}
	return opLimit
}

// operatorView reads the view of ars ("" = all) with pg's list
// continued; a position that does not fit the view is errBadCursor.
func (p *Portal) operatorView(ctx context.Context, s *opSession, ars string, pg opPage) (*operatorView, error) {
	v := &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, StateWide: s.Tenant == "", Paged: pg.List,
		Next: map[string]string{}}
	for _, t := range p.Tenants() {
		if s.mayView(t.ARS) {
			v.Tenants = append(v.Tenants, t)
		}
	}
	if ars != "" {
		v.Tenant = p.tenants[ars].Tenant
	}
	next := map[string]string{}
	var err error
	if v.Submissions, next[listSubmissions], err = p.pendingSubmissions(ctx, ars, pg.at(listSubmissions)); err != nil {
		return nil, err
	}
	if v.Deliveries, next[listDeliveries], err = p.deliveries(ctx, ars, pg.at(listDeliveries)); err != nil {
		return nil, err
	}
	if v.DeadLetters, next[listDeadLetters], err = p.deadLetters(ctx, ars, pg.at(listDeadLetters)); err != nil {
		return nil, err
	}
	if v.Anomalies, next[listAnomalies], err = p.anomalies(ctx, ars, pg.at(listAnomalies)); err != nil {
		return nil, err
	}
	if v.Open, next[listOpen], err = p.openTransactions(ctx, ars, pg.at(listOpen)); err != nil {
		return nil, err
	}
	if v.Refusals, err = p.LoginRefusals(ctx); err != nil {
		return nil, err
	}
	for list, pos := range next {
		if href := nextLink(s, list, ars, pos); href != "" {
			v.Next[list] = href
		}
	}
	return v, nil
}

// pendingSubmissions lists the applications of ars ("" = all) that are
// being submitted, submitted without the authority's answer, or
// rejected, oldest first (keyset created_at, id), one page from pos; it
// returns the position of the next page ("" at the end).
func (p *Portal) pendingSubmissions(ctx context.Context, ars, pos string) ([]opSubmission, string, error) {
	k, _, err := decodeKeyset(pos, ars)
	if err != nil {
		return nil, "", err
	}
	size := p.pageSize()
	rows, err := p.db.QueryContext(ctx, `SELECT id, ars, leika, status, submission_id, created_at FROM saarportal_applications
		WHERE status IN (?, ?, ?) AND (? = '' OR ars = ?) AND (created_at > ? OR (created_at = ? AND id > ?))
		ORDER BY created_at, id LIMIT ?`,
		StateSending, StateSubmitted, StateRejected, ars, ars, k.T, k.T, k.ID, size+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []opSubmission
	for rows.Next() {
		var s opSubmission
		if err := rows.Scan(&s.ID, &s.Tenant, &s.Leika, &s.Status, &s.SubmissionID, &s.Created); err != nil {
			return nil, "", err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(out) <= size {
		return out, "", nil
	}
	out = out[:size]
	last := out[size-1]
	return out, keyset{T: last.Created, ID: last.ID, Tenant: last.Tenant}.encode(), nil
}

// deliveries is the notify delivery log of the newest applications of
// ars ("" = all) that have a notice, a page of applications (keyset
// receipt_at, id, newest first) from pos; it returns the position of the
// next page ("" at the end).
func (p *Portal) deliveries(ctx context.Context, ars, pos string) ([]opDelivery, string, error) {
	k, _, err := decodeKeyset(pos, ars)
	if err != nil {
		return nil, "", err
	}
	size := p.pageSize()
	rows, err := p.db.QueryContext(ctx, `SELECT id, ars, receipt_at FROM saarportal_applications
		WHERE status IN (?, ?) AND (? = '' OR ars = ?) AND (? = '' OR receipt_at < ? OR (receipt_at = ? AND id < ?))
		ORDER BY receipt_at DESC, id DESC LIMIT ?`,
		StateReceived, StateRejected, ars, ars, k.T, k.T, k.T, k.ID, size+1)
	if err != nil {
		return nil, "", err
	}
	var apps []keyset
	for rows.Next() {
		var a keyset
		if err := rows.Scan(&a.ID, &a.Tenant, &a.T); err != nil {
			rows.Close()
			return nil, "", err
		}
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(apps) > size {
		apps = apps[:size]
		next = apps[size-1].encode()
	}
	var out []opDelivery
	for _, a := range apps {
		attempts, err := p.attempts(ctx, a.Tenant, a.ID)
		if err != nil {
			return nil, "", err
		}
		for _, at := range attempts {
			out = append(out, opDelivery{Tenant: a.Tenant, Attempt: at})
		}
	}
	return out, next, nil
}

// attempts is the delivery log of one of the tenant's applications.
func (p *Portal) attempts(ctx context.Context, ars, appID string) ([]notify.Attempt, error) {
	return p.notify.Attempts(ctx, notify.ForTenant(ars), appID, 20)
}

// deadLetters lists the unreplayed dead letters of ars ("" = all),
// oldest first, one page from pos; it returns the position of the next
// page ("" at the end). notify orders them by (dead_at, id) and bounds
// by time (ReplayFilter.Since) and count, without a cursor: the page
// starts at the position's time and skips what lies at or before it,
// asking for more while ties at that time fill the answer.
func (p *Portal) deadLetters(ctx context.Context, ars, pos string) ([]opDeadLetter, string, error) {
	k, cont, err := decodeKeyset(pos, ars)
	if err != nil {
		return nil, "", err
	}
	f := notify.ReplayFilter{Scope: notify.AllTenants()}
	if ars != "" {
		f.Scope = notify.ForTenant(ars)
	}
	var after time.Time
	if cont {
		micros, err := strconv.ParseInt(k.T, 10, 64)
		if err != nil {
			return nil, "", errBadCursor
		}
		after = time.UnixMicro(micros)
		f.Since = after
	}
	size := p.pageSize()
	var out []opDeadLetter
	for f.Limit = size + 1; ; f.Limit *= 2 {
		dls, err := p.notify.DeadLetters(ctx, f)
		if err != nil {
			return nil, "", err
		}
		out = out[:0]
		for _, d := range dls {
			if !cont || d.DeadAt.After(after) || (d.DeadAt.Equal(after) && d.ID > k.ID) {
				out = append(out, opDeadLetter{Tenant: d.Tenant, DeadLetter: d})
			}
		}
		if len(out) > size || len(dls) < f.Limit {
			break
		}
	}
	if len(out) <= size {
		return out, "", nil
	}
	out = out[:size]
	last := out[size-1]
	return out, keyset{T: strconv.FormatInt(last.DeadAt.UnixMicro(), 10), ID: last.ID, Tenant: last.Tenant}.encode(), nil
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

// paymentFilter is the listing filter of the view ars ("" = across
// tenants, on the store itself) from the payment cursor pos.
func (p *Portal) paymentFilter(ars, pos string) (paystore.ListFilter, error) {
	if err := checkPaymentCursor(pos, ars); err != nil {
		return paystore.ListFilter{}, err
	}
	return paystore.ListFilter{Limit: p.pageSize(), Cursor: pos, AllTenants: ars == ""}, nil
}

// paymentErr maps the store's refusal of a cursor to errBadCursor.
func paymentErr(err error) error {
	if errors.Is(err, paytype.ErrInvalidRequest) || errors.Is(err, paystore.ErrForeignTenant) {
		return errBadCursor
	}
	return err
}

// anomalies lists the payment anomalies of ars, oldest first: through
// the tenant's payment client (its view of the shared store), or across
// tenants on the store itself (ars "": the state-wide operator); one
// page from the payment cursor pos, and the next page's cursor.
func (p *Portal) anomalies(ctx context.Context, ars, pos string) ([]paystore.Anomaly, string, error) {
	f, err := p.paymentFilter(ars, pos)
	if err != nil {
		return nil, "", err
	}
	var page *paystore.AnomalyPage
	if ars == "" {
		page, err = p.payStore.ListAnomalies(ctx, f)
	} else {
		page, err = p.tenants[ars].pay.ListAnomalies(ctx, f)
	}
	if err != nil {
		return nil, "", paymentErr(err)
	}
	return page.Anomalies, page.Next, nil
}

// openTransactions lists the unconfirmed (not final) transactions of
// ars like anomalies.
func (p *Portal) openTransactions(ctx context.Context, ars, pos string) ([]*paytype.Transaction, string, error) {
	f, err := p.paymentFilter(ars, pos)
	if err != nil {
		return nil, "", err
	}
	var page *paystore.TransactionPage
	if ars == "" {
		page, err = p.payStore.ListOpen(ctx, f)
	} else {
		page, err = p.tenants[ars].pay.ListOpen(ctx, f)
	}
	if err != nil {
		return nil, "", paymentErr(err)
	}
	return page.Transactions, page.Next, nil
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
{{if .Paged}}<p id="op-paged">Liste „{{.Paged}}“ fortgesetzt · <a href="/operator{{if .Tenant}}?gemeinde={{.Tenant.ARS}}{{end}}">zum Anfang</a></p>{{end}}
{{if .Replayed}}<p id="op-replayed">{{.Replayed}} Zustellung(en) erneut eingeplant.</p>{{end}}
{{$csrf := .CSRF}}{{$g := ""}}{{if .Tenant}}{{$g = .Tenant.ARS}}{{end}}
<table id="op-submissions"><caption>FIT-Connect-Einreichungen: offen oder zurückgewiesen</caption>
<tr><th>Antrag</th><th>Gemeinde (ARS)</th><th>Leistung</th><th>Status</th><th>Einreichung</th><th>angelegt</th></tr>
{{range .Submissions}}<tr><td>{{.ID}}</td><td>{{.Tenant}}</td><td>{{.Leika}}</td><td>{{.Status}}</td><td>{{.SubmissionID}}</td><td>{{.Created}}</td></tr>
{{else}}<tr><td colspan="6">keine</td></tr>{{end}}</table>
{{with index .Next "einreichungen"}}<p><a class="op-next" id="op-next-einreichungen" href="{{.}}">nächste Seite</a></p>{{end}}
<table id="op-deliveries"><caption>Benachrichtigungen: Zustellungen</caption>
<tr><th>Antrag</th><th>Gemeinde</th><th>Kanal</th><th>Versuch</th><th>Zeit</th><th>Ergebnis</th><th>Fehlerklasse</th></tr>
{{range .Deliveries}}<tr><td>{{.ApplicationID}}</td><td>{{.Tenant}}</td><td>{{.Channel}}</td><td>{{.Number}}</td><td>{{zeit .StartedAt}}</td><td>{{.Outcome}}</td><td>{{.ErrorClass}}</td></tr>
{{else}}<tr><td colspan="7">keine</td></tr>{{end}}</table>
{{with index .Next "zustellungen"}}<p><a class="op-next" id="op-next-zustellungen" href="{{.}}">nächste Seite</a></p>{{end}}
<table id="op-dead"><caption>Benachrichtigungen: unzustellbar</caption>
<tr><th>Antrag</th><th>Gemeinde</th><th>Kanal</th><th>Grund</th><th>Versuche</th><th>seit</th><th></th></tr>
{{range .DeadLetters}}<tr><td>{{.ApplicationID}}</td><td>{{.Tenant}}</td><td>{{.Channel}}</td><td>{{.Reason}} {{.ErrorClass}}</td><td>{{.Attempts}}</td><td>{{zeit .DeadAt}}</td>
<td><form method="post" action="/operator/replay"><input type="hidden" name="csrf" value="{{$csrf}}"><input type="hidden" name="gemeinde" value="{{$g}}"><input type="hidden" name="event" value="{{.EventID}}"><button class="op-replay" type="submit">erneut zustellen</button></form></td></tr>
{{else}}<tr><td colspan="7">keine</td></tr>{{end}}</table>
{{with index .Next "unzustellbar"}}<p><a class="op-next" id="op-next-unzustellbar" href="{{.}}">nächste Seite</a></p>{{end}}
<table id="op-anomalies"><caption>Zahlungen: Auffälligkeiten</caption>
<tr><th>Zeit</th><th>Gemeinde</th><th>Vorgang</th><th>Art</th><th>Beschreibung</th></tr>
{{range .Anomalies}}<tr><td>{{zeit .At}}</td><td>{{.Tenant}}</td><td>{{.RequestID}}</td><td>{{.Kind}}</td><td>{{.Detail}}</td></tr>
{{else}}<tr><td colspan="5">keine</td></tr>{{end}}</table>
{{with index .Next "auffaelligkeiten"}}<p><a class="op-next" id="op-next-auffaelligkeiten" href="{{.}}">nächste Seite</a></p>{{end}}
<table id="op-open"><caption>Zahlungen: nicht bestätigt oder offen</caption>
<tr><th>angelegt</th><th>Gemeinde</th><th>Vorgang</th><th>Transaktion</th><th>Status</th><th>Betrag</th></tr>
{{range .Open}}<tr><td>{{zeit .CreatedAt}}</td><td>{{.Tenant}}</td><td>{{.RequestID}}</td><td>{{.TransactionID}}</td><td>{{if .Status}}{{.Status}}{{else}}nicht bestätigt{{end}}</td><td>{{.Request.Total}} EUR</td></tr>
{{else}}<tr><td colspan="6">keine</td></tr>{{end}}</table>
{{with index .Next "offen"}}<p><a class="op-next" id="op-next-offen" href="{{.}}">nächste Seite</a></p>{{end}}
<table id="op-refusals"><caption>Abgelehnte Anmeldungen nach Grund (portalweit)</caption>
<tr><th>Grund</th><th>Anzahl</th><th>zuletzt</th></tr>
{{range .Refusals}}<tr><td class="op-reason">{{.Reason}}</td><td>{{.N}}</td><td>{{.LastAt}}</td></tr>
{{else}}<tr><td colspan="3">keine</td></tr>{{end}}</table>
<form method="post" action="/operator/logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button id="op-logout" type="submit">Abmelden</button></form>
{{end}}</body></html>`))

var errNoDeadLetter = errors.New("saarportal: no such dead letter")
