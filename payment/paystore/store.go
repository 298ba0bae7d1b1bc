package paystore

import (
	"context"
	"database/sql"
	"errors"
	"github.com/egosaar/ozg/payment/paytype"
	"time"
)

// ErrConcurrentUpdate is returned by Store.Transition when the stored status
// is no longer the expected one (another process applied a change first).
var ErrConcurrentUpdate = errors.New("payment: concurrent update")

// Store persists transactions, anomalies and seen pushes. The package ships
// NewMemoryStore; payment/sqlstore provides SQLite and PostgreSQL.
// Implementations must be safe for concurrent use and pass
// paymenttest.StoreConformance.
//
// # Tenancy
//
// Every row belongs to one tenant, an opaque key the caller chooses
// (CheckTenant; the official regional key is the natural one). A store as
// opened is the view of tenant "", the single-tenant deployment;
// ForTenant returns the view of another tenant on the same data. Every
// method of a view reads and writes only its own tenant's rows: request
// IDs, transaction IDs, anomalies, push event IDs, push claims and create
// leases are unique per tenant, so the same requestId or transaction ID
// may exist in several tenants, and another tenant's transaction is
// ErrNotFound. Only the listings of the store as opened (not a view) may
// name another tenant or all tenants (ListFilter.Tenant, AllTenants), for
// the state-wide operator.
type Store interface {
	// ForTenant returns the view of tenant (valid per CheckTenant) on the
	// same data; the view of a TxStore is a TxStore. A Store that wraps
	// another must wrap the view as well.
	ForTenant(tenant string) Store
	// Insert stores t under the view's tenant unless a transaction with
	// t.RequestID exists in that tenant. It returns the stored transaction
	// (Tenant set) and whether t was inserted. A t.Tenant naming another
	// tenant is ErrForeignTenant. The store keeps no reference into t, and
	// no returned transaction (of any method) is the store's own object:
	// modifying it never changes the store. After an insert the returned
	// transaction may share t's request items (both belong to the caller).
	Insert(ctx context.Context, t *paytype.Transaction) (*paytype.Transaction, bool, error)
	// Get returns the transaction with that requestId or ErrNotFound.
	Get(ctx context.Context, requestID string) (*paytype.Transaction, error)
	// GetByTransactionID returns the transaction with that provider
	// transactionId or ErrNotFound.
	GetByTransactionID(ctx context.Context, transactionID string) (*paytype.Transaction, error)
	// Confirm records the provider's answer to create on an unconfirmed
	// transaction (Status "") and sets Status to INITIAL. On a transaction
	// that is already confirmed it changes nothing. It returns the stored
	// transaction.
	Confirm(ctx context.Context, requestID string, c Confirmation) (*paytype.Transaction, error)
	// LeaseCreate gives owner the right to send the create of an
	// unconfirmed transaction (Status "") until until: it succeeds when no
	// other owner holds an unexpired lease (lease end after now) and
	// reports whether owner holds it now. It must be atomic across
	// processes sharing the store: of two instances, exactly one gets it,
	// so exactly one POSTs the create. On a confirmed transaction it
	// returns false.
	LeaseCreate(ctx context.Context, requestID, owner string, now, until time.Time) (bool, error)
	// ReleaseCreate ends owner's lease (a no-op when owner does not hold
	// it), so that another instance may send the create at once.
	ReleaseCreate(ctx context.Context, requestID, owner string) error
	// Transition changes the status from → to atomically (compare and set).
	// It returns ErrConcurrentUpdate when the stored status is not from and
	// ErrIllegalTransition when CanTransition(from, to) is false.
	Transition(ctx context.Context, requestID string, from, to paytype.Status, u Update) (*paytype.Transaction, error)
	// Schedule sets when the reconciler looks at the transaction next; a
	// zero next removes it from Due.
	Schedule(ctx context.Context, requestID string, next time.Time, attempts int) error
	// Due returns up to limit non-terminal transactions (INITIAL, or not
	// yet confirmed) whose next check is set and at or before now, earliest
	// first.
	Due(ctx context.Context, now time.Time, limit int) ([]*paytype.Transaction, error)
	// RecordAnomaly appends an anomaly.
	RecordAnomaly(ctx context.Context, a Anomaly) error
	// Anomalies lists the anomalies of a transaction, oldest first.
	Anomalies(ctx context.Context, requestID string) ([]Anomaly, error)
	// ListAnomalies lists anomalies across all transactions of f.Tenant
	// (or of every tenant with f.AllTenants) ordered by (At, Tenant,
	// RequestID, sequence within the transaction), filtered by f.Kinds,
	// f.Before and f.After, one page of f.Limit after f.Cursor (see
	// ListFilter.Normalize, DecodeCursor). A view (ForTenant) lists only
	// its own tenant (ScopeFilter).
	ListAnomalies(ctx context.Context, f ListFilter) (*AnomalyPage, error)
	// ListOpen lists non-terminal transactions (Status "" or INITIAL) of
	// f.Tenant (or of every tenant with f.AllTenants) ordered by
	// (CreatedAt, Tenant, RequestID), filtered by f.Statuses, f.Before
	// and f.After on CreatedAt, one page after f.Cursor. A view lists only
	// its own tenant.
	ListOpen(ctx context.Context, f ListFilter) (*TransactionPage, error)
	// MarkPushSeen records a push event ID. It reports false when the ID was
	// seen before.
	MarkPushSeen(ctx context.Context, eventID string, at time.Time) (bool, error)
	// PushSeen reports whether the event ID was recorded.
	PushSeen(ctx context.Context, eventID string) (bool, error)
	// RecordClaim durably stores a verified push's claim unless a claim
	// for c.RequestID is stored already (the first one is kept). It
	// reports whether c was stored. The Client calls it only for a stored
	// transaction.
	RecordClaim(ctx context.Context, c PushClaim) (bool, error)
	// Claim returns the claim stored for requestID or ErrNotFound.
	Claim(ctx context.Context, requestID string) (*PushClaim, error)
}

// TxStore is implemented by stores on a SQL database (payment/sqlstore)
// that can apply a transition and the caller's own change in one database
// transaction: TransitionTx is Transition, but runs hook with the open
// transaction after the compare-and-set UPDATE and commits only if hook
// returns nil. Config.OnStatusChangeTx needs it.
type TxStore interface {
	Store
	TransitionTx(ctx context.Context, requestID string, from, to paytype.Status, u Update, hook func(tx *sql.Tx, t *paytype.Transaction) error) (*paytype.Transaction, error)
}

// PushClaim is what a verified push claimed about a transaction before
// the pulled status confirmed it: the Client records a push claiming PAYED
// whose amount and currency it compared equal to the request, so that the
// later pull that reports PAYED is applied with it even when that pull
// carries no amount (pmPayment) and the push is not delivered again.
type PushClaim struct {
	RequestID string
	EventID   string           // the push's deduplication key
	Status    paytype.Status   // claimed status (the Client records PAYED only)
	Amount    paytype.Amount   // claimed amount, equal to the request's total when recorded
	Currency  paytype.Currency // claimed currency, equal to the request's when recorded
	At        time.Time
}

// Confirmation is the provider's answer to create.
type Confirmation struct {
	TransactionID  string
	TransactionURL string
	PayURL         string
	Reference      string
	At             time.Time
	NextCheckAt    time.Time
}

// Update carries the details of an applied transition.
type Update struct {
	At            time.Time
	StatusDetail  string
	PaymentMethod string
	PaidAt        time.Time
}

// AnomalyKind classifies an anomaly.
type AnomalyKind string

// Anomaly kinds.
const (
	AnomalyIllegalTransition AnomalyKind = "illegal_transition"
	AnomalyMismatch          AnomalyKind = "mismatch"
	AnomalyUnknownStatus     AnomalyKind = "unknown_status"
	AnomalyExpired           AnomalyKind = "expired"
	AnomalyOutcomeUnknown    AnomalyKind = "outcome_unknown"
	AnomalyPushMismatch      AnomalyKind = "push_mismatch"
	// AnomalyRefused: the Bezahldienst definitely refused the create (a
	// 4xx such as VALIDATION_ERROR or BOOKING_DATA_MISSING). The request
	// is not re-sent.
	AnomalyRefused AnomalyKind = "refused"
)

// Anomaly is a refused observation kept for operators: something the
// Bezahldienst reported that the status machine or the request did not
// allow. Detail never holds secrets or personal data.
type Anomaly struct {
	Tenant    string // set by the store: the tenant of the view that recorded it
	RequestID string
	Kind      AnomalyKind
	Detail    string
	At        time.Time
}
