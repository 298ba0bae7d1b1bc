package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Clean-up of expired rows without operator action: every PruneEvery-th
// write (SaveRequest or MarkAssertion, counted per Store, starting with
// the first) deletes at most PruneBatch expired rows from each table
// before it writes. That is up to PruneBatch/PruneEvery (about 15) expired
// rows removed per inserted row, so the tables stay bounded by the login
// rate times the request and assertion lifetimes, at a bounded cost per
// call.
const (
	PruneEvery = 64
	PruneBatch = 1000
)

// Store implements saml.Store on database/sql. It is safe for concurrent
// use.
type Store struct {
	db      *sql.DB
	dialect sqldb.Dialect
	pool    *pgxpool.Pool // closed by Close when the Store opened it
	ownsDB  bool          // db is the Store's own handle (not NewSQLite's)

	writes     atomic.Uint64
	pruneEvery uint64 // PruneEvery; tests lower it
	pruneBatch int    // PruneBatch; tests lower it
}

func newStore(db *sql.DB, d sqldb.Dialect) *Store {
	return &Store{db: db, dialect: d, pruneEvery: PruneEvery, pruneBatch: PruneBatch}
}

var _ saml.Store = (*Store)(nil)

// OpenSQLite opens (creating if needed) the SQLite database at path — ""
// or ":memory:" for a private in-memory database — and migrates it.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	db, err := sqldb.OpenSQLite(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s, err := NewSQLite(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.ownsDB = true
	return s, nil
}

// NewSQLite uses an existing SQLite database (from database.OpenSQLite,
// shared with the application and the other stores) and migrates its
// tables. Close does not close db. A nil db is ErrInvalidConfig.
func NewSQLite(ctx context.Context, db *sql.DB) (*Store, error) {
	if db == nil {
		return nil, invalidConfig("nil database")
	}
	s := newStore(db, sqldb.SQLite)
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// OpenPostgres connects to dsn and migrates the database.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	pool, err := sqldb.OpenPostgres(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s, err := NewPostgres(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.pool = pool
	return s, nil
}

// NewPostgres uses an existing pgx pool (shared with the application) and
// migrates the database. Close does not close pool. A nil pool is
// ErrInvalidConfig.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, invalidConfig("nil pool")
	}
	s := newStore(sqldb.PostgresDB(pool), sqldb.Postgres)
	s.ownsDB = true // a database/sql view of pool; closing it leaves pool open
	if err := s.migrate(ctx); err != nil {
		_ = s.db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	if err := sqldb.Migrate(ctx, s.db, s.dialect, "account", migrations, "migrations"); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	return nil
}

// Close releases what the Store opened (OpenSQLite, OpenPostgres); a
// database or pool passed to NewSQLite or NewPostgres stays open.
func (s *Store) Close() error {
	if !s.ownsDB {
		return nil
	}
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// SaveRequest implements saml.Store. Every PruneEvery-th write first
// deletes up to PruneBatch rows expired at now from each table.
func (s *Store) SaveRequest(ctx context.Context, key string, r saml.PendingRequest, now time.Time) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sqlstore: encode request: %w", err)
	}
	if err := s.maybePrune(ctx, now); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.dialect.Rebind(`INSERT INTO ozg_account_saml_requests (relay_key, data, expires_at) VALUES (?, ?, ?)`),
		key, string(data), r.Expires.UnixNano())
	if err != nil {
		return fmt.Errorf("sqlstore: save request: %w", err)
	}
	return nil
}

// Request implements saml.Store.
func (s *Store) Request(ctx context.Context, key string, now time.Time) (saml.PendingRequest, error) {
	var data string
	err := s.db.QueryRowContext(ctx, s.dialect.Rebind(`SELECT data FROM ozg_account_saml_requests WHERE relay_key = ? AND expires_at > ?`),
		key, now.UnixNano()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return saml.PendingRequest{}, saml.ErrNotFound
	}
	if err != nil {
		return saml.PendingRequest{}, fmt.Errorf("sqlstore: load request: %w", err)
	}
	var r saml.PendingRequest
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return saml.PendingRequest{}, fmt.Errorf("sqlstore: decode request: %w", err)
	}
	return r, nil
}

// ConsumeRequest implements saml.Store.
func (s *Store) ConsumeRequest(ctx context.Context, key string) error {
	res, err := s.db.ExecContext(ctx, s.dialect.Rebind(`DELETE FROM ozg_account_saml_requests WHERE relay_key = ?`), key)
	if err != nil {
		return fmt.Errorf("sqlstore: consume request: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: consume request: %w", err)
	} else if n == 0 {
		return saml.ErrNotFound
	}
	return nil
}

// MarkAssertion implements saml.Store. The insert succeeds for a new ID
// and overwrites an expired one; an unexpired ID leaves the row unchanged
// and reports saml.ErrReplay. Every PruneEvery-th write first deletes up
// to PruneBatch rows expired at now from each table.
func (s *Store) MarkAssertion(ctx context.Context, issuer, id string, expires, now time.Time) error {
	if err := s.maybePrune(ctx, now); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, s.dialect.Rebind(`INSERT INTO ozg_account_saml_assertions (issuer, assertion_id, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (issuer, assertion_id) DO UPDATE SET expires_at = excluded.expires_at
		WHERE ozg_account_saml_assertions.expires_at <= ?`), issuer, id, expires.UnixNano(), now.UnixNano())
	if err != nil {
		return fmt.Errorf("sqlstore: mark assertion: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: mark assertion: %w", err)
	}
	if n == 0 {
		return saml.ErrReplay
	}
	return nil
}

// DeleteExpired implements saml.Store: it removes every expired row in
// one statement per table. Writes already remove expired rows in bounded
// batches, so calling it is optional (for example once after a long
// downtime).
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) error {
	for _, q := range []string{
		`DELETE FROM ozg_account_saml_requests WHERE expires_at <= ?`,
		`DELETE FROM ozg_account_saml_assertions WHERE expires_at <= ?`,
	} {
		if _, err := s.db.ExecContext(ctx, s.dialect.Rebind(q), now.UnixNano()); err != nil {
			return fmt.Errorf("sqlstore: delete expired: %w", err)
		}
	}
	return nil
}

// maybePrune runs prune on the first and every pruneEvery-th write.
func (s *Store) maybePrune(ctx context.Context, now time.Time) error {
	if s.writes.Add(1)%s.pruneEvery != 1%s.pruneEvery {
		return nil
	}
	return s.prune(ctx, now)
}

// prune deletes at most pruneBatch rows expired at now from each table.
// The outer condition on expires_at is evaluated again on the row that is
// deleted, so a replay-cache row that MarkAssertion renewed in the
// meantime is never removed. On PostgreSQL, SKIP LOCKED lets instances
// that prune at the same time take different rows instead of waiting for
// each other.
func (s *Store) prune(ctx context.Context, now time.Time) error {
	qs := []string{
		`DELETE FROM ozg_account_saml_requests WHERE rowid IN
			(SELECT rowid FROM ozg_account_saml_requests WHERE expires_at <= ? LIMIT ?) AND expires_at <= ?`,
		`DELETE FROM ozg_account_saml_assertions WHERE rowid IN
			(SELECT rowid FROM ozg_account_saml_assertions WHERE expires_at <= ? LIMIT ?) AND expires_at <= ?`,
	}
	if s.dialect == sqldb.Postgres {
		qs = []string{
			`DELETE FROM ozg_account_saml_requests WHERE relay_key IN
				(SELECT relay_key FROM ozg_account_saml_requests WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ?`,
			`DELETE FROM ozg_account_saml_assertions WHERE (issuer, assertion_id) IN
				(SELECT issuer, assertion_id FROM ozg_account_saml_assertions WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ?`,
		}
	}
	for _, q := range qs {
		if _, err := s.db.ExecContext(ctx, s.dialect.Rebind(q), now.UnixNano(), s.pruneBatch, now.UnixNano()); err != nil {
			return fmt.Errorf("sqlstore: delete expired: %w", err)
		}
	}
	return nil
}
