package girocheckout_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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

// GiroCheckout repeats a notification "no more than 10 times every 30
// minutes until the shop returns the status code 200 or 400" (GiroCheckout API
// documentation, giropay functions). A success notification that reaches the shop before the pulled
// status confirms it is therefore answered 503 with Retry-After and not
// marked seen, so the redelivery pulls again; its claim (amount and
// currency matched) is recorded as well, so that a confirming pull after
// the last redelivery is still applied even when it reports no amount.
func TestPushClaimAheadOfStatus(t *testing.T) {
	ctx := context.Background()
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"project-pass"}, InsecureAllowMD5: true}
	attacker := girocheckout.Verifier{Passphrases: []payprovider.Secret{"guess"}, InsecureAllowMD5: true}
	type env struct {
		fake    *paymenttest.FakeProvider
		c       *payment.Client
		h       http.Handler
		changes int
	}
	type step func(t *testing.T, e *env)
	deliver := func(t *testing.T, e *env, q string, code int) {
		t.Helper()
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/payment/notify?"+q, nil))
		assert.Equal(t, code, rec.Code, "notify answer")
		if code == http.StatusServiceUnavailable {
			assert.Equal(t, "60", rec.Header().Get("Retry-After"))
		} else {
			assert.Empty(t, rec.Header().Get("Retry-After"))
		}
	}
	push := func(mut func(*girocheckout.Notification), code int) step {
		return func(t *testing.T, e *env) { deliver(t, e, signed(t, v, mut), code) }
	}
	paid := push(nil, http.StatusServiceUnavailable) // ahead of the pull
	raw := func(q func(t *testing.T) string, code int) step {
		return func(t *testing.T, e *env) { deliver(t, e, q(t), code) }
	}
	set := func(st paytype.Status, unreported bool) step {
		return func(t *testing.T, e *env) {
			require.NoError(t, e.fake.Set("k-1", st, -1))
			if unreported {
				require.NoError(t, e.fake.Unreport("k-1", true, true))
			}
		}
	}
	sync := func(t *testing.T, e *env) { _, _ = e.c.Sync(ctx, "k-1") }
	pullDown := func(_ *testing.T, e *env) { e.fake.FailGets(payprovider.ErrUnavailable) }

	cases := []struct {
		name      string
		steps     []step
		want      paytype.Status
		changes   int
		anomalies []paystore.AnomalyKind
		claim     bool
	}{
		{"claim with wrong amount, then status confirms without amount", []step{push(func(n *girocheckout.Notification) { n.Amount = "4583" }, http.StatusBadRequest), set(paytype.StatusPaid, true), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyPushMismatch, paystore.AnomalyMismatch}, false},
		{"claim in another currency", []step{push(func(n *girocheckout.Notification) { n.Currency = "USD" }, http.StatusBadRequest), set(paytype.StatusPaid, true), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyMismatch}, false},
		{"forged signature", []step{raw(func(t *testing.T) string { return signed(t, attacker, nil) }, http.StatusBadRequest), set(paytype.StatusPaid, true), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyMismatch}, false},
		{"amount changed after signing", []step{raw(func(t *testing.T) string {
			return strings.Replace(signed(t, v, nil), "gcAmount=4584", "gcAmount=1", 1)
		}, http.StatusBadRequest), set(paytype.StatusPaid, true), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyMismatch}, false},
		{"claim for unknown transaction", []step{push(func(n *girocheckout.Notification) { n.MerchantTxID = "k-unknown" }, http.StatusNotFound), set(paytype.StatusPaid, true), sync},
			paytype.StatusInitial, 0, []paystore.AnomalyKind{paystore.AnomalyMismatch}, false},
		{"failure notification ahead of the pull is no paid claim", []step{push(func(n *girocheckout.Notification) { n.ResultPayment = "4900" }, http.StatusOK)},
			paytype.StatusInitial, 0, nil, false},
		{"claim ahead, redelivered while still pending", []step{paid, paid, paid},
			paytype.StatusInitial, 0, nil, true},
		{"claim ahead, payment service then reports failed", []step{paid, set(paytype.StatusFailed, false), push(nil, http.StatusOK)},
			paytype.StatusFailed, 1, []paystore.AnomalyKind{paystore.AnomalyPushMismatch}, true},
		{"claim while the pull fails", []step{pullDown, paid},
			paytype.StatusInitial, 0, nil, true},
		{"claim ahead, then the redelivery confirms", []step{paid, set(paytype.StatusPaid, false), push(nil, http.StatusOK)},
			paytype.StatusPaid, 1, nil, true},
		{"claim ahead, redeliveries over, pull without amount confirms", []step{paid, set(paytype.StatusPaid, true), sync},
			paytype.StatusPaid, 1, nil, true},
		{"duplicate notification after applied", []step{set(paytype.StatusPaid, false), push(nil, http.StatusOK), push(nil, http.StatusOK), push(nil, http.StatusOK)},
			paytype.StatusPaid, 1, nil, true},
		{"replayed notification with another reference after applied", []step{set(paytype.StatusPaid, false), push(nil, http.StatusOK),
			push(func(n *girocheckout.Notification) { n.Reference = "replayed" }, http.StatusBadRequest)},
			paytype.StatusPaid, 1, []paystore.AnomalyKind{paystore.AnomalyPushMismatch}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{fake: paymenttest.NewFakeProvider()}
			var err error
			e.c, err = payment.New(payment.Config{Store: paystore.NewMemoryStore(),
				Provider: payprovider.WithPushVerifier(e.fake, v), Logger: slog.New(slog.DiscardHandler),
				OnStatusChange: func(context.Context, payment.StatusChange) { e.changes++ },
			})
			require.NoError(t, err)
			e.h = e.c.PushHandler()
			_, err = e.c.Create(ctx, paymenttest.ValidRequest("k-1"))
			require.NoError(t, err)
			for _, s := range tc.steps {
				s(t, e)
			}
			got, err := e.c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Status)
			assert.Equal(t, tc.changes, e.changes)
			assert.Equal(t, tc.anomalies, paymenttest.AnomalyKinds(t, e.c, "k-1"))
			_, err = e.c.Store().Claim(ctx, "k-1")
			if tc.claim {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, paystore.ErrNotFound)
			}
			_, err = e.c.Store().Claim(ctx, "k-unknown")
			require.ErrorIs(t, err, paystore.ErrNotFound)
		})
	}
}
