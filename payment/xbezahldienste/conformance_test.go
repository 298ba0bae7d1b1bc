package xbezahldienste_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

func TestProviderConformance(t *testing.T) {
	sim := paymenttest.Start(t)
	p, err := xbezahldienste.New(sim.ProviderConfig())
	require.NoError(t, err)
	paymenttest.ProviderConformance(t, paymenttest.ProviderHarness{
		Provider:          p,
		Pay:               func(t *testing.T, pt *payprovider.ProviderTransaction) { require.NoError(t, sim.Pay(pt.TransactionID)) },
		PullReportsAmount: true,
		FailNextCreate:    func(status int) { sim.FailNext(1, "paymenttransaction", status) },
	})
}
