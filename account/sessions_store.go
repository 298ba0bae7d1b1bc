package account

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrSessionNotFound reports a session that does not exist (never
// created, ended, or removed after expiry).
var ErrSessionNotFound = errors.New("account: session not found")

// ErrSessionStoreFull reports a session store at its capacity.
var ErrSessionStoreFull = errors.New("account: session store full")

// SessionRecord is what a SessionStore keeps of one session. Key is the
// hex SHA-256 of the session ID in the cookie: a copy of the store does
// not let anyone take over a session.
type SessionRecord struct {
	Key string
	// Issuer and Subject identify the user for back-channel logout;
	// Subject is "" for a temporary login, which no subject lookup ever
	// matches.
	Issuer  string
	Subject string
	// ProviderSessionID is the OIDC sid (or SAML SessionIndex); "" if none.
	ProviderSessionID string
	Level             Level
	Created           time.Time
	LastSeen          time.Time
	// Expires is the absolute end (Created + MaxAge, or earlier when the
	// identity provider limited the session).
	Expires time.Time
	// Data is the encoded session content (identity, ID token hint).
	Data []byte
}

// SessionStore keeps sessions, shared by every instance of a service.
// Implementations are safe for concurrent use, remove expired sessions by
// themselves at a bounded cost per call, and never match an empty
// subject or session ID in the Delete*By* methods. The conformance suite
// is accounttest.SessionStoreConformance.
type SessionStore interface {
	// CreateSession stores rec; the key must be new.
	CreateSession(ctx context.Context, rec SessionRecord, now time.Time) error
	// Session returns the record; ErrSessionNotFound if unknown or expired
	// (absolute) at now.
	Session(ctx context.Context, key string, now time.Time) (SessionRecord, error)
	// TouchSession sets LastSeen; ErrSessionNotFound if unknown.
	TouchSession(ctx context.Context, key string, lastSeen time.Time) error
	// DeleteSession removes one session; deleting an unknown key is no
	// error.
	DeleteSession(ctx context.Context, key string) error
	// DeleteSessionsBySubject removes the sessions of subject at issuer
	// and returns how many; an empty subject matches nothing.
	DeleteSessionsBySubject(ctx context.Context, issuer, subject string) (int, error)
	// DeleteSessionsByProviderSession removes the sessions with this
	// ProviderSessionID at issuer; an empty sid matches nothing.
	DeleteSessionsByProviderSession(ctx context.Context, issuer, sid string) (int, error)
}

// DefaultMemorySessionsMax is the capacity of a MemorySessionStore whose
// Max is zero.
const DefaultMemorySessionsMax = 100_000

// MemorySessionStore is a SessionStore for a single instance (sessions
// are lost on restart and not shared). Expired sessions are removed by a
// scan at most once a minute on create, and before a create is refused;
// a create beyond Max live sessions is refused (fail closed). The
// Delete*By* methods scan all sessions (back-channel logouts are rare).
// The zero value is ready to use.
type MemorySessionStore struct {
	// Max caps live sessions; zero means DefaultMemorySessionsMax.
	Max int

	mu        sync.Mutex
	m         map[string]SessionRecord
	lastPrune time.Time
}

// NewMemorySessionStore returns an empty MemorySessionStore.
func NewMemorySessionStore() *MemorySessionStore { return &MemorySessionStore{} }

// CreateSession implements SessionStore.
func (s *MemorySessionStore) CreateSession(_ context.Context, rec SessionRecord, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]SessionRecord{}
	}
	limit := s.Max
	if limit <= 0 {
		limit = DefaultMemorySessionsMax
	}
	if now.Sub(s.lastPrune) >= time.Minute || len(s.m) >= limit {
		for k, r := range s.m {
			if !now.Before(r.Expires) {
				delete(s.m, k)
			}
		}
		s.lastPrune = now
	}
	if _, ok := s.m[rec.Key]; ok {
		return errors.New("account: session key exists")
	}
	if len(s.m) >= limit {
		return fmt.Errorf("%w: %d sessions", ErrSessionStoreFull, limit)
	}
	s.m[rec.Key] = rec
	return nil
}

// Session implements SessionStore.
func (s *MemorySessionStore) Session(_ context.Context, key string, now time.Time) (SessionRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.m[key]
	if !ok || !now.Before(rec.Expires) {
		return SessionRecord{}, ErrSessionNotFound
	}
	return rec, nil
}

// TouchSession implements SessionStore.
func (s *MemorySessionStore) TouchSession(_ context.Context, key string, lastSeen time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.m[key]
	if !ok {
		return ErrSessionNotFound
	}
	rec.LastSeen = lastSeen
	s.m[key] = rec
	return nil
}

// DeleteSession implements SessionStore.
func (s *MemorySessionStore) DeleteSession(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// DeleteSessionsBySubject implements SessionStore.
func (s *MemorySessionStore) DeleteSessionsBySubject(_ context.Context, issuer, subject string) (int, error) {
	if subject == "" {
		return 0, nil
	}
	return s.deleteWhere(func(r SessionRecord) bool { return r.Issuer == issuer && r.Subject == subject }), nil
}

// DeleteSessionsByProviderSession implements SessionStore.
func (s *MemorySessionStore) DeleteSessionsByProviderSession(_ context.Context, issuer, sid string) (int, error) {
	if sid == "" {
		return 0, nil
	}
	return s.deleteWhere(func(r SessionRecord) bool { return r.Issuer == issuer && r.ProviderSessionID == sid }), nil
}

func (s *MemorySessionStore) deleteWhere(match func(SessionRecord) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, r := range s.m {
		if match(r) {
			delete(s.m, k)
			n++
		}
	}
	return n
}
