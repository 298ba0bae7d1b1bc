package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/egosaar/ozg/internal/sqldb"
)

// MemoryPath opens a private in-memory SQLite database when passed to
// OpenSQLite. Its contents are gone when the *sql.DB is closed: use it for
// tests and demos only, never where a payment or a notification must
// survive a restart.
const MemoryPath = ":memory:"

// ErrOpen is wrapped by every error of OpenSQLite and OpenPostgres.
var ErrOpen = errors.New("database: cannot open database")

// ErrInvalidConfig is wrapped (together with ErrOpen) when the path or DSN
// itself is unusable: an empty SQLite path or a DSN that cannot be parsed.
// An unreachable server or an unwritable folder is ErrOpen only.
var ErrInvalidConfig = errors.New("database: invalid configuration")

// OpenSQLite opens (creating if needed) the SQLite database file at path,
// or a private in-memory database for MemoryPath. An empty path is refused
// so that a missing setting never silently becomes a database that forgets
// everything. See the package documentation for the settings.
func OpenSQLite(ctx context.Context, path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.Join(ErrOpen, fmt.Errorf("%w: empty sqlite path (use MemoryPath for an in-memory database)", ErrInvalidConfig))
	}
	db, err := sqldb.OpenSQLite(ctx, path)
	if err != nil {
		return nil, errors.Join(ErrOpen, err)
	}
	return db, nil
}

// OpenPostgres connects a pgx pool to dsn (a PostgreSQL URL or key/value
// string) and checks it with a ping.
func OpenPostgres(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	pool, err := sqldb.OpenPostgres(ctx, dsn)
	if err != nil {
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) {
			return nil, errors.Join(ErrOpen, ErrInvalidConfig, err)
		}
		return nil, errors.Join(ErrOpen, err)
	}
	return pool, nil
}
