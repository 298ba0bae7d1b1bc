package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/internal/testenv"
)

func TestSessionsMemory(t *testing.T) {
	accounttest.SessionStoreConformance(t, func(*testing.T) account.SessionStore { return account.NewMemorySessionStore() })
}

func TestSessionsSQLite(t *testing.T) {
	accounttest.SessionStoreConformance(t, func(t *testing.T) account.SessionStore {
		db, err := database.OpenSQLite(context.Background(), database.MemoryPath)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := sqlstore.NewSessionsSQLite(context.Background(), db)
		require.NoError(t, err)
		return s
	})
}

func TestSessionsSharedWithSAMLStore(t *testing.T) {
	st, err := sqlstore.OpenSQLite(context.Background(), "")
	require.NoError(t, err)
	defer st.Close()
	_, err = st.Sessions(context.Background())
	require.NoError(t, err)
	_, err = st.Sessions(context.Background()) // migrations idempotent
	require.NoError(t, err)
}

func TestSessionsPostgres(t *testing.T) {
	accounttest.SessionStoreConformance(t, func(t *testing.T) account.SessionStore {
		pool, err := database.OpenPostgres(context.Background(), testenv.PostgresDatabase(t))
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		s, err := sqlstore.NewSessionsPostgres(context.Background(), pool)
		require.NoError(t, err)
		return s
	})
}
