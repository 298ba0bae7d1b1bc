package paystore

import (
	"errors"
	"fmt"
	"github.com/egosaar/ozg/payment/paytype"
)

// Sentinel errors. Callers test them with errors.Is; the typed errors below
// unwrap to them.
var (
	// ErrIllegalTransition: a status change that the status machine forbids
	// (e.g. PAYED → FAILED). It is refused and recorded as an anomaly.
	ErrIllegalTransition = errors.New("payment: illegal status transition")
	// ErrNotFound: no such transaction. A transaction of another tenant
	// is not found either: a tenant's view cannot tell whether it exists.
	ErrNotFound = errors.New("payment: transaction not found")
	// ErrForeignTenant: a call through one tenant's view (Store.ForTenant,
	// a payment.Client) names another tenant: a transaction to insert
	// that carries another tenant, or an operator listing of another
	// tenant or of all tenants. Nothing is read or changed.
	ErrForeignTenant = errors.New("payment: data of another tenant")
)

// TransitionError describes a refused status change. It unwraps to
// ErrIllegalTransition.
type TransitionError struct {
	RequestID string
	From, To  paytype.Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("payment: illegal status transition %s -> %s", e.From, e.To)
}

// Unwrap returns ErrIllegalTransition.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

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
