package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/internal/testenv"
)

// The SAML request store on a database the application opened and shares
// with its other stores: the conformance suite on both backends, and
// Close leaves the shared handle open.
func TestSharedSQLite(t *testing.T) {
	accounttest.TestStore(t, func(t *testing.T) saml.Store {
		db, err := database.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "app.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := sqlstore.NewSQLite(t.Context(), db)
		require.NoError(t, err)
		// A second store on the same database migrates as a no-op, and
		// closing it leaves db usable for the first.
		again, err := sqlstore.NewSQLite(t.Context(), db)
		require.NoError(t, err)
		require.NoError(t, again.Close())
		require.NoError(t, db.PingContext(t.Context()))
		sessions, err := sqlstore.NewSessionsSQLite(t.Context(), db)
		require.NoError(t, err, "the session store shares the database")
		t.Cleanup(func() { sessions.Close() })
		return s
	})
}

func TestSharedPostgres(t *testing.T) {
	accounttest.TestStore(t, func(t *testing.T) saml.Store {
		pool, err := database.OpenPostgres(t.Context(), testenv.PostgresDatabase(t))
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		s, err := sqlstore.NewPostgres(t.Context(), pool)
		require.NoError(t, err)
		again, err := sqlstore.NewPostgres(t.Context(), pool)
		require.NoError(t, err)
		require.NoError(t, again.Close())
		require.NoError(t, pool.Ping(t.Context()), "Close leaves the shared pool open")
		return s
	})
}

// TestOpenedStoreCloses: a store that opened its database closes it.
func TestOpenedStoreCloses(t *testing.T) {
	s, err := sqlstore.OpenSQLite(context.Background(), "")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Request(context.Background(), "k", time.Now())
	assert.Error(t, err)
	assert.NotErrorIs(t, err, saml.ErrNotFound)
}
