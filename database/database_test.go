package database_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/internal/testenv"
)

func TestOpenSQLiteRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		path          string
		invalidConfig bool
	}{
		"empty path":     {"", true},
		"missing folder": {filepath.Join(t.TempDir(), "no", "such", "x.db"), false},
		"a folder":       {t.TempDir(), false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, err := database.OpenSQLite(context.Background(), c.path)
			require.ErrorIs(t, err, database.ErrOpen)
			assert.Nil(t, db)
			assert.Equal(t, c.invalidConfig, errors.Is(err, database.ErrInvalidConfig))
		})
	}
}

func TestOpenSQLiteShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ozg.db")
	db, err := database.OpenSQLite(ctx, path)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "CREATE TABLE app (v TEXT)")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	// The file keeps what was written: reopening sees the table.
	db, err = database.OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT COUNT(*) FROM app").Scan(&n))
	assert.Zero(t, n)
	assert.Equal(t, 1, db.Stats().MaxOpenConnections, "one connection: SQLite has one writer")
}

func TestOpenPostgresRefuses(t *testing.T) {
	t.Parallel()
	const pw = "s3cretPW"
	cases := map[string]struct {
		dsn           string
		invalidConfig bool
	}{
		"unparsable URL":   {"postgres://u:" + pw + "@%zz/db", true},
		"bad sslmode":      {"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=bogus", true},
		"bad port":         {"host=127.0.0.1 port=x password=" + pw, true},
		"nothing listens":  {"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", false},
		"key/value closed": {"host=127.0.0.1 port=1 user=u password=" + pw + " sslmode=disable connect_timeout=2", false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pool, err := database.OpenPostgres(context.Background(), c.dsn)
			require.ErrorIs(t, err, database.ErrOpen)
			assert.Nil(t, pool)
			assert.Equal(t, c.invalidConfig, errors.Is(err, database.ErrInvalidConfig))
			assert.NotContains(t, err.Error(), pw)
		})
	}
}

func TestOpenPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := database.OpenPostgres(ctx, testenv.PostgresDatabase(t))
	require.NoError(t, err)
	defer pool.Close()
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT 40 + 2").Scan(&n))
	assert.Equal(t, 42, n)
}

func ExampleOpenSQLite() {
	ctx := context.Background()
	db, err := database.OpenSQLite(ctx, database.MemoryPath)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	// Pass db to every store's NewSQLite; the application's own tables
	// live beside them.
	var mode string
	_ = db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	fmt.Println("journal mode of an in-memory database:", mode)
	_, err = database.OpenSQLite(ctx, "")
	fmt.Println(err != nil)
	// Output:
	// journal mode of an in-memory database: memory
	// true
}
