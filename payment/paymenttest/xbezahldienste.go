package paymenttest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// XConfig configures an XBezahldienste simulator.
type XConfig struct {
	OriginatorID string // default "onlinedienst"
	EndpointID   string // default "09162000"
	// PayTimeout is how long the pay page waits for the user before the
	// simulated Bezahldienst sets FAILED (XBezahldienste status rule 6).
	// Default 30 min.
	PayTimeout time.Duration
	// Now is the simulator's clock. nil: time.Now.
	Now func() time.Time
	// RequiredBookingKeys makes a create without these bookingData keys on
	// every item fail with BOOKING_DATA_MISSING.
	RequiredBookingKeys []string
	// BasicAuth, when set, requires HTTP Basic with these credentials.
	BasicAuth *BasicCredentials
	// OAuth2, when set, serves a client-credentials token endpoint at
	// /token and requires "Bearer" tokens it issued.
	OAuth2 *OAuth2Client
	// TransactionIDIsRequestID makes the simulator use the requestId as
	// transactionId (allowed by the specification). Otherwise it assigns
	// its own IDs; GET by requestId then answers 404 like most
	// Bezahldienste. Default false.
	TransactionIDIsRequestID bool
}

// BasicCredentials are expected HTTP Basic credentials.
type BasicCredentials struct{ Username, Password string }

// OAuth2Client is the client the simulator's token endpoint accepts.
type OAuth2Client struct{ ClientID, ClientSecret string }

// XBezahldienste is an httptest XBezahldienste Bezahldienst with a hosted
// pay page and fault injection. It is safe for concurrent use.
type XBezahldienste struct {
	// URL is the API base URL to put into xbezahldienste.Config.BaseURL.
	URL    string
	Server *httptest.Server
	cfg    XConfig

	mu       sync.Mutex
	txs      map[string]*simTx // by transactionId
	byReq    map[string]string // requestId → transactionId
	seq      int
	faults   []fault
	loseNext int
	delay    time.Duration
	tamper   map[string]paytype.Amount // transactionId → reported amount
	omit     map[string][]string       // transactionId → left-out echo fields
	tokens   map[string]bool
	calls    map[string]int
}

type simTx struct {
	sub       *payprovider.Submission
	id        string
	status    string
	created   time.Time
	paidAt    time.Time
	method    string
	reference string
}

type fault struct {
	path   string // prefix; "" = any
	status int
}

// NewXBezahldienste starts a simulator; it is closed with t.Cleanup by the
// caller (or Close).
func NewXBezahldienste(cfg XConfig) *XBezahldienste {
	if cfg.OriginatorID == "" {
		cfg.OriginatorID = "onlinedienst"
	}
	if cfg.EndpointID == "" {
		cfg.EndpointID = "09162000"
	}
	if cfg.PayTimeout == 0 {
		cfg.PayTimeout = 30 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &XBezahldienste{cfg: cfg, txs: map[string]*simTx{}, byReq: map[string]string{},
		tamper: map[string]paytype.Amount{}, omit: map[string][]string{}, tokens: map[string]bool{}, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/paymenttransaction/{orig}/{ep}", s.handleCreate)
	mux.HandleFunc("GET /api/paymenttransaction/{orig}/{ep}/{id}", s.handleGet)
	mux.HandleFunc("GET /api/status/{orig}/{ep}", s.handleStatus)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("GET /pay/{id}", s.handlePayPage)
	mux.HandleFunc("POST /pay/{id}", s.handlePayAction)
	s.Server = httptest.NewServer(s.wrap(mux))
	s.URL = s.Server.URL + "/api"
	return s
}

// Close shuts the simulator down.
func (s *XBezahldienste) Close() { s.Server.Close() }

// Config returns an xbezahldienste.Config pointing at the simulator (Auth
// left to the caller).
func (s *XBezahldienste) Config() xbezahldienste.Config {
	return xbezahldienste.Config{BaseURL: s.URL, OriginatorID: s.cfg.OriginatorID, EndpointID: s.cfg.EndpointID, HTTPClient: s.Server.Client(), InsecureDevelopment: true}
}

// TokenURL is the simulator's OAuth2 token endpoint.
func (s *XBezahldienste) TokenURL() string { return s.Server.URL + "/token" }

// FailNext makes the next n API requests whose path contains pathPart
// ("" = any; e.g. "paymenttransaction") answer status with a problem body.
func (s *XBezahldienste) FailNext(n int, pathPart string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults = append(s.faults, fault{path: pathPart, status: status})
	}
}

// Delay makes every API answer wait d (real time; use with short ctx
// deadlines).
func (s *XBezahldienste) Delay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// LoseNextCreateResponses makes the next n creates commit the transaction
// and then drop the connection without an answer.
func (s *XBezahldienste) LoseNextCreateResponses(n int) {
	s.mu.Lock()
	s.loseNext += n
	s.mu.Unlock()
}

// ReportAmount makes GETs of the transaction report amount as grosAmount
// (amount tampering / wrong amount in the pulled result).
func (s *XBezahldienste) ReportAmount(transactionID string, amount paytype.Amount) {
	s.mu.Lock()
	s.tamper[transactionID] = amount
	s.mu.Unlock()
}

// OmitEcho makes GETs of the transaction leave fields out of the echoed
// paymentRequest ("grosAmount", "currency", "requestId"); without fields
// the whole paymentRequest is left out. Real Bezahldienste have been seen
// to answer without the echo; payment.Client must then refuse a PAYED.
func (s *XBezahldienste) OmitEcho(transactionID string, fields ...string) {
	s.mu.Lock()
	if fields == nil {
		fields = []string{}
	}
	s.omit[transactionID] = fields
	s.mu.Unlock()
}

// RevokeTokens invalidates every issued OAuth2 token (the next API call
// answers 401).
func (s *XBezahldienste) RevokeTokens() {
	s.mu.Lock()
	s.tokens = map[string]bool{}
	s.mu.Unlock()
}

// Calls returns how many requests hit an endpoint: "create", "get",
// "status", "token".
func (s *XBezahldienste) Calls(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

// Pay, Cancel and Fail act like the user or the Bezahldienst on the pay
// page. SetStatus sets any status string, including illegal transitions
// and unknown values, to test the client's guards.
func (s *XBezahldienste) Pay(transactionID string) error {
	return s.setStatus(transactionID, string(paytype.StatusPaid), "GIROPAY")
}

// Cancel is the user aborting on the pay page.
func (s *XBezahldienste) Cancel(transactionID string) error {
	return s.setStatus(transactionID, string(paytype.StatusCanceled), "")
}

// Fail is the Bezahldienst aborting (e.g. fraud detection).
func (s *XBezahldienste) Fail(transactionID string) error {
	return s.setStatus(transactionID, string(paytype.StatusFailed), "")
}

// SetStatus forces a status string without any checks.
func (s *XBezahldienste) SetStatus(transactionID, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[transactionID]
	if !ok {
		return paystore.ErrNotFound
	}
	tx.status = status
	return nil
}

func (s *XBezahldienste) setStatus(id, status, method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[id]
	if !ok {
		return paystore.ErrNotFound
	}
	s.expire(tx)
	if tx.status != string(paytype.StatusInitial) {
		return fmt.Errorf("paymenttest: transaction is %s", tx.status)
	}
	tx.status = status
	if status == string(paytype.StatusPaid) {
		tx.paidAt = s.cfg.Now()
		tx.method = method
	}
	return nil
}

// TransactionIDs lists the simulator's transactions.
func (s *XBezahldienste) TransactionIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.txs {
		ids = append(ids, id)
	}
	return ids
}

func (s *XBezahldienste) expire(tx *simTx) {
	if tx.status == string(paytype.StatusInitial) && !s.cfg.Now().Before(tx.created.Add(s.cfg.PayTimeout)) {
		tx.status = string(paytype.StatusFailed)
	}
}

func (s *XBezahldienste) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		s.mu.Lock()
		d := s.delay
		var f *fault
		for i, ft := range s.faults {
			if ft.path == "" || strings.Contains(r.URL.Path, ft.path) {
				f = &ft
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		if d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		if f != nil {
			writeProblem(w, f.status, "", "injected fault")
			return
		}
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeProblem(w, http.StatusUnauthorized, xbezahldienste.CodeForbidden, "authentication required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *XBezahldienste) authorized(r *http.Request) bool {
	switch {
	case s.cfg.BasicAuth != nil:
		u, p, ok := r.BasicAuth()
		return ok && u == s.cfg.BasicAuth.Username && p == s.cfg.BasicAuth.Password
	case s.cfg.OAuth2 != nil:
		h := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			tok, ok = strings.CutPrefix(h, "DPoP ")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return ok && s.tokens[tok]
	}
	return true
}

func (s *XBezahldienste) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["token"]++
	s.mu.Unlock()
	if s.cfg.OAuth2 == nil {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.cfg.OAuth2.ClientID || secret != s.cfg.OAuth2.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	tok := randomID()
	s.mu.Lock()
	s.tokens[tok] = true
	s.mu.Unlock()
	typ := "Bearer"
	if r.Header.Get("DPoP") != "" {
		typ = "DPoP"
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": typ, "expires_in": 3600})
}

func (s *XBezahldienste) checkMandant(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("orig") != s.cfg.OriginatorID || r.PathValue("ep") != s.cfg.EndpointID {
		writeProblem(w, http.StatusNotFound, xbezahldienste.CodeNoValidOriginatorOrEndpoint, "Mandant nicht ermittelbar")
		return false
	}
	return true
}

func (s *XBezahldienste) handleStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["status"]++
	s.mu.Unlock()
	if !s.checkMandant(w, r) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *XBezahldienste) handleCreate(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["create"]++
	s.mu.Unlock()
	if !s.checkMandant(w, r) {
		return
	}
	body, err := boundedio.ReadAll(r.Body, 1<<20)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, xbezahldienste.CodeValidationError, "body too large")
		return
	}
	sub, err := xbezahldienste.DecodeRequest(body)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, xbezahldienste.CodeValidationError, "malformed request")
		return
	}
	// Like a Bezahldienst's test system, the simulator sends the user back
	// to a development service on loopback http as well.
	chk := *sub.Request
	if u, err := url.Parse(chk.RedirectURL); err == nil && u.Scheme == "http" && httpx.Loopback(u.Hostname()) {
		u.Scheme = "https"
		chk.RedirectURL = u.String()
	}
	if err := chk.Validate(); err != nil {
		code := xbezahldienste.CodeValidationError
		if errors.Is(err, paytype.ErrCalculation) {
			code = xbezahldienste.CodeCalculationError
		}
		writeProblem(w, http.StatusBadRequest, code, "request invalid")
		return
	}
	for _, it := range sub.Request.Items {
		m := it.Booking.Map()
		for _, k := range s.cfg.RequiredBookingKeys {
			if m[k] == "" {
				writeProblem(w, http.StatusBadRequest, xbezahldienste.CodeBookingDataMissing, "Notwendige Daten fuer die Verbuchung fehlen")
				return
			}
		}
	}
	s.mu.Lock()
	if _, dup := s.byReq[sub.RequestID]; dup {
		s.mu.Unlock()
		writeProblem(w, http.StatusConflict, xbezahldienste.CodePaymentExists, "Mit dieser ID wurde bereits ein PaymentRequest platziert")
		return
	}
	s.seq++
	id := fmt.Sprintf("TX%08d", s.seq)
	if s.cfg.TransactionIDIsRequestID {
		id = sub.RequestID
	}
	ref := ""
	if len(sub.Request.Items) > 0 {
		ref = sub.Request.Items[0].Booking.Kassenzeichen
	}
	tx := &simTx{sub: sub, id: id, status: string(paytype.StatusInitial), created: s.cfg.Now(), reference: ref}
	s.txs[id] = tx
	s.byReq[sub.RequestID] = id
	lose := s.loseNext > 0
	if lose {
		s.loseNext--
	}
	out := s.render(tx)
	s.mu.Unlock()
	if lose {
		hijackAndClose(w)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *XBezahldienste) handleGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["get"]++
	s.mu.Unlock()
	if !s.checkMandant(w, r) {
		return
	}
	s.mu.Lock()
	tx, ok := s.txs[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		writeProblem(w, http.StatusNotFound, "", "unknown transaction")
		return
	}
	s.expire(tx)
	out := s.render(tx)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// render builds the PaymentTransaction JSON; s.mu held.
func (s *XBezahldienste) render(tx *simTx) map[string]any {
	amount := tx.sub.Request.Total
	if a, ok := s.tamper[tx.id]; ok {
		amount = a
	}
	info := map[string]any{
		"transactionId":  tx.id,
		"transactionUrl": s.URL + "/paymenttransaction/" + s.cfg.OriginatorID + "/" + s.cfg.EndpointID + "/" + tx.id,
		"status":         tx.status,
	}
	if tx.reference != "" {
		info["transactionReference"] = tx.reference
	}
	if tx.status == string(paytype.StatusInitial) {
		info["transactionRedirectUrl"] = s.Server.URL + "/pay/" + tx.id
	}
	if tx.status == string(paytype.StatusPaid) {
		info["transactionTimestamp"] = tx.paidAt.UTC().Format(time.RFC3339)
		info["paymentMethod"] = tx.method
	}
	echo := map[string]any{
		"requestId":  tx.sub.RequestID,
		"currency":   string(tx.sub.Request.Currency),
		"grosAmount": json.Number(amount.String()),
	}
	out := map[string]any{"paymentInformation": info, "paymentRequest": echo}
	if omit, ok := s.omit[tx.id]; ok {
		if len(omit) == 0 {
			delete(out, "paymentRequest")
		}
		for _, f := range omit {
			delete(echo, f)
		}
	}
	return out
}

var payPage = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="de"><head><title>Bezahlseite (Simulator)</title></head><body>
<h1>{{.Purpose}}</h1><p>Betrag: {{.Amount}} EUR</p>
<form method="post"><button name="action" value="pay">Bezahlen</button>
<button name="action" value="cancel">Abbrechen</button></form></body></html>`))

func (s *XBezahldienste) handlePayPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tx, ok := s.txs[r.PathValue("id")]
	var purpose, amount string
	if ok {
		s.expire(tx)
		purpose, amount = tx.sub.Request.Purpose, tx.sub.Request.Total.String()
		ok = tx.status == string(paytype.StatusInitial)
	}
	s.mu.Unlock()
	if !ok {
		http.Error(w, "Zahlung nicht mehr offen", http.StatusGone)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = payPage.Execute(w, map[string]string{"Purpose": purpose, "Amount": amount})
}

// handlePayAction is the pay page's form: action=pay|cancel. It redirects
// the browser to the redirectUrl without any status in the URL (the online
// service must pull).
func (s *XBezahldienste) handlePayAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var err error
	switch r.FormValue("action") {
	case "pay":
		err = s.Pay(id)
	case "cancel":
		err = s.Cancel(id)
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	if err != nil {
		http.Error(w, "Zahlung nicht mehr offen", http.StatusGone)
		return
	}
	s.mu.Lock()
	redirect := s.txs[id].sub.Request.RedirectURL
	s.mu.Unlock()
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

func writeProblem(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	p := map[string]any{"type": "about:blank", "status": status, "title": http.StatusText(status), "detail": detail}
	if code != "" {
		p["functionalCode"] = code
	}
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func hijackAndClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return
		}
	}
	w.WriteHeader(http.StatusInternalServerError)
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
