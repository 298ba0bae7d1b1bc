package payment_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// stubPush is a PushVerifier that returns a fixed, "verified" push.
type stubPush struct{ p payprovider.Push }

func (s stubPush) VerifyPush(context.Context, payprovider.PushInput) (*payprovider.Push, error) {
	p := s.p
	return &p, nil
}

// Anti-pattern 9.5 (payment/paymenttest/SOURCES.md) / issue 7: a final PAYED is never applied without
// comparing amount and currency. The pull may leave them out (no
// paymentRequest echo) or never carry them (pmPayment: AmountByPush); then
// a verified push that reported them stands in, or the explicit opt-out.
func TestPaidWithoutReportedAmount(t *testing.T) {
	const total = paytype.Amount(4584) // paymenttest.ValidRequest
	type pull struct {
		status                       paytype.Status
		noAmount, noCurrency, byPush bool
	}
	paidPush := func(mut func(*payprovider.Push)) *payprovider.Push {
		p := &payprovider.Push{EventID: "e-1", RequestID: "k-1", Status: paytype.StatusPaid, Amount: total, AmountReported: true, Currency: paytype.EUR}
		if mut != nil {
			mut(p)
		}
		return p
	}
	paid := paytype.StatusPaid
	cases := []struct {
		name     string
		pull     pull
		trigger  string // "sync", "run" or "push"
		push     *payprovider.Push
		insecure bool
		target   error
		field    string
		want     paytype.Status
		anomaly  paystore.AnomalyKind
	}{
		{"amount not reported", pull{paid, true, false, false}, "sync", nil, false, payment.ErrMismatch, "amount", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"currency not reported", pull{paid, false, true, false}, "sync", nil, false, payment.ErrMismatch, "currency", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"neither reported", pull{paid, true, true, false}, "sync", nil, false, payment.ErrMismatch, "amount", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"amount not reported, background pull", pull{paid, true, false, false}, "run", nil, false, nil, "", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"amount not reported, push claims failed", pull{paid, true, false, false}, "push", paidPush(func(p *payprovider.Push) { p.Status = paytype.StatusFailed }), false, payment.ErrMismatch, "amount", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"amount not reported, push without amount", pull{paid, true, false, false}, "push", paidPush(func(p *payprovider.Push) { p.Amount, p.AmountReported = 0, false }), false, payment.ErrMismatch, "amount", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"currency not reported, push without currency", pull{paid, false, true, false}, "push", paidPush(func(p *payprovider.Push) { p.Currency = "" }), false, payment.ErrMismatch, "currency", paytype.StatusInitial, paystore.AnomalyMismatch},
		{"push with another amount", pull{paid, true, true, true}, "push", paidPush(func(p *payprovider.Push) { p.Amount = total - 1 }), false, payment.ErrMismatch, "amount", paytype.StatusInitial, paystore.AnomalyPushMismatch},
		{"push with another currency", pull{paid, true, true, true}, "push", paidPush(func(p *payprovider.Push) { p.Currency = "USD" }), false, payment.ErrMismatch, "currency", paytype.StatusInitial, paystore.AnomalyPushMismatch},
		{"push-only amount, pulled alone: waits", pull{paid, true, true, true}, "sync", nil, false, nil, "", paytype.StatusInitial, ""},
		{"push-only amount, background pull: waits", pull{paid, true, true, true}, "run", nil, false, nil, "", paytype.StatusInitial, ""},
		{"push-only amount, push claims failed: waits", pull{paid, true, true, true}, "push", paidPush(func(p *payprovider.Push) { p.Status = paytype.StatusFailed }), false, nil, "", paytype.StatusInitial, ""},
		{"reported (control)", pull{paid, false, false, false}, "sync", nil, false, nil, "", paytype.StatusPaid, ""},
		{"canceled needs no amount", pull{paytype.StatusCanceled, true, true, false}, "sync", nil, false, nil, "", paytype.StatusCanceled, ""},
		{"failed needs no amount", pull{paytype.StatusFailed, true, true, false}, "sync", nil, false, nil, "", paytype.StatusFailed, ""},
		{"push-only amount, matching signed push", pull{paid, true, true, true}, "push", paidPush(nil), false, nil, "", paytype.StatusPaid, ""},
		{"no echo, matching signed push", pull{paid, true, true, false}, "push", paidPush(nil), false, nil, "", paytype.StatusPaid, ""},
		{"opt-out applies without amount", pull{paid, true, true, false}, "sync", nil, true, nil, "", paytype.StatusPaid, ""},
		{"opt-out applies push-only pull", pull{paid, true, true, true}, "sync", nil, true, nil, "", paytype.StatusPaid, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mp := &mutProvider{FakeProvider: paymenttest.NewFakeProvider()}
			h := newHarness(t, func(c *payment.Config) {
				c.Provider = mp
				if tc.push != nil {
					c.Provider = payprovider.WithPushVerifier(mp, stubPush{*tc.push})
				}
				c.InsecureAcceptUnreportedAmount = tc.insecure
			})
			ctx := context.Background()
			createdTx(t, h, "k-1")
			require.NoError(t, mp.Set("k-1", tc.pull.status, -1))
			require.NoError(t, mp.Unreport("k-1", tc.pull.noAmount, tc.pull.noCurrency))
			mp.mut = func(p *payprovider.ProviderTransaction) { p.AmountByPush = tc.pull.byPush }

			var err error
			switch tc.trigger {
			case "sync":
				_, err = h.c.Sync(ctx, "k-1")
			case "run":
				h.clk.Add(time.Minute)
				var n int
				n, err = h.c.ReconcileOnce(ctx)
				require.Equal(t, 1, n)
			case "push":
				_, err = h.c.HandlePush(ctx, payprovider.PushInput{Method: "POST"})
			}
			if tc.target == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.target)
				var me *payment.MismatchError
				require.ErrorAs(t, err, &me)
				assert.Equal(t, tc.field, me.Field)
			}
			got, err := h.c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Status)
			if tc.want == paytype.StatusInitial {
				assert.Zero(t, h.changeCount(), "no hook for a refused result")
			} else {
				assert.Equal(t, 1, h.changeCount())
			}
			paymenttest.RequireAnomaly(t, h.c, "k-1", tc.anomaly)
			if tc.insecure {
				assert.Contains(t, h.logs.String(), `"level":"WARN","msg":"payment PAYED applied without reported amount or currency`)
			}
		})
	}
}

// The amount that is not reported is named in the error as such.
func TestMismatchErrorNotReported(t *testing.T) {
	mp := &mutProvider{FakeProvider: paymenttest.NewFakeProvider()}
	h := newHarness(t, func(c *payment.Config) { c.Provider = mp })
	createdTx(t, h, "k-1")
	require.NoError(t, mp.Set("k-1", paytype.StatusPaid, -1))
	require.NoError(t, mp.Unreport("k-1", true, false))
	_, err := h.c.Sync(context.Background(), "k-1")
	var me *payment.MismatchError
	require.ErrorAs(t, err, &me)
	assert.True(t, me.NotReported)
	assert.Equal(t, "45.84", me.Want)
	assert.Empty(t, me.Got)
	assert.Equal(t, "k-1", me.RequestID)
}

// finalCreate answers create with a final state right away.
type finalCreate struct {
	*paymenttest.FakeProvider
	mut func(*payprovider.ProviderTransaction)
}

func (f *finalCreate) Create(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	pt, err := f.FakeProvider.Create(ctx, sub)
	if err == nil {
		pt.Status = paytype.StatusPaid
		if f.mut != nil {
			f.mut(pt)
		}
	}
	return pt, err
}

// failingStore fails Transition while fail is set.
type failingStore struct {
	*paystore.MemoryStore
	fail atomic.Bool
}

var errDiskFull = errors.New("disk full")

func (s *failingStore) Transition(ctx context.Context, id string, from, to paytype.Status, u paystore.Update) (*paytype.Transaction, error) {
	if s.fail.Load() {
		return nil, errDiskFull
	}
	return s.MemoryStore.Transition(ctx, id, from, to, u)
}

// client.go: a final state in the create answer that cannot be applied is
// never dropped silently. Create returns the created transaction; a
// refusal is an anomaly, a store failure an Error log with the request ID;
// reconciliation applies the state later.
func TestCreateFinalStateNotApplied(t *testing.T) {
	cases := []struct {
		name      string
		mut       func(*payprovider.ProviderTransaction)
		storeFail bool
		want      paytype.Status
		anomaly   paystore.AnomalyKind
		errorLog  bool
	}{
		{"store fails", nil, true, paytype.StatusInitial, "", true},
		{"amount not reported", func(p *payprovider.ProviderTransaction) { p.AmountReported = false }, false, paytype.StatusInitial, paystore.AnomalyMismatch, false},
		{"currency not reported", func(p *payprovider.ProviderTransaction) { p.Currency = "" }, false, paytype.StatusInitial, paystore.AnomalyMismatch, false},
		{"push-only amount", func(p *payprovider.ProviderTransaction) { p.AmountReported, p.AmountByPush = false, true }, false, paytype.StatusInitial, "", false},
		{"reported (control)", nil, false, paytype.StatusPaid, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fp := &finalCreate{FakeProvider: paymenttest.NewFakeProvider(), mut: tc.mut}
			st := &failingStore{MemoryStore: paystore.NewMemoryStore()}
			st.fail.Store(tc.storeFail)
			h := newHarness(t, func(c *payment.Config) { c.Provider, c.Store = fp, st })
			ctx := context.Background()
			r := paymenttest.ValidRequest("k-1")
			r.Requestor = &paytype.Requestor{Name: "Mustermann", FirstName: "Erika"}
			tx, err := h.c.Create(ctx, r)
			require.NoError(t, err, "the payment is created either way")
			assert.Equal(t, tc.want, tx.Status)
			assert.NotEmpty(t, tx.TransactionID)
			paymenttest.RequireAnomaly(t, h.c, "k-1", tc.anomaly)
			logs := h.logs.String()
			if tc.errorLog {
				assert.Contains(t, logs, `"level":"ERROR","msg":"payment final state from create not applied`)
				assert.Contains(t, logs, `"request_id":"k-1"`)
			} else {
				assert.NotContains(t, logs, `"level":"ERROR"`)
			}
			for _, pii := range []string{"Mustermann", "Erika"} {
				assert.False(t, strings.Contains(logs, pii), "no personal data in logs")
			}
			if !tc.storeFail {
				return
			}
			// Nothing is lost: once the store works, reconciliation applies it.
			st.fail.Store(false)
			require.NoError(t, fp.Set("k-1", paytype.StatusPaid, -1))
			h.clk.Add(time.Minute)
			_, err = h.c.ReconcileOnce(ctx)
			require.NoError(t, err)
			got, err := h.c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, paytype.StatusPaid, got.Status)
			assert.Equal(t, 1, h.changeCount())
		})
	}
}
