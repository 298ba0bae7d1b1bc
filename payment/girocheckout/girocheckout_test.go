package girocheckout_test

import (
	"context"
	"log/slog"
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

func signed(t *testing.T, v girocheckout.Verifier, mut func(*girocheckout.Notification)) string {
	n := &girocheckout.Notification{Reference: "FX-k-1", MerchantTxID: "k-1", BackendTxID: "1234567", Amount: "4584", Currency: "EUR", ResultPayment: "4000"}
	if mut != nil {
		mut(n)
	}
	require.NoError(t, v.Sign(n))
	return n.Query()
}

func TestVerifier(t *testing.T) {
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"project-pass"}, InsecureAllowMD5: true}
	ctx := context.Background()
	p, err := v.VerifyPush(ctx, payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, p.Status)
	assert.Equal(t, paytype.Amount(4584), p.Amount)
	assert.Equal(t, "k-1", p.RequestID)

	other := girocheckout.Verifier{Passphrases: []payprovider.Secret{"attacker"}, InsecureAllowMD5: true}
	bad := map[string]struct {
		in   payprovider.PushInput
		want error
	}{
		"no opt-in":       {payprovider.PushInput{RawQuery: signed(t, v, nil)}, payprovider.ErrAlgorithmNotAllowed},
		"forged":          {payprovider.PushInput{RawQuery: signed(t, other, nil)}, payprovider.ErrInvalidSignature},
		"amount tampered": {payprovider.PushInput{RawQuery: strings.Replace(signed(t, v, nil), "gcAmount=4584", "gcAmount=1", 1)}, payprovider.ErrInvalidSignature},
		"repeated field":  {payprovider.PushInput{RawQuery: signed(t, v, nil) + "&gcAmount=1"}, payprovider.ErrInvalidPush},
		"missing hash":    {payprovider.PushInput{RawQuery: "gcReference=a&gcMerchantTxId=b&gcBackendTxId=c&gcAmount=1&gcCurrency=EUR&gcResultPayment=4000"}, payprovider.ErrInvalidSignature},
		"empty hash":      {payprovider.PushInput{RawQuery: "gcReference=a&gcMerchantTxId=b&gcBackendTxId=c&gcAmount=1&gcCurrency=EUR&gcResultPayment=4000&gcHash="}, payprovider.ErrInvalidSignature},
		"short hash":      {payprovider.PushInput{RawQuery: strings.Replace(signed(t, v, nil), "gcHash=", "gcHash=0", 1)}, payprovider.ErrInvalidPush},
		"leading zero":    {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "04584" })}, payprovider.ErrInvalidPush},
		"currency 4":      {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Currency = "4EUR" })}, payprovider.ErrInvalidPush},
		"currency lower":  {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Currency = "eur" })}, payprovider.ErrInvalidPush},
		"result 5 digits": {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.ResultPayment = "40000" })}, payprovider.ErrInvalidPush},
		"result letters":  {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.ResultPayment = "R400" })}, payprovider.ErrInvalidPush},
		"txid 37":         {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.MerchantTxID = strings.Repeat("k", 37) })}, payprovider.ErrInvalidPush},
		"txid slash":      {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.MerchantTxID = "k/1" })}, payprovider.ErrInvalidPush},
		"reference space": {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Reference = "a b" })}, payprovider.ErrInvalidPush},
		"POST":            {payprovider.PushInput{Method: "POST", RawQuery: signed(t, v, nil)}, payprovider.ErrInvalidPush},
		"USD":             {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Currency = "USD" })}, payprovider.ErrInvalidPush},
		"negative":        {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "-1" })}, payprovider.ErrInvalidPush},
		"plus":            {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "+1" })}, payprovider.ErrInvalidPush},
		"decimal":         {payprovider.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "45.84" })}, payprovider.ErrInvalidPush},
		"too long":        {payprovider.PushInput{RawQuery: strings.Repeat("a", 5000)}, payprovider.ErrInvalidPush},
	}
	for name, c := range bad {
		in := c.in
		vv := v
		if name == "no opt-in" {
			vv.InsecureAllowMD5 = false
		}
		_, err := vv.VerifyPush(ctx, in)
		require.ErrorIs(t, err, c.want, name)
	}
}

// Composition: the fake provider creates and pulls; GiroCheckout-style
// pushes only trigger the pull.
func TestWithPushVerifier(t *testing.T) {
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"project-pass"}, InsecureAllowMD5: true}
	fake := paymenttest.NewFakeProvider()
	c, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: payprovider.WithPushVerifier(fake, v), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	// The push claims success, the pull still says INITIAL: the claim is
	// recorded, the push is not acknowledged (GiroCheckout redelivers until
	// 200 or 400) and not marked seen.
	res, err := c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.ErrorIs(t, err, payment.ErrClaimPending)
	assert.True(t, res.Pending)
	assert.Equal(t, paytype.StatusInitial, res.Transaction.Status)
	require.NoError(t, fake.Set("k-1", paytype.StatusPaid, -1))
	// The redelivery of the same notification is processed again and the
	// pull now confirms it.
	res, err = c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.False(t, res.Duplicate)
	assert.False(t, res.Pending)
	assert.Equal(t, paytype.StatusPaid, res.Transaction.Status)
	res, err = c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.True(t, res.Duplicate)
	_, err = c.HandlePush(ctx, payprovider.PushInput{Method: "GET", RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "1"; n.Reference = "third" })})
	require.ErrorIs(t, err, payment.ErrMismatch)

	plain, err := payment.New(payment.Config{Store: paystore.NewMemoryStore(), Provider: fake, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = plain.HandlePush(ctx, payprovider.PushInput{})
	require.ErrorIs(t, err, payprovider.ErrNoPush)
}

func FuzzParseNotification(f *testing.F) {
	f.Add("gcReference=a&gcMerchantTxId=b&gcBackendTxId=c&gcAmount=1&gcCurrency=EUR&gcResultPayment=4000&gcHash=00")
	f.Add("%%%")
	v := girocheckout.Verifier{Passphrases: []payprovider.Secret{"p"}, InsecureAllowMD5: true}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := girocheckout.ParseNotification(q)
		if err != nil {
			return
		}
		if n.Hash == "" {
			t.Fatal("empty hash parsed")
		}
		if p, err := v.VerifyPush(context.Background(), payprovider.PushInput{RawQuery: q}); err == nil && p.Amount < 0 {
			t.Fatal("negative amount verified")
		}
	})
}
