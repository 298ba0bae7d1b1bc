package paytype

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is; the typed errors below
// unwrap to them.
var (
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
	// ErrUnknownStatus: a status string outside INITIAL, PAYED, CANCELED,
	// FAILED. It is never mapped to paid.
	ErrUnknownStatus = errors.New("payment: unknown status")
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
