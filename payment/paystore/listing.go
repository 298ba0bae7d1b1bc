package paystore

import (
	"encoding/base64"
	"fmt"
	"github.com/egosaar/ozg/payment/paytype"
	"strconv"
	"strings"
	"time"
)

// ListFilter selects the entries of an operator listing (ListAnomalies,
// ListOpen). Its zero value lists everything of the single-tenant
// deployment (tenant ""), oldest first, in pages of DefaultPageSize; it
// never lists other tenants.
type ListFilter struct {
	// Tenant restricts the listing to one tenant's entries ("" is the
	// single-tenant deployment's). A store view of one tenant
	// (Store.ForTenant, a payment.Client) refuses any other tenant with
	// ErrForeignTenant.
	Tenant string
	// AllTenants lists the entries of every tenant (the state-wide
	// operator's view) and ignores Tenant. It must be chosen explicitly:
	// the zero value lists one tenant only. Only the store itself honours
	// it; a view of one tenant refuses it with ErrForeignTenant.
	AllTenants bool
	// Kinds restricts ListAnomalies to these kinds; empty: all.
	Kinds []AnomalyKind
	// Statuses restricts ListOpen to these non-terminal states: "" (create
	// not confirmed by the Bezahldienst) and/or StatusInitial; empty: both.
	Statuses []paytype.Status
	// Before and After bound the entry's time (an anomaly's At, a
	// transaction's CreatedAt): Before keeps entries at or before it
	// (e.g. now minus one day: older than a day), After those at or after
	// it. Zero: unbounded.
	Before, After time.Time
	// Limit is the page size; 0: DefaultPageSize, at most MaxPageSize.
	Limit int
	// Cursor continues a listing where the previous page ended (its
	// Next); "": from the start.
	Cursor string
}

// Page sizes of operator listings.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// AnomalyPage is one page of ListAnomalies.
type AnomalyPage struct {
	Anomalies []Anomaly
	Next      string // cursor of the next page; "" at the end
}

// TransactionPage is one page of ListOpen.
type TransactionPage struct {
	Transactions []*paytype.Transaction
	Next         string // cursor of the next page; "" at the end
}

// Cursor is the decoded position of a listing: entries strictly after
// (At, Tenant, RequestID, Seq) in that order. Stores use it to implement
// the listings; callers pass the opaque Next string.
type Cursor struct {
	At        time.Time
	Tenant    string // the entry's tenant; one request ID may exist in several tenants
	RequestID string
	Seq       int64 // anomalies: the anomaly's number within its transaction
}

// EncodeCursor returns the opaque form of c.
func EncodeCursor(c Cursor) string {
	raw := strconv.FormatInt(c.At.UnixNano(), 10) + ":" + strconv.FormatInt(c.Seq, 10) + ":" + c.Tenant + ":" + c.RequestID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// After reports whether the entry (at, tenant, requestID, seq) lies
// strictly after c in listing order.
func (c Cursor) After(at time.Time, tenant, requestID string, seq int64) bool {
	switch {
	case !at.Equal(c.At):
		return at.After(c.At)
	case tenant != c.Tenant:
		return tenant > c.Tenant
	case requestID != c.RequestID:
		return requestID > c.RequestID
	}
	return seq > c.Seq
}

// DecodeCursor parses an opaque cursor; "" is the start (zero Cursor,
// false). A malformed cursor is a *FieldError (ErrInvalidRequest).
func DecodeCursor(s string) (Cursor, bool, error) {
	if s == "" {
		return Cursor{}, false, nil
	}
	bad := &paytype.FieldError{Field: "cursor", Reason: "malformed", Err: paytype.ErrInvalidRequest}
	if len(s) > 128 {
		return Cursor{}, false, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false, bad
	}
	// at:seq:tenant:requestId; a cursor of a version before tenancy
	// (at:seq:requestId) continues tenant "".
	parts := strings.Split(string(b), ":")
	if len(parts) == 3 {
		parts = []string{parts[0], parts[1], "", parts[2]}
	}
	if len(parts) != 4 {
		return Cursor{}, false, bad
	}
	at, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || seq < 0 || CheckTenant(parts[2]) != nil || paytype.CheckID("cursor", parts[3]) != nil {
		return Cursor{}, false, bad
	}
	return Cursor{At: time.Unix(0, at).UTC(), Tenant: parts[2], RequestID: parts[3], Seq: seq}, true, nil
}

// Normalize checks f and fills the default limit. Stores call it first.
func (f *ListFilter) Normalize() error {
	if f.Limit < 0 || f.Limit > MaxPageSize {
		return &paytype.FieldError{Field: "limit", Reason: fmt.Sprintf("outside 0 … %d", MaxPageSize), Err: paytype.ErrInvalidRequest}
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	for _, s := range f.Statuses {
		if s != "" && s != paytype.StatusInitial {
			return &paytype.FieldError{Field: "statuses", Reason: "only non-terminal states", Err: paytype.ErrInvalidRequest}
		}
	}
	if err := CheckTenant(f.Tenant); err != nil {
		return err
	}
	_, _, err := DecodeCursor(f.Cursor)
	return err
}
