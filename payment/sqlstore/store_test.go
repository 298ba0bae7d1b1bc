package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/sqlstore"
)

func newSQLite(t *testing.T) paystore.Store {
	// A file database: exercises WAL and the single-connection settings.
	s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "payment.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// postgresFactory creates one database for the whole suite and empties
// it for every store (a fresh database per subtest costs ~1 s each).
func postgresFactory(t *testing.T) func(t *testing.T) paystore.Store {
	dsn := testenv.PostgresDatabase(t)
	pool, err := sqldb.OpenPostgres(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return func(t *testing.T) paystore.Store {
		s, err := sqlstore.NewPostgres(context.Background(), pool)
		require.NoError(t, err)
		_, err = pool.Exec(context.Background(), `TRUNCATE payment_transactions, payment_anomalies, payment_push_seen, payment_push_claims`)
		require.NoError(t, err)
		return s
	}
}

func TestSQLiteConformance(t *testing.T) {
	paymenttest.StoreConformance(t, newSQLite)
}

func TestSQLiteMemoryConformance(t *testing.T) {
	paymenttest.StoreConformance(t, func(t *testing.T) paystore.Store {
		s, err := sqlstore.OpenSQLite(context.Background(), database.MemoryPath)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestPostgresConformance(t *testing.T) {
	paymenttest.StoreConformance(t, postgresFactory(t))
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := sqlstore.OpenSQLite(context.Background(), path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s, err = sqlstore.OpenSQLite(context.Background(), path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

func TestConstructorsInvalidConfig(t *testing.T) {
	ctx := context.Background()
	_, err := sqlstore.OpenSQLite(ctx, "")
	require.ErrorIs(t, err, sqlstore.ErrInvalidConfig)
	_, err = sqlstore.NewSQLite(ctx, nil)
	require.ErrorIs(t, err, sqlstore.ErrInvalidConfig)
	_, err = sqlstore.NewPostgres(ctx, nil)
	require.ErrorIs(t, err, sqlstore.ErrInvalidConfig)
}
