package payprovider

import (
	"context"
	"github.com/egosaar/ozg/payment/paytype"
	"net/http"
	"time"
)

// Provider is a Bezahldienst adapter. Implementations must be safe for
// concurrent use. Create sends exactly one request (the Client decides about
// retries); Get may retry on its own because it is idempotent.
type Provider interface {
	// Create places the submission at the Bezahldienst. It must send
	// sub.RequestID as the provider's request/transaction identifier so that a
	// repeated call is recognised as a duplicate (PAYMENT_EXISTS).
	Create(ctx context.Context, sub *Submission) (*ProviderTransaction, error)
	// Get pulls the current state of a transaction.
	Get(ctx context.Context, ref Ref) (*ProviderTransaction, error)
}

// Recoverer is implemented by providers that can find a transaction by the
// caller's requestId. The Client uses it after the Bezahldienst answered
// PAYMENT_EXISTS to a retried create whose first answer was lost.
type Recoverer interface {
	Recover(ctx context.Context, sub *Submission) (*ProviderTransaction, error)
}

// PushVerifier is implemented by providers whose Bezahldienst pushes
// notifications (pmPayment). VerifyPush authenticates the raw request and
// returns what it claims. The claim is never applied as such: the Client
// only uses it to trigger a pull.
type PushVerifier interface {
	VerifyPush(ctx context.Context, in PushInput) (*Push, error)
}

// Submission is a stored create request as it goes to the provider. On a
// retry the same RequestID and Timestamp are sent again.
type Submission struct {
	RequestID string
	Timestamp time.Time
	Request   *paytype.CreateRequest
}

// Ref identifies a transaction at the provider.
type Ref struct {
	RequestID      string
	TransactionID  string
	TransactionURL string
}

// ProviderTransaction is the provider's view of a transaction.
type ProviderTransaction struct {
	RequestID      string // requestId echoed by the provider; "" if not reported
	TransactionID  string
	TransactionURL string
	PayURL         string // hosted pay page (transactionRedirectUrl), only while INITIAL
	Reference      string // transactionReference, e.g. the Kassenzeichen
	Status         paytype.Status
	StatusDetail   string
	PaymentMethod  string
	PaidAt         time.Time
	Amount         paytype.Amount   // gross amount reported by the provider
	AmountReported bool             // whether the provider reported an amount at all
	Currency       paytype.Currency // currency reported by the provider; "" if not reported
	// AmountByPush is set by adapters whose pull never carries the amount
	// because the provider's protocol reports it only in its signed push
	// (pmPayment's status pull). A final PAYED without a reported amount is
	// then neither applied nor an anomaly when pulled on its own (Sync, Run):
	// the Client waits for the signed push whose amount matched (HandlePush).
	// Any other PAYED without amount and currency is refused as a mismatch.
	AmountByPush bool
}

// PushInput is an incoming push exactly as received. Body must be the raw
// bytes: a signature is computed over them.
type PushInput struct {
	Method   string
	Header   http.Header
	RawQuery string
	Body     []byte
}

// Push is a verified (authentic, fresh) push. Its claims are untrusted for
// the final state.
type Push struct {
	EventID        string // deduplication key, stable across redeliveries
	RequestID      string
	TransactionID  string
	Status         paytype.Status // claimed status
	Amount         paytype.Amount
	AmountReported bool
	// Currency of Amount as the push reports it, or as its protocol fixes
	// it (pmPayment amounts are euro cents); "" if unknown.
	Currency  paytype.Currency
	Timestamp time.Time
	// Redelivers reports that the provider's protocol documents the
	// redelivery of a push that was not acknowledged (GiroCheckout: "The
	// notification is repeated no more than 10 times every 30 minutes until
	// the shop returns the status code 200 or 400"). For such a push a
	// PAYED claim the pull does not confirm yet is answered with
	// ErrClaimPending (503) and not marked seen; without it (pmPayment,
	// whose resending is not documented) the push is acknowledged once its
	// claim is recorded. See Client.HandlePush.
	Redelivers bool
}
