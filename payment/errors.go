package payment

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is; the typed errors below
// unwrap to them.
var (
	// ErrInvalidConfig is wrapped by every configuration error of New and
	// Config.Validate.
	ErrInvalidConfig = errors.New("payment: invalid configuration")
	// ErrInvalidAmount: a negative, malformed, over-precise or too large amount.
	ErrInvalidAmount = errors.New("payment: invalid amount")
	// ErrInvalidCurrency: a currency other than EUR.
	ErrInvalidCurrency = errors.New("payment: invalid currency")
	// ErrInvalidRequest: a request field breaks a limit or pattern. It is
	// refused, never truncated or cleaned.
	ErrInvalidRequest = errors.New("payment: invalid request")
	// ErrCalculation: the items do not add up (locally detected, or the
	// Bezahldienst's CALCULATION_ERROR).
	ErrCalculation = errors.New("payment: amounts do not add up")
	// ErrIdempotencyConflict: the idempotency key was used before with a
	// different request body. No provider call is made.
	ErrIdempotencyConflict = errors.New("payment: idempotency key reused with a different request")
	// ErrPaymentExists: the Bezahldienst already holds a request with this
	// requestId (PAYMENT_EXISTS).
	ErrPaymentExists = errors.New("payment: payment request exists")
	// ErrBookingDataMissing: BOOKING_DATA_MISSING.
	ErrBookingDataMissing = errors.New("payment: booking data missing")
	// ErrUnknownMandant: NO_VALID_ORIGINATOR_OR_ENDPOINT (and its deprecated
	// predecessor NO_VALID_ORIGINATOR_OR_DESTINATION).
	ErrUnknownMandant = errors.New("payment: unknown originator or endpoint")
	// ErrValidation: VALIDATION_ERROR reported by the Bezahldienst.
	ErrValidation = errors.New("payment: rejected by payment service")
	// ErrForbidden: FORBIDDEN, 401 or 403 from the Bezahldienst.
	ErrForbidden = errors.New("payment: not authorised")
	// ErrUnavailable: the Bezahldienst answered 5xx or could not be reached.
	ErrUnavailable = errors.New("payment: payment service unavailable")
	// ErrProtocol: the Bezahldienst answered something this package cannot
	// interpret (malformed JSON, unknown status string, oversized body).
	ErrProtocol = errors.New("payment: protocol violation")
	// ErrUnknownStatus: a status string outside INITIAL, PAYED, CANCELED,
	// FAILED. It is never mapped to paid.
	ErrUnknownStatus = errors.New("payment: unknown status")
	// ErrIllegalTransition: a status change that the status machine forbids
	// (e.g. PAYED → FAILED). It is refused and recorded as an anomaly.
	ErrIllegalTransition = errors.New("payment: illegal status transition")
	// ErrMismatch: the pulled result differs from the stored request in
	// amount, currency or reference, or reports PAYED without amount or
	// currency. It is refused and recorded as an anomaly.
	ErrMismatch = errors.New("payment: result does not match request")
	// ErrNotFound: no such transaction.
	ErrNotFound = errors.New("payment: transaction not found")
	// ErrOutcomeUnknown: the create call may have succeeded at the
	// Bezahldienst but its answer was lost and the transaction cannot be
	// recovered automatically. The request stays stored; retry Create with
	// the same key later or resolve it by an operator.
	ErrOutcomeUnknown = errors.New("payment: outcome of create unknown")
	// ErrCreateEnded: an earlier create with this idempotency key ended
	// without a transaction: the Bezahldienst refused it (AnomalyRefused),
	// its outcome could not be determined (AnomalyOutcomeUnknown) or it
	// expired. It is not sent again; see Client.Anomalies, and use a new
	// key for a new attempt.
	ErrCreateEnded = errors.New("payment: create with this key ended without a transaction")
	// ErrInvalidSignature: a push whose signature is missing or does not
	// verify with any configured secret.
	ErrInvalidSignature = errors.New("payment: invalid push signature")
	// ErrTooOld: a push whose timestamp lies outside the tolerance window.
	ErrTooOld = errors.New("payment: push timestamp outside tolerance")
	// ErrInvalidPush: a push that cannot be parsed or exceeds limits.
	ErrInvalidPush = errors.New("payment: malformed push")
	// ErrForeignTenant: a push for another Mandant (e.g. another AGS).
	ErrForeignTenant = errors.New("payment: push for another tenant")
	// ErrNoPush: the provider has no push channel.
	ErrNoPush = errors.New("payment: provider does not push")
	// ErrAlgorithmNotAllowed: a legacy algorithm (HMAC-MD5) was used without
	// the explicit opt-in.
	ErrAlgorithmNotAllowed = errors.New("payment: algorithm not allowed")
	// ErrClaimPending: a verified push claims PAYED (amount and currency
	// matched) but the pulled status does not confirm it yet, and the
	// provider redelivers unacknowledged pushes (Push.Redelivers,
	// GiroCheckout). The push is not marked seen; PushHandler answers 503
	// with Retry-After so that the redelivery is processed again. The
	// claim is recorded (Store.RecordClaim) either way.
	ErrClaimPending = errors.New("payment: push claim not confirmed by the pulled status yet")
	// ErrCertificate: the Bezahldienst's TLS certificate did not verify
	// (unknown CA, wrong host name, expired). It is permanent until the
	// configuration changes: never retried, and a create is never
	// re-sent after it within one call. See [CertificateError].
	ErrCertificate = errors.New("payment: payment service certificate not trusted")
	// ErrExpired: the transaction stayed non-terminal beyond its expiry.
	ErrExpired = errors.New("payment: transaction expired")
)

// AmountError describes a refused amount. It unwraps to ErrInvalidAmount.
type AmountError struct {
	Input  string // quoted, bounded copy of the input
	Reason string
}

func (e *AmountError) Error() string {
	return fmt.Sprintf("payment: invalid amount %s: %s", e.Input, e.Reason)
}

// Unwrap returns ErrInvalidAmount.
func (e *AmountError) Unwrap() error { return ErrInvalidAmount }

// FieldError describes a refused request field. Err is the sentinel
// (ErrInvalidRequest, ErrInvalidAmount, ErrInvalidCurrency, ErrCalculation).
// The message names the field and the rule, never the value.
type FieldError struct {
	Field  string // JSON-style path, e.g. "items[2].bookingData.belegnummer"
	Reason string
	Err    error
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("payment: field %s: %s", e.Field, e.Reason)
}

// Unwrap returns the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

// ProviderError is an error answer of a Bezahldienst, e.g. an
// application/problem+json body (RFC 9457) with the XBezahldienste
// functionalCode. Unknown codes are kept verbatim in FunctionalCode and
// unwrap to ErrValidation (4xx) or ErrUnavailable (5xx).
type ProviderError struct {
	HTTPStatus     int
	FunctionalCode string // e.g. "PAYMENT_EXISTS"; "" when absent
	Type           string
	Title          string
	Detail         string // functional description from the Bezahldienst
	Err            error  // sentinel derived from FunctionalCode/HTTPStatus
}

func (e *ProviderError) Error() string {
	code := e.FunctionalCode
	if code == "" {
		code = "no functional code"
	}
	return fmt.Sprintf("payment: payment service answered %d (%s)", e.HTTPStatus, code)
}

// Unwrap returns the sentinel.
func (e *ProviderError) Unwrap() error { return e.Err }

// Retryable reports whether repeating the same request may succeed.
func (e *ProviderError) Retryable() bool {
	switch e.HTTPStatus {
	case 408, 425, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// TransitionError describes a refused status change. It unwraps to
// ErrIllegalTransition.
type TransitionError struct {
	RequestID string
	From, To  Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("payment: illegal status transition %s -> %s", e.From, e.To)
}

// Unwrap returns ErrIllegalTransition.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// MismatchError describes a pulled result that differs from the stored
// request. It unwraps to ErrMismatch.
type MismatchError struct {
	RequestID string
	Field     string // "amount", "currency", "reference", "requestId"
	Want, Got string
	// NotReported: the provider reported PAYED without this field (Got is
	// empty), so the result could not be compared with the request.
	NotReported bool
}

func (e *MismatchError) Error() string {
	if e.NotReported {
		return fmt.Sprintf("payment: result %s not reported, cannot be compared with request", e.Field)
	}
	return fmt.Sprintf("payment: result %s does not match request", e.Field)
}

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// StoreError is a failure of the Store (database unreachable, constraint,
// …), never an answer of the Bezahldienst. The reconciler keeps the
// transaction and tries again; it never ends a transaction because of it.
type StoreError struct {
	Op  string // "insert", "confirm", "transition", …
	Err error
}

func (e *StoreError) Error() string { return "payment: store " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the store's error.
func (e *StoreError) Unwrap() error { return e.Err }

// CertificateError reports that the TLS connection to the Bezahldienst
// failed because its certificate did not verify. It unwraps to
// ErrCertificate and to the TLS/x509 error. Adapters return it instead of
// ErrUnavailable, so that no create is sent again after it.
type CertificateError struct {
	Host string // host name that was dialled
	Err  error
}

func (e *CertificateError) Error() string {
	return "payment: certificate of payment service " + e.Host + " not trusted: " + e.Err.Error()
}

// Unwrap returns ErrCertificate and the underlying error.
func (e *CertificateError) Unwrap() []error { return []error{ErrCertificate, e.Err} }
