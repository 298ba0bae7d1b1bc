package saml

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/internal/expiry"
)

// PendingRequest is what the service provider remembers about an
// AuthnRequest between sending it and receiving the response.
type PendingRequest struct {
	// ID is the AuthnRequest ID the response must answer (InResponseTo).
	ID string `json:"id"`
	// BindingHash is the hex SHA-256 of the random value in the user
	// agent's binding cookie; only that user agent may finish the login.
	BindingHash string `json:"binding_hash"`
	// Level is the minimum level requested.
	Level account.Level `json:"level"`
	// Requested lists the attribute Names requested through the akdb
	// extension (empty without extension).
	Requested []string `json:"requested,omitempty"`
	// Required lists the attribute Names the response must carry:
	// Config.RequiredAttributes and the Required attributes of the akdb
	// extension.
	Required []string `json:"required,omitempty"`
	// ReturnTo is the local path to continue at after login.
	ReturnTo string `json:"return_to,omitempty"`
	// Expires ends the login attempt.
	Expires time.Time `json:"expires"`
}

// Store keeps pending requests (keyed by RelayState) and the IDs of
// accepted assertions (replay cache). Implementations must be safe for
// concurrent use; with several SP instances, share one persistent store
// (package account/sqlstore). Every method receives the current time from
// the service provider's clock.
//
// Anyone can start a login, so SaveRequest is reachable without
// authentication. An implementation must therefore remove expired entries
// by itself, at a cost bounded per call, and must bound what it holds:
// the ServiceProvider never calls DeleteExpired. MemoryStore prunes on
// every write and refuses new entries beyond MaxEntries (*StoreFullError);
// account/sqlstore deletes a bounded batch of expired rows every few
// writes.
type Store interface {
	// SaveRequest stores r under key. An existing key is an error. now
	// lets the implementation purge expired entries (see above); a store
	// at its capacity returns an error wrapping ErrStoreFull.
	SaveRequest(ctx context.Context, key string, r PendingRequest, now time.Time) error
	// Request returns the pending request for key without consuming it;
	// ErrNotFound if unknown, consumed or expired at now.
	Request(ctx context.Context, key string, now time.Time) (PendingRequest, error)
	// ConsumeRequest deletes the pending request for key atomically; it
	// returns ErrNotFound if another caller consumed it first.
	ConsumeRequest(ctx context.Context, key string) error
	// MarkAssertion records an accepted assertion ID (qualified by issuer)
	// until expires. It returns ErrReplay if the ID is already recorded and
	// not expired at now.
	MarkAssertion(ctx context.Context, issuer, id string, expires, now time.Time) error
	// DeleteExpired removes all requests and assertion IDs expired at now.
	// Implementations also purge without it; an operator may still call it
	// (for example from a maintenance job after downtime).
	DeleteExpired(ctx context.Context, now time.Time) error
}

// DefaultMemoryStoreMaxEntries is the capacity of a MemoryStore whose
// MaxEntries is zero: at most this many pending requests and, separately,
// this many remembered assertion IDs.
const DefaultMemoryStoreMaxEntries = 100_000

// StoreFullError reports a Store at its capacity: the new entry was not
// stored and nothing changed. It wraps ErrStoreFull. A login start refused
// this way fails closed; raise the capacity or rate-limit login starts at
// the edge.
type StoreFullError struct {
	What string // "pending requests" or "assertion IDs"
	Max  int
}

func (e *StoreFullError) Error() string {
	return fmt.Sprintf("saml: store full: %d %s", e.Max, e.What)
}

// Unwrap returns ErrStoreFull.
func (e *StoreFullError) Unwrap() error { return ErrStoreFull }

// MemoryStore is an in-process Store for a single instance. The zero value
// is ready to use; NewMemoryStore returns one too.
//
// Every SaveRequest and MarkAssertion first removes the entries that have
// expired, in O(expired · log n) through a min-heap ordered by expiry, so
// memory stays bounded by the login rate times RequestTTL without any
// operator action. A write that would exceed MaxEntries live entries is
// refused with a *StoreFullError (fail closed) rather than growing. It is
// safe for concurrent use.
type MemoryStore struct {
	// MaxEntries caps the live pending requests and, separately, the live
	// assertion IDs; zero means DefaultMemoryStoreMaxEntries, a negative
	// value is treated as zero. Set it before the first use.
	MaxEntries int

	mu         sync.Mutex
	requests   expiry.Map[string, PendingRequest]
	assertions expiry.Map[string, struct{}]
}

// NewMemoryStore returns an empty MemoryStore with the default capacity.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

func (s *MemoryStore) max() int {
	if s.MaxEntries <= 0 {
		return DefaultMemoryStoreMaxEntries
	}
	return s.MaxEntries
}

// SaveRequest implements Store.
func (s *MemoryStore) SaveRequest(_ context.Context, key string, r PendingRequest, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteExpiredLocked(now)
	if _, _, ok := s.requests.Get(key); ok {
		return errors.New("saml: pending request key already exists")
	}
	if s.requests.Len() >= s.max() {
		return &StoreFullError{What: "pending requests", Max: s.max()}
	}
	s.requests.Set(key, r, r.Expires)
	return nil
}

// Request implements Store.
func (s *MemoryStore) Request(_ context.Context, key string, now time.Time) (PendingRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, expires, ok := s.requests.Get(key)
	if !ok || !now.Before(expires) {
		return PendingRequest{}, ErrNotFound
	}
	return r, nil
}

// ConsumeRequest implements Store.
func (s *MemoryStore) ConsumeRequest(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requests.Delete(key) {
		return ErrNotFound
	}
	return nil
}

// MarkAssertion implements Store.
func (s *MemoryStore) MarkAssertion(_ context.Context, issuer, id string, expires, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// After pruning, every remembered ID is unexpired at now.
	s.deleteExpiredLocked(now)
	k := issuer + "\x00" + id
	if _, _, ok := s.assertions.Get(k); ok {
		return ErrReplay
	}
	if s.assertions.Len() >= s.max() {
		return &StoreFullError{What: "assertion IDs", Max: s.max()}
	}
	s.assertions.Set(k, struct{}{}, expires)
	return nil
}

// DeleteExpired implements Store.
func (s *MemoryStore) DeleteExpired(_ context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteExpiredLocked(now)
	return nil
}

func (s *MemoryStore) deleteExpiredLocked(now time.Time) {
	s.requests.Prune(now)
	s.assertions.Prune(now)
}
