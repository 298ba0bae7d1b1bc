package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/egosaar/ozg/notify"
)

// The operator page (/operator): for the people who run the portal, with
// a login of its own (name and password, Config.Operators) and a session
// cookie of its own (path /operator, its own table), never the citizens'
// BundID session: a citizen session does not open it, an operator
// session opens no citizen's application. A state-wide operator (Tenant
// "") sees every municipality and each one alone; a municipality's
// operator sees only its own. It shows notification deliveries and dead
// letters (with replay), payment anomalies and unconfirmed transactions,
// FIT-Connect submissions pending or rejected, and the portal-wide login
// refusals by reason. Replay and logout are POSTs behind
// http.CrossOriginProtection and a per-session CSRF token. Without
// operators the page is off (404).

// Operator is a person who operates the portal.
type Operator struct {
	// Name is the login name.
	Name string
	// PasswordHash is the bcrypt hash of the password (never the
	// password itself in configuration).
	PasswordHash []byte
	// Tenant restricts the operator to one municipality (its ARS); ""
	// is the state-wide operator of every tenant.
	Tenant string
}

const (
	operatorCookie  = "saarportal_operator"
	operatorSession = 30 * time.Minute // absolute lifetime of an operator session
)

// operatorSchema is the operator session table; the token is stored as
// its SHA-256, so a database reader cannot take over a session.
const operatorSchema = `CREATE TABLE IF NOT EXISTS saarportal_operator_sessions (
	token_hash TEXT PRIMARY KEY,
	operator   TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	expires_at BIGINT NOT NULL
)`

// opSession is a logged-in operator.
type opSession struct {
	*Operator
	csrf string
}

func (p *Portal) setupOperators(ctx context.Context) error {
	seen := map[string]bool{}
	for _, o := range p.cfg.Operators {
		if o.Name == "" || seen[o.Name] {
			return fmt.Errorf("%w: operator names must be unique and non-empty", ErrInvalidConfig)
		}
		seen[o.Name] = true
		if _, err := bcrypt.Cost(o.PasswordHash); err != nil {
			return fmt.Errorf("%w: operator %s: PasswordHash is not a bcrypt hash", ErrInvalidConfig, o.Name)
		}
		if _, ok := p.tenants[o.Tenant]; o.Tenant != "" && !ok {
			return fmt.Errorf("%w: operator %s: unknown tenant %s", ErrInvalidConfig, o.Name, o.Tenant)
		}
	}
	for _, q := range []string{operatorSchema, refusalsSchema} {
		if _, err := p.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("operator schema: %w", err)
		}
	}
	if len(p.cfg.Operators) == 0 {
		return nil
	}
	cop := http.NewCrossOriginProtection()
	p.mux.HandleFunc("GET /operator", p.operatorPage)
	p.mux.Handle("POST /operator/login", cop.Handler(http.HandlerFunc(p.operatorLogin)))
	p.mux.Handle("POST /operator/logout", cop.Handler(p.operatorOnly(p.operatorLogout)))
	p.mux.Handle("POST /operator/replay", cop.Handler(p.operatorOnly(p.operatorReplay)))
	return nil
}

func (p *Portal) operator(name string) *Operator {
	for i := range p.cfg.Operators {
		if p.cfg.Operators[i].Name == name {
			return &p.cfg.Operators[i]
		}
	}
	return nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// opSessionOf returns the request's operator session, or nil.
func (p *Portal) opSessionOf(r *http.Request) *opSession {
	c, err := r.Cookie(operatorCookie)
	if err != nil || len(c.Value) > 64 {
		return nil
	}
	var name, csrf string
	err = p.db.QueryRowContext(r.Context(), `SELECT operator, csrf FROM saarportal_operator_sessions WHERE token_hash = ? AND expires_at > ?`,
		hashToken(c.Value), time.Now().UnixNano()).Scan(&name, &csrf)
	if err != nil {
		return nil
	}
	o := p.operator(name)
	if o == nil {
		return nil
	}
	return &opSession{Operator: o, csrf: csrf}
}

// operatorOnly admits a POST with an operator session and its CSRF token.
func (p *Portal) operatorOnly(h func(http.ResponseWriter, *http.Request, *opSession)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		s := p.opSessionOf(r)
		if s == nil || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
			p.renderOperator(w, http.StatusForbidden, &operatorView{Error: "Nicht angemeldet oder Formular abgelaufen."})
			return
		}
		h(w, r, s)
	})
}

// bcrypt of a fixed string: compared against when the name is unknown,
// so a wrong name costs as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("saarportal-no-such-operator"), bcrypt.DefaultCost)

func (p *Portal) operatorLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	o := p.operator(r.PostFormValue("name"))
	hash := dummyHash
	if o != nil {
		hash = o.PasswordHash
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(r.PostFormValue("passwort"))); err != nil || o == nil {
		p.log.Warn("operator login refused")
		p.renderOperator(w, http.StatusUnauthorized, &operatorView{Error: "Anmeldung fehlgeschlagen."})
		return
	}
	tok, csrf := newToken(), newToken()
	// Operators are few: each login removes the expired sessions.
	if _, err := p.db.ExecContext(r.Context(), `DELETE FROM saarportal_operator_sessions WHERE expires_at <= ?`, time.Now().UnixNano()); err != nil {
		p.log.Warn("prune operator sessions", "err", err)
	}
	if _, err := p.db.ExecContext(r.Context(), `INSERT INTO saarportal_operator_sessions (token_hash, operator, csrf, expires_at) VALUES (?, ?, ?, ?)`,
		hashToken(tok), o.Name, csrf, time.Now().Add(operatorSession).UnixNano()); err != nil {
		p.log.Warn("operator session", "err", err)
		p.renderOperator(w, http.StatusInternalServerError, &operatorView{Error: "Anmeldung gerade nicht möglich."})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: operatorCookie, Value: tok, Path: "/operator", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(operatorSession / time.Second)})
	p.log.Info("operator logged in", "operator", o.Name)
	http.Redirect(w, r, "/operator", http.StatusSeeOther)
}

func (p *Portal) operatorLogout(w http.ResponseWriter, r *http.Request, _ *opSession) {
	if c, err := r.Cookie(operatorCookie); err == nil {
		_, _ = p.db.ExecContext(r.Context(), `DELETE FROM saarportal_operator_sessions WHERE token_hash = ?`, hashToken(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: operatorCookie, Value: "", Path: "/operator", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/operator", http.StatusSeeOther)
}

// mayView reports whether the operator may see tenant ars ("" = all).
func (o *Operator) mayView(ars string) bool { return o.Tenant == "" || o.Tenant == ars }

// operatorPage shows the login form, or the view of ?gemeinde= (an ARS;
// empty: across tenants for a state-wide operator, the own tenant for a
// municipality's).
// A page link (liste, seite; operator_paging.go) that is not the
// session's own for this view is refused with 400.
func (p *Portal) operatorPage(w http.ResponseWriter, r *http.Request) {
	s := p.opSessionOf(r)
	q := r.URL.Query()
	paging := q.Has("liste") || q.Has("seite")
	if s == nil {
		if paging {
			p.renderOperator(w, http.StatusBadRequest, &operatorView{Error: "Ungültiger Seitenverweis."})
			return
		}
		p.renderOperator(w, http.StatusOK, &operatorView{})
		return
	}
	ars := q.Get("gemeinde")
	if ars == "" {
		ars = s.Tenant
	}
	if _, ok := p.tenants[ars]; (ars != "" && !ok) || !s.mayView(ars) {
		p.renderOperator(w, http.StatusForbidden, &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, Error: "Keine Berechtigung für diese Gemeinde."})
		return
	}
	var pg opPage
	badPage := func() {
		p.renderOperator(w, http.StatusBadRequest, &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, Error: "Ungültiger Seitenverweis."})
	}
	if paging {
		var err error
		if pg, err = openPage(s, q.Get("liste"), ars, q.Get("seite")); err != nil {
			badPage()
			return
		}
	}
	v, err := p.operatorView(r.Context(), s, ars, pg)
	if errors.Is(err, errBadCursor) {
		badPage()
		return
	}
	if err != nil {
		p.log.Warn("operator view", "err", err)
		p.renderOperator(w, http.StatusInternalServerError, &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, Error: "Die Übersicht ist gerade nicht verfügbar."})
		return
	}
	v.Replayed = q.Get("wiederholt")
	p.renderOperator(w, http.StatusOK, v)
}

// operatorReplay replays one dead letter (by event ID) of a tenant the
// operator may see.
func (p *Portal) operatorReplay(w http.ResponseWriter, r *http.Request, s *opSession) {
	ev := notify.EventID(r.PostFormValue("event"))
	ars, err := p.deadLetterTenant(r.Context(), ev)
	if err != nil || !s.mayView(ars) {
		p.renderOperator(w, http.StatusNotFound, &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, Error: "Diesen unzustellbaren Eintrag gibt es nicht."})
		return
	}
	n, err := p.replay(r.Context(), ars, ev)
	if err != nil {
		p.log.Warn("operator replay", "event", ev, "err", err)
		p.renderOperator(w, http.StatusInternalServerError, &operatorView{LoggedIn: true, Operator: s.Name, CSRF: s.csrf, Error: "Die Wiederholung ist fehlgeschlagen."})
		return
	}
	p.log.Info("operator replayed dead letters", "operator", s.Name, "tenant", ars, "event", ev, "count", n)
	q := url.Values{"wiederholt": {strconv.Itoa(n)}}
	if g := r.PostFormValue("gemeinde"); g != "" && s.mayView(g) {
		q.Set("gemeinde", g)
	}
	http.Redirect(w, r, "/operator?"+q.Encode(), http.StatusSeeOther)
}
