package payment

import (
	"context"
	"errors"
	"fmt"
)

// Sync pulls the current status of a transaction from the Bezahldienst and
// applies it through the status machine. Call it from the handler of the
// redirect URL: the redirect itself (its query string, its mere arrival)
// is never taken as the result (XBezahldienste 1.0.0: "Der Status (Erfolg /
// Abbruch) muss über die Statusabfrage (GET) abgefragt werden").
//
// A pulled state that the status machine forbids is refused with
// ErrIllegalTransition, a pulled result whose amount, currency or reference
// differs from the stored request with ErrMismatch; both are recorded as
// anomalies and change nothing.
func (c *Client) Sync(ctx context.Context, requestID string) (*Transaction, error) {
	t, err := c.cfg.Store.Get(ctx, requestID)
	if err != nil {
		return nil, err
	}
	return c.sync(ctx, t)
}

func (c *Client) sync(ctx context.Context, t *Transaction) (*Transaction, error) {
	if t.Status == "" {
		return t, fmt.Errorf("%w: create not confirmed yet; repeat Create with the same key", ErrOutcomeUnknown)
	}
	pt, err := c.cfg.Provider.Get(ctx, Ref{RequestID: t.RequestID, TransactionID: t.TransactionID, TransactionURL: t.TransactionURL})
	if err != nil {
		if errors.Is(err, ErrUnknownStatus) {
			c.anomaly(ctx, t.RequestID, AnomalyUnknownStatus, "pulled status is not one of INITIAL, PAYED, CANCELED, FAILED")
		}
		return t, err
	}
	if err := checkMatch(t, pt); err != nil {
		c.anomaly(ctx, t.RequestID, AnomalyMismatch, err.Error())
		return t, err
	}
	return c.apply(ctx, t, pt)
}

// apply moves t to pt.Status if the status machine allows it and emits the
// change exactly once (the store's compare-and-set picks one winner).
func (c *Client) apply(ctx context.Context, t *Transaction, pt *ProviderTransaction) (*Transaction, error) {
	if !pt.Status.Valid() {
		c.anomaly(ctx, t.RequestID, AnomalyUnknownStatus, "provider status is not one of the four states")
		return t, fmt.Errorf("%w", ErrUnknownStatus)
	}
	if pt.Status == t.Status {
		return t, nil
	}
	if !CanTransition(t.Status, pt.Status) {
		err := &TransitionError{RequestID: t.RequestID, From: t.Status, To: pt.Status}
		c.anomaly(ctx, t.RequestID, AnomalyIllegalTransition, fmt.Sprintf("%s -> %s refused", t.Status, pt.Status))
		return t, err
	}
	u := Update{At: c.cfg.Now(), StatusDetail: pt.StatusDetail, PaymentMethod: pt.PaymentMethod, PaidAt: pt.PaidAt}
	nt, err := c.cfg.Store.Transition(ctx, t.RequestID, t.Status, pt.Status, u)
	if errors.Is(err, ErrConcurrentUpdate) {
		// Someone else applied a change first; judge our observation against
		// the state they stored.
		cur, gerr := c.cfg.Store.Get(ctx, t.RequestID)
		if gerr != nil {
			return t, gerr
		}
		if cur.Status == pt.Status {
			return cur, nil
		}
		return c.apply(ctx, cur, pt)
	}
	if err != nil {
		return t, fmt.Errorf("payment: store transition: %w", err)
	}
	c.cfg.Logger.InfoContext(ctx, "payment status changed", "request_id", nt.RequestID, "from", string(t.Status), "to", string(nt.Status))
	if c.cfg.OnStatusChange != nil {
		c.cfg.OnStatusChange(ctx, StatusChange{
			RequestID: nt.RequestID, TransactionID: nt.TransactionID,
			From: t.Status, To: nt.Status, At: u.At, Transaction: nt.Clone(),
		})
	}
	return nt, nil
}

// checkMatch compares what the Bezahldienst reports with the stored request.
// Anti-pattern §9.5: a result is never accepted without comparing amount,
// currency and reference.
func checkMatch(t *Transaction, pt *ProviderTransaction) error {
	if pt.RequestID != "" && pt.RequestID != t.RequestID {
		return &MismatchError{RequestID: t.RequestID, Field: "requestId", Want: t.RequestID, Got: pt.RequestID}
	}
	if pt.AmountReported && pt.Amount != t.Request.Total {
		return &MismatchError{RequestID: t.RequestID, Field: "amount", Want: t.Request.Total.String(), Got: pt.Amount.String()}
	}
	if pt.Currency != "" && pt.Currency != t.Request.Currency {
		return &MismatchError{RequestID: t.RequestID, Field: "currency", Want: string(t.Request.Currency), Got: "other"}
	}
	if t.TransactionID != "" && pt.TransactionID != "" && pt.TransactionID != t.TransactionID {
		return &MismatchError{RequestID: t.RequestID, Field: "transactionId", Want: t.TransactionID, Got: pt.TransactionID}
	}
	if t.Reference != "" && pt.Reference != "" && pt.Reference != t.Reference {
		return &MismatchError{RequestID: t.RequestID, Field: "reference", Want: t.Reference, Got: pt.Reference}
	}
	return nil
}
