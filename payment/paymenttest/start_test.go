package paymenttest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
)

// An application wires a simulator in two lines and runs a payment to
// PAYED, with a redirect URL on loopback http (development).
func TestStart(t *testing.T) {
	sim := paymenttest.Start(t)
	c, err := payment.New(sim.Config())
	require.NoError(t, err)
	ctx := context.Background()
	req := paymenttest.ValidRequest("k-start")
	req.RedirectURL = "http://127.0.0.1:8080/antrag/1/zahlung"
	tx, err := c.Create(ctx, req)
	require.NoError(t, err)
	assert.NotEmpty(t, tx.PayURL)
	require.NoError(t, sim.Pay(tx.TransactionID))
	tx, err = c.Sync(ctx, "k-start")
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, tx.Status)

	other := paymenttest.StartWith(t, paymenttest.XConfig{EndpointID: "09161000"})
	assert.Equal(t, "09161000", other.ProviderConfig().EndpointID)
	assert.NotSame(t, sim.Config().Store, sim.Config().Store, "each Config is fresh")
}
