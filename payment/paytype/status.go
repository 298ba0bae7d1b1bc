package paytype

import "fmt"

// Status is the state of a payment transaction as defined by the
// XBezahldienste status model (XBezahldienste 1.0.0, "Statusmodell"). The
// constant values are the wire spelling, including "PAYED".
type Status string

// The four XBezahldienste states. The zero value "" means "not yet
// confirmed by the Bezahldienst" (the request is stored but the create call
// has not returned).
const (
	StatusInitial  Status = "INITIAL"
	StatusPaid     Status = "PAYED"
	StatusCanceled Status = "CANCELED"
	StatusFailed   Status = "FAILED"
)

// ParseStatus maps a wire status string to a Status. Any other string,
// including lower-case variants, yields an error wrapping ErrUnknownStatus;
// an unknown status is never treated as paid.
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case StatusInitial, StatusPaid, StatusCanceled, StatusFailed:
		return st, nil
	}
	return "", fmt.Errorf("%w: %s", ErrUnknownStatus, truncateForError(s))
}

// Terminal reports whether s is final: PAYED, CANCELED or FAILED.
func (s Status) Terminal() bool {
	return s == StatusPaid || s == StatusCanceled || s == StatusFailed
}

// Valid reports whether s is one of the four states.
func (s Status) Valid() bool {
	_, err := ParseStatus(string(s))
	return err == nil
}

// CanTransition reports whether the status machine allows from → to:
// INITIAL → PAYED | CANCELED | FAILED. Terminal states are final, nothing
// returns to INITIAL, and a state never "changes" to itself (a repeated
// observation of the same state is not a transition).
func CanTransition(from, to Status) bool {
	return from == StatusInitial && to.Terminal()
}
