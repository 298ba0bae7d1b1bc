package notifytest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/egosaar/ozg/notify/postfach"
)

// ZBP simulates the ZBP REST interface over mutual TLS: it requires a
// client certificate issued by ClientCAs, checks the same field limits as
// the client (so tests can prove the client stops bad input first),
// records what it accepted and injects faults.
type ZBP struct {
	*httptest.Server

	mu       sync.Mutex
	messages []postfach.Message
	statuses []postfach.StatusUpdate
	requests int
	faults   []Fault
	unknown  map[string]bool
}

// NewZBP starts the simulator; clientCAs verifies client certificates.
// Use ZBP.RootCAs for postfach.Config.RootCAs.
func NewZBP(t TB, clientCAs *x509.CertPool) *ZBP {
	t.Helper()
	z := &ZBP{unknown: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+postfach.DefaultMessagePath, z.handleMessage)
	mux.HandleFunc("POST "+postfach.DefaultStatusPath, z.handleStatus)
	z.Server = httptest.NewUnstartedServer(mux)
	z.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs, MinVersion: tls.VersionTLS12}
	z.StartTLS()
	t.Cleanup(z.Close)
	return z
}

// RootCAs returns a pool trusting the simulator's server certificate.
func (z *ZBP) RootCAs() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(z.Certificate())
	return p
}

// Fail queues faults (Status, RetryAfter) for the next requests.
func (z *ZBP) Fail(faults ...Fault) {
	z.mu.Lock()
	z.faults = append(z.faults, faults...)
	z.mu.Unlock()
}

// UnknownMailbox makes the simulator answer 404 for a mailbox UUID.
func (z *ZBP) UnknownMailbox(id string) {
	z.mu.Lock()
	z.unknown[id] = true
	z.mu.Unlock()
}

// Messages returns the accepted messages.
func (z *ZBP) Messages() []postfach.Message {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]postfach.Message(nil), z.messages...)
}

// Statuses returns the accepted status updates.
func (z *ZBP) Statuses() []postfach.StatusUpdate {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]postfach.StatusUpdate(nil), z.statuses...)
}

// Requests counts all requests, accepted or not.
func (z *ZBP) Requests() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.requests
}

func (z *ZBP) begin(w http.ResponseWriter, mailbox string) bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.requests++
	if len(z.faults) > 0 {
		f := z.faults[0]
		z.faults = z.faults[1:]
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		problem(w, f.Status, "injected fault")
		return false
	}
	if z.unknown[mailbox] {
		problem(w, http.StatusNotFound, "unknown mailbox")
		return false
	}
	return true
}

func problem(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": title, "status": status})
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
	if err != nil || json.Unmarshal(b, v) != nil {
		problem(w, http.StatusBadRequest, "malformed JSON")
		return false
	}
	return true
}

func (z *ZBP) handleMessage(w http.ResponseWriter, r *http.Request) {
	var m postfach.Message
	if !decode(w, r, &m) || !z.begin(w, m.MailboxUUID) {
		return
	}
	if err := m.Validate(); err != nil {
		problem(w, http.StatusUnprocessableEntity, "limit violated")
		return
	}
	z.mu.Lock()
	z.messages = append(z.messages, m)
	z.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func (z *ZBP) handleStatus(w http.ResponseWriter, r *http.Request) {
	var u postfach.StatusUpdate
	if !decode(w, r, &u) || !z.begin(w, u.MailboxUUID) {
		return
	}
	if err := u.Validate(); err != nil {
		problem(w, http.StatusUnprocessableEntity, "limit violated")
		return
	}
	z.mu.Lock()
	z.statuses = append(z.statuses, u)
	z.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}
