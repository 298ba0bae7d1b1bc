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
// ListOpen). Its zero value lists everything, oldest first, in pages of
// DefaultPageSize.
type ListFilter struct {
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
// (At, RequestID, Seq) in that order. Stores use it to implement the
// listings; callers pass the opaque Next string.
type Cursor struct {
	At        time.Time
	RequestID string
	Seq       int64 // anomalies: the anomaly's number within its transaction
}

// EncodeCursor returns the opaque form of c.
func EncodeCursor(c Cursor) string {
	raw := strconv.FormatInt(c.At.UnixNano(), 10) + ":" + strconv.FormatInt(c.Seq, 10) + ":" + c.RequestID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
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
	parts := strings.SplitN(string(b), ":", 3)
	if len(parts) != 3 {
		return Cursor{}, false, bad
	}
	at, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || seq < 0 || paytype.CheckID("cursor", parts[2]) != nil {
		return Cursor{}, false, bad
	}
	return Cursor{At: time.Unix(0, at).UTC(), RequestID: parts[2], Seq: seq}, true, nil
}

// Normalize checks f, fills the default limit and returns the decoded
// Cursor (false: from the start). Stores call it first and use its
// position, so a cursor is decoded once. A bad filter or a malformed
// cursor is a *FieldError (ErrInvalidRequest).
func (f *ListFilter) Normalize() (Cursor, bool, error) {
	if f.Limit < 0 || f.Limit > MaxPageSize {
		return Cursor{}, false, &paytype.FieldError{Field: "limit", Reason: fmt.Sprintf("outside 0 … %d", MaxPageSize), Err: paytype.ErrInvalidRequest}
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	for _, s := range f.Statuses {
		if s != "" && s != paytype.StatusInitial {
			return Cursor{}, false, &paytype.FieldError{Field: "statuses", Reason: "only non-terminal states", Err: paytype.ErrInvalidRequest}
		}
	}
	return DecodeCursor(f.Cursor)
}
