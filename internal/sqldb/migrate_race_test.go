package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// TestMigrateConcurrentFresh starts several "instances" (each with its own
// connection pool) that migrate an empty database at the same moment, for
// two components: every Migrate succeeds and each migration is applied
// once. Before the bookkeeping table was created under the advisory lock,
// PostgreSQL could fail one of them with a unique violation on
// pg_type_typname_nsp_index.
func TestMigrateConcurrentFresh(t *testing.T) {
	t.Parallel()
	const instances, rounds = 4, 4
	backends := map[string]struct {
		d    Dialect
		open func(t *testing.T) func(t *testing.T) *sql.DB // per round: a fresh database, opened once per instance
	}{
		"sqlite file": {SQLite, func(t *testing.T) func(t *testing.T) *sql.DB {
			path := filepath.Join(t.TempDir(), "fresh.db")
			return func(t *testing.T) *sql.DB {
				db, err := OpenSQLite(context.Background(), path)
				require.NoError(t, err)
				return db
			}
		}},
		"postgres": {Postgres, func(t *testing.T) func(t *testing.T) *sql.DB {
			dsn := testenv.PostgresDatabase(t)
			return func(t *testing.T) *sql.DB {
				pool, err := OpenPostgres(context.Background(), dsn)
				require.NoError(t, err)
				t.Cleanup(pool.Close)
				return PostgresDB(pool)
			}
		}},
	}
	for name, b := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for round := range rounds {
				t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
					open := b.open(t)
					dbs := make([]*sql.DB, instances)
					for i := range dbs {
						dbs[i] = open(t)
						t.Cleanup(func() { dbs[i].Close() })
					}
					start := make(chan struct{})
					errs := make([]error, instances)
					var wg sync.WaitGroup
					for i, db := range dbs {
						wg.Go(func() {
							<-start
							c := fmt.Sprint("c", i%2)
							errs[i] = Migrate(context.Background(), db, b.d, c, componentMigrations(c), "m")
						})
					}
					close(start)
					wg.Wait()
					for i, err := range errs {
						require.NoError(t, err, "instance %d", i)
					}
					var n int
					require.NoError(t, dbs[0].QueryRowContext(context.Background(),
						`SELECT COUNT(*) FROM ozg_schema_migrations`).Scan(&n))
					assert.Equal(t, 4, n, "two components, two migrations each")
				})
			}
		})
	}
}

// componentMigrations returns two migrations of a table of its own for
// component c (valid on both dialects).
func componentMigrations(c string) fstest.MapFS {
	return fstest.MapFS{
		"m/001_init.sql": {Data: []byte("CREATE TABLE t_" + c + " (v TEXT NOT NULL)")},
		"m/002_add.sql":  {Data: []byte("ALTER TABLE t_" + c + " ADD COLUMN w TEXT")},
	}
}

// TestMigrateFailures: a Migrate that cannot run reports an error and
// leaves no bookkeeping behind.
func TestMigrateFailures(t *testing.T) {
	t.Parallel()
	fsys := os.DirFS("testdata/migrations")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := map[string]func(t *testing.T) (*sql.DB, Dialect, context.Context){
		"sqlite: canceled context": func(t *testing.T) (*sql.DB, Dialect, context.Context) {
			db, err := OpenSQLite(context.Background(), MemoryPath)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db, SQLite, canceled
		},
		"postgres: canceled context": func(t *testing.T) (*sql.DB, Dialect, context.Context) {
			pool, err := OpenPostgres(context.Background(), testenv.PostgresDatabase(t))
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			return PostgresDB(pool), Postgres, canceled
		},
		"sqlite: closed database": func(t *testing.T) (*sql.DB, Dialect, context.Context) {
			db, err := OpenSQLite(context.Background(), MemoryPath)
			require.NoError(t, err)
			require.NoError(t, db.Close())
			return db, SQLite, context.Background()
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, d, ctx := setup(t)
			err := Migrate(ctx, db, d, "test", fsys, d.String())
			if ctx.Err() == nil {
				// database/sql does not export its "database is closed" error.
				require.ErrorContains(t, err, "sql: database is closed")
				return
			}
			require.ErrorIs(t, err, context.Canceled)
			var n int
			err = db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM ozg_schema_migrations`).Scan(&n)
			requireNoTable(t, d, err)
		})
	}
}
