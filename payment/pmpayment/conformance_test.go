package pmpayment_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/pmpayment"
)

func TestProviderConformance(t *testing.T) {
	sim := paymenttest.NewPMPayment(paymenttest.PMConfig{})
	t.Cleanup(sim.Close)
	p, err := pmpayment.New(sim.Config("https://service.example/payment/notify"))
	require.NoError(t, err)
	paymenttest.ProviderConformance(t, paymenttest.ProviderHarness{
		Provider: p,
		Pay: func(t *testing.T, pt *payprovider.ProviderTransaction) {
			require.NoError(t, sim.SetStatus(pt.TransactionID, "1"))
		},
		FailNextCreate: func(status int) { sim.FailNext(1, status) },
		PushInput: func(t *testing.T, pt *payprovider.ProviderTransaction) payprovider.PushInput {
			n, err := sim.Notification(pt.TransactionID)
			require.NoError(t, err)
			return payprovider.PushInput{Method: "POST", Body: []byte(n.Form().Encode())}
		},
		Tamper: func(in payprovider.PushInput) payprovider.PushInput {
			in.Body = []byte(strings.Replace(string(in.Body), "amount=4584", "amount=4583", 1))
			return in
		},
	})
}
