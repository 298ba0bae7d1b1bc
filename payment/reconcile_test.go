package payment_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

func TestReconcilePullsDueAndBacksOff(t *testing.T) {
	h := newHarness(t, func(c *payment.Config) {
		c.PollInitial = time.Minute
		c.PollMax = 10 * time.Minute
		c.Expiry = time.Hour
	})
	createdTx(t, h, "k-1")
	n, err := h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "not due before PollInitial")

	h.clk.Add(time.Minute)
	var last time.Time
	var gaps []time.Duration
	for i := 0; i < 6; i++ {
		n, err = h.c.ReconcileOnce(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n)
		got, _ := h.c.Get(context.Background(), "k-1")
		assert.Equal(t, i+1, got.CheckAttempts)
		gaps = append(gaps, got.NextCheckAt.Sub(h.clk.Now()))
		last = got.NextCheckAt
		h.clk.t = last
	}
	for i := 1; i < len(gaps); i++ {
		assert.LessOrEqual(t, gaps[i], 10*time.Minute, "capped")
	}
	assert.Greater(t, gaps[4], gaps[0], "backoff grows")

	require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, -1))
	_, err = h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	got, _ := h.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusPaid, got.Status)
	assert.Equal(t, 1, h.changeCount())
	h.clk.Add(time.Hour)
	n, _ = h.c.ReconcileOnce(context.Background())
	assert.Zero(t, n, "terminal transactions are not polled")
}

func TestReconcileExpiry(t *testing.T) {
	h := newHarness(t, func(c *payment.Config) { c.Expiry = 10 * time.Minute; c.PollInitial = time.Minute })
	createdTx(t, h, "k-1")
	for i := 0; i < 50; i++ {
		h.clk.Add(time.Minute)
		_, err := h.c.ReconcileOnce(context.Background())
		require.NoError(t, err)
	}
	an, _ := h.c.Anomalies(context.Background(), "k-1")
	require.Len(t, an, 1)
	assert.Equal(t, paystore.AnomalyExpired, an[0].Kind)
	got, _ := h.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusInitial, got.Status, "expiry is an anomaly, never a guessed state")
	gets := h.fake.Gets()
	h.clk.Add(time.Hour)
	_, _ = h.c.ReconcileOnce(context.Background())
	assert.Equal(t, gets, h.fake.Gets(), "no polling after expiry")
}

func TestReconcileProviderDownReschedules(t *testing.T) {
	h := newHarness(t, nil)
	createdTx(t, h, "k-1")
	h.clk.Add(time.Hour)
	h.fake.FailGets(payprovider.ErrUnavailable)
	n, err := h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, _ := h.c.Get(context.Background(), "k-1")
	assert.True(t, got.NextCheckAt.After(h.clk.Now()))
}

func TestReconcileIllegalPullRecordsAnomaly(t *testing.T) {
	h := newHarness(t, nil)
	createdTx(t, h, "k-1")
	require.NoError(t, h.fake.Set("k-1", paytype.StatusPaid, 99))
	h.clk.Add(time.Hour)
	_, err := h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	got, _ := h.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusInitial, got.Status)
	an, _ := h.c.Anomalies(context.Background(), "k-1")
	require.NotEmpty(t, an)
	assert.Equal(t, paystore.AnomalyMismatch, an[0].Kind)
}

// Run on fake time: the bubble's clock drives PollInterval and backoff.
func TestRunSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := paymenttest.NewFakeProvider()
		changes := make(chan payment.StatusChange, 1)
		c, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(),
			Provider: fake, PollInitial: time.Minute, PollInterval: 10 * time.Second,
			Logger:         discardLogger(),
			OnStatusChange: func(_ context.Context, sc payment.StatusChange) { changes <- sc },
		})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- c.Run(ctx) }()
		_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
		require.NoError(t, err)
		time.Sleep(5 * time.Minute)
		require.NoError(t, fake.Set("k-1", paytype.StatusCanceled, -1))
		time.Sleep(30 * time.Minute)
		select {
		case sc := <-changes:
			assert.Equal(t, paytype.StatusCanceled, sc.To)
		default:
			t.Fatal("no status change within 30 minutes of fake time")
		}
		cancel()
		assert.NoError(t, <-done)
	})
}

// A request stored before a crash (never sent, or its answer lost) is
// re-sent by the reconciler with the same requestId and body.
func TestReconcileResumesUnconfirmed(t *testing.T) {
	h := newHarness(t, nil)
	e := &payprovider.ProviderError{HTTPStatus: 503, Err: payprovider.ErrUnavailable}
	h.fake.FailCreates(e, e, e)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrUnavailable)
	h.clk.Add(2 * time.Minute)
	n, err := h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, _ := h.c.Get(context.Background(), "k-1")
	assert.Equal(t, paytype.StatusInitial, got.Status)
	assert.Equal(t, "FX-k-1", got.TransactionID)
	assert.Equal(t, 4, h.fake.Creates())
}

// A definite refusal ends the request at the create: one anomaly
// "refused", and the reconciler never re-sends it (re-sending used to be
// answered PAYMENT_EXISTS or refused again and reported as outcome
// unknown).
func TestReconcileResumeRefusedStops(t *testing.T) {
	h := newHarness(t, nil)
	refuse := &payprovider.ProviderError{HTTPStatus: 400, FunctionalCode: "BOOKING_DATA_MISSING", Err: payprovider.ErrBookingDataMissing}
	h.fake.FailCreates(refuse, refuse)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.ErrorIs(t, err, payprovider.ErrBookingDataMissing)
	assert.Equal(t, 1, h.fake.Creates(), "a refusal is not retried")
	h.clk.Add(2 * time.Minute)
	_, err = h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	an, _ := h.c.Anomalies(context.Background(), "k-1")
	require.Len(t, an, 1)
	assert.Equal(t, paystore.AnomalyRefused, an[0].Kind)
	assert.Contains(t, an[0].Detail, "BOOKING_DATA_MISSING")
	h.clk.Add(time.Hour)
	_, _ = h.c.ReconcileOnce(context.Background())
	assert.Equal(t, 1, h.fake.Creates(), "no further attempts")
}

func TestReconcileResumeExpired(t *testing.T) {
	h := newHarness(t, func(c *payment.Config) { c.Expiry = time.Minute })
	h.fake.FailCreates(payprovider.ErrUnavailable, payprovider.ErrUnavailable, payprovider.ErrUnavailable)
	_, err := h.c.Create(context.Background(), paymenttest.ValidRequest("k-1"))
	require.Error(t, err)
	h.clk.Add(2 * time.Minute)
	_, err = h.c.ReconcileOnce(context.Background())
	require.NoError(t, err)
	an, _ := h.c.Anomalies(context.Background(), "k-1")
	require.Len(t, an, 1)
	assert.Equal(t, paystore.AnomalyExpired, an[0].Kind)
	assert.Equal(t, 3, h.fake.Creates())
}
