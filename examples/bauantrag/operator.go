package main

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// The operator page: a read-only view for the treasury (Kasse) and
// operations of the payments that need a human — anomalies and
// transactions that are not final — across the whole store
// (payment.Client.ListAnomalies, ListOpen). It has a login of its own:
// an operator password from OperatorPasswordEnv and a session cookie
// separate from the citizens' (a citizen session never opens it, an
// operator session never opens a citizen's application). Without the
// variable the page is disabled (404).

// OperatorPasswordEnv names the environment variable holding the
// operator password.
const OperatorPasswordEnv = "BAUANTRAG_OPERATOR_PASSWORD"

const (
	operatorCookie  = "bauantrag_operator"
	operatorSession = 30 * time.Minute // absolute lifetime of an operator session
)

var operatorPage = template.Must(template.New("operator.html").Funcs(template.FuncMap{"zeit": zeit}).
	ParseFS(templateFS, "templates/operator.html"))

// anomalyKinds are the kinds the page filters by (?art=); any other
// value is refused.
var anomalyKinds = []paystore.AnomalyKind{paystore.AnomalyMismatch, paystore.AnomalyPushMismatch, paystore.AnomalyIllegalTransition,
	paystore.AnomalyUnknownStatus, paystore.AnomalyExpired, paystore.AnomalyOutcomeUnknown, paystore.AnomalyRefused}

type operatorView struct {
	LoggedIn  bool
	Error     string
	Kind      string
	MinAgeH   int
	Kinds     []paystore.AnomalyKind
	Anomalies []paystore.Anomaly
	Open      []*paytype.Transaction
	NextA     string
	NextO     string
}

type operators struct {
	password string
	mu       sync.Mutex
	sessions map[string]time.Time // token → expiry
}

// operatorRoutes registers the operator page on s.mux.
func (s *service) operatorRoutes() {
	op := &operators{password: os.Getenv(OperatorPasswordEnv), sessions: map[string]time.Time{}}
	s.mux.HandleFunc("GET /operator", func(w http.ResponseWriter, r *http.Request) { s.handleOperator(op, w, r) })
	s.mux.HandleFunc("POST /operator/login", func(w http.ResponseWriter, r *http.Request) { s.handleOperatorLogin(op, w, r) })
	s.mux.HandleFunc("POST /operator/logout", func(w http.ResponseWriter, r *http.Request) { op.logout(w, r) })
}

func renderOperator(w http.ResponseWriter, status int, v operatorView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(status)
	_ = operatorPage.Execute(w, v)
}

func (op *operators) loggedIn(r *http.Request) bool {
	c, err := r.Cookie(operatorCookie)
	if err != nil {
		return false
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	exp, ok := op.sessions[c.Value]
	if ok && time.Now().After(exp) {
		delete(op.sessions, c.Value)
		return false
	}
	return ok
}

func (s *service) handleOperatorLogin(op *operators, w http.ResponseWriter, r *http.Request) {
	if op.password == "" {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	given := r.PostFormValue("passwort")
	if subtle.ConstantTimeCompare([]byte(given), []byte(op.password)) != 1 {
		s.log.Warn("operator login refused")
		renderOperator(w, http.StatusUnauthorized, operatorView{Error: "Anmeldung fehlgeschlagen."})
		return
	}
	tok := randomToken()
	op.mu.Lock()
	op.sessions[tok] = time.Now().Add(operatorSession)
	op.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: operatorCookie, Value: tok, Path: "/operator", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(operatorSession / time.Second)})
	http.Redirect(w, r, "/operator", http.StatusSeeOther)
}

func (op *operators) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(operatorCookie); err == nil {
		op.mu.Lock()
		delete(op.sessions, c.Value)
		op.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: operatorCookie, Value: "", Path: "/operator", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/operator", http.StatusSeeOther)
}

// handleOperator shows the login form, or — for an operator session —
// one page of anomalies and one of open transactions, filtered by kind
// (?art=) and minimum age in hours (?alter=), continued with ?a= / ?o=.
func (s *service) handleOperator(op *operators, w http.ResponseWriter, r *http.Request) {
	if op.password == "" {
		http.NotFound(w, r)
		return
	}
	if !op.loggedIn(r) {
		renderOperator(w, http.StatusOK, operatorView{})
		return
	}
	q := r.URL.Query()
	v := operatorView{LoggedIn: true, Kind: q.Get("art"), Kinds: anomalyKinds}
	af := paystore.ListFilter{Cursor: q.Get("a"), Limit: 20}
	of := paystore.ListFilter{Cursor: q.Get("o"), Limit: 20}
	if v.Kind != "" {
		k := paystore.AnomalyKind(v.Kind)
		if !slices.Contains(anomalyKinds, k) {
			renderOperator(w, http.StatusBadRequest, operatorView{LoggedIn: true, Error: "Ungültige Abfrage."})
			return
		}
		af.Kinds = []paystore.AnomalyKind{k}
	}
	if h, err := strconv.Atoi(q.Get("alter")); err == nil && h > 0 && h < 24*366 {
		v.MinAgeH = h
		af.Before = time.Now().Add(-time.Duration(h) * time.Hour)
		of.Before = af.Before
	}
	ap, err := s.pay.ListAnomalies(r.Context(), af)
	if err == nil {
		v.Anomalies, v.NextA = ap.Anomalies, ap.Next
		var tp *paystore.TransactionPage
		if tp, err = s.pay.ListOpen(r.Context(), of); err == nil {
			v.Open, v.NextO = tp.Transactions, tp.Next
		}
	}
	if err != nil {
		s.log.Warn("operator listing", "err", err)
		renderOperator(w, http.StatusBadRequest, operatorView{LoggedIn: true, Error: "Ungültige Abfrage."})
		return
	}
	renderOperator(w, http.StatusOK, v)
}
