package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// A store on a database the caller shares (for example with notify's
// outbox) migrates into it, passes the conformance suite, and leaves the
// database open on Close.
func TestNewSQLiteSharedDatabase(t *testing.T) {
	t.Parallel()
	paymenttest.StoreConformance(t, func(t *testing.T) paystore.Store {
		ctx := context.Background()
		db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "shared.db"))
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, `CREATE TABLE app_state (id INTEGER PRIMARY KEY)`)
		require.NoError(t, err)
		s, err := sqlstore.NewSQLite(ctx, db)
		require.NoError(t, err)
		t.Cleanup(func() {
			require.NoError(t, s.Close())
			require.NoError(t, db.PingContext(ctx), "Close must leave a shared database open")
			var n int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_state`).Scan(&n))
			require.NoError(t, db.Close())
		})
		return s
	})
}
