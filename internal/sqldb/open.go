package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
)

// Dialect selects SQL syntax differences between the stores.
type Dialect int

const (
	// SQLite is the embedded default (modernc.org/sqlite).
	SQLite Dialect = iota + 1
	// Postgres is the store for deployments with several instances.
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// Rebind rewrites '?' placeholders to the dialect's form ($1, $2, … on
// PostgreSQL). Queries in this module are written with '?' and never use a
// literal '?' elsewhere.
func (d Dialect) Rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// MemoryPath opens a private in-memory SQLite database when passed to
// OpenSQLite.
const MemoryPath = ":memory:"

// OpenSQLite opens (creating if needed) the SQLite database at path, or a
// private in-memory database for MemoryPath or "". Settings: WAL journal,
// synchronous NORMAL, busy timeout 10 s, foreign keys on, BEGIN IMMEDIATE
// for write transactions, and exactly one open connection: SQLite allows
// one writer, and one connection removes SQLITE_BUSY between our own
// goroutines (river's SQLite driver recommends the same). Callers must use
// the transaction they hold for every statement inside it.
func OpenSQLite(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	var dsn string
	if path == "" || path == MemoryPath {
		// journal_mode is "memory" for in-memory databases; WAL is ignored.
		dsn = "file::memory:?" + q.Encode()
	} else {
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	return db, nil
}

// OpenPostgres connects a pgx pool to dsn and checks it with a ping.
func OpenPostgres(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqldb: parse postgres dsn: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("sqldb: connect postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqldb: connect postgres: %w", err)
	}
	return pool, nil
}

// PostgresDB returns a database/sql handle that shares pool's connections,
// for stores written against database/sql. Closing it does not close pool.
func PostgresDB(pool *pgxpool.Pool) *sql.DB {
	return stdlib.OpenDBFromPool(pool)
}
