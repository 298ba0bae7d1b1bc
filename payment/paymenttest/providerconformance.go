package paymenttest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// ProviderHarness wires a provider adapter to a simulator of its
// Bezahldienst for ProviderConformance. Optional functions left nil skip
// their part of the suite (reported with t.Skip), so an adapter author
// sees what is not covered yet.
type ProviderHarness struct {
	// Provider is the adapter under test. Required.
	Provider payprovider.Provider
	// Pay makes the Bezahldienst report the transaction as paid. Required.
	Pay func(t *testing.T, pt *payprovider.ProviderTransaction)
	// PullReportsAmount: the pulled PAYED carries amount and currency.
	// false: the adapter must mark it AmountByPush (the amount comes with
	// the signed push only) and PushInput must be set.
	PullReportsAmount bool
	// FailNextCreate makes the Bezahldienst answer the next create with
	// the HTTP status. nil: the error mapping is skipped.
	FailNextCreate func(status int)
	// PushInput returns the push the Bezahldienst sends for pt (signed,
	// as received on the wire) claiming PAYED. nil: no push channel.
	PushInput func(t *testing.T, pt *payprovider.ProviderTransaction) payprovider.PushInput
	// Tamper changes one reported value of a push without re-signing it.
	// Required with PushInput.
	Tamper func(in payprovider.PushInput) payprovider.PushInput
}

// ProviderConformance runs the suite a payprovider.Provider adapter must
// pass: create (INITIAL, pay URL, requestId sent as the provider's
// identifier), PAYMENT_EXISTS on a repeated requestId, get after payment
// (amount reported by the pull, or marked AmountByPush), push
// verification (a genuine push verifies and names the transaction, a
// tampered or unsigned one is refused) and error mapping (5xx →
// ErrUnavailable and retryable, 401/403 → ErrForbidden, 4xx → a
// non-retryable *payprovider.ProviderError). An adapter is done when it
// passes and skips only what its protocol does not have (XBezahldienste
// 1.0.0 has no push; a push verifier composed with another provider has
// no create of its own).
func ProviderConformance(t *testing.T, h ProviderHarness) {
	t.Helper()
	ctx := context.Background()
	seq := 0
	create := func(t *testing.T) (*payprovider.Submission, *payprovider.ProviderTransaction) {
		t.Helper()
		seq++
		id := fmt.Sprintf("conf-%03d", seq)
		sub := &payprovider.Submission{RequestID: id, Timestamp: time.Now().UTC(), Request: ValidRequest(id)}
		pt, err := h.Provider.Create(ctx, sub)
		require.NoError(t, err)
		return sub, pt
	}

	t.Run("Create", func(t *testing.T) {
		sub, pt := create(t)
		assert.Equal(t, paytype.StatusInitial, pt.Status)
		assert.NotEmpty(t, pt.TransactionID)
		u, err := url.Parse(pt.PayURL)
		require.NoError(t, err, "pay URL")
		assert.True(t, u.IsAbs(), "absolute pay URL")
		assert.Contains(t, []string{"", sub.RequestID}, pt.RequestID, "requestId echoed or left out")
		if pt.AmountReported {
			assert.Equal(t, sub.Request.Total, pt.Amount)
		}
	})
	t.Run("RepeatedRequestIDIsPaymentExists", func(t *testing.T) {
		sub, _ := create(t)
		_, err := h.Provider.Create(ctx, sub)
		require.ErrorIs(t, err, payprovider.ErrPaymentExists)
	})
	t.Run("GetAfterPayment", func(t *testing.T) {
		sub, pt := create(t)
		got, err := h.Provider.Get(ctx, payprovider.Ref{RequestID: sub.RequestID, TransactionID: pt.TransactionID, TransactionURL: pt.TransactionURL})
		require.NoError(t, err)
		assert.Equal(t, paytype.StatusInitial, got.Status)
		h.Pay(t, pt)
		got, err = h.Provider.Get(ctx, payprovider.Ref{RequestID: sub.RequestID, TransactionID: pt.TransactionID, TransactionURL: pt.TransactionURL})
		require.NoError(t, err)
		assert.Equal(t, paytype.StatusPaid, got.Status)
		assert.Equal(t, pt.TransactionID, got.TransactionID)
		if h.PullReportsAmount {
			assert.True(t, got.AmountReported, "amount reported")
			assert.Equal(t, sub.Request.Total, got.Amount)
			assert.Equal(t, paytype.EUR, got.Currency)
		} else {
			assert.True(t, got.AmountReported || got.AmountByPush, "a pull without amount is marked AmountByPush")
			require.NotNil(t, h.PushInput, "the amount must then come with a push")
		}
	})
	t.Run("GetUnknown", func(t *testing.T) {
		_, err := h.Provider.Get(ctx, payprovider.Ref{RequestID: "conf-unknown", TransactionID: "conf-unknown"})
		require.Error(t, err)
		var pe *payprovider.ProviderError
		assert.True(t, errors.Is(err, paystore.ErrNotFound) || errors.As(err, &pe), "not found or a provider error: %v", err)
	})
	t.Run("Push", func(t *testing.T) {
		if h.PushInput == nil {
			t.Skip("no push channel")
		}
		pv, ok := h.Provider.(payprovider.PushVerifier)
		require.True(t, ok, "a provider with pushes implements payprovider.PushVerifier")
		sub, pt := create(t)
		h.Pay(t, pt)
		in := h.PushInput(t, pt)
		p, err := pv.VerifyPush(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, paytype.StatusPaid, p.Status)
		assert.NotEmpty(t, p.EventID)
		assert.True(t, p.RequestID == sub.RequestID || p.TransactionID == pt.TransactionID, "names the transaction")
		if p.TransactionID != "" {
			assert.Equal(t, pt.TransactionID, p.TransactionID, "binds to the stored transaction ID")
		}
		if p.AmountReported {
			assert.Equal(t, sub.Request.Total, p.Amount)
		}
		_, err = pv.VerifyPush(ctx, h.Tamper(in))
		require.Error(t, err)
		assert.True(t, errors.Is(err, payprovider.ErrInvalidSignature) || errors.Is(err, payprovider.ErrInvalidPush), "tampered: %v", err)
		_, err = pv.VerifyPush(ctx, payprovider.PushInput{Method: in.Method})
		require.Error(t, err, "empty push")
	})
	t.Run("ErrorMapping", func(t *testing.T) {
		if h.FailNextCreate == nil {
			t.Skip("no fault injection for creates")
		}
		for _, c := range []struct {
			status    int
			want      error
			retryable bool
		}{
			{503, payprovider.ErrUnavailable, true},
			{500, payprovider.ErrUnavailable, true},
			{403, payprovider.ErrForbidden, false},
			{400, nil, false},
		} {
			h.FailNextCreate(c.status)
			seq++
			id := fmt.Sprintf("conf-err-%03d", seq)
			_, err := h.Provider.Create(ctx, &payprovider.Submission{RequestID: id, Timestamp: time.Now().UTC(), Request: ValidRequest(id)})
			require.Error(t, err, "status %d", c.status)
			if c.want != nil {
				require.ErrorIs(t, err, c.want, "status %d", c.status)
			}
			var pe *payprovider.ProviderError
			require.ErrorAs(t, err, &pe, "status %d is a *payprovider.ProviderError", c.status)
			assert.Equal(t, c.status, pe.HTTPStatus)
			assert.Equal(t, c.retryable, pe.Retryable(), "status %d", c.status)
		}
	})
}
