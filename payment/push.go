package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// MaxPushBody bounds the body of an incoming push.
const MaxPushBody = 64 << 10

// PushResult is the outcome of HandlePush.
type PushResult struct {
	Transaction *paytype.Transaction
	Duplicate   bool // the push was seen before; nothing was done
	// Pending: the push claims PAYED but the pulled status does not
	// confirm it yet. If the push reported amount and currency (they
	// matched), its claim is recorded and applied with the pull that
	// reports PAYED (Sync, Run, a later push).
	Pending bool
}

// HandlePush verifies a provider push (signature over the raw body,
// timestamp tolerance, tenant), drops duplicates and then pulls the status:
// the push body never sets the state. A signed push whose amount or
// currency differs from the stored request is refused as an anomaly.
//
// A verified push claiming PAYED whose amount and currency matched is
// never lost:
//   - it counts as the amount report for a pulled PAYED that carries none
//     (pmPayment's status pull has no amount; its notification has);
//   - before the pull, its claim is recorded durably ([paystore.Store.RecordClaim])
//     on a transaction that is not final yet. When the pull fails or still
//     reports INITIAL (the provider pushed before its status API caught up),
//     a later pull that reports PAYED — by Sync, Run or another push — is
//     applied with the recorded claim as its amount report;
//   - if the pull does not confirm the claim yet, the result is Pending. A
//     push whose provider redelivers unacknowledged pushes (Push.Redelivers:
//     GiroCheckout) is then not marked seen and HandlePush returns the
//     result with ErrClaimPending, so that PushHandler answers 503 and the
//     redelivery pulls again. Any other push (pmPayment, whose resending is
//     not documented, see payment/paymenttest/SOURCES.md) is marked seen and acknowledged: its
//     recorded claim is the evidence.
//   - if the pull reports another final state (FAILED, CANCELED), that
//     state is applied and the contradicting claim is recorded as an
//     AnomalyPushMismatch for an operator.
//
// A claim of FAILED or CANCELED is only a trigger: those move no money and
// are applied from the pull alone.
func (c *Client) HandlePush(ctx context.Context, in payprovider.PushInput) (res *PushResult, err error) {
	ctx, op := c.startOp(ctx, opPush, trace.SpanKindServer)
	defer func() { pushOutcome(op, res); op.End(&err) }()
	pv, ok := c.cfg.Provider.(payprovider.PushVerifier)
	if !ok {
		return nil, payprovider.ErrNoPush
	}
	p, err := pv.VerifyPush(ctx, in)
	if err != nil {
		c.cfg.Logger.WarnContext(ctx, "payment push refused", "reason", pushReason(err))
		return nil, err
	}
	var t *paytype.Transaction
	switch {
	case p.RequestID != "":
		t, err = c.cfg.Store.Get(ctx, p.RequestID)
	default:
		t, err = c.cfg.Store.GetByTransactionID(ctx, p.TransactionID)
	}
	if err != nil {
		return nil, err
	}
	if err := c.bindPush(ctx, t, p); err != nil {
		return nil, err
	}
	seen, err := c.cfg.Store.PushSeen(ctx, p.EventID)
	if err != nil {
		return nil, &paystore.StoreError{Op: "push seen", Err: err}
	}
	if seen {
		return &PushResult{Transaction: t, Duplicate: true}, nil
	}
	paidClaim := p.Status == paytype.StatusPaid
	recordClaim := paidClaim && p.AmountReported && p.Currency != "" && !t.Status.Terminal()
	if recordClaim {
		// Durable before the pull: a failed pull, a pull that lags behind
		// the push, or a crash loses nothing.
		if _, err := c.cfg.Store.RecordClaim(ctx, paystore.PushClaim{
			RequestID: t.RequestID, EventID: p.EventID, Status: paytype.StatusPaid,
			Amount: p.Amount, Currency: p.Currency, At: c.cfg.Now(),
		}); err != nil {
			return nil, fmt.Errorf("payment: store push claim: %w", err)
		}
	}
	// The push's amount and currency, now compared, stand in for a pull
	// that does not report them (pmPayment's status pull never does).
	ev := &pushEvidence{status: p.Status, amount: p.AmountReported, currency: p.Currency != ""}
	nt, err := c.syncWith(ctx, t, ev)
	if err != nil {
		return nil, err
	}
	pending := false
	if paidClaim && nt.Status != paytype.StatusPaid {
		if nt.Status.Terminal() {
			// With a recorded claim, apply reported the contradiction
			// when it made the transition.
			if !recordClaim {
				c.anomaly(ctx, nt.RequestID, paystore.AnomalyPushMismatch, fmt.Sprintf("verified push claims PAYED, payment service reports %s", nt.Status))
			}
		} else {
			pending = true
			c.cfg.Logger.InfoContext(ctx, "payment push claims paid before the pulled status confirms it",
				"request_id", nt.RequestID, "claim_recorded", recordClaim, "redelivers", p.Redelivers)
			if p.Redelivers {
				return &PushResult{Transaction: nt, Pending: true}, ErrClaimPending
			}
		}
	}
	first, err := c.cfg.Store.MarkPushSeen(ctx, p.EventID, c.cfg.Now())
	if err != nil {
		return nil, err
	}
	return &PushResult{Transaction: nt, Duplicate: !first, Pending: pending}, nil
}

// ErrPushUnbound: a verified push names a transaction whose create is
// not confirmed yet, so it cannot be bound to a stored transaction ID.
// PushHandler answers 503; a redelivery is processed again.
var ErrPushUnbound = errors.New("payment: push for a transaction not confirmed yet")

// bindPush checks every field the push reports against the stored
// transaction t before anything is recorded: the requestId, the
// transaction ID (GiroCheckout's gcReference, pmPayment's txid), the
// amount and the currency. A signed notification re-split between
// adjacent unseparated fields, or one for transaction A that names B's
// reference, fails here and leaves no claim.
func (c *Client) bindPush(ctx context.Context, t *paytype.Transaction, p *payprovider.Push) error {
	mismatch := func(field, detail string, want, got string) error {
		c.anomaly(ctx, t.RequestID, paystore.AnomalyPushMismatch, detail)
		return &MismatchError{RequestID: t.RequestID, Field: field, Want: want, Got: got}
	}
	if p.RequestID != "" && p.RequestID != t.RequestID {
		return mismatch("requestId", "push requestId differs from the stored one", t.RequestID, "other")
	}
	if p.TransactionID != "" {
		if t.TransactionID == "" {
			return ErrPushUnbound
		}
		if p.TransactionID != t.TransactionID {
			return mismatch("transactionId", "push transaction id differs from stored one", t.TransactionID, "other")
		}
	}
	if p.AmountReported && p.Amount != t.Request.Total {
		return mismatch("amount", fmt.Sprintf("push amount %s, requested %s", p.Amount, t.Request.Total), t.Request.Total.String(), p.Amount.String())
	}
	if p.Currency != "" && p.Currency != t.Request.Currency {
		return mismatch("currency", "push currency differs from requested one", string(t.Request.Currency), "other")
	}
	return nil
}

func pushReason(err error) string {
	for _, e := range []error{payprovider.ErrInvalidSignature, payprovider.ErrTooOld, payprovider.ErrForeignTenant, payprovider.ErrAlgorithmNotAllowed, payprovider.ErrInvalidPush} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return "other"
}

// PushRetryAfter is the Retry-After PushHandler sends with a 503.
const PushRetryAfter = time.Minute

// PushHandler returns an http.Handler for the provider's notification URL.
// It reads at most MaxPushBody bytes and answers (see HandlePush)
//   - 200 for an applied or duplicate push, and for a PAYED claim the pull
//     does not confirm yet from a provider that does not redeliver
//     (pmPayment): its claim is recorded and the push marked seen;
//   - 400 for a forged, stale, foreign, malformed or mismatching one (the
//     provider must not retry it; GiroCheckout stops on 200 or 400);
//   - 404 for an unknown transaction;
//   - 503 with Retry-After (PushRetryAfter) when the pull or the store
//     failed, and for a PAYED claim the pull does not confirm yet from a
//     provider that redelivers (ErrClaimPending, GiroCheckout): the push is
//     not marked seen, so its redelivery is processed again.
//
// Error texts are generic.
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
		_, err = c.HandlePush(r.Context(), payprovider.PushInput{Method: r.Method, Header: r.Header.Clone(), RawQuery: r.URL.RawQuery, Body: body})
		switch {
		case err == nil:
			w.WriteHeader(http.StatusOK)
		case errors.Is(err, payprovider.ErrInvalidSignature), errors.Is(err, payprovider.ErrTooOld), errors.Is(err, payprovider.ErrForeignTenant),
			errors.Is(err, payprovider.ErrInvalidPush), errors.Is(err, payprovider.ErrAlgorithmNotAllowed), errors.Is(err, ErrMismatch):
			http.Error(w, "bad request", http.StatusBadRequest)
		case errors.Is(err, paystore.ErrNotFound):
			http.Error(w, "not found", http.StatusNotFound)
		default:
			w.Header().Set("Retry-After", strconv.Itoa(int(PushRetryAfter/time.Second)))
			http.Error(w, "try again", http.StatusServiceUnavailable)
		}
	})
}
