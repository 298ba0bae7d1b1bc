package paymenttest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/pmpayment"
)

// PMConfig configures a pmPayment simulator.
type PMConfig struct {
	AGS       string             // default "09162000"
	Procedure string             // default "parken"
	Salt      payprovider.Secret // default "sim-salt"
	// Now is the simulator's clock (created_at of notifications). nil:
	// time.Now.
	Now func() time.Time
	// Location of created_at. nil: UTC.
	Location *time.Location
	// PushClient delivers notifications. nil: http.DefaultClient.
	PushClient *http.Client
}

// PMPayment is an httptest pmPayment server: init with hash check, status
// pull, notification push, and fault injection. Safe for concurrent use.
type PMPayment struct {
	URL    string
	Server *httptest.Server
	cfg    PMConfig

	mu     sync.Mutex
	txs    map[string]*pmTx
	faults []int
	calls  map[string]int
	last   map[string]*pmpayment.Notification // last delivered per txid
}

type pmTx struct {
	fields  map[string]string
	status  string // "-1", "1", "0"
	created time.Time
	method  string
}

// NewPMPayment starts a simulator.
func NewPMPayment(cfg PMConfig) *PMPayment {
	if cfg.AGS == "" {
		cfg.AGS = "09162000"
	}
	if cfg.Procedure == "" {
		cfg.Procedure = "parken"
	}
	if cfg.Salt == "" {
		cfg.Salt = "sim-salt"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.PushClient == nil {
		cfg.PushClient = http.DefaultClient
	}
	s := &PMPayment{cfg: cfg, txs: map[string]*pmTx{}, calls: map[string]int{}, last: map[string]*pmpayment.Notification{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payment/secure", s.handleInit)
	mux.HandleFunc("GET /payment/status/{ags}/{txid}", s.handleStatus)
	mux.HandleFunc("GET /pay/{txid}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<!doctype html><title>pmPayment (Simulator)</title><form method=post><button name=action value=pay>Bezahlen</button></form>")
	})
	s.Server = httptest.NewServer(mux)
	s.URL = s.Server.URL
	return s
}

// Close shuts the simulator down.
func (s *PMPayment) Close() { s.Server.Close() }

// Config returns a pmpayment.Config for this simulator with notifyURL.
func (s *PMPayment) Config(notifyURL string) pmpayment.Config {
	return pmpayment.Config{BaseURL: s.URL, AGS: s.cfg.AGS, Procedure: s.cfg.Procedure, Salt: s.cfg.Salt, NotifyURL: notifyURL, HTTPClient: s.Server.Client(), Location: s.cfg.Location, InsecureDevelopment: true}
}

// FailNext makes the next n requests answer status.
func (s *PMPayment) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults = append(s.faults, status)
	}
}

// Calls returns the number of "init" or "status" requests.
func (s *PMPayment) Calls(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

func (s *PMPayment) fault(w http.ResponseWriter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return false
	}
	st := s.faults[0]
	s.faults = s.faults[1:]
	w.WriteHeader(st)
	return true
}

func (s *PMPayment) handleInit(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["init"]++
	s.mu.Unlock()
	if s.fault(w) {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, `{"error":"bad form"}`, http.StatusBadRequest)
		return
	}
	f := r.PostForm
	v := payprovider.HMACVerifier{Secrets: []payprovider.Secret{s.cfg.Salt}}
	if f.Get("ags") != s.cfg.AGS || f.Get("procedure") != s.cfg.Procedure || v.Verify([]byte(pmpayment.InitMessage(f)), f.Get("hash")) != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"ungültiger Hashwert"}`))
		return
	}
	txid := f.Get("txid")
	s.mu.Lock()
	if _, dup := s.txs[txid]; dup {
		s.mu.Unlock()
		http.Error(w, `{"error":"txid exists"}`, http.StatusConflict)
		return
	}
	fields := map[string]string{}
	for k := range f {
		fields[k] = f.Get(k)
	}
	s.txs[txid] = &pmTx{fields: fields, status: "-1", created: s.cfg.Now()}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"url": s.URL + "/pay/" + txid, "txid": txid})
}

func (s *PMPayment) handleStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["status"]++
	s.mu.Unlock()
	if s.fault(w) {
		return
	}
	s.mu.Lock()
	tx, ok := s.txs[r.PathValue("txid")]
	var st string
	if ok {
		st = tx.status
	}
	s.mu.Unlock()
	if !ok || r.PathValue("ags") != s.cfg.AGS {
		http.NotFound(w, r)
		return
	}
	n, _ := strconv.Atoi(st)
	writeJSON(w, http.StatusOK, map[string]any{"status": n, "timestamp": s.cfg.Now().Format(pmpayment.CreatedAtLayout)})
}

// SetStatus sets "1" (paid), "0" (failed), "-1" or any other string.
func (s *PMPayment) SetStatus(txid, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[txid]
	if !ok {
		return paystore.ErrNotFound
	}
	tx.status = status
	if status == "1" {
		tx.method = "giropay"
	}
	return nil
}

// Notification returns the signed notification pmPayment would send now
// for txid. Tests mutate it to forge pushes.
func (s *PMPayment) Notification(txid string) (*pmpayment.Notification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[txid]
	if !ok {
		return nil, paystore.ErrNotFound
	}
	n := &pmpayment.Notification{
		AGS: s.cfg.AGS, TxID: txid, Amount: tx.fields["amount"], Desc: tx.fields["desc"], Status: tx.status,
		PaymentMethod: tx.method, CreatedAt: s.cfg.Now().In(s.cfg.Location).Format(pmpayment.CreatedAtLayout),
	}
	if err := pmpayment.SignNotification(n, s.cfg.Salt); err != nil {
		return nil, err
	}
	return n, nil
}

// Pay marks txid paid and pushes the signed notification to its notifyURL.
// It returns the HTTP status the notify endpoint answered.
func (s *PMPayment) Pay(ctx context.Context, txid string) (int, error) {
	if err := s.SetStatus(txid, "1"); err != nil {
		return 0, err
	}
	n, err := s.Notification(txid)
	if err != nil {
		return 0, err
	}
	return s.Push(ctx, txid, n)
}

// Push delivers a (possibly forged or replayed) notification to txid's
// notifyURL.
func (s *PMPayment) Push(ctx context.Context, txid string, n *pmpayment.Notification) (int, error) {
	s.mu.Lock()
	tx, ok := s.txs[txid]
	var target string
	if ok {
		target = tx.fields["notifyURL"]
	}
	s.mu.Unlock()
	if !ok {
		return 0, paystore.ErrNotFound
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader([]byte(n.Form().Encode())))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.cfg.PushClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	c := *n
	s.mu.Lock()
	s.last[txid] = &c
	s.mu.Unlock()
	return resp.StatusCode, nil
}

// Replay re-delivers the last notification sent for txid unchanged (a
// replay or a provider retry).
func (s *PMPayment) Replay(ctx context.Context, txid string) (int, error) {
	s.mu.Lock()
	n, ok := s.last[txid]
	s.mu.Unlock()
	if !ok {
		return 0, paystore.ErrNotFound
	}
	return s.Push(ctx, txid, n)
}

// Forge returns txid's current notification with the given changes applied
// after signing (so its hash no longer matches), or re-signed with
// secret when secret is not "" (a push signed by someone else's key).
func (s *PMPayment) Forge(txid string, mut func(*pmpayment.Notification), secret payprovider.Secret) (*pmpayment.Notification, error) {
	n, err := s.Notification(txid)
	if err != nil {
		return nil, err
	}
	if mut != nil {
		mut(n)
	}
	if secret != "" {
		if err := pmpayment.SignNotification(n, secret); err != nil {
			return nil, err
		}
	}
	return n, nil
}
