package notify

import (
	"context"
	"database/sql"

	"github.com/egosaar/ozg/internal/sqldb"
)

// OpenSQLite opens (creating if needed) an SQLite database file with the
// settings river's SQLite driver needs: WAL journal, synchronous NORMAL,
// busy timeout, BEGIN IMMEDIATE and exactly one connection. Path ":memory:"
// or "" opens a private in-memory database. Use the returned *sql.DB for
// NewSQLite and for the application's own transactions.
func OpenSQLite(ctx context.Context, path string) (*sql.DB, error) {
	return sqldb.OpenSQLite(ctx, path)
}
