package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// "Fee paid" and the application's own state change commit together:
// OnStatusChangeTx writes the application's row through the store's
// transaction. When it fails, neither the transition nor the row is
// stored, and the next pull applies both.
func TestOnStatusChangeTxCommitsTogether(t *testing.T) {
	ctx := context.Background()
	db, err := database.OpenSQLite(ctx, filepath.Join(t.TempDir(), "app.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.ExecContext(ctx, `CREATE TABLE antraege (id TEXT PRIMARY KEY, gebuehr_bezahlt INTEGER NOT NULL)`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO antraege (id, gebuehr_bezahlt) VALUES ('k-1', 0)`)
	require.NoError(t, err)
	store, err := sqlstore.NewSQLite(ctx, db)
	require.NoError(t, err)

	fake := paymenttest.NewFakeProvider()
	failHook := true
	c, err := payment.New(payment.Config{Provider: fake, Store: store, Logger: slog.New(slog.DiscardHandler),
		OnStatusChangeTx: func(ctx context.Context, tx *sql.Tx, sc payment.StatusChange) error {
			if _, err := tx.ExecContext(ctx, `UPDATE antraege SET gebuehr_bezahlt = 1 WHERE id = ?`, sc.RequestID); err != nil {
				return err
			}
			if failHook {
				return errors.New("application refused")
			}
			return nil
		}})
	require.NoError(t, err)
	_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	require.NoError(t, fake.Set("k-1", paytype.StatusPaid, -1))

	paid := func() int {
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT gebuehr_bezahlt FROM antraege WHERE id = 'k-1'`).Scan(&n))
		return n
	}
	_, err = c.Sync(ctx, "k-1")
	var se *paystore.StoreError
	require.ErrorAs(t, err, &se, "a failed hook is an error on our side: pulled again later")
	got, err := c.Get(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusInitial, got.Status, "transition rolled back with the hook")
	assert.Equal(t, 0, paid(), "application change rolled back")

	failHook = false
	got, err = c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, got.Status)
	assert.Equal(t, 1, paid())
}

func TestOnStatusChangeTxNeedsTxStore(t *testing.T) {
	_, err := payment.New(payment.Config{Provider: paymenttest.NewFakeProvider(), Store: paystore.NewMemoryStore(),
		OnStatusChangeTx: func(context.Context, *sql.Tx, payment.StatusChange) error { return nil }})
	require.ErrorIs(t, err, payment.ErrInvalidConfig)
}
