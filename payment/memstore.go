package payment

import (
	"context"
	"sort"
	"sync"
	"time"
)

// MemoryStore is an in-memory Store for tests and single-process use.
// It is safe for concurrent use. Data is lost when the process ends.
type MemoryStore struct {
	mu        sync.Mutex
	byReq     map[string]*Transaction
	byTx      map[string]string
	anomalies map[string][]Anomaly
	pushes    map[string]time.Time
	claims    map[string]PushClaim
	leases    map[string]lease
}

type lease struct {
	owner string
	until time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		byReq:     map[string]*Transaction{},
		byTx:      map[string]string{},
		anomalies: map[string][]Anomaly{},
		pushes:    map[string]time.Time{},
		claims:    map[string]PushClaim{},
		leases:    map[string]lease{},
	}
}

// Insert implements Store.
func (s *MemoryStore) Insert(_ context.Context, t *Transaction) (*Transaction, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byReq[t.RequestID]; ok {
		return old.Clone(), false, nil
	}
	c := t.Clone()
	s.byReq[t.RequestID] = c
	if c.TransactionID != "" {
		s.byTx[c.TransactionID] = c.RequestID
	}
	return c.Clone(), true, nil
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, requestID string) (*Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[requestID]
	if !ok {
		return nil, ErrNotFound
	}
	return t.Clone(), nil
}

// GetByTransactionID implements Store.
func (s *MemoryStore) GetByTransactionID(_ context.Context, transactionID string) (*Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byTx[transactionID]
	if !ok || transactionID == "" {
		return nil, ErrNotFound
	}
	return s.byReq[id].Clone(), nil
}

// Confirm implements Store.
func (s *MemoryStore) Confirm(_ context.Context, requestID string, c Confirmation) (*Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[requestID]
	if !ok {
		return nil, ErrNotFound
	}
	if t.Status != "" {
		return t.Clone(), nil
	}
	if other, dup := s.byTx[c.TransactionID]; dup && other != requestID {
		return nil, ErrConcurrentUpdate
	}
	t.TransactionID, t.TransactionURL, t.PayURL, t.Reference = c.TransactionID, c.TransactionURL, c.PayURL, c.Reference
	t.Status = StatusInitial
	delete(s.leases, requestID)
	t.UpdatedAt = c.At
	t.NextCheckAt = c.NextCheckAt
	s.byTx[c.TransactionID] = requestID
	return t.Clone(), nil
}

// LeaseCreate implements Store.
func (s *MemoryStore) LeaseCreate(_ context.Context, requestID, owner string, now, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[requestID]
	if !ok {
		return false, ErrNotFound
	}
	if t.Status != "" {
		return false, nil
	}
	if l, held := s.leases[requestID]; held && l.owner != owner && l.until.After(now) {
		return false, nil
	}
	s.leases[requestID] = lease{owner: owner, until: until}
	return true, nil
}

// ReleaseCreate implements Store.
func (s *MemoryStore) ReleaseCreate(_ context.Context, requestID, owner string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, held := s.leases[requestID]; held && l.owner == owner {
		delete(s.leases, requestID)
	}
	return nil
}

// Transition implements Store.
func (s *MemoryStore) Transition(_ context.Context, requestID string, from, to Status, u Update) (*Transaction, error) {
	if !CanTransition(from, to) {
		return nil, &TransitionError{RequestID: requestID, From: from, To: to}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[requestID]
	if !ok {
		return nil, ErrNotFound
	}
	if t.Status != from {
		return nil, ErrConcurrentUpdate
	}
	t.Status = to
	t.StatusDetail, t.PaymentMethod, t.PaidAt = u.StatusDetail, u.PaymentMethod, u.PaidAt
	t.UpdatedAt = u.At
	t.NextCheckAt = time.Time{}
	t.PayURL = ""
	return t.Clone(), nil
}

// Schedule implements Store.
func (s *MemoryStore) Schedule(_ context.Context, requestID string, next time.Time, attempts int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[requestID]
	if !ok {
		return ErrNotFound
	}
	t.NextCheckAt = next
	t.CheckAttempts = attempts
	return nil
}

// Due implements Store.
func (s *MemoryStore) Due(_ context.Context, now time.Time, limit int) ([]*Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Transaction
	for _, t := range s.byReq {
		if (t.Status == StatusInitial || t.Status == "") && !t.NextCheckAt.IsZero() && !t.NextCheckAt.After(now) {
			out = append(out, t.Clone())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].NextCheckAt.Equal(out[j].NextCheckAt) {
			return out[i].NextCheckAt.Before(out[j].NextCheckAt)
		}
		return out[i].RequestID < out[j].RequestID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// RecordAnomaly implements Store.
func (s *MemoryStore) RecordAnomaly(_ context.Context, a Anomaly) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anomalies[a.RequestID] = append(s.anomalies[a.RequestID], a)
	return nil
}

// Anomalies implements Store.
func (s *MemoryStore) Anomalies(_ context.Context, requestID string) ([]Anomaly, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Anomaly(nil), s.anomalies[requestID]...), nil
}

// MarkPushSeen implements Store.
func (s *MemoryStore) MarkPushSeen(_ context.Context, eventID string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pushes[eventID]; ok {
		return false, nil
	}
	s.pushes[eventID] = at
	return true, nil
}

// PushSeen implements Store.
func (s *MemoryStore) PushSeen(_ context.Context, eventID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.pushes[eventID]
	return ok, nil
}

// RecordClaim implements Store.
func (s *MemoryStore) RecordClaim(_ context.Context, c PushClaim) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.claims[c.RequestID]; ok {
		return false, nil
	}
	s.claims[c.RequestID] = c
	return true, nil
}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, requestID string) (*PushClaim, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.claims[requestID]
	if !ok {
		return nil, ErrNotFound
	}
	return &c, nil
}
