package girocheckout

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/egosaar/ozg/payment"
)

// ResultSuccess is gcResultPayment for a successful payment.
const ResultSuccess = "4000"

// Notification is a parsed, unverified notification.
type Notification struct {
	Reference, MerchantTxID, BackendTxID, Amount, Currency, ResultPayment, Hash string
}

// Message is the byte string the hash covers.
func (n *Notification) Message() string {
	return n.Reference + n.MerchantTxID + n.BackendTxID + n.Amount + n.Currency + n.ResultPayment
}

// Query renders the notification as a query string.
func (n *Notification) Query() string {
	q := url.Values{}
	q.Set("gcReference", n.Reference)
	q.Set("gcMerchantTxId", n.MerchantTxID)
	q.Set("gcBackendTxId", n.BackendTxID)
	q.Set("gcAmount", n.Amount)
	q.Set("gcCurrency", n.Currency)
	q.Set("gcResultPayment", n.ResultPayment)
	q.Set("gcHash", n.Hash)
	return q.Encode()
}

// ParseNotification parses a raw query string (≤ 4 KiB, each field once,
// ≤ 255 bytes). It does not verify.
func ParseNotification(rawQuery string) (*Notification, error) {
	if len(rawQuery) > 4096 {
		return nil, fmt.Errorf("%w: query too long", payment.ErrInvalidPush)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: query", payment.ErrInvalidPush)
	}
	n := &Notification{}
	for _, f := range []struct {
		k   string
		dst *string
	}{{"gcReference", &n.Reference}, {"gcMerchantTxId", &n.MerchantTxID}, {"gcBackendTxId", &n.BackendTxID},
		{"gcAmount", &n.Amount}, {"gcCurrency", &n.Currency}, {"gcResultPayment", &n.ResultPayment}, {"gcHash", &n.Hash}} {
		v := q[f.k]
		if len(v) != 1 || v[0] == "" || len(v[0]) > 255 {
			return nil, fmt.Errorf("%w: field %s missing, repeated or too long", payment.ErrInvalidPush, f.k)
		}
		*f.dst = v[0]
	}
	return n, nil
}

// Verifier is a payment.PushVerifier for GiroCheckout-style notifications.
type Verifier struct {
	// Passphrases are the project passphrases, current first.
	Passphrases []payment.Secret
	// InsecureAllowMD5 MUST be set explicitly: HMAC-MD5 is legacy.
	InsecureAllowMD5 bool
}

// Sign fills n.Hash (for simulators and tests).
func (v Verifier) Sign(n *Notification) error {
	h, err := v.hmac().Sign([]byte(n.Message()))
	if err != nil {
		return err
	}
	n.Hash = h
	return nil
}

func (v Verifier) hmac() payment.HMACVerifier {
	return payment.HMACVerifier{Algorithm: payment.HMACMD5, Secrets: v.Passphrases, InsecureAllowMD5: v.InsecureAllowMD5}
}

// VerifyPush implements payment.PushVerifier. gcMerchantTxId is the
// requestId; gcAmount and gcCurrency are reported as amount and currency,
// so a signed notification for another amount is refused by
// payment.Client, and a matching one stands in for a pull that reports no
// amount.
func (v Verifier) VerifyPush(_ context.Context, in payment.PushInput) (*payment.Push, error) {
	if in.Method != "" && in.Method != "GET" {
		return nil, fmt.Errorf("%w: method", payment.ErrInvalidPush)
	}
	n, err := ParseNotification(in.RawQuery)
	if err != nil {
		return nil, err
	}
	if err := v.hmac().Verify([]byte(n.Message()), n.Hash); err != nil {
		return nil, err
	}
	if n.Currency != string(payment.EUR) {
		return nil, fmt.Errorf("%w: %w", payment.ErrInvalidPush, payment.ErrInvalidCurrency)
	}
	cents, err := strconv.ParseInt(n.Amount, 10, 64)
	if err != nil || cents < 0 || n.Amount[0] == '+' {
		return nil, fmt.Errorf("%w: amount", payment.ErrInvalidPush)
	}
	st := payment.StatusFailed
	if n.ResultPayment == ResultSuccess {
		st = payment.StatusPaid
	}
	return &payment.Push{
		EventID:   "girocheckout:" + n.Reference + ":" + n.ResultPayment,
		RequestID: n.MerchantTxID, Status: st, Amount: payment.Amount(cents), AmountReported: true,
		Currency: payment.EUR, // gcCurrency, checked above
		// payment.md §5 (S22): "The notification is repeated no more than
		// 10 times every 30 minutes until the shop returns the status code
		// 200 or 400."
		Redelivers: true,
	}, nil
}
