package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// window appends the time bounds of f on col to the query.
func window(where []string, args []any, f *paystore.ListFilter, col string) ([]string, []any) {
	if !f.Before.IsZero() {
		where, args = append(where, col+" <= ?"), append(args, f.Before.UnixNano())
	}
	if !f.After.IsZero() {
		where, args = append(where, col+" >= ?"), append(args, f.After.UnixNano())
	}
	return where, args
}

// listScope checks f (a view lists only its own tenant) and returns the
// tenant condition.
func (s *Store) listScope(f *paystore.ListFilter) ([]string, []any, error) {
	if s.view {
		if err := paystore.ScopeFilter(f, s.tenant); err != nil {
			return nil, nil, err
		}
	}
	if err := f.Normalize(); err != nil {
		return nil, nil, err
	}
	if f.AllTenants {
		return []string{"1 = 1"}, []any{}, nil
	}
	return []string{"tenant = ?"}, []any{f.Tenant}, nil
}

func in(col string, n int) string {
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// ListAnomalies implements paystore.Store (keyset pagination on
// (at, tenant, request_id, seq)).
func (s *Store) ListAnomalies(ctx context.Context, f paystore.ListFilter) (*paystore.AnomalyPage, error) {
	where, args, err := s.listScope(&f)
	if err != nil {
		return nil, err
	}
	cur, hasCur, _ := paystore.DecodeCursor(f.Cursor)
	if len(f.Kinds) > 0 {
		where = append(where, in("kind", len(f.Kinds)))
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	where, args = window(where, args, &f, "at")
	if hasCur {
		at := cur.At.UnixNano()
		where = append(where, "(at > ? OR (at = ? AND (tenant > ? OR (tenant = ? AND (request_id > ? OR (request_id = ? AND seq > ?))))))")
		args = append(args, at, at, cur.Tenant, cur.Tenant, cur.RequestID, cur.RequestID, cur.Seq)
	}
	args = append(args, f.Limit+1)
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT tenant, request_id, seq, kind, detail, at FROM payment_anomalies WHERE `+
		strings.Join(where, " AND ")+` ORDER BY at, tenant, request_id, seq LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list anomalies: %w", err)
	}
	defer rows.Close()
	page := &paystore.AnomalyPage{}
	var last paystore.Cursor
	for rows.Next() {
		var a paystore.Anomaly
		var kind string
		var seq, at int64
		if err := rows.Scan(&a.Tenant, &a.RequestID, &seq, &kind, &a.Detail, &at); err != nil {
			return nil, err
		}
		if len(page.Anomalies) == f.Limit {
			page.Next = paystore.EncodeCursor(last)
			break
		}
		a.Kind, a.At = paystore.AnomalyKind(kind), tm(at)
		page.Anomalies = append(page.Anomalies, a)
		last = paystore.Cursor{At: a.At, Tenant: a.Tenant, RequestID: a.RequestID, Seq: seq}
	}
	return page, rows.Err()
}

// ListOpen implements paystore.Store (keyset pagination on
// (created_at, tenant, request_id)).
func (s *Store) ListOpen(ctx context.Context, f paystore.ListFilter) (*paystore.TransactionPage, error) {
	where, args, err := s.listScope(&f)
	if err != nil {
		return nil, err
	}
	cur, hasCur, _ := paystore.DecodeCursor(f.Cursor)
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []paytype.Status{"", paytype.StatusInitial}
	}
	where = append(where, in("status", len(statuses)))
	for _, st := range statuses {
		args = append(args, string(st))
	}
	where, args = window(where, args, &f, "created_at")
	if hasCur {
		at := cur.At.UnixNano()
		where = append(where, "(created_at > ? OR (created_at = ? AND (tenant > ? OR (tenant = ? AND request_id > ?))))")
		args = append(args, at, at, cur.Tenant, cur.Tenant, cur.RequestID)
	}
	args = append(args, f.Limit+1)
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT `+cols+` FROM payment_transactions WHERE `+
		strings.Join(where, " AND ")+` ORDER BY created_at, tenant, request_id LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list open: %w", err)
	}
	defer rows.Close()
	page := &paystore.TransactionPage{}
	for rows.Next() {
		t, err := scanTx(rows)
		if err != nil {
			return nil, err
		}
		if len(page.Transactions) == f.Limit {
			last := page.Transactions[len(page.Transactions)-1]
			page.Next = paystore.EncodeCursor(paystore.Cursor{At: last.CreatedAt, Tenant: last.Tenant, RequestID: last.RequestID})
			break
		}
		page.Transactions = append(page.Transactions, t)
	}
	return page, rows.Err()
}
