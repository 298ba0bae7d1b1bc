package girocheckout_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/girocheckout"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paytype"
)

// GiroCheckout is a push verifier composed with the provider that creates
// and pulls (here the in-memory fake, which reports the amount): the
// suite's push part covers the verifier.
func TestProviderConformance(t *testing.T) {
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"project-pass"}, InsecureAllowMD5: true}
	fake := paymenttest.NewFakeProvider()
	paymenttest.ProviderConformance(t, paymenttest.ProviderHarness{
		Provider: payprovider.WithPushVerifier(fake, v),
		Pay: func(t *testing.T, pt *payprovider.ProviderTransaction) {
			require.NoError(t, fake.Set(pt.RequestID, paytype.StatusPaid, -1))
		},
		PullReportsAmount: true,
		PushInput: func(t *testing.T, pt *payprovider.ProviderTransaction) payprovider.PushInput {
			n := &girocheckout.Notification{Reference: pt.TransactionID, MerchantTxID: pt.RequestID, BackendTxID: "7001",
				Amount: "4584", Currency: "EUR", ResultPayment: girocheckout.ResultSuccess}
			require.NoError(t, v.Sign(n))
			return payprovider.PushInput{Method: "GET", RawQuery: n.Query()}
		},
		Tamper: func(in payprovider.PushInput) payprovider.PushInput {
			in.RawQuery = strings.Replace(in.RawQuery, "gcAmount=4584", "gcAmount=4583", 1)
			return in
		},
	})
}
