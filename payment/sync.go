package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
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
// anomalies and change nothing. A pulled PAYED that reports no amount or
// no currency cannot be compared and is refused the same way (a
// *MismatchError with NotReported), unless Config.InsecureAcceptUnreportedAmount
// is set. For a provider whose pull never carries the amount (pmPayment)
// such a PAYED is not an anomaly: Sync returns the transaction unchanged
// and the signed push, whose amount HandlePush compares, applies it. If
// that push arrived before the pull confirmed it, its recorded claim
// (Store.Claim) is the amount report and Sync applies the PAYED.
func (c *Client) Sync(ctx context.Context, requestID string) (_ *paytype.Transaction, err error) {
	ctx, op := c.startOp(ctx, opSync, trace.SpanKindClient)
	defer op.End(&err)
	t, err := c.cfg.Store.Get(ctx, requestID)
	if err != nil {
		return nil, err
	}
	return c.sync(ctx, t)
}

func (c *Client) sync(ctx context.Context, t *paytype.Transaction) (*paytype.Transaction, error) {
	return c.syncWith(ctx, t, nil)
}

// pushEvidence is what a verified push reported about the transaction.
// HandlePush has compared its amount and currency with the request
// before.
type pushEvidence struct {
	status   paytype.Status
	amount   bool // amount reported (and equal to the request)
	currency bool // currency reported (and equal to the request)
}

func (c *Client) syncWith(ctx context.Context, t *paytype.Transaction, ev *pushEvidence) (*paytype.Transaction, error) {
	if t.Status == "" {
		return t, fmt.Errorf("%w: create not confirmed yet; repeat Create with the same key", ErrOutcomeUnknown)
	}
	pt, err := c.cfg.Provider.Get(ctx, payprovider.Ref{RequestID: t.RequestID, TransactionID: t.TransactionID, TransactionURL: t.TransactionURL})
	if err != nil {
		if errors.Is(err, paytype.ErrUnknownStatus) {
			c.anomaly(ctx, t.RequestID, paystore.AnomalyUnknownStatus, "pulled status is not one of INITIAL, PAYED, CANCELED, FAILED")
		}
		return t, err
	}
	if err := checkMatch(t, pt); err != nil {
		c.anomaly(ctx, t.RequestID, paystore.AnomalyMismatch, err.Error())
		return t, err
	}
	return c.apply(ctx, t, pt, ev)
}

// apply moves t to pt.Status if the status machine allows it and emits the
// change exactly once (the store's compare-and-set picks one winner). A
// PAYED is applied only if its amount and currency were reported (by pt
// or by the verified push ev) and compared, see checkReported.
func (c *Client) apply(ctx context.Context, t *paytype.Transaction, pt *payprovider.ProviderTransaction, ev *pushEvidence) (*paytype.Transaction, error) {
	if !pt.Status.Valid() {
		c.anomaly(ctx, t.RequestID, paystore.AnomalyUnknownStatus, "provider status is not one of the four states")
		return t, paytype.ErrUnknownStatus
	}
	if pt.Status == t.Status {
		return t, nil
	}
	if !paytype.CanTransition(t.Status, pt.Status) {
		err := &paystore.TransitionError{RequestID: t.RequestID, From: t.Status, To: pt.Status}
		c.anomaly(ctx, t.RequestID, paystore.AnomalyIllegalTransition, fmt.Sprintf("%s -> %s refused", t.Status, pt.Status))
		return t, err
	}
	switch wait, err := c.checkReported(ctx, t, pt, ev); {
	case errors.Is(err, ErrMismatch):
		c.anomaly(ctx, t.RequestID, paystore.AnomalyMismatch, err.Error())
		return t, err
	case err != nil:
		return t, err
	case wait:
		c.cfg.Logger.InfoContext(ctx, "payment reported paid by pull; waiting for the signed push that carries the amount", "request_id", t.RequestID)
		return t, nil
	}
	u := paystore.Update{At: c.cfg.Now(), StatusDetail: pt.StatusDetail, PaymentMethod: pt.PaymentMethod, PaidAt: pt.PaidAt}
	nt, err := c.transition(ctx, t, pt.Status, u)
	if errors.Is(err, paystore.ErrConcurrentUpdate) {
		// Someone else applied a change first; judge our observation against
		// the state they stored.
		cur, gerr := c.cfg.Store.Get(ctx, t.RequestID)
		if gerr != nil {
			return t, &paystore.StoreError{Op: "get", Err: gerr}
		}
		if cur.Status == pt.Status {
			return cur, nil
		}
		return c.apply(ctx, cur, pt, ev)
	}
	if err != nil {
		return t, &paystore.StoreError{Op: "transition", Err: err}
	}
	c.cfg.Logger.InfoContext(ctx, "payment status changed", "request_id", nt.RequestID, "from", string(t.Status), "to", string(nt.Status))
	if nt.Status != paytype.StatusPaid {
		// The Bezahldienst is authoritative, but a verified push that
		// claimed PAYED with the requested amount contradicts it: money
		// may have moved, an operator must look.
		switch claimed, err := c.claimedPaid(ctx, nt); {
		case err != nil:
			c.cfg.Logger.ErrorContext(ctx, "payment push claim not checked", "request_id", nt.RequestID, "err", err)
		case claimed:
			c.anomaly(ctx, nt.RequestID, paystore.AnomalyPushMismatch, fmt.Sprintf("verified push claimed PAYED with the requested amount, payment service reports %s", nt.Status))
		}
	}
	if c.cfg.OnStatusChange != nil {
		c.cfg.OnStatusChange(ctx, StatusChange{
			Tenant: c.cfg.Tenant, RequestID: nt.RequestID, TransactionID: nt.TransactionID,
			From: t.Status, To: nt.Status, At: u.At, Transaction: nt.Clone(),
		})
	}
	return nt, nil
}

// transition stores the change, through OnStatusChangeTx's database
// transaction when it is set.
func (c *Client) transition(ctx context.Context, t *paytype.Transaction, to paytype.Status, u paystore.Update) (*paytype.Transaction, error) {
	if c.cfg.OnStatusChangeTx == nil {
		return c.cfg.Store.Transition(ctx, t.RequestID, t.Status, to, u)
	}
	ts := c.cfg.Store.(paystore.TxStore) // checked by Validate
	return ts.TransitionTx(ctx, t.RequestID, t.Status, to, u, func(tx *sql.Tx, nt *paytype.Transaction) error {
		return c.cfg.OnStatusChangeTx(ctx, tx, StatusChange{
			Tenant: c.cfg.Tenant, RequestID: nt.RequestID, TransactionID: nt.TransactionID,
			From: t.Status, To: nt.Status, At: u.At, Transaction: nt.Clone(),
		})
	})
}

// checkReported enforces anti-pattern 9.5 in payment/paymenttest/SOURCES.md for a final PAYED: its amount and
// currency must have been reported, by the pull (compared in checkMatch),
// by a verified push claiming PAYED (compared in HandlePush) or by the
// claim such a push left in the store (Store.Claim; compared again here)
// because it arrived before the pull confirmed it. Otherwise
// the result is refused with a *MismatchError (NotReported), unless
//   - the adapter marked the pull AmountByPush (the provider's protocol
//     reports the amount only in its signed push): wait is true, nothing
//     is applied and HandlePush applies it once that push arrives;
//   - Config.InsecureAcceptUnreportedAmount is set: it is applied and
//     logged at Warn.
//
// CANCELED and FAILED move no money and need no amount.
func (c *Client) checkReported(ctx context.Context, t *paytype.Transaction, pt *payprovider.ProviderTransaction, ev *pushEvidence) (wait bool, err error) {
	if pt.Status != paytype.StatusPaid {
		return false, nil
	}
	pushPaid := ev != nil && ev.status == paytype.StatusPaid
	amount := pt.AmountReported || (pushPaid && ev.amount)
	currency := pt.Currency != "" || (pushPaid && ev.currency)
	if amount && currency {
		return false, nil
	}
	switch claimed, err := c.claimedPaid(ctx, t); {
	case err != nil:
		return false, err
	case claimed:
		c.cfg.Logger.InfoContext(ctx, "payment PAYED applied with the amount of a recorded push claim", "request_id", t.RequestID)
		return false, nil
	}
	if c.cfg.InsecureAcceptUnreportedAmount {
		c.cfg.Logger.WarnContext(ctx, "payment PAYED applied without reported amount or currency (InsecureAcceptUnreportedAmount)", "request_id", t.RequestID)
		return false, nil
	}
	if pt.AmountByPush {
		return true, nil
	}
	if !amount {
		return false, &MismatchError{RequestID: t.RequestID, Field: "amount", Want: t.Request.Total.String(), NotReported: true}
	}
	return false, &MismatchError{RequestID: t.RequestID, Field: "currency", Want: string(t.Request.Currency), NotReported: true}
}

// checkMatch compares what the Bezahldienst reports with the stored request.
// Anti-pattern 9.5 (payment/paymenttest/SOURCES.md): a result is never accepted without comparing amount,
// currency and reference.
func checkMatch(t *paytype.Transaction, pt *payprovider.ProviderTransaction) error {
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

// claimedPaid reports whether a verified push claiming PAYED with the
// request's amount and currency was recorded for t (HandlePush records it
// when it arrives before the pull confirms it).
func (c *Client) claimedPaid(ctx context.Context, t *paytype.Transaction) (bool, error) {
	cl, err := c.cfg.Store.Claim(ctx, t.RequestID)
	if errors.Is(err, paystore.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, &paystore.StoreError{Op: "push claim", Err: err}
	}
	return cl.Status == paytype.StatusPaid && cl.Amount == t.Request.Total && cl.Currency == t.Request.Currency, nil
}
