package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/internal/testenv"
)

func TestSQLiteMemory(t *testing.T) {
	accounttest.TestStore(t, func(t *testing.T) saml.Store {
		s, err := sqlstore.OpenSQLite(context.Background(), "")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestSQLiteFile(t *testing.T) {
	accounttest.TestStore(t, func(t *testing.T) saml.Store {
		path := filepath.Join(t.TempDir(), "account.db")
		s, err := sqlstore.OpenSQLite(context.Background(), path)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		// Reopening runs the migrations again as a no-op.
		s, err = sqlstore.OpenSQLite(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestPostgres(t *testing.T) {
	accounttest.TestStore(t, func(t *testing.T) saml.Store {
		s, err := sqlstore.OpenPostgres(context.Background(), testenv.PostgresDatabase(t))
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}
