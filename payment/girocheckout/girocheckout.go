package girocheckout

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paytype"
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

// ParseNotification parses a raw query string (≤ 4 KiB, each field once).
// It does not verify the hash, but it checks each field's syntax, so that
// the unseparated hash input splits back into the fields one way only
// where the syntax allows it:
//
//   - gcMerchantTxId: the requestId, 1 … 36 of [A-Za-z0-9_-];
//   - gcReference, gcBackendTxId: 1 … 64 of [A-Za-z0-9_-];
//   - gcAmount: euro cents, 1 … 12 digits without leading zero;
//   - gcCurrency: exactly three upper-case letters;
//   - gcResultPayment: exactly four digits;
//   - gcHash: 32 hex digits (HMAC-MD5).
//
// Where two adjacent fields share an alphabet (gcReference|gcMerchantTxId,
// gcMerchantTxId|gcBackendTxId, gcBackendTxId|gcAmount) a re-split keeps
// the hash valid; payment.Client closes that by binding every field to
// the stored transaction (gcReference = transaction ID, gcMerchantTxId =
// requestId, gcAmount and gcCurrency = the request's). A missing gcHash is
// payprovider.ErrInvalidSignature; any other missing or malformed field
// payprovider.ErrInvalidPush.
func ParseNotification(rawQuery string) (*Notification, error) {
	if len(rawQuery) > 4096 {
		return nil, fmt.Errorf("%w: query too long", payprovider.ErrInvalidPush)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: query", payprovider.ErrInvalidPush)
	}
	if v := q["gcHash"]; len(v) == 0 || v[0] == "" {
		return nil, fmt.Errorf("%w: gcHash missing", payprovider.ErrInvalidSignature)
	}
	n := &Notification{}
	for _, f := range []struct {
		k   string
		dst *string
		ok  func(string) bool
	}{
		{"gcReference", &n.Reference, idOf(64)}, {"gcMerchantTxId", &n.MerchantTxID, idOf(paytype.MaxIDLength)},
		{"gcBackendTxId", &n.BackendTxID, idOf(64)}, {"gcAmount", &n.Amount, isCents},
		{"gcCurrency", &n.Currency, isCurrency}, {"gcResultPayment", &n.ResultPayment, isResult}, {"gcHash", &n.Hash, isMD5Hex},
	} {
		v := q[f.k]
		if len(v) != 1 || v[0] == "" || !f.ok(v[0]) {
			return nil, fmt.Errorf("%w: field %s missing, repeated or malformed", payprovider.ErrInvalidPush, f.k)
		}
		*f.dst = v[0]
	}
	return n, nil
}

func idOf(max int) func(string) bool {
	return func(s string) bool {
		if len(s) > max {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
		return true
	}
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isCents(s string) bool {
	return len(s) <= 12 && allBytes(s, isDigit) && (s == "0" || s[0] != '0')
}

func isCurrency(s string) bool {
	return len(s) == 3 && allBytes(s, func(c byte) bool { return c >= 'A' && c <= 'Z' })
}

func isResult(s string) bool { return len(s) == 4 && allBytes(s, isDigit) }

func isMD5Hex(s string) bool {
	return len(s) == 32 && allBytes(s, func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' })
}

// Verifier is a payprovider.PushVerifier for GiroCheckout-style notifications.
type Verifier struct {
	// Passphrases are the project passphrases, current first.
	Passphrases []payprovider.Secret
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

func (v Verifier) hmac() payprovider.HMACVerifier {
	return payprovider.HMACVerifier{Algorithm: payprovider.HMACMD5, Secrets: v.Passphrases, InsecureAllowMD5: v.InsecureAllowMD5}
}

// VerifyPush implements payprovider.PushVerifier. gcMerchantTxId is reported
// as the requestId and gcReference as the transaction ID: payment.Client
// accepts the notification only for the stored transaction with both (the
// composed provider must report GiroCheckout's reference as
// ProviderTransaction.TransactionID). gcAmount and gcCurrency are reported
// as amount and currency, so a signed notification for another amount is
// refused by payment.Client, and a matching one stands in for a pull that
// reports no amount.
func (v Verifier) VerifyPush(_ context.Context, in payprovider.PushInput) (*payprovider.Push, error) {
	if in.Method != "" && in.Method != "GET" {
		return nil, fmt.Errorf("%w: method", payprovider.ErrInvalidPush)
	}
	n, err := ParseNotification(in.RawQuery)
	if err != nil {
		return nil, err
	}
	if err := v.hmac().Verify([]byte(n.Message()), n.Hash); err != nil {
		return nil, err
	}
	if n.Currency != string(paytype.EUR) {
		return nil, fmt.Errorf("%w: %w", payprovider.ErrInvalidPush, paytype.ErrInvalidCurrency)
	}
	cents, err := strconv.ParseInt(n.Amount, 10, 64)
	if err != nil || cents < 0 {
		return nil, fmt.Errorf("%w: amount", payprovider.ErrInvalidPush)
	}
	st := paytype.StatusFailed
	if n.ResultPayment == ResultSuccess {
		st = paytype.StatusPaid
	}
	return &payprovider.Push{
		EventID:   "girocheckout:" + n.Reference + ":" + n.ResultPayment,
		RequestID: n.MerchantTxID, TransactionID: n.Reference, Status: st, Amount: paytype.Amount(cents), AmountReported: true,
		Currency: paytype.EUR, // gcCurrency, checked above
		// GiroCheckout API, giropay functions: "The notification is
		// repeated no more than 10 times every 30 minutes until the shop
		// returns the status code 200 or 400."
		Redelivers: true,
	}, nil
}
