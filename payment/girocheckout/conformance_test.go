package girocheckout_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/girocheckout"
	"github.com/egosaar/ozg/payment/paymenttest"
)

// GiroCheckout is a push verifier composed with the provider that creates
// and pulls (here the in-memory fake, which reports the amount): the
// suite's push part covers the verifier.
func TestProviderConformance(t *testing.T) {
	v := girocheckout.Verifier{Passphrases: []payment.Secret{"project-pass"}, InsecureAllowMD5: true}
	fake := paymenttest.NewFakeProvider()
	paymenttest.ProviderConformance(t, paymenttest.ProviderHarness{
		Provider: payment.WithPushVerifier(fake, v),
		Pay: func(t *testing.T, pt *payment.ProviderTransaction) {
			require.NoError(t, fake.Set(pt.RequestID, payment.StatusPaid, -1))
		},
		PullReportsAmount: true,
		PushInput: func(t *testing.T, pt *payment.ProviderTransaction) payment.PushInput {
			n := &girocheckout.Notification{Reference: pt.TransactionID, MerchantTxID: pt.RequestID, BackendTxID: "7001",
				Amount: "4584", Currency: "EUR", ResultPayment: girocheckout.ResultSuccess}
			require.NoError(t, v.Sign(n))
			return payment.PushInput{Method: "GET", RawQuery: n.Query()}
		},
		Tamper: func(in payment.PushInput) payment.PushInput {
			in.RawQuery = strings.Replace(in.RawQuery, "gcAmount=4584", "gcAmount=4583", 1)
			return in
		},
	})
}
