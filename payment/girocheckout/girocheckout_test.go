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
	v := girocheckout.Verifier{Passphrases: []payment.Secret{"project-pass"}, InsecureAllowMD5: true}
	ctx := context.Background()
	p, err := v.VerifyPush(ctx, payment.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.Equal(t, payment.StatusPaid, p.Status)
	assert.Equal(t, payment.Amount(4584), p.Amount)
	assert.Equal(t, "k-1", p.RequestID)

	other := girocheckout.Verifier{Passphrases: []payment.Secret{"attacker"}, InsecureAllowMD5: true}
	bad := map[string]struct {
		in   payment.PushInput
		want error
	}{
		"no opt-in":       {payment.PushInput{RawQuery: signed(t, v, nil)}, payment.ErrAlgorithmNotAllowed},
		"forged":          {payment.PushInput{RawQuery: signed(t, other, nil)}, payment.ErrInvalidSignature},
		"amount tampered": {payment.PushInput{RawQuery: strings.Replace(signed(t, v, nil), "gcAmount=4584", "gcAmount=1", 1)}, payment.ErrInvalidSignature},
		"repeated field":  {payment.PushInput{RawQuery: signed(t, v, nil) + "&gcAmount=1"}, payment.ErrInvalidPush},
		"missing hash":    {payment.PushInput{RawQuery: "gcReference=a&gcMerchantTxId=b&gcBackendTxId=c&gcAmount=1&gcCurrency=EUR&gcResultPayment=4000"}, payment.ErrInvalidSignature},
		"empty hash":      {payment.PushInput{RawQuery: "gcReference=a&gcMerchantTxId=b&gcBackendTxId=c&gcAmount=1&gcCurrency=EUR&gcResultPayment=4000&gcHash="}, payment.ErrInvalidSignature},
		"short hash":      {payment.PushInput{RawQuery: strings.Replace(signed(t, v, nil), "gcHash=", "gcHash=0", 1)}, payment.ErrInvalidPush},
		"leading zero":    {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "04584" })}, payment.ErrInvalidPush},
		"currency 4":      {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Currency = "4EUR" })}, payment.ErrInvalidPush},
		"currency lower":  {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Currency = "eur" })}, payment.ErrInvalidPush},
		"result 5 digits": {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.ResultPayment = "40000" })}, payment.ErrInvalidPush},
		"result letters":  {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.ResultPayment = "R400" })}, payment.ErrInvalidPush},
		"txid 37":         {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.MerchantTxID = strings.Repeat("k", 37) })}, payment.ErrInvalidPush},
		"txid slash":      {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.MerchantTxID = "k/1" })}, payment.ErrInvalidPush},
		"reference space": {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Reference = "a b" })}, payment.ErrInvalidPush},
		"POST":            {payment.PushInput{Method: "POST", RawQuery: signed(t, v, nil)}, payment.ErrInvalidPush},
		"USD":             {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Currency = "USD" })}, payment.ErrInvalidPush},
		"negative":        {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "-1" })}, payment.ErrInvalidPush},
		"plus":            {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "+1" })}, payment.ErrInvalidPush},
		"decimal":         {payment.PushInput{RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "45.84" })}, payment.ErrInvalidPush},
		"too long":        {payment.PushInput{RawQuery: strings.Repeat("a", 5000)}, payment.ErrInvalidPush},
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
	v := girocheckout.Verifier{Passphrases: []payment.Secret{"project-pass"}, InsecureAllowMD5: true}
	fake := paymenttest.NewFakeProvider()
	c, err := payment.New(payment.Config{Store: payment.NewMemoryStore(), Provider: payment.WithPushVerifier(fake, v), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Create(ctx, paymenttest.ValidRequest("k-1"))
	require.NoError(t, err)
	// The push claims success, the pull still says INITIAL: the claim is
	// recorded, the push is not acknowledged (GiroCheckout redelivers until
	// 200 or 400) and not marked seen.
	res, err := c.HandlePush(ctx, payment.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.ErrorIs(t, err, payment.ErrClaimPending)
	assert.True(t, res.Pending)
	assert.Equal(t, payment.StatusInitial, res.Transaction.Status)
	require.NoError(t, fake.Set("k-1", payment.StatusPaid, -1))
	// The redelivery of the same notification is processed again and the
	// pull now confirms it.
	res, err = c.HandlePush(ctx, payment.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.False(t, res.Duplicate)
	assert.False(t, res.Pending)
	assert.Equal(t, payment.StatusPaid, res.Transaction.Status)
	res, err = c.HandlePush(ctx, payment.PushInput{Method: "GET", RawQuery: signed(t, v, nil)})
	require.NoError(t, err)
	assert.True(t, res.Duplicate)
	_, err = c.HandlePush(ctx, payment.PushInput{Method: "GET", RawQuery: signed(t, v, func(n *girocheckout.Notification) { n.Amount = "1"; n.Reference = "third" })})
	require.ErrorIs(t, err, payment.ErrMismatch)

	plain, err := payment.New(payment.Config{Store: payment.NewMemoryStore(), Provider: fake, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = plain.HandlePush(ctx, payment.PushInput{})
	require.ErrorIs(t, err, payment.ErrNoPush)
}

func FuzzParseNotification(f *testing.F) {
	f.Add("gcReference=a&gcMerchantTxId=b&gcBackendTxId=c&gcAmount=1&gcCurrency=EUR&gcResultPayment=4000&gcHash=00")
	f.Add("%%%")
	v := girocheckout.Verifier{Passphrases: []payment.Secret{"p"}, InsecureAllowMD5: true}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := girocheckout.ParseNotification(q)
		if err != nil {
			return
		}
		if n.Hash == "" {
			t.Fatal("empty hash parsed")
		}
		if p, err := v.VerifyPush(context.Background(), payment.PushInput{RawQuery: q}); err == nil && p.Amount < 0 {
			t.Fatal("negative amount verified")
		}
	})
}
