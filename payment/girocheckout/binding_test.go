package girocheckout_test

import (
	"context"
	"log/slog"
	"net/url"
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

// resplit returns the query of n with the fields replaced by parts but
// n's hash kept: the unseparated hash input is the same byte string.
func resplit(t *testing.T, n girocheckout.Notification, mut func(*girocheckout.Notification)) string {
	t.Helper()
	before := n.Message()
	mut(&n)
	require.Equal(t, before, n.Message(), "a re-split keeps the hash input")
	return n.Query()
}

// A GiroCheckout hash covers the six values concatenated without
// separators, so a valid notification can be re-split between adjacent
// fields of the same alphabet and keep its hash. Each such notification,
// and a notification for one transaction naming another's reference, is
// refused before anything is recorded: no claim, no state, no "seen".
func TestNotificationBoundToStoredTransaction(t *testing.T) {
	ctx := context.Background()
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"project-pass"}, InsecureAllowMD5: true}
	base := girocheckout.Notification{Reference: "FX-k-1", MerchantTxID: "k-1", BackendTxID: "1234567", Amount: "4584", Currency: "EUR", ResultPayment: "4000"}
	require.NoError(t, v.Sign(&base))

	cases := []struct {
		name   string
		query  func(t *testing.T) string
		victim string // transaction that must stay without claim
		want   error
	}{
		{"merchantTxId|backendTxId re-split names another transaction", func(t *testing.T) string {
			return resplit(t, base, func(n *girocheckout.Notification) { n.MerchantTxID, n.BackendTxID = "k-11", "234567" })
		}, "k-11", payment.ErrMismatch},
		{"backendTxId|amount re-split changes the amount", func(t *testing.T) string {
			return resplit(t, base, func(n *girocheckout.Notification) { n.BackendTxID, n.Amount = "123456", "74584" })
		}, "k-1", payment.ErrMismatch},
		{"reference|merchantTxId re-split names an unknown transaction", func(t *testing.T) string {
			return resplit(t, base, func(n *girocheckout.Notification) { n.Reference, n.MerchantTxID = "FX-k-1k", "-1" })
		}, "k-1", paystore.ErrNotFound},
		{"notification for A carrying B's reference", func(t *testing.T) string {
			n := base
			n.Reference = "FX-k-11"
			require.NoError(t, v.Sign(&n))
			return n.Query()
		}, "k-1", payment.ErrMismatch},
		{"notification for B carrying A's reference", func(t *testing.T) string {
			n := base
			n.MerchantTxID = "k-11"
			require.NoError(t, v.Sign(&n))
			return n.Query()
		}, "k-11", payment.ErrMismatch},
		{"missing hash", func(t *testing.T) string {
			q, _ := url.ParseQuery(base.Query())
			q.Del("gcHash")
			return q.Encode()
		}, "k-1", payprovider.ErrInvalidSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := paymenttest.NewFakeProvider()
			c, err := payment.New(payment.Config{Provider: payprovider.WithPushVerifier(fake, v), Store: paystore.NewMemoryStore(), Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			for _, k := range []string{"k-1", "k-11"} {
				_, err = c.Create(ctx, paymenttest.ValidRequest(k))
				require.NoError(t, err)
				require.NoError(t, fake.Set(k, paytype.StatusPaid, -1))
				require.NoError(t, fake.Unreport(k, true, true)) // only a push could report the amount
			}
			_, err = c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: tc.query(t)})
			require.ErrorIs(t, err, tc.want)
			for _, k := range []string{"k-1", "k-11"} {
				_, err = c.Store().Claim(ctx, k)
				require.ErrorIs(t, err, paystore.ErrNotFound, "no claim stored for %s", k)
				got, err := c.Get(ctx, k)
				require.NoError(t, err)
				assert.Equal(t, paytype.StatusInitial, got.Status, k)
			}
			seen, err := c.Store().PushSeen(ctx, "girocheckout:FX-k-1:4000")
			require.NoError(t, err)
			assert.False(t, seen)
		})
	}

	// The genuine notification is applied.
	fake := paymenttest.NewFakeProvider()
	c, err := payment.New(payment.Config{Provider: payprovider.WithPushVerifier(fake, v), Store: paystore.NewMemoryStore(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	require.NoError(t, fake.Set("k-1", paytype.StatusPaid, -1))
	require.NoError(t, fake.Unreport("k-1", true, true))
	res, err := c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: base.Query()})
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, res.Transaction.Status)
}
