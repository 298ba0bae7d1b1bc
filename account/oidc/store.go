package oidc

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/internal/expiry"
)

// PendingRequest is what the client remembers about an authorization
// request until the response arrives. It holds the PKCE verifier: keep
// the store private to the service.
type PendingRequest struct {
	// BindingHash is the hex SHA-256 of the random value in the user
	// agent's binding cookie; only that user agent may finish the login.
	BindingHash string `json:"binding_hash"`
	Nonce       string `json:"nonce"`
	// CodeVerifier is the PKCE verifier (RFC 7636 §4.1).
	CodeVerifier string        `json:"code_verifier"`
	MinLevel     account.Level `json:"min_level"`
	MaxAge       time.Duration `json:"max_age,omitempty"`
	ReturnTo     string        `json:"return_to,omitempty"`
	Expires      time.Time     `json:"expires"`
}

// Store keeps pending requests keyed by state. Implementations are safe
// for concurrent use, remove expired entries by themselves at a bounded
// cost per call, and bound what they hold (anyone can start a login).
type Store interface {
	// SaveRequest stores r under key; a store at capacity returns an
	// error wrapping ErrStoreFull.
	SaveRequest(ctx context.Context, key string, r PendingRequest, now time.Time) error
	// Request returns the pending request without consuming it;
	// ErrNotFound if unknown, consumed or expired at now.
	Request(ctx context.Context, key string, now time.Time) (PendingRequest, error)
	// ConsumeRequest deletes it atomically; ErrNotFound if another caller
	// consumed it first.
	ConsumeRequest(ctx context.Context, key string) error
}

// DefaultMemoryStoreMaxEntries is the capacity of a MemoryStore whose
// MaxEntries is zero.
const DefaultMemoryStoreMaxEntries = 100_000

// MemoryStore is an in-process Store for a single instance: expired
// entries are removed on every write (min-heap by expiry), and a write
// beyond MaxEntries live entries is refused (fail closed). The zero value
// is ready to use.
type MemoryStore struct {
	// MaxEntries caps live pending requests; zero means
	// DefaultMemoryStoreMaxEntries.
	MaxEntries int

	mu       sync.Mutex
	requests expiry.Map[string, PendingRequest]
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// SaveRequest implements Store.
func (s *MemoryStore) SaveRequest(_ context.Context, key string, r PendingRequest, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.Prune(now)
	if _, _, ok := s.requests.Get(key); ok {
		return fmt.Errorf("oidc: pending request key already exists")
	}
	limit := s.MaxEntries
	if limit <= 0 {
		limit = DefaultMemoryStoreMaxEntries
	}
	if s.requests.Len() >= limit {
		return fmt.Errorf("%w: %d pending requests", ErrStoreFull, limit)
	}
	s.requests.Set(key, r, r.Expires)
	return nil
}

// Request implements Store.
func (s *MemoryStore) Request(_ context.Context, key string, now time.Time) (PendingRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, exp, ok := s.requests.Get(key)
	if !ok || !now.Before(exp) {
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
