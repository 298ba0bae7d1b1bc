package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/internal/sqldb"
)

//go:embed sessions_migrations/*.sql
var sessionMigrations embed.FS

// SessionStore implements account.SessionStore on database/sql (SQLite or
// PostgreSQL), shared by every instance of a service. Every PruneEvery-th
// create first deletes up to PruneBatch sessions whose absolute end has
// passed, so the table stays bounded without operator action. Empty
// subjects and session IDs never match a Delete*By* call. It is safe for
// concurrent use.
type SessionStore struct {
	db      *sql.DB
	dialect sqldb.Dialect
	ownsDB  bool // db is NewSessionsPostgres's database/sql view of the pool
	creates atomic.Uint64

	get                                              *sql.Stmt // prepared: the per-request lookup
	qTouch, qDelete, qBySub, qBySID, qInsert, qPrune string
}

var _ account.SessionStore = (*SessionStore)(nil)

// NewSessionsSQLite uses db (from database.OpenSQLite) and migrates the
// session table. It never closes db. A nil db is ErrInvalidConfig.
func NewSessionsSQLite(ctx context.Context, db *sql.DB) (*SessionStore, error) {
	return newSessionStore(ctx, db, sqldb.SQLite)
}

// NewSessionsPostgres uses pool (from database.OpenPostgres) and migrates
// the session table. It never closes pool. A nil pool is ErrInvalidConfig.
func NewSessionsPostgres(ctx context.Context, pool *pgxpool.Pool) (*SessionStore, error) {
	if pool == nil {
		return nil, invalidConfig("nil pool")
	}
	db := sqldb.PostgresDB(pool)
	s, err := newSessionStore(ctx, db, sqldb.Postgres)
	if err != nil {
		_ = db.Close() // the view only; pool stays open
		return nil, err
	}
	s.ownsDB = true
	return s, nil
}

// Sessions returns a SessionStore on the same database as s (migrating
// the session table).
func (s *Store) Sessions(ctx context.Context) (*SessionStore, error) {
	return newSessionStore(ctx, s.db, s.dialect)
}

func newSessionStore(ctx context.Context, db *sql.DB, d sqldb.Dialect) (*SessionStore, error) {
	if db == nil {
		return nil, invalidConfig("nil database")
	}
	if err := sqldb.Migrate(ctx, db, d, "account_sessions", sessionMigrations, "sessions_migrations"); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s := &SessionStore{db: db, dialect: d}
	get, err := db.PrepareContext(ctx, d.Rebind(`SELECT issuer, subject, provider_sid, level, created_at, last_seen, expires_at, data FROM ozg_account_sessions WHERE session_key = ? AND expires_at > ?`))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: prepare session lookup: %w", err)
	}
	s.get = get
	s.qTouch = d.Rebind(`UPDATE ozg_account_sessions SET last_seen = ? WHERE session_key = ?`)
	s.qDelete = d.Rebind(`DELETE FROM ozg_account_sessions WHERE session_key = ?`)
	s.qBySub = d.Rebind(`DELETE FROM ozg_account_sessions WHERE issuer = ? AND subject = ? AND subject <> ''`)
	s.qBySID = d.Rebind(`DELETE FROM ozg_account_sessions WHERE issuer = ? AND provider_sid = ? AND provider_sid <> ''`)
	s.qInsert = d.Rebind(`INSERT INTO ozg_account_sessions (session_key, issuer, subject, provider_sid, level, created_at, last_seen, expires_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	s.qPrune = d.Rebind(`DELETE FROM ozg_account_sessions WHERE session_key IN (SELECT session_key FROM ozg_account_sessions WHERE expires_at <= ? LIMIT ?)`)
	return s, nil
}

// Close releases the prepared statement and, after NewSessionsPostgres,
// its database/sql view of the pool; a database or pool passed in stays
// open.
func (s *SessionStore) Close() error {
	err := s.get.Close()
	if s.ownsDB {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// CreateSession implements account.SessionStore.
func (s *SessionStore) CreateSession(ctx context.Context, r account.SessionRecord, now time.Time) error {
	if s.creates.Add(1)%PruneEvery == 1 {
		if _, err := s.db.ExecContext(ctx, s.qPrune, now.UnixNano(), PruneBatch); err != nil {
			return fmt.Errorf("sqlstore: prune sessions: %w", err)
		}
	}
	_, err := s.db.ExecContext(ctx, s.qInsert, r.Key, r.Issuer, r.Subject, r.ProviderSessionID, int(r.Level),
		r.Created.UnixNano(), r.LastSeen.UnixNano(), r.Expires.UnixNano(), string(r.Data))
	if err != nil {
		return fmt.Errorf("sqlstore: create session: %w", err)
	}
	return nil
}

// Session implements account.SessionStore.
func (s *SessionStore) Session(ctx context.Context, key string, now time.Time) (account.SessionRecord, error) {
	r := account.SessionRecord{Key: key}
	var level int
	var created, seen, exp int64
	var data string
	err := s.get.QueryRowContext(ctx, key, now.UnixNano()).Scan(&r.Issuer, &r.Subject, &r.ProviderSessionID, &level, &created, &seen, &exp, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return account.SessionRecord{}, account.ErrSessionNotFound
	}
	if err != nil {
		return account.SessionRecord{}, fmt.Errorf("sqlstore: read session: %w", err)
	}
	r.Level = account.Level(level)
	r.Created, r.LastSeen, r.Expires = time.Unix(0, created).UTC(), time.Unix(0, seen).UTC(), time.Unix(0, exp).UTC()
	r.Data = []byte(data)
	return r, nil
}

// TouchSession implements account.SessionStore.
func (s *SessionStore) TouchSession(ctx context.Context, key string, lastSeen time.Time) error {
	res, err := s.db.ExecContext(ctx, s.qTouch, lastSeen.UnixNano(), key)
	if err != nil {
		return fmt.Errorf("sqlstore: touch session: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return account.ErrSessionNotFound
	}
	return nil
}

// DeleteSession implements account.SessionStore.
func (s *SessionStore) DeleteSession(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, s.qDelete, key); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsBySubject implements account.SessionStore.
func (s *SessionStore) DeleteSessionsBySubject(ctx context.Context, issuer, subject string) (int, error) {
	if subject == "" {
		return 0, nil
	}
	return s.deleteN(ctx, s.qBySub, issuer, subject)
}

// DeleteSessionsByProviderSession implements account.SessionStore.
func (s *SessionStore) DeleteSessionsByProviderSession(ctx context.Context, issuer, sid string) (int, error) {
	if sid == "" {
		return 0, nil
	}
	return s.deleteN(ctx, s.qBySID, issuer, sid)
}

func (s *SessionStore) deleteN(ctx context.Context, q string, args ...any) (int, error) {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: end sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: end sessions: %w", err)
	}
	return int(n), nil
}
