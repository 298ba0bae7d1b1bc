package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/egosaar/ozg/internal/boundedio"
)

// MaxPushBody bounds the body of an incoming push.
const MaxPushBody = 64 << 10

// PushResult is the outcome of HandlePush.
type PushResult struct {
	Transaction *Transaction
	Duplicate   bool // the push was seen before; nothing was done
}

// HandlePush verifies a provider push (signature over the raw body,
// timestamp tolerance, tenant), drops duplicates and then pulls the status:
// the push body never sets the state. A signed push whose amount or
// currency differs from the stored request is refused as an anomaly. A
// signed push claiming PAYED whose amount and currency matched counts as
// the amount report for a pulled PAYED that carries none (pmPayment's
// status pull has no amount; its notification has).
func (c *Client) HandlePush(ctx context.Context, in PushInput) (*PushResult, error) {
	pv, ok := c.cfg.Provider.(PushVerifier)
	if !ok {
		return nil, ErrNoPush
	}
	p, err := pv.VerifyPush(ctx, in)
	if err != nil {
		c.cfg.Logger.WarnContext(ctx, "payment push refused", "reason", pushReason(err))
		return nil, err
	}
	var t *Transaction
	switch {
	case p.RequestID != "":
		t, err = c.cfg.Store.Get(ctx, p.RequestID)
	default:
		t, err = c.cfg.Store.GetByTransactionID(ctx, p.TransactionID)
	}
	if err != nil {
		return nil, err
	}
	if p.TransactionID != "" && t.TransactionID != "" && p.TransactionID != t.TransactionID {
		c.anomaly(ctx, t.RequestID, AnomalyPushMismatch, "push transaction id differs from stored one")
		return nil, &MismatchError{RequestID: t.RequestID, Field: "transactionId"}
	}
	seen, err := c.cfg.Store.PushSeen(ctx, p.EventID)
	if err != nil {
		return nil, err
	}
	if seen {
		return &PushResult{Transaction: t, Duplicate: true}, nil
	}
	if p.AmountReported && p.Amount != t.Request.Total {
		c.anomaly(ctx, t.RequestID, AnomalyPushMismatch, fmt.Sprintf("push amount %s, requested %s", p.Amount, t.Request.Total))
		return nil, &MismatchError{RequestID: t.RequestID, Field: "amount", Want: t.Request.Total.String(), Got: p.Amount.String()}
	}
	if p.Currency != "" && p.Currency != t.Request.Currency {
		c.anomaly(ctx, t.RequestID, AnomalyPushMismatch, "push currency differs from requested one")
		return nil, &MismatchError{RequestID: t.RequestID, Field: "currency", Want: string(t.Request.Currency), Got: "other"}
	}
	// The push's amount and currency, now compared, stand in for a pull
	// that does not report them (pmPayment's status pull never does).
	ev := &pushEvidence{status: p.Status, amount: p.AmountReported, currency: p.Currency != ""}
	nt, err := c.syncWith(ctx, t, ev)
	if err != nil {
		return nil, err
	}
	first, err := c.cfg.Store.MarkPushSeen(ctx, p.EventID, c.cfg.Now())
	if err != nil {
		return nil, err
	}
	return &PushResult{Transaction: nt, Duplicate: !first}, nil
}

func pushReason(err error) string {
	for _, e := range []error{ErrInvalidSignature, ErrTooOld, ErrForeignTenant, ErrAlgorithmNotAllowed, ErrInvalidPush} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return "other"
}

// PushHandler returns an http.Handler for the provider's notification URL.
// It reads at most MaxPushBody bytes and answers 200 for an applied or
// duplicate push, 400 for a forged, stale, foreign or malformed one (the
// provider must not retry it), 404 for an unknown transaction and 503 when
// the pull failed (the provider may retry). Error texts are generic.
func (c *Client) PushHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := boundedio.ReadAll(r.Body, MaxPushBody)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		_, err = c.HandlePush(r.Context(), PushInput{Method: r.Method, Header: r.Header.Clone(), RawQuery: r.URL.RawQuery, Body: body})
		switch {
		case err == nil:
			w.WriteHeader(http.StatusOK)
		case errors.Is(err, ErrInvalidSignature), errors.Is(err, ErrTooOld), errors.Is(err, ErrForeignTenant),
			errors.Is(err, ErrInvalidPush), errors.Is(err, ErrAlgorithmNotAllowed), errors.Is(err, ErrMismatch):
			http.Error(w, "bad request", http.StatusBadRequest)
		case errors.Is(err, ErrNotFound):
			http.Error(w, "not found", http.StatusNotFound)
		default:
			http.Error(w, "try again", http.StatusServiceUnavailable)
		}
	})
}
