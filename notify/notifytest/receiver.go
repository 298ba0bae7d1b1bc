package notifytest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/egosaar/ozg/notify/webhook"
)

// Fault is what the receiver does with one request instead of answering
// 200 OK.
type Fault struct {
	// Status is the response code (0: 200).
	Status int
	// RetryAfter is sent as Retry-After when non-empty.
	RetryAfter string
	// Location is sent as Location (for 3xx).
	Location string
	// Hang keeps the request open until the client gives up (a slow
	// receiver): the request is recorded, no response is written.
	Hang bool
	// Reset closes the TCP connection without a response (RST).
	Reset bool
}

// Received is one recorded request.
type Received struct {
	ID        string // webhook-id
	Timestamp string // webhook-timestamp or callback-timestamp
	Signature string // webhook-signature or callback-authentication
	Body      []byte
	Header    http.Header
	// Valid reports whether the signature verified with the receiver's
	// secrets (false when no secrets were configured).
	Valid  bool
	Status int // what the receiver answered (0 for Hang/Reset)
	At     time.Time
}

// ReceiverConfig configures a Receiver.
type ReceiverConfig struct {
	// Secrets verify each request's signature (Received.Valid). A
	// verification failure is recorded, not refused, unless Strict.
	Secrets []webhook.Secret
	Profile webhook.Profile
	// Strict answers 401 to requests whose signature does not verify.
	Strict bool
	// TLS starts an HTTPS server (use Receiver.Client or trust its
	// certificate); default plain HTTP on loopback.
	TLS bool
	// Now is the clock the verifier uses; nil: time.Now.
	Now func() time.Time
}

// Receiver is a recording webhook receiver with fault injection, backed
// by httptest.Server on loopback. It is safe for concurrent use.
type Receiver struct {
	*httptest.Server
	cfg      ReceiverConfig
	verifier *webhook.Verifier

	mu       sync.Mutex
	received []Received
	faults   []Fault
	dflt     *Fault
	changed  chan struct{}
	inFlight int
	maxIn    int
}

// MaxInFlight returns the highest number of requests served at once.
func (r *Receiver) MaxInFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxIn
}

// NewReceiver starts a receiver; it is closed when t ends.
func NewReceiver(t TB, cfg ReceiverConfig) *Receiver {
	t.Helper()
	r := &Receiver{cfg: cfg, changed: make(chan struct{})}
	if len(cfg.Secrets) > 0 {
		v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: cfg.Secrets, Profile: cfg.Profile,
			Now: cfg.Now, Replay: nopReplay{}})
		if err != nil {
			t.Fatalf("notifytest: %v", err)
		}
		r.verifier = v
	}
	h := http.HandlerFunc(r.serve)
	if cfg.TLS {
		r.Server = httptest.NewTLSServer(h)
	} else {
		r.Server = httptest.NewServer(h)
	}
	t.Cleanup(r.Close)
	return r
}

// TB is the subset of testing.TB the helpers need.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

type nopReplay struct{}

func (nopReplay) Seen(context.Context, string) (bool, error)        { return false, nil }
func (nopReplay) Remember(context.Context, string, time.Time) error { return nil }

// Fail queues faults for the next requests, in order.
func (r *Receiver) Fail(faults ...Fault) {
	r.mu.Lock()
	r.faults = append(r.faults, faults...)
	r.mu.Unlock()
}

// Down makes every request fail with f until Up is called (a receiver
// that is down; queued faults come first).
func (r *Receiver) Down(f Fault) {
	r.mu.Lock()
	r.dflt = &f
	r.mu.Unlock()
}

// Up ends Down.
func (r *Receiver) Up() {
	r.mu.Lock()
	r.dflt = nil
	r.mu.Unlock()
}

func (r *Receiver) nextFault() *Fault {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.faults) > 0 {
		f := r.faults[0]
		r.faults = r.faults[1:]
		return &f
	}
	return r.dflt
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.inFlight++
	r.maxIn = max(r.maxIn, r.inFlight)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inFlight--
		r.mu.Unlock()
	}()
	body, err := io.ReadAll(io.LimitReader(req.Body, 4<<20))
	if err != nil {
		return
	}
	rec := Received{Body: body, Header: req.Header.Clone(), At: time.Now()}
	if r.cfg.Profile == webhook.FITConnect {
		rec.Timestamp = req.Header.Get(webhook.HeaderCallbackTimestamp)
		rec.Signature = req.Header.Get(webhook.HeaderCallbackAuthentication)
	} else {
		rec.Timestamp = req.Header.Get(webhook.HeaderTimestamp)
		rec.Signature = req.Header.Get(webhook.HeaderSignature)
	}
	rec.ID = req.Header.Get(webhook.HeaderID)
	if r.verifier != nil {
		_, err := r.verifier.Verify(req.Context(), body, req.Header)
		rec.Valid = err == nil
	}
	f := r.nextFault()
	switch {
	case f != nil && f.Reset:
		r.record(rec)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				_ = conn.Close()
			}
		}
		return
	case f != nil && f.Hang:
		r.record(rec)
		<-req.Context().Done()
		return
	}
	status := http.StatusOK
	if r.cfg.Strict && r.verifier != nil && !rec.Valid {
		status = http.StatusUnauthorized
	} else if f != nil {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		if f.Location != "" {
			w.Header().Set("Location", f.Location)
		}
		if f.Status != 0 {
			status = f.Status
		}
	}
	rec.Status = status
	r.record(rec)
	w.WriteHeader(status)
}

func (r *Receiver) record(rec Received) {
	r.mu.Lock()
	r.received = append(r.received, rec)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// Received returns a copy of all recorded requests.
func (r *Receiver) Received() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Received(nil), r.received...)
}

// Delivered returns the requests answered with 2xx, keyed by webhook-id
// (several per ID for duplicates).
func (r *Receiver) Delivered() map[string][]Received {
	out := map[string][]Received{}
	for _, rec := range r.Received() {
		if rec.Status >= 200 && rec.Status < 300 {
			out[rec.ID] = append(out[rec.ID], rec)
		}
	}
	return out
}

// WaitFor blocks until cond holds for the recorded requests or ctx ends.
// It wakes on every new request; no polling.
func (r *Receiver) WaitFor(ctx context.Context, cond func([]Received) bool) error {
	for {
		r.mu.Lock()
		ok := cond(r.received)
		ch := r.changed
		r.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// WaitDelivered waits until n distinct IDs were answered with 2xx.
func (r *Receiver) WaitDelivered(ctx context.Context, n int) error {
	return r.WaitFor(ctx, func(rs []Received) bool { return countDelivered(rs) >= n })
}

// WaitRequests waits until n requests (any outcome) were received.
func (r *Receiver) WaitRequests(ctx context.Context, n int) error {
	return r.WaitFor(ctx, func(rs []Received) bool { return len(rs) >= n })
}

func countDelivered(rs []Received) int {
	seen := map[string]bool{}
	for _, rec := range rs {
		if rec.Status >= 200 && rec.Status < 300 {
			seen[rec.ID] = true
		}
	}
	return len(seen)
}

// Statuses returns the answered status codes in order (for assertions).
func (r *Receiver) Statuses() []int {
	var out []int
	for _, rec := range r.Received() {
		out = append(out, rec.Status)
	}
	return out
}

// RetryAfterSeconds formats d for Fault.RetryAfter.
func RetryAfterSeconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }
