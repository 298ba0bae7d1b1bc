package sqldb

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/egosaar/ozg/internal/testenv"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "SELECT ? , ?", SQLite.Rebind("SELECT ? , ?"))
	assert.Equal(t, "SELECT $1 , $2", Postgres.Rebind("SELECT ? , ?"))
	assert.Equal(t, "SELECT 1", Postgres.Rebind("SELECT 1"))
}

func TestOpenSQLiteFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dir with space", "x.db")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	db, err := OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	var mode string
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "wal", mode)
	var timeout int
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout))
	assert.Equal(t, 10000, timeout)
	assert.Equal(t, 1, db.Stats().MaxOpenConnections)
}

func TestOpenSQLiteBadPath(t *testing.T) {
	t.Parallel()
	_, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	requireSQLiteCode(t, err, sqlite3.SQLITE_CANTOPEN)
	assert.True(t, strings.HasPrefix(err.Error(), "sqldb: open sqlite: "), err.Error())
}

func testMigrate(t *testing.T, db *sql.DB, d Dialect) {
	ctx := context.Background()
	fsys := os.DirFS("testdata/migrations")
	require.NoError(t, Migrate(ctx, db, d, "test", fsys, d.String()))
	// Idempotent, also when run concurrently (PostgreSQL advisory lock).
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = Migrate(ctx, db, d, "test", fsys, d.String()) }()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	_, err := db.ExecContext(ctx, d.Rebind("INSERT INTO t (v, w) VALUES (?, ?)"), "a", "b")
	require.NoError(t, err)
	var n int
	require.NoError(t, db.QueryRowContext(ctx, d.Rebind("SELECT COUNT(*) FROM ozg_schema_migrations WHERE component = ?"), "test").Scan(&n))
	assert.Equal(t, 2, n)
}

func TestMigrateSQLite(t *testing.T) {
	t.Parallel()
	db, err := OpenSQLite(context.Background(), MemoryPath)
	require.NoError(t, err)
	defer db.Close()
	testMigrate(t, db, SQLite)
}

func TestMigratePostgres(t *testing.T) {
	t.Parallel()
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	pool, err := OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	db := PostgresDB(pool)
	defer db.Close()
	testMigrate(t, db, Postgres)
}

func TestMigrateBadFiles(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		fsys  fstest.MapFS
		check func(t *testing.T, err error)
	}{
		"bad name":  {fstest.MapFS{"m/abc.sql": {Data: []byte("SELECT 1")}}, isErr(ErrMigrationFile)},
		"no number": {fstest.MapFS{"m/x_a.sql": {Data: []byte("SELECT 1")}}, isErr(ErrMigrationFile)},
		"zero":      {fstest.MapFS{"m/000_x.sql": {Data: []byte("SELECT 1")}}, isErr(ErrMigrationFile)},
		"negative":  {fstest.MapFS{"m/-1_x.sql": {Data: []byte("SELECT 1")}}, isErr(ErrMigrationFile)},
		"duplicate": {fstest.MapFS{"m/001_a.sql": {Data: []byte("SELECT 1")}, "m/1_b.sql": {Data: []byte("SELECT 1")}}, isErr(ErrMigrationFile)},
		"bad sql": {fstest.MapFS{"m/001_a.sql": {Data: []byte("CREATE TABL x")}}, func(t *testing.T, err error) {
			requireSQLiteCode(t, err, sqlite3.SQLITE_ERROR)
		}},
		"no such dir": {fstest.MapFS{}, isErr(fs.ErrNotExist)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, err := OpenSQLite(context.Background(), MemoryPath)
			require.NoError(t, err)
			defer db.Close()
			err = Migrate(context.Background(), db, SQLite, "bad", tc.fsys, "m")
			tc.check(t, err)
			// Nothing of a failed migration is recorded.
			var n int
			err = db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ozg_schema_migrations").Scan(&n)
			if err == nil {
				assert.Zero(t, n)
			} else {
				requireNoTable(t, SQLite, err)
			}
		})
	}
}

func isErr(target error) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		require.ErrorIs(t, err, target)
	}
}

func TestOpenPostgresBadDSN(t *testing.T) {
	t.Parallel()
	_, err := OpenPostgres(context.Background(), "postgres://%zz")
	var pe *pgconn.ParseConfigError
	require.ErrorAs(t, err, &pe)
	assert.True(t, strings.HasPrefix(err.Error(), "sqldb: parse postgres dsn: "), err.Error())
}
