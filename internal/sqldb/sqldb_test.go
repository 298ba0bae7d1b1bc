package sqldb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.Error(t, err)
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
	db, err := OpenSQLite(context.Background(), MemoryPath)
	require.NoError(t, err)
	defer db.Close()
	tests := map[string]fstest.MapFS{
		"bad name":    {"m/abc.sql": {Data: []byte("SELECT 1")}},
		"zero":        {"m/000_x.sql": {Data: []byte("SELECT 1")}},
		"duplicate":   {"m/001_a.sql": {Data: []byte("SELECT 1")}, "m/1_b.sql": {Data: []byte("SELECT 1")}},
		"bad sql":     {"m/001_a.sql": {Data: []byte("CREATE TABL x")}},
		"no such dir": {},
	}
	for name, fsys := range tests {
		t.Run(name, func(t *testing.T) {
			require.Error(t, Migrate(context.Background(), db, SQLite, "bad_"+name, fsys, "m"))
		})
	}
}

func TestOpenPostgresBadDSN(t *testing.T) {
	t.Parallel()
	_, err := OpenPostgres(context.Background(), "postgres://%zz")
	require.Error(t, err)
}
