package girocheckout_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/girocheckout"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// A GiroCheckout notification reports gcAmount and gcCurrency
// (payment/paymenttest/SOURCES.md, GiroCheckout), so a verified, matching one stands in for a composed pull that
// reports PAYED without amount; without it, or with another amount, the
// PAYED is refused (anti-pattern 9.5 in payment/paymenttest/SOURCES.md).
func TestNotificationReportsAmountForUnreportedPull(t *testing.T) {
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"project-pass"}, InsecureAllowMD5: true}
	cases := []struct {
		name    string
		push    func(*girocheckout.Notification) // nil: Sync without push
		target  error
		want    paytype.Status
		anomaly paystore.AnomalyKind
	}{
		{"no notification", nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"notification with another amount", func(n *girocheckout.Notification) { n.Amount = "4583" }, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyPushMismatch},
		{"notification reports failure", func(n *girocheckout.Notification) { n.ResultPayment = "4900" }, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"notification in another currency", func(n *girocheckout.Notification) { n.Currency = "USD" }, payprovider.ErrInvalidPush, paytype.StatusInitial, ""},
		{"matching notification", func(*girocheckout.Notification) {}, nil, paytype.StatusPaid, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := paymenttest.NewFakeProvider()
			c, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: payprovider.WithPushVerifier(fake, v), Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			ctx := context.Background()
			_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
			require.NoError(t, err)
			require.NoError(t, fake.Set("k-1", paytype.StatusPaid, -1))
			require.NoError(t, fake.Unreport("k-1", true, true))
			if tc.push == nil {
				_, err = c.Sync(ctx, "k-1")
			} else {
				_, err = c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, tc.push)})
			}
			if tc.target == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.target)
			}
			got, err := c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Status)
			paymenttest.RequireAnomaly(t, c, "k-1", tc.anomaly)
		})
	}
	p, err := v.VerifyPush(context.Background(), payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.Equal(t, paytype.EUR, p.Currency)
	assert.True(t, p.AmountReported)
}
