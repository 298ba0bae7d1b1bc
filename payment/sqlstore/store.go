package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

//go:embed migrations
var migrations embed.FS

// Store is a paystore.Store on database/sql. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	d      sqldb.Dialect
	ownsDB bool
	tenant string // "" unless a view made by ForTenant
	view   bool   // made by ForTenant: listings are scoped to tenant
}

var _ paystore.TxStore = (*Store)(nil)

// ErrInvalidConfig is wrapped by the configuration errors of the
// constructors (an empty path, a nil database or pool).
var ErrInvalidConfig = errors.New("sqlstore: invalid configuration")

// OpenSQLite opens (or creates) the SQLite database file at path and
// migrates it. An empty path is ErrInvalidConfig, never a silent
// in-memory database; database.MemoryPath opens a private in-memory one
// (tests and demos only).
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty SQLite path (database.MemoryPath for an in-memory database)", ErrInvalidConfig)
	}
	db, err := sqldb.OpenSQLite(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s, err := newStore(ctx, db, sqldb.SQLite)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.ownsDB = true
	return s, nil
}

// NewPostgres migrates and returns a store on pool.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("%w: nil pool", ErrInvalidConfig)
	}
	s, err := newStore(ctx, sqldb.PostgresDB(pool), sqldb.Postgres)
	if err != nil {
		return nil, err
	}
	s.ownsDB = true // closing the database/sql handle leaves pool open
	return s, nil
}

// NewSQLite migrates db, a SQLite database the caller already uses (for
// example the one notify's outbox runs on), and returns a store on it.
// db must allow only one open connection and use BEGIN IMMEDIATE, as
// database.OpenSQLite and OpenSQLite set it up. Close leaves db open.
func NewSQLite(ctx context.Context, db *sql.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalidConfig)
	}
	return newStore(ctx, db, sqldb.SQLite)
}

func newStore(ctx context.Context, db *sql.DB, d sqldb.Dialect) (*Store, error) {
	dir := "migrations/sqlite"
	if d == sqldb.Postgres {
		dir = "migrations/postgres"
	}
	if err := sqldb.Migrate(ctx, db, d, "payment", migrations, dir); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return &Store{db: db, d: d}, nil
}

// ForTenant implements paystore.Store: the returned *Store (a
// paystore.TxStore) reads and writes tenant's rows only, on the same
// database. Its Close does nothing; close the store it was made from.
func (s *Store) ForTenant(tenant string) paystore.Store {
	return &Store{db: s.db, d: s.d, tenant: tenant, view: true}
}

// Close closes the database handle the store opened itself; a database
// passed to NewSQLite, and a view made by ForTenant, leave it open.
func (s *Store) Close() error {
	if !s.ownsDB {
		return nil
	}
	return s.db.Close()
}

const cols = `tenant, request_id, fingerprint, request_json, request_ts, COALESCE(transaction_id, ''), transaction_url, pay_url, reference,
	status, status_detail, payment_method, paid_at, created_at, updated_at, expires_at, next_check_at, check_attempts`

func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func tm(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

type scanner interface{ Scan(...any) error }

func scanTx(r scanner) (*paytype.Transaction, error) {
	var t paytype.Transaction
	var reqJSON, status string
	var reqTS, paid, created, updated, expires, next int64
	if err := r.Scan(&t.Tenant, &t.RequestID, &t.Fingerprint, &reqJSON, &reqTS, &t.TransactionID, &t.TransactionURL, &t.PayURL, &t.Reference,
		&status, &t.StatusDetail, &t.PaymentMethod, &paid, &created, &updated, &expires, &next, &t.CheckAttempts); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, paystore.ErrNotFound
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(reqJSON), &t.Request); err != nil {
		return nil, fmt.Errorf("sqlstore: stored request: %w", err)
	}
	t.Status = paytype.Status(status)
	t.RequestTimestamp, t.PaidAt, t.CreatedAt, t.UpdatedAt, t.ExpiresAt, t.NextCheckAt = tm(reqTS), tm(paid), tm(created), tm(updated), tm(expires), tm(next)
	return &t, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Insert implements paystore.Store.
func (s *Store) Insert(ctx context.Context, t *paytype.Transaction) (*paytype.Transaction, bool, error) {
	if t.Tenant != "" && t.Tenant != s.tenant {
		return nil, false, fmt.Errorf("sqlstore: insert: %w", paystore.ErrForeignTenant)
	}
	reqJSON, err := json.Marshal(t.Request)
	if err != nil {
		return nil, false, err
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO payment_transactions (tenant, request_id, fingerprint, request_json, request_ts, transaction_id,
		transaction_url, pay_url, reference, status, status_detail, payment_method, paid_at, created_at, updated_at, expires_at, next_check_at, check_attempts)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, request_id) DO NOTHING`),
		s.tenant, t.RequestID, t.Fingerprint, string(reqJSON), ns(t.RequestTimestamp), nullable(t.TransactionID), t.TransactionURL, t.PayURL, t.Reference,
		string(t.Status), t.StatusDetail, t.PaymentMethod, ns(t.PaidAt), ns(t.CreatedAt), ns(t.UpdatedAt), ns(t.ExpiresAt), ns(t.NextCheckAt), t.CheckAttempts)
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: insert: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, false, err
	}
	got, err := s.Get(ctx, t.RequestID)
	if err != nil {
		return nil, false, err
	}
	return got, n == 1, nil
}

// Get implements paystore.Store.
func (s *Store) Get(ctx context.Context, requestID string) (*paytype.Transaction, error) {
	return scanTx(s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT `+cols+` FROM payment_transactions WHERE tenant = ? AND request_id = ?`), s.tenant, requestID))
}

// GetByTransactionID implements paystore.Store.
func (s *Store) GetByTransactionID(ctx context.Context, transactionID string) (*paytype.Transaction, error) {
	if transactionID == "" {
		return nil, paystore.ErrNotFound
	}
	return scanTx(s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT `+cols+` FROM payment_transactions WHERE tenant = ? AND transaction_id = ?`), s.tenant, transactionID))
}

// Confirm implements paystore.Store.
func (s *Store) Confirm(ctx context.Context, requestID string, c paystore.Confirmation) (*paytype.Transaction, error) {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE payment_transactions SET transaction_id = ?, transaction_url = ?, pay_url = ?, reference = ?,
		status = ?, updated_at = ?, next_check_at = ?, lease_owner = '', lease_until = 0 WHERE tenant = ? AND request_id = ? AND status = ''`),
		c.TransactionID, c.TransactionURL, c.PayURL, c.Reference, string(paytype.StatusInitial), ns(c.At), ns(c.NextCheckAt), s.tenant, requestID)
	if err != nil {
		if isUniqueViolation(err) {
			return nil, paystore.ErrConcurrentUpdate
		}
		return nil, fmt.Errorf("sqlstore: confirm: %w", err)
	}
	return s.Get(ctx, requestID)
}

// LeaseCreate implements paystore.Store. One conditional UPDATE: under
// PostgreSQL's row lock (READ COMMITTED re-checks the condition after a
// concurrent update) and SQLite's single writer, of two instances exactly
// one changes the row.
func (s *Store) LeaseCreate(ctx context.Context, requestID, owner string, now, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE payment_transactions SET lease_owner = ?, lease_until = ?
		WHERE tenant = ? AND request_id = ? AND status = '' AND (lease_owner = ? OR lease_until <= ?)`),
		owner, ns(until), s.tenant, requestID, owner, now.UnixNano())
	if err != nil {
		return false, fmt.Errorf("sqlstore: lease: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	if n == 0 {
		if _, err := s.Get(ctx, requestID); err != nil {
			return false, err
		}
	}
	return n == 1, nil
}

// ReleaseCreate implements paystore.Store.
func (s *Store) ReleaseCreate(ctx context.Context, requestID, owner string) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE payment_transactions SET lease_owner = '', lease_until = 0 WHERE tenant = ? AND request_id = ? AND lease_owner = ?`),
		s.tenant, requestID, owner)
	if err != nil {
		return fmt.Errorf("sqlstore: release lease: %w", err)
	}
	return nil
}

// transitionSQL is the compare-and-set of Transition and TransitionTx.
const transitionSQL = `UPDATE payment_transactions SET status = ?, status_detail = ?, payment_method = ?, paid_at = ?,
	updated_at = ?, next_check_at = 0, pay_url = '' WHERE tenant = ? AND request_id = ? AND status = ?`

func (s *Store) transitionArgs(requestID string, from, to paytype.Status, u paystore.Update) []any {
	return []any{string(to), u.StatusDetail, u.PaymentMethod, ns(u.PaidAt), ns(u.At), s.tenant, requestID, string(from)}
}

// Transition implements paystore.Store.
func (s *Store) Transition(ctx context.Context, requestID string, from, to paytype.Status, u paystore.Update) (*paytype.Transaction, error) {
	if !paytype.CanTransition(from, to) {
		return nil, &paystore.TransitionError{RequestID: requestID, From: from, To: to}
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind(transitionSQL), s.transitionArgs(requestID, from, to, u)...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: transition: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		if _, err := s.Get(ctx, requestID); err != nil {
			return nil, err
		}
		return nil, paystore.ErrConcurrentUpdate
	}
	return s.Get(ctx, requestID)
}

// TransitionTx implements paystore.TxStore: the compare-and-set UPDATE
// and hook run in one database transaction, committed only when hook
// returns nil.
func (s *Store) TransitionTx(ctx context.Context, requestID string, from, to paytype.Status, u paystore.Update,
	hook func(tx *sql.Tx, t *paytype.Transaction) error) (*paytype.Transaction, error) {
	if !paytype.CanTransition(from, to) {
		return nil, &paystore.TransitionError{RequestID: requestID, From: from, To: to}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: transition: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	res, err := tx.ExecContext(ctx, s.d.Rebind(transitionSQL), s.transitionArgs(requestID, from, to, u)...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: transition: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	t, err := scanTx(tx.QueryRowContext(ctx, s.d.Rebind(`SELECT `+cols+` FROM payment_transactions WHERE tenant = ? AND request_id = ?`), s.tenant, requestID))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, paystore.ErrConcurrentUpdate
	}
	if err := hook(tx, t); err != nil {
		return nil, fmt.Errorf("sqlstore: status hook: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlstore: transition: %w", err)
	}
	return t, nil
}

// Schedule implements paystore.Store.
func (s *Store) Schedule(ctx context.Context, requestID string, next time.Time, attempts int) error {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE payment_transactions SET next_check_at = ?, check_attempts = ? WHERE tenant = ? AND request_id = ?`),
		ns(next), attempts, s.tenant, requestID)
	if err != nil {
		return fmt.Errorf("sqlstore: schedule: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return paystore.ErrNotFound
	}
	return nil
}

// Due implements paystore.Store.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]*paytype.Transaction, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT `+cols+` FROM payment_transactions
		WHERE tenant = ? AND status IN ('', ?) AND next_check_at > 0 AND next_check_at <= ? ORDER BY next_check_at, request_id LIMIT ?`),
		s.tenant, string(paytype.StatusInitial), now.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: due: %w", err)
	}
	defer rows.Close()
	var out []*paytype.Transaction
	for rows.Next() {
		t, err := scanTx(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RecordAnomaly implements paystore.Store.
func (s *Store) RecordAnomaly(ctx context.Context, a paystore.Anomaly) error {
	const q = `INSERT INTO payment_anomalies (tenant, request_id, seq, kind, detail, at)
		SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM payment_anomalies WHERE tenant = ? AND request_id = ?`
	args := []any{s.tenant, a.RequestID, string(a.Kind), a.Detail, ns(a.At), s.tenant, a.RequestID}
	_, err := s.db.ExecContext(ctx, s.d.Rebind(q), args...)
	if err != nil && isUniqueViolation(err) {
		// Two instances raced for the same seq; one retry suffices.
		_, err = s.db.ExecContext(ctx, s.d.Rebind(q), args...)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: anomaly: %w", err)
	}
	return nil
}

// Anomalies implements paystore.Store.
func (s *Store) Anomalies(ctx context.Context, requestID string) ([]paystore.Anomaly, error) {
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT kind, detail, at FROM payment_anomalies WHERE tenant = ? AND request_id = ? ORDER BY seq`), s.tenant, requestID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: anomalies: %w", err)
	}
	defer rows.Close()
	var out []paystore.Anomaly
	for rows.Next() {
		var kind, detail string
		var at int64
		if err := rows.Scan(&kind, &detail, &at); err != nil {
			return nil, err
		}
		out = append(out, paystore.Anomaly{Tenant: s.tenant, RequestID: requestID, Kind: paystore.AnomalyKind(kind), Detail: detail, At: tm(at)})
	}
	return out, rows.Err()
}

// MarkPushSeen implements paystore.Store.
func (s *Store) MarkPushSeen(ctx context.Context, eventID string, at time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO payment_push_seen (tenant, event_id, seen_at) VALUES (?, ?, ?) ON CONFLICT (tenant, event_id) DO NOTHING`),
		s.tenant, eventID, ns(at))
	if err != nil {
		return false, fmt.Errorf("sqlstore: push seen: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PushSeen implements paystore.Store.
func (s *Store) PushSeen(ctx context.Context, eventID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT COUNT(*) FROM payment_push_seen WHERE tenant = ? AND event_id = ?`), s.tenant, eventID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlstore: push seen: %w", err)
	}
	return n > 0, nil
}

// RecordClaim implements paystore.Store.
func (s *Store) RecordClaim(ctx context.Context, c paystore.PushClaim) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO payment_push_claims (tenant, request_id, event_id, status, amount, currency, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, request_id) DO NOTHING`),
		s.tenant, c.RequestID, c.EventID, string(c.Status), int64(c.Amount), string(c.Currency), ns(c.At))
	if err != nil {
		return false, fmt.Errorf("sqlstore: push claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Claim implements paystore.Store.
func (s *Store) Claim(ctx context.Context, requestID string) (*paystore.PushClaim, error) {
	c := paystore.PushClaim{RequestID: requestID}
	var status, currency string
	var amount, at int64
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT event_id, status, amount, currency, at FROM payment_push_claims WHERE tenant = ? AND request_id = ?`), s.tenant, requestID).
		Scan(&c.EventID, &status, &amount, &currency, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, paystore.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: push claim: %w", err)
	}
	c.Status, c.Amount, c.Currency, c.At = paytype.Status(status), paytype.Amount(amount), paytype.Currency(currency), tm(at)
	return &c, nil
}

func isUniqueViolation(err error) bool {
	var se interface{ SQLState() string }
	if errors.As(err, &se) && se.SQLState() == "23505" {
		return true
	}
	// modernc.org/sqlite: SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY (extended codes 2067, 1555).
	var ce interface{ Code() int }
	if errors.As(err, &ce) && (ce.Code() == 2067 || ce.Code() == 1555) {
		return true
	}
	return false
}
