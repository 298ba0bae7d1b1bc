package sqlstore_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// pushOnlyAmount is a pmPayment-like provider: its pull never carries the
// amount (AmountByPush) and its push is a fixed verified claim of PAYED
// with the requested amount.
type pushOnlyAmount struct{ *paymenttest.FakeProvider }

func (p pushOnlyAmount) Get(ctx context.Context, r payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	pt, err := p.FakeProvider.Get(ctx, r)
	if err == nil {
		pt.Amount, pt.AmountReported, pt.Currency, pt.AmountByPush = 0, false, "", true
	}
	return pt, err
}

func (pushOnlyAmount) VerifyPush(context.Context, payprovider.PushInput) (*payprovider.Push, error) {
	return &payprovider.Push{EventID: "ev-1", RequestID: "k-1", Status: paytype.StatusPaid, Amount: 4584, AmountReported: true, Currency: paytype.EUR}, nil
}

// A verified paid claim that arrives before the pull confirms it is
// stored durably: after a restart (another Client on a new connection) the
// pull that reports PAYED without amount is applied with it, once.
func TestPushClaimSurvivesRestartSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "claims.db")
	claimSurvivesRestart(t, func() paystore.Store {
		s, err := sqlstore.OpenSQLite(context.Background(), path)
		require.NoError(t, err)
		return s
	})
}

func TestPushClaimSurvivesRestartPostgres(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	claimSurvivesRestart(t, func() paystore.Store {
		pool, err := sqldb.OpenPostgres(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		s, err := sqlstore.NewPostgres(context.Background(), pool)
		require.NoError(t, err)
		return s
	})
}

func claimSurvivesRestart(t *testing.T, open func() paystore.Store) {
	ctx := context.Background()
	p := pushOnlyAmount{paymenttest.NewFakeProvider()}
	hooks := 0
	newClient := func(s paystore.Store) *payment.Client {
		c, err := payment.New(payment.Config{Provider: p, Store: s, Logger: slog.New(slog.DiscardHandler),
			OnStatusChange: func(context.Context, payment.StatusChange) { hooks++ }})
		require.NoError(t, err)
		return c
	}
	s1 := open()
	c1 := newClient(s1)
	_, err := c1.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	res, err := c1.HandlePush(ctx, payprovider.PushInput{})
	require.NoError(t, err)
	assert.True(t, res.Pending, "the pull still says INITIAL")
	require.NoError(t, s1.(*sqlstore.Store).Close())

	s2 := open()
	t.Cleanup(func() { s2.(*sqlstore.Store).Close() })
	c2 := newClient(s2)
	require.NoError(t, p.Set("k-1", paytype.StatusPaid, -1))
	tx, err := c2.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, tx.Status)
	res, err = c2.HandlePush(ctx, payprovider.PushInput{})
	require.NoError(t, err)
	assert.True(t, res.Duplicate, "the acknowledged push was marked seen")
	assert.Equal(t, 1, hooks)
	an, err := c2.Anomalies(ctx, "k-1")
	require.NoError(t, err)
	assert.Empty(t, an)
}
