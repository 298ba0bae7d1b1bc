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
	// ErrIdempotencyConflict: the idempotency key was used before with a
	// different request body. No provider call is made.
	ErrIdempotencyConflict = errors.New("payment: idempotency key reused with a different request")
	// ErrMismatch: the pulled result differs from the stored request in
	// amount, currency or reference, or reports PAYED without amount or
	// currency. It is refused and recorded as an anomaly.
	ErrMismatch = errors.New("payment: result does not match request")
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
	// ErrClaimPending: a verified push claims PAYED (amount and currency
	// matched) but the pulled status does not confirm it yet, and the
	// provider redelivers unacknowledged pushes (Push.Redelivers,
	// GiroCheckout). The push is not marked seen; PushHandler answers 503
	// with Retry-After so that the redelivery is processed again. The
	// claim is recorded (Store.RecordClaim) either way.
	ErrClaimPending = errors.New("payment: push claim not confirmed by the pulled status yet")
	// ErrExpired: the transaction stayed non-terminal beyond its expiry.
	ErrExpired = errors.New("payment: transaction expired")
)

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
