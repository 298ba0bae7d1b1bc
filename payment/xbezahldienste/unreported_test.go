package xbezahldienste_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// XBezahldienste reports amount and currency only in the echoed
// paymentRequest of the PaymentTransaction (XBezahldienste 1.0.0; field names as in payment/paymenttest/SOURCES.md). A PAYED
// without them is refused by payment.Client (anti-pattern 9.5 in payment/paymenttest/SOURCES.md), on every
// path that pulls: Sync and reconciliation.
func TestPaidWithoutEchoRefused(t *testing.T) {
	cases := []struct {
		name   string
		omit   []string // nil: whole paymentRequest
		run    bool     // reconcile instead of Sync
		field  string   // "" = accepted
		status paytype.Status
	}{
		{"no paymentRequest echo", nil, false, "amount", paytype.StatusInitial},
		{"echo without grosAmount", []string{"grosAmount"}, false, "amount", paytype.StatusInitial},
		{"echo without currency", []string{"currency"}, false, "currency", paytype.StatusInitial},
		{"echo without amount and currency", []string{"grosAmount", "currency"}, false, "amount", paytype.StatusInitial},
		{"no echo, background pull", nil, true, "amount", paytype.StatusInitial},
		{"echo without requestId", []string{"requestId"}, false, "", paytype.StatusPaid},
		{"full echo (control)", []string{}, false, "", paytype.StatusPaid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, paymenttest.XConfig{}, nil)
			ctx := context.Background()
			tx, err := e.c.Create(ctx, paymenttest.ValidRequest("k-1"))
			require.NoError(t, err)
			require.NoError(t, e.sim.Pay(tx.TransactionID))
			if tc.omit == nil {
				e.sim.OmitEcho(tx.TransactionID)
			} else if len(tc.omit) > 0 {
				e.sim.OmitEcho(tx.TransactionID, tc.omit...)
			}
			if tc.run {
				// The env's clock is fixed: a second client on the same store
				// whose clock is past the first poll (PollInitial 1 min).
				later := func() time.Time { return time.Date(2026, 3, 1, 10, 2, 0, 0, time.UTC) }
				c, err := payment.New(payment.Config{Provider: e.p, Store: e.c.Store(), Logger: discard(), Sleep: noSleep, Now: later})
				require.NoError(t, err)
				n, err := c.ReconcileOnce(ctx)
				require.NoError(t, err)
				require.Equal(t, 1, n)
			} else {
				_, err = e.c.Sync(ctx, "k-1")
				if tc.field == "" {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, payment.ErrMismatch)
					var me *payment.MismatchError
					require.ErrorAs(t, err, &me)
					assert.Equal(t, tc.field, me.Field)
					assert.True(t, me.NotReported)
				}
			}
			got, err := e.c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.status, got.Status)
			want := paystore.AnomalyKind("")
			if tc.field != "" {
				want = paystore.AnomalyMismatch
			}
			paymenttest.RequireAnomaly(t, e.c, "k-1", want)
		})
	}
}

// The opt-out is explicit: with it, the same PAYED without echo applies.
func TestPaidWithoutEchoInsecureOptOut(t *testing.T) {
	e := newEnv(t, paymenttest.XConfig{}, nil)
	ctx := context.Background()
	c, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: e.p, Logger: discard(), Sleep: noSleep, InsecureAcceptUnreportedAmount: true})
	require.NoError(t, err)
	tx, err := c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	require.NoError(t, e.sim.Pay(tx.TransactionID))
	e.sim.OmitEcho(tx.TransactionID)
	got, err := c.Sync(ctx, "k-1")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, got.Status)
}

// On the wire: only a present grosAmount counts as reported.
func TestDecodeTransactionAmountReported(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body             string
		amount, currency bool
	}{
		"no echo":          {`{"paymentInformation":{"transactionId":"T","status":"PAYED"}}`, false, false},
		"null echo":        {`{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":null}`, false, false},
		"empty echo":       {`{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{}}`, false, false},
		"null grosAmount":  {`{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{"grosAmount":null,"currency":"EUR"}}`, false, true},
		"empty currency":   {`{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{"grosAmount":1.00,"currency":""}}`, true, false},
		"amount, currency": {`{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{"grosAmount":0,"currency":"EUR"}}`, true, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pt, err := xbezahldienste.DecodeTransaction([]byte(tc.body))
			require.NoError(t, err)
			assert.Equal(t, tc.amount, pt.AmountReported)
			assert.Equal(t, tc.currency, pt.Currency != "")
			assert.False(t, pt.AmountByPush, "XBezahldienste pulls carry the amount")
		})
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
