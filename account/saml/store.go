package saml

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/egosaar/ozg/account"
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
type Store interface {
	// SaveRequest stores r under key. An existing key is an error. now
	// lets an implementation purge expired entries.
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
	// DeleteExpired removes requests and assertion IDs expired at now.
	DeleteExpired(ctx context.Context, now time.Time) error
}

// MemoryStore is an in-process Store for a single instance. Expired entries
// are removed by DeleteExpired and by SaveRequest and MarkAssertion once
// 10,000 entries are held, so memory stays bounded by the request rate
// times RequestTTL (rate-limit login starts at the edge). It is safe for concurrent use.
type MemoryStore struct {
	mu         sync.Mutex
	requests   map[string]PendingRequest
	assertions map[string]time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{requests: map[string]PendingRequest{}, assertions: map[string]time.Time{}}
}

// SaveRequest implements Store.
func (s *MemoryStore) SaveRequest(_ context.Context, key string, r PendingRequest, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[key]; ok {
		return errors.New("saml: pending request key already exists")
	}
	if len(s.requests) > 10000 {
		s.deleteExpiredLocked(now)
	}
	s.requests[key] = r
	return nil
}

// Request implements Store.
func (s *MemoryStore) Request(_ context.Context, key string, now time.Time) (PendingRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[key]
	if !ok || !now.Before(r.Expires) {
		return PendingRequest{}, ErrNotFound
	}
	return r, nil
}

// ConsumeRequest implements Store.
func (s *MemoryStore) ConsumeRequest(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[key]; !ok {
		return ErrNotFound
	}
	delete(s.requests, key)
	return nil
}

// MarkAssertion implements Store.
func (s *MemoryStore) MarkAssertion(_ context.Context, issuer, id string, expires, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := issuer + "\x00" + id
	if exp, ok := s.assertions[k]; ok && now.Before(exp) {
		return ErrReplay
	}
	if len(s.assertions) > 10000 {
		s.deleteExpiredLocked(now)
	}
	s.assertions[k] = expires
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
	for k, r := range s.requests {
		if !now.Before(r.Expires) {
			delete(s.requests, k)
		}
	}
	for k, exp := range s.assertions {
		if !now.Before(exp) {
			delete(s.assertions, k)
		}
	}
}
