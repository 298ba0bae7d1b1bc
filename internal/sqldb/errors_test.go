package sqldb

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// requireSQLiteCode fails unless err wraps a SQLite error with the given
// primary result code (extended codes carry it in their low byte).
func requireSQLiteCode(t *testing.T, err error, code int) {
	t.Helper()
	var se *sqlite.Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, code, se.Code()&0xff, "sqlite result code of %v", err)
}

// requireNoTable fails unless err says that the queried table does not
// exist: SQLITE_ERROR "no such table" on SQLite, SQLSTATE 42P01
// (undefined_table) on PostgreSQL.
func requireNoTable(t *testing.T, d Dialect, err error) {
	t.Helper()
	switch d {
	case SQLite:
		requireSQLiteCode(t, err, sqlite3.SQLITE_ERROR)
		require.Contains(t, err.Error(), "no such table")
	case Postgres:
		var pe *pgconn.PgError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, "42P01", pe.Code)
	default:
		t.Fatalf("unknown dialect %v", d)
	}
}
