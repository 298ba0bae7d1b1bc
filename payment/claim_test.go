package payment_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

var errStoreDown = errors.New("store down")

// claimStore fails RecordClaim or Claim on demand.
type claimStore struct {
	paystore.Store
	recordErr, claimErr error
}

func (s *claimStore) RecordClaim(ctx context.Context, c paystore.PushClaim) (bool, error) {
	if s.recordErr != nil {
		return false, s.recordErr
	}
	return s.Store.RecordClaim(ctx, c)
}

func (s *claimStore) Claim(ctx context.Context, requestID string) (*paystore.PushClaim, error) {
	if s.claimErr != nil {
		return nil, s.claimErr
	}
	return s.Store.Claim(ctx, requestID)
}

// A recorded claim stands in for the amount report of a later pulled
// PAYED only if it claims PAYED with exactly the request's amount and
// currency; it never overrides what the pull reports and never sets a
// state by itself. Store failures are returned, never taken as "no claim"
// or as an anomaly.
func TestRecordedClaimEvidence(t *testing.T) {
	const total = paytype.Amount(4584) // paymenttest.ValidRequest
	claim := func(mut func(*paystore.PushClaim)) *paystore.PushClaim {
		c := &paystore.PushClaim{RequestID: "k-1", EventID: "e-0", Status: paytype.StatusPaid, Amount: total, Currency: paytype.EUR, At: t0}
		if mut != nil {
			mut(c)
		}
		return c
	}
	type pull struct {
		status               paytype.Status
		amount               paytype.Amount // -1: the request's
		noAmount, noCurrency bool
		byPush               bool
	}
	paidByPush := pull{paytype.StatusPaid, -1, true, true, true}
	paidNoEcho := pull{paytype.StatusPaid, -1, true, true, false}
	cases := []struct {
		name     string
		claim    *paystore.PushClaim
		pull     pull
		claimErr error
		target   error
		want     paytype.Status
		anomaly  paystore.AnomalyKind
	}{
		{"claim with another amount is no evidence", claim(func(c *paystore.PushClaim) { c.Amount = total - 1 }), paidNoEcho, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"claim with zero amount is no evidence", claim(func(c *paystore.PushClaim) { c.Amount = 0 }), paidNoEcho, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"claim in another currency is no evidence", claim(func(c *paystore.PushClaim) { c.Currency = "USD" }), paidNoEcho, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"claim without currency is no evidence", claim(func(c *paystore.PushClaim) { c.Currency = "" }), paidNoEcho, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"failure claim is no evidence", claim(func(c *paystore.PushClaim) { c.Status = paytype.StatusFailed }), paidNoEcho, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"claim for another transaction is no evidence", claim(func(c *paystore.PushClaim) { c.RequestID = "k-2" }), paidNoEcho, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"push-only pull: mismatching claim, still waits", claim(func(c *paystore.PushClaim) { c.Amount = total + 1 }), paidByPush, nil, nil, paytype.StatusInitial, ""},
		{"claim never overrides a pulled amount", claim(nil), pull{paytype.StatusPaid, total - 1, false, false, false}, nil, payment.ErrMismatch, paytype.StatusInitial, paystore.AnomalyMismatch},
		{"claim alone never sets a state", claim(nil), pull{paytype.StatusInitial, -1, true, true, true}, nil, nil, paytype.StatusInitial, ""},
		{"claim store down: error, no anomaly", claim(nil), paidByPush, errStoreDown, errStoreDown, paytype.StatusInitial, ""},
		{"pulled FAILED against a paid claim: applied, operator told", claim(nil), pull{paytype.StatusFailed, -1, true, true, true}, nil, nil, paytype.StatusFailed, paystore.AnomalyPushMismatch},
		{"pulled CANCELED against a paid claim: applied, operator told", claim(nil), pull{paytype.StatusCanceled, -1, true, true, false}, nil, nil, paytype.StatusCanceled, paystore.AnomalyPushMismatch},
		{"matching claim, push-only pull", claim(nil), paidByPush, nil, nil, paytype.StatusPaid, ""},
		{"matching claim, pull without echo", claim(nil), paidNoEcho, nil, nil, paytype.StatusPaid, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mp := &mutProvider{FakeProvider: paymenttest.NewFakeProvider()}
			cs := &claimStore{Store: paystore.NewMemoryStore()}
			h := newHarness(t, func(c *payment.Config) { c.Provider, c.Store = mp, cs })
			ctx := context.Background()
			createdTx(t, h, "k-1")
			_, err := cs.RecordClaim(ctx, *tc.claim)
			require.NoError(t, err)
			cs.claimErr = tc.claimErr
			require.NoError(t, mp.Set("k-1", tc.pull.status, tc.pull.amount))
			require.NoError(t, mp.Unreport("k-1", tc.pull.noAmount, tc.pull.noCurrency))
			mp.mut = func(p *payprovider.ProviderTransaction) { p.AmountByPush = tc.pull.byPush }

			_, err = h.c.Sync(ctx, "k-1")
			if tc.target == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.target)
			}
			got, err := h.c.Get(ctx, "k-1")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Status)
			paymenttest.RequireAnomaly(t, h.c, "k-1", tc.anomaly)
		})
	}
}

// A claim that cannot be recorded is not acknowledged: HandlePush fails
// before it pulls or marks the push seen, and PushHandler answers 503 with
// Retry-After.
func TestPushClaimNotRecordedIsRetried(t *testing.T) {
	push := payprovider.Push{EventID: "e-1", RequestID: "k-1", Status: paytype.StatusPaid, Amount: 4584, AmountReported: true, Currency: paytype.EUR}
	for _, redelivers := range []bool{false, true} {
		t.Run(map[bool]string{false: "no redelivery", true: "redelivery"}[redelivers], func(t *testing.T) {
			cs := &claimStore{Store: paystore.NewMemoryStore(), recordErr: errStoreDown}
			p := push
			p.Redelivers = redelivers
			var fake *paymenttest.FakeProvider
			h := newHarness(t, func(c *payment.Config) {
				fake = c.Provider.(*paymenttest.FakeProvider)
				c.Provider, c.Store = payprovider.WithPushVerifier(fake, stubPush{p}), cs
			})
			ctx := context.Background()
			createdTx(t, h, "k-1")
			gets := fake.Gets()
			rec := httptest.NewRecorder()
			h.c.PushHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/notify", nil))
			assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
			assert.Equal(t, "60", rec.Header().Get("Retry-After"))
			assert.Equal(t, gets, fake.Gets(), "no pull before the claim is stored")
			seen, err := cs.PushSeen(ctx, "e-1")
			require.NoError(t, err)
			assert.False(t, seen)

			// The store is back: the redelivered push is recorded and,
			// the pull not confirming yet, answered per the provider.
			cs.recordErr = nil
			rec = httptest.NewRecorder()
			h.c.PushHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/notify", nil))
			want := map[bool]int{false: http.StatusOK, true: http.StatusServiceUnavailable}[redelivers]
			assert.Equal(t, want, rec.Code)
			seen, err = cs.PushSeen(ctx, "e-1")
			require.NoError(t, err)
			assert.Equal(t, !redelivers, seen)
			_, err = cs.Claim(ctx, "k-1")
			require.NoError(t, err)
		})
	}
}

// HandlePush reports a claim ahead of the pull as Pending; only a provider
// that redelivers gets ErrClaimPending.
func TestHandlePushPending(t *testing.T) {
	for _, redelivers := range []bool{false, true} {
		p := payprovider.Push{EventID: "e-1", RequestID: "k-1", Status: paytype.StatusPaid, Amount: 4584, AmountReported: true, Currency: paytype.EUR, Redelivers: redelivers}
		h := newHarness(t, func(c *payment.Config) { c.Provider = payprovider.WithPushVerifier(c.Provider, stubPush{p}) })
		ctx := context.Background()
		createdTx(t, h, "k-1")
		res, err := h.c.HandlePush(ctx, payprovider.PushInput{})
		if redelivers {
			require.ErrorIs(t, err, payment.ErrClaimPending)
		} else {
			require.NoError(t, err)
		}
		require.NotNil(t, res)
		assert.True(t, res.Pending)
		assert.False(t, res.Duplicate)
		assert.Equal(t, paytype.StatusInitial, res.Transaction.Status)
	}
}
