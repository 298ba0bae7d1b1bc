package sqlstore_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// Two instances (separate connections to one SQLite file, separate
// Clients) create the same payment concurrently and then apply the result
// concurrently: one transaction at the Bezahldienst, one applied
// transition, one hook call in total.
func TestTwoInstancesSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	twoInstances(t, func() paystore.Store {
		s, err := sqlstore.OpenSQLite(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestTwoInstancesPostgres(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	twoInstances(t, func() paystore.Store {
		pool, err := sqldb.OpenPostgres(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		s, err := sqlstore.NewPostgres(context.Background(), pool)
		require.NoError(t, err)
		return s
	})
}

func twoInstances(t *testing.T, open func() paystore.Store) {
	ctx := context.Background()
	fake := paymenttest.NewFakeProvider()
	var hooks atomic.Int32
	var clients []*payment.Client
	for i := 0; i < 2; i++ {
		s := open()
		c, err := payment.New(payment.Config{Provider: fake, Store: s, Logger: slog.New(slog.DiscardHandler),
			OnStatusChange: func(context.Context, payment.StatusChange) { hooks.Add(1) }})
		require.NoError(t, err)
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	ids := make(chan string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := clients[i%2].Create(ctx, paymenttest.ValidRequest("k-shared"))
			if assert.NoError(t, err) {
				ids <- tx.TransactionID
			}
		}()
	}
	wg.Wait()
	close(ids)
	for id := range ids {
		assert.Equal(t, "FX-k-shared", id)
	}
	assert.Equal(t, 1, fake.Creates(), "the store's create lease lets exactly one instance POST")
	an, err := clients[0].Anomalies(ctx, "k-shared")
	require.NoError(t, err)
	assert.Empty(t, an, "no false outcome-unknown anomaly")

	require.NoError(t, fake.Set("k-shared", paytype.StatusPaid, -1))
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := clients[i%2].Sync(ctx, "k-shared")
			if assert.NoError(t, err) {
				assert.Equal(t, paytype.StatusPaid, tx.Status)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), hooks.Load(), "one hook call for one applied transition")
}
