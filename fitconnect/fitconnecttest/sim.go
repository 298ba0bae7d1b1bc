package fitconnecttest

import (
	"crypto/rand"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/signature/jose"
)

// Test identities of the simulator.
const (
	ClientID          = "ozg-test-client"
	ClientSecret      = "ozg-test-secret"
	DestinationID     = "9b3a1e6c-2f4d-4c8e-9a51-0d7e6f2b8c41"
	ServiceIdentifier = "urn:de:fim:leika:leistung:99010003001006"
	ServiceName       = "Baugenehmigung"
	DataSchemaURI     = "urn:xoev-de:bmk:standard:xbau_2.6"
	EncryptionKeyID   = "destination-enc-1"
	NextEncryptionKey = "destination-enc-2"
	SignatureKeyID    = "destination-sig-1"
	zdKeyID           = "zustelldienst-sig-1"
)

// Fault is an injected misbehaviour; each applies to the next matching
// request(s) only.
type Fault int

const (
	// Fault5xx answers the next request with 503.
	Fault5xx Fault = iota + 1
	// Fault429 answers the next request with 429 and RateLimit-Reset: 1.
	Fault429
	// FaultLostAnnounce creates the next announced submission and then
	// drops the connection without an answer.
	FaultLostAnnounce
	// FaultTamperAttachment flips a ciphertext byte of the next uploaded
	// attachment (decryption fails at the subscriber).
	FaultTamperAttachment
	// FaultHashMismatch replaces the next uploaded attachment with a
	// valid encryption of other bytes (the hash check fails).
	FaultHashMismatch
	// FaultSETWrongAlg, FaultSETWrongTyp, FaultSETWrongKid and
	// FaultSETTwoEvents corrupt the next SET the simulator signs.
	FaultSETWrongAlg
	FaultSETWrongTyp
	FaultSETWrongKid
	FaultSETTwoEvents
	// FaultExpireTokens makes every issued access token expired.
	FaultExpireTokens
	// FaultSelfSignedKey serves a self-signed (untrusted) RSA-4096
	// encryption key on the next key request.
	FaultSelfSignedKey
	// FaultWeakKey serves an RSA-2048 encryption key with a matching
	// self-signed certificate on the next key request.
	FaultWeakKey
	// FaultKeyWrongAlg serves the encryption key with alg PS512.
	FaultKeyWrongAlg
	// FaultKeyMismatch serves the encryption key with the x5c of the
	// signature key.
	FaultKeyMismatch
)

// Sim is a running simulator.
type Sim struct {
	// URL is the server's base URL.
	URL string
	srv *httptest.Server
	t   TB
	cfg SimConfig

	root                     *x509.Certificate
	zd, ssp                  *testKey
	zdSigner, wrongAlgSigner *jose.SETSigner
	dests                    []*destination // configuration order; the first is Start's

	mu          sync.Mutex
	faults      []Fault
	tokens      map[string]string // access token → API client
	submissions map[string]*submission
	cases       map[string]*submission // caseID → submission
	events      map[string][]string    // caseID → SETs
	// Requests counts requests by "METHOD /path-pattern".
	requests map[string]int
}

type submission struct {
	ID, CaseID, Destination, Service string
	Announced                        []string
	Attachments                      map[string]string
	Metadata, Data                   string
	Submitted                        bool
	// submitting: the final PUT is logging its submit-submission event;
	// the submission is listed (Submitted) only after that, so that an
	// accept can never precede it in the event log.
	submitting bool
}

// SimConfig are simulator settings for [StartWith].
type SimConfig struct {
	// DiscardAttachments hashes uploaded attachments and forgets them
	// (for memory benchmarks); such submissions cannot be fetched.
	DiscardAttachments bool
	// Destinations the simulator hosts behind one Zustelldienst, at most
	// MaxDestinations, each with a subscriber client of its own. Nil
	// means one: DestinationID, offering ServiceIdentifier (LeikaKey) in
	// ARS, with ClientID as sender and subscriber. The first destination
	// keeps the package's key constants and only it has a rotation key
	// (RotateKey).
	Destinations []DestinationConfig
}

// TB is the part of testing.TB the simulator needs; programs (examples)
// can implement it to run the simulator outside tests.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start starts a simulator with test defaults; it stops at cleanup.
func Start(t TB) *Sim {
	t.Helper()
	return StartWith(t, SimConfig{})
}

// StartWith starts a simulator with cfg; it stops at cleanup. A bad
// destination configuration (more than MaxDestinations, a duplicate or
// malformed ID, no services, a malformed LeiKa key or ARS) fails the
// test.
func StartWith(t TB, cfg SimConfig) *Sim {
	t.Helper()
	s, err := newSim(t, cfg)
	if err != nil {
		t.Fatalf("fitconnecttest: %v", err)
	}
	return s
}

func newSim(t TB, cfg SimConfig) (*Sim, error) {
	root, err := rootCert()
	if err != nil {
		return nil, err
	}
	s := &Sim{t: t, cfg: cfg, root: root, tokens: map[string]string{}, submissions: map[string]*submission{},
		cases: map[string]*submission{}, events: map[string][]string{}, requests: map[string]int{}}
	dcs := cfg.Destinations
	if len(dcs) == 0 {
		dcs = []DestinationConfig{defaultDestination()}
	}
	if len(dcs) > MaxDestinations {
		return nil, fmt.Errorf("%d destinations, at most %d", len(dcs), MaxDestinations)
	}
	for i, dc := range dcs {
		d, err := newDestination(i+1, dc, root, len(cfg.Destinations) > 0)
		if err != nil {
			return nil, err
		}
		if s.dest(d.cfg.ID) != nil {
			return nil, fmt.Errorf("destination %d: ID %s used twice", i+1, d.cfg.ID)
		}
		s.dests = append(s.dests, d)
	}
	for name, dst := range map[string]**testKey{"zustelldienst-sig": &s.zd, "ssp-sig": &s.ssp} {
		if *dst, err = loadKey(name, root); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.routingRoutes(mux)
	s.srv = httptest.NewServer(s.count(mux))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	if s.zdSigner, err = jose.NewSETSigner(jose.SETSignerConfig{Key: s.zd.priv, KeyID: zdKeyID, Issuer: s.URL}); err != nil {
		return nil, err
	}
	if s.wrongAlgSigner, err = jose.NewSETSigner(jose.SETSignerConfig{Key: s.zd.priv, KeyID: zdKeyID, Issuer: s.URL, Algorithm: jose.RS512}); err != nil {
		return nil, err
	}
	return s, nil
}

// Config returns a sender-and-subscriber fitconnect.Config wired to the
// simulator: loopback http, the test PKI's root as the only anchor, the
// first destination's two decryption keys (current and rotation) and its
// signing key. With several destinations, use SubscriberConfig for each
// destination's authority and SenderConfig for the sender.
func (s *Sim) Config() fitconnect.Config {
	return s.SubscriberConfig(s.dests[0].cfg.ID)
}

// Inject queues faults for the next matching requests.
func (s *Sim) Inject(f ...Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, f...)
	s.mu.Unlock()
}

// take removes and reports the first queued fault among want.
func (s *Sim) take(want ...Fault) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		for _, w := range want {
			if f == w {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				return f, true
			}
		}
	}
	return 0, false
}

// RotateKey makes the rotation key the first destination's encryption
// key.
func (s *Sim) RotateKey() {
	s.mu.Lock()
	s.dests[0].current = NextEncryptionKey
	s.mu.Unlock()
}

// Requests returns how often a route was called, e.g.
// "POST /submission-api/v2/submissions".
func (s *Sim) Requests(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[route]
}

// Submissions returns how many submissions exist.
func (s *Sim) Submissions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.submissions)
}

func (s *Sim) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f, ok := s.take(Fault5xx, Fault429); ok {
			if f == Fault429 {
				w.Header().Set("RateLimit-Reset", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			problem(w, http.StatusServiceUnavailable, "service-unavailable")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func problem(w http.ResponseWriter, status int, kind string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "https://schema.fitko.de/fit-connect/submission-api/problems/" + kind, "title": kind, "status": status,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func equalSecret(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newID() string { return uuid.NewString() }
