package paystore

import (
	"context"
	"github.com/egosaar/ozg/payment/paytype"
	"slices"
	"sort"
	"sync"
	"time"
)

// MemoryStore is an in-memory Store for tests and single-process use.
// It is safe for concurrent use. Data is lost when the process ends.
type MemoryStore struct {
	mu        sync.Mutex
	byReq     map[string]*paytype.Transaction
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
		byReq:     map[string]*paytype.Transaction{},
		byTx:      map[string]string{},
		anomalies: map[string][]Anomaly{},
		pushes:    map[string]time.Time{},
		claims:    map[string]PushClaim{},
		leases:    map[string]lease{},
	}
}

// Insert implements Store.
func (s *MemoryStore) Insert(_ context.Context, t *paytype.Transaction) (*paytype.Transaction, bool, error) {
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
	return t, true, nil // the caller's own copy; the store keeps c
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, requestID string) (*paytype.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[requestID]
	if !ok {
		return nil, ErrNotFound
	}
	return t.Clone(), nil
}

// GetByTransactionID implements Store.
func (s *MemoryStore) GetByTransactionID(_ context.Context, transactionID string) (*paytype.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byTx[transactionID]
	if !ok || transactionID == "" {
		return nil, ErrNotFound
	}
	return s.byReq[id].Clone(), nil
}

// Confirm implements Store.
func (s *MemoryStore) Confirm(_ context.Context, requestID string, c Confirmation) (*paytype.Transaction, error) {
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
	t.Status = paytype.StatusInitial
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
func (s *MemoryStore) Transition(_ context.Context, requestID string, from, to paytype.Status, u Update) (*paytype.Transaction, error) {
	if !paytype.CanTransition(from, to) {
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
func (s *MemoryStore) Due(_ context.Context, now time.Time, limit int) ([]*paytype.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*paytype.Transaction
	for _, t := range s.byReq {
		if (t.Status == paytype.StatusInitial || t.Status == "") && !t.NextCheckAt.IsZero() && !t.NextCheckAt.After(now) {
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

// afterCursor reports whether (at, id, seq) lies strictly after the cursor.
func afterCursor(cur Cursor, at time.Time, id string, seq int64) bool {
	if !at.Equal(cur.At) {
		return at.After(cur.At)
	}
	if id != cur.RequestID {
		return id > cur.RequestID
	}
	return seq > cur.Seq
}

func inWindow(f *ListFilter, at time.Time) bool {
	return (f.Before.IsZero() || !at.After(f.Before)) && (f.After.IsZero() || !at.Before(f.After))
}

// ListAnomalies implements Store.
func (s *MemoryStore) ListAnomalies(_ context.Context, f ListFilter) (*AnomalyPage, error) {
	cur, hasCur, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	type entry struct {
		a   Anomaly
		seq int64
	}
	s.mu.Lock()
	var all []entry
	for _, list := range s.anomalies {
		for i, a := range list {
			seq := int64(i + 1)
			if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, a.Kind) || !inWindow(&f, a.At) {
				continue
			}
			if hasCur && !afterCursor(cur, a.At, a.RequestID, seq) {
				continue
			}
			all = append(all, entry{a, seq})
		}
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		// i sorts first when j lies strictly after it.
		return afterCursor(Cursor{At: all[i].a.At, RequestID: all[i].a.RequestID, Seq: all[i].seq}, all[j].a.At, all[j].a.RequestID, all[j].seq)
	})
	page := &AnomalyPage{}
	for i, e := range all {
		if i == f.Limit {
			last := all[i-1]
			page.Next = EncodeCursor(Cursor{At: last.a.At, RequestID: last.a.RequestID, Seq: last.seq})
			break
		}
		page.Anomalies = append(page.Anomalies, e.a)
	}
	return page, nil
}

// ListOpen implements Store.
func (s *MemoryStore) ListOpen(_ context.Context, f ListFilter) (*TransactionPage, error) {
	cur, hasCur, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	var all []*paytype.Transaction
	for _, t := range s.byReq {
		if t.Status.Terminal() || len(f.Statuses) > 0 && !slices.Contains(f.Statuses, t.Status) || !inWindow(&f, t.CreatedAt) {
			continue
		}
		if hasCur && !afterCursor(cur, t.CreatedAt, t.RequestID, 0) {
			continue
		}
		all = append(all, t.Clone())
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreatedAt.Equal(all[j].CreatedAt) {
			return all[i].CreatedAt.Before(all[j].CreatedAt)
		}
		return all[i].RequestID < all[j].RequestID
	})
	page := &TransactionPage{}
	for i, t := range all {
		if i == f.Limit {
			last := all[i-1]
			page.Next = EncodeCursor(Cursor{At: last.CreatedAt, RequestID: last.RequestID})
			break
		}
		page.Transactions = append(page.Transactions, t)
	}
	return page, nil
}
