package paystore

import (
	"context"
	"fmt"
	"github.com/egosaar/ozg/payment/paytype"
	"slices"
	"sort"
	"sync"
	"time"
)

// MemoryStore is an in-memory Store for tests and single-process use.
// It is safe for concurrent use. Data is lost when the process ends.
// ForTenant returns a MemoryStore on the same data.
type MemoryStore struct {
	*memData
	tenant string
	view   bool // made by ForTenant: listings are scoped to tenant
}

type memData struct {
	mu        sync.Mutex
	byReq     map[memKey]*paytype.Transaction
	byTx      map[memKey]string
	anomalies map[memKey][]Anomaly
	pushes    map[memKey]time.Time
	claims    map[memKey]PushClaim
	leases    map[memKey]lease
}

// memKey is an ID within a tenant.
type memKey struct{ tenant, id string }

type lease struct {
	owner string
	until time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{memData: &memData{
		byReq:     map[memKey]*paytype.Transaction{},
		byTx:      map[memKey]string{},
		anomalies: map[memKey][]Anomaly{},
		pushes:    map[memKey]time.Time{},
		claims:    map[memKey]PushClaim{},
		leases:    map[memKey]lease{},
	}}
}

// ForTenant implements Store.
func (s *MemoryStore) ForTenant(tenant string) Store {
	return &MemoryStore{memData: s.memData, tenant: tenant, view: true}
}

func (s *MemoryStore) k(id string) memKey { return memKey{s.tenant, id} }

// Insert implements Store.
func (s *MemoryStore) Insert(_ context.Context, t *paytype.Transaction) (*paytype.Transaction, bool, error) {
	if t.Tenant != "" && t.Tenant != s.tenant {
		return nil, false, fmt.Errorf("%w: insert", ErrForeignTenant)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byReq[s.k(t.RequestID)]; ok {
		return old.Clone(), false, nil
	}
	c := t.Clone()
	c.Tenant = s.tenant
	s.byReq[s.k(t.RequestID)] = c
	if c.TransactionID != "" {
		s.byTx[s.k(c.TransactionID)] = c.RequestID
	}
	// The stored c is never handed out. The answer is a copy of the
	// caller's own t (whose items the caller owns already), so one deep
	// copy per insert suffices.
	r := *t
	r.Tenant = s.tenant
	return &r, true, nil
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, requestID string) (*paytype.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[s.k(requestID)]
	if !ok {
		return nil, ErrNotFound
	}
	return t.Clone(), nil
}

// GetByTransactionID implements Store.
func (s *MemoryStore) GetByTransactionID(_ context.Context, transactionID string) (*paytype.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byTx[s.k(transactionID)]
	if !ok || transactionID == "" {
		return nil, ErrNotFound
	}
	return s.byReq[s.k(id)].Clone(), nil
}

// Confirm implements Store.
func (s *MemoryStore) Confirm(_ context.Context, requestID string, c Confirmation) (*paytype.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[s.k(requestID)]
	if !ok {
		return nil, ErrNotFound
	}
	if t.Status != "" {
		return t.Clone(), nil
	}
	if other, dup := s.byTx[s.k(c.TransactionID)]; dup && other != requestID {
		return nil, ErrConcurrentUpdate
	}
	t.TransactionID, t.TransactionURL, t.PayURL, t.Reference = c.TransactionID, c.TransactionURL, c.PayURL, c.Reference
	t.Status = paytype.StatusInitial
	delete(s.leases, s.k(requestID))
	t.UpdatedAt = c.At
	t.NextCheckAt = c.NextCheckAt
	s.byTx[s.k(c.TransactionID)] = requestID
	return t.Clone(), nil
}

// LeaseCreate implements Store.
func (s *MemoryStore) LeaseCreate(_ context.Context, requestID, owner string, now, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byReq[s.k(requestID)]
	if !ok {
		return false, ErrNotFound
	}
	if t.Status != "" {
		return false, nil
	}
	if l, held := s.leases[s.k(requestID)]; held && l.owner != owner && l.until.After(now) {
		return false, nil
	}
	s.leases[s.k(requestID)] = lease{owner: owner, until: until}
	return true, nil
}

// ReleaseCreate implements Store.
func (s *MemoryStore) ReleaseCreate(_ context.Context, requestID, owner string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, held := s.leases[s.k(requestID)]; held && l.owner == owner {
		delete(s.leases, s.k(requestID))
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
	t, ok := s.byReq[s.k(requestID)]
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
	t, ok := s.byReq[s.k(requestID)]
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
	for k, t := range s.byReq {
		if k.tenant != s.tenant {
			continue
		}
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
	a.Tenant = s.tenant
	s.anomalies[s.k(a.RequestID)] = append(s.anomalies[s.k(a.RequestID)], a)
	return nil
}

// Anomalies implements Store.
func (s *MemoryStore) Anomalies(_ context.Context, requestID string) ([]Anomaly, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Anomaly(nil), s.anomalies[s.k(requestID)]...), nil
}

// MarkPushSeen implements Store.
func (s *MemoryStore) MarkPushSeen(_ context.Context, eventID string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pushes[s.k(eventID)]; ok {
		return false, nil
	}
	s.pushes[s.k(eventID)] = at
	return true, nil
}

// PushSeen implements Store.
func (s *MemoryStore) PushSeen(_ context.Context, eventID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.pushes[s.k(eventID)]
	return ok, nil
}

// RecordClaim implements Store.
func (s *MemoryStore) RecordClaim(_ context.Context, c PushClaim) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.claims[s.k(c.RequestID)]; ok {
		return false, nil
	}
	s.claims[s.k(c.RequestID)] = c
	return true, nil
}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, requestID string) (*PushClaim, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.claims[s.k(requestID)]
	if !ok {
		return nil, ErrNotFound
	}
	return &c, nil
}

func inWindow(f *ListFilter, at time.Time) bool {
	return (f.Before.IsZero() || !at.After(f.Before)) && (f.After.IsZero() || !at.Before(f.After))
}

// listScope checks and scopes f: a view lists only its own tenant.
func (s *MemoryStore) listScope(f *ListFilter) (Cursor, bool, error) {
	if s.view {
		if err := ScopeFilter(f, s.tenant); err != nil {
			return Cursor{}, false, err
		}
	}
	return f.Normalize()
}

func listed(f *ListFilter, tenant string) bool { return f.AllTenants || tenant == f.Tenant }

// ListAnomalies implements Store.
func (s *MemoryStore) ListAnomalies(_ context.Context, f ListFilter) (*AnomalyPage, error) {
	cur, hasCur, err := s.listScope(&f)
	if err != nil {
		return nil, err
	}
	type entry struct {
		a   Anomaly
		seq int64
	}
	s.mu.Lock()
	var all []entry
	for k, list := range s.anomalies {
		if !listed(&f, k.tenant) {
			continue
		}
		for i, a := range list {
			seq := int64(i + 1)
			if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, a.Kind) || !inWindow(&f, a.At) {
				continue
			}
			if hasCur && !cur.After(a.At, a.Tenant, a.RequestID, seq) {
				continue
			}
			all = append(all, entry{a, seq})
		}
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		// i sorts first when j lies strictly after it.
		return Cursor{At: all[i].a.At, Tenant: all[i].a.Tenant, RequestID: all[i].a.RequestID, Seq: all[i].seq}.After(all[j].a.At, all[j].a.Tenant, all[j].a.RequestID, all[j].seq)
	})
	page := &AnomalyPage{}
	for i, e := range all {
		if i == f.Limit {
			last := all[i-1]
			page.Next = EncodeCursor(Cursor{At: last.a.At, Tenant: last.a.Tenant, RequestID: last.a.RequestID, Seq: last.seq})
			break
		}
		page.Anomalies = append(page.Anomalies, e.a)
	}
	return page, nil
}

// ListOpen implements Store.
func (s *MemoryStore) ListOpen(_ context.Context, f ListFilter) (*TransactionPage, error) {
	cur, hasCur, err := s.listScope(&f)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	var all []*paytype.Transaction
	for k, t := range s.byReq {
		if !listed(&f, k.tenant) || t.Status.Terminal() || len(f.Statuses) > 0 && !slices.Contains(f.Statuses, t.Status) || !inWindow(&f, t.CreatedAt) {
			continue
		}
		if hasCur && !cur.After(t.CreatedAt, t.Tenant, t.RequestID, 0) {
			continue
		}
		all = append(all, t.Clone())
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		return Cursor{At: all[i].CreatedAt, Tenant: all[i].Tenant, RequestID: all[i].RequestID}.After(all[j].CreatedAt, all[j].Tenant, all[j].RequestID, 0)
	})
	page := &TransactionPage{}
	for i, t := range all {
		if i == f.Limit {
			last := all[i-1]
			page.Next = EncodeCursor(Cursor{At: last.CreatedAt, Tenant: last.Tenant, RequestID: last.RequestID})
			break
		}
		page.Transactions = append(page.Transactions, t)
	}
	return page, nil
}
