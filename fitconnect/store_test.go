package fitconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/internal/testenv"
)

func TestStoreConformanceSQLite(t *testing.T) {
	t.Parallel()
	fitconnecttest.StoreConformance(t, func(t *testing.T) *fitconnect.Store {
		st, err := fitconnect.OpenSQLite(context.Background(), t.TempDir()+"/fc.db")
		require.NoError(t, err)
		return st
	})
}

func TestStoreConformancePostgres(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	fitconnecttest.StoreConformance(t, func(t *testing.T) *fitconnect.Store {
		pool, err := database.OpenPostgres(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		st, err := fitconnect.NewPostgres(context.Background(), pool)
		require.NoError(t, err)
		return st
	})
}
