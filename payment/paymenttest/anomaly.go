package paymenttest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paystore"
)

// AnomalyKinds returns the kinds of the anomalies c's Store holds for
// requestID, in the Store's order; nil when there are none. A Store error
// fails t.
func AnomalyKinds(t testing.TB, c *payment.Client, requestID string) []paystore.AnomalyKind {
	t.Helper()
	an, err := c.Anomalies(context.Background(), requestID)
	require.NoError(t, err)
	var kinds []paystore.AnomalyKind
	for _, a := range an {
		kinds = append(kinds, a.Kind)
	}
	return kinds
}

// RequireAnomaly fails t unless requestID has exactly one anomaly, of
// kind, or none at all when kind is "".
func RequireAnomaly(t testing.TB, c *payment.Client, requestID string, kind paystore.AnomalyKind) {
	t.Helper()
	got := AnomalyKinds(t, c, requestID)
	if kind == "" {
		require.Empty(t, got, "anomalies of %s", requestID)
		return
	}
	require.Equal(t, []paystore.AnomalyKind{kind}, got, "anomalies of %s", requestID)
}
