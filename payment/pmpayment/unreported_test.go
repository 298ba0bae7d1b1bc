package pmpayment_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/pmpayment"
)

// pmPayment's status pull never carries an amount (payment/paymenttest/SOURCES.md); only
// the signed notification does. A pulled PAYED is therefore applied only
// together with a signed notification whose amount matched the request
// (anti-pattern 9.5 in payment/paymenttest/SOURCES.md), never from Sync or Run alone: those wait, and a
// transaction whose notification never comes ends in AnomalyExpired for
// an operator. The explicit opt-out applies the pull alone.
func TestPaidOnlyWithSignedAmount(t *testing.T) {
	type step func(t *testing.T, e *pmEnv, c *payment.Client) error
	ctx := context.Background()
	sync := func(t *testing.T, e *pmEnv, c *payment.Client) error { _, err := c.Sync(ctx, "k-1"); return err }
	run := func(t *testing.T, e *pmEnv, c *payment.Client) error {
		e.advance(time.Minute)
		n, err := c.ReconcileOnce(ctx)
		require.Equal(t, 1, n)
		return err
	}
	push := func(status, amount string, code int) step {
		return func(t *testing.T, e *pmEnv, c *payment.Client) error {
			n, err := e.sim.Notification("k-1")
			require.NoError(t, err)
			n.Status, n.Amount = status, amount
			require.NoError(t, pmpayment.SignNotification(n, "tenant-a-salt"))
			got, err := e.sim.Push(ctx, "k-1", n)
			require.NoError(t, err)
			assert.Equal(t, code, got)
			return nil
		}
	}
	expire := func(t *testing.T, e *pmEnv, c *payment.Client) error {
		e.advance(25 * time.Hour)
		_, err := c.ReconcileOnce(ctx)
		return err
	}
	cases := []struct {
		name     string
		insecure bool
		steps    []step
		want     paytype.Status
		anomaly  paystore.AnomalyKind
	}{
		{"paid by pull, Sync alone waits", false, []step{sync}, paytype.StatusInitial, ""},
		{"paid by pull, Run alone waits", false, []step{run, run}, paytype.StatusInitial, ""},
		{"paid by pull, signed notification with another amount", false, []step{push("1", "100", http.StatusBadRequest)}, paytype.StatusInitial, paystore.AnomalyPushMismatch},
		{"paid by pull, signed notification claims failed", false, []step{push("0", "4584", http.StatusOK)}, paytype.StatusInitial, ""},
		{"paid by pull, no notification until expiry", false, []step{sync, run, expire}, paytype.StatusInitial, paystore.AnomalyExpired},
		{"signed notification with the amount", false, []step{push("1", "4584", http.StatusOK)}, paytype.StatusPaid, ""},
		{"Sync waits, then the notification applies", false, []step{sync, push("1", "4584", http.StatusOK), sync}, paytype.StatusPaid, ""},
		{"opt-out: Sync applies the pull alone", true, []step{sync}, paytype.StatusPaid, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newPMEnv(t, nil)
			c := e.c
			if tc.insecure {
				var err error
				c, err = payment.New(payment.Config{Provider: e.p, Store: e.c.Store(), Now: e.Now, Logger: slog.New(slog.DiscardHandler), InsecureAcceptUnreportedAmount: true})
				require.NoError(t, err)
			}
			_, err := c.Create(ctx, pmRequest("k-1"))
			require.NoError(t, err)
			require.NoError(t, e.sim.SetStatus("k-1", "1"))
			for _, s := range tc.steps {
				require.NoError(t, s(t, e, c))
			}
			got, err := c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Status)
			if tc.want == paytype.StatusPaid && !tc.insecure {
				assert.Equal(t, 1, e.changeCount())
			}
			paymenttest.RequireAnomaly(t, c, "k-1", tc.anomaly)
		})
	}
}

// The adapter marks every pull AmountByPush and reports the notification's
// amount in euro cents, currency EUR by protocol definition.
func TestAmountReporting(t *testing.T) {
	e := newPMEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Create(ctx, pmRequest("k-1"))
	require.NoError(t, err)
	for _, st := range []string{"-1", "0", "1"} {
		require.NoError(t, e.sim.SetStatus("k-1", st))
		pt, err := e.p.Get(ctx, payprovider.Ref{TransactionID: "k-1"})
		require.NoError(t, err)
		assert.True(t, pt.AmountByPush, st)
		assert.False(t, pt.AmountReported, st)
		assert.Empty(t, pt.Currency, st)
	}
	n, err := e.sim.Notification("k-1")
	require.NoError(t, err)
	p, err := e.p.VerifyPush(ctx, payprovider.PushInput{Method: "POST", Body: []byte(n.Form().Encode())})
	require.NoError(t, err)
	assert.True(t, p.AmountReported)
	assert.Equal(t, paytype.Amount(4584), p.Amount)
	assert.Equal(t, paytype.EUR, p.Currency)
}
