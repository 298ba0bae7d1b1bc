package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// Run reconciles in the background until ctx ends: every PollInterval it
// pulls the transactions that are due (non-terminal, next check reached),
// applies terminal states and reschedules the rest with jittered
// exponential backoff (PollInitial doubling up to PollMax). A transaction
// still non-terminal after Expiry gets a last pull, an AnomalyExpired and
// no further polling. Requests that were stored but never confirmed by the
// Bezahldienst (crash before the POST, lost answers, exhausted retries)
// are re-sent with the same requestId and body until confirmed, refused
// by the Bezahldienst (AnomalyRefused) or expired.
//
// A failing round (the store is unreachable, say) is logged at Error and
// repeated with backoff from PollInterval up to PollMax; Run never gives
// up on its own. It returns nil, and only when ctx ends, so that
// `go c.Run(ctx)` loses nothing.
func (c *Client) Run(ctx context.Context) error {
	failures := 0
	for {
		_, err := c.ReconcileOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := c.cfg.PollInterval
		if err != nil {
			failures++
			b := httpx.Backoff{Initial: c.cfg.PollInterval, Max: c.cfg.PollMax, Multiplier: 2, Jitter: 0.2, MaxAttempts: 1 << 30}
			wait = b.Delay(failures)
			c.cfg.Logger.ErrorContext(ctx, "payment reconciliation round failed; retrying", "err", err, "retry_in", wait.String(), "failures", failures)
		} else {
			failures = 0
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// ReconcileOnce runs one reconciliation round and returns the number of
// transactions it looked at. Provider errors are not returned (the
// transaction is rescheduled). Store errors are: a store error on one
// transaction is logged, leaves that transaction due for the next round
// and does not stop the round; the errors of a round are returned joined.
func (c *Client) ReconcileOnce(ctx context.Context) (_ int, err error) {
	ctx, op := c.startOp(ctx, opReconcile, trace.SpanKindInternal)
	defer op.End(&err)
	now := c.cfg.Now()
	due, err := c.cfg.Store.Due(ctx, now, c.cfg.PollBatch)
	if err != nil {
		return 0, fmt.Errorf("payment: store due: %w", err)
	}
	var errs []error
	for _, t := range due {
		if ctx.Err() != nil {
			return len(due), ctx.Err()
		}
		if err := c.reconcileOne(ctx, t, now); err != nil {
			if ctx.Err() != nil {
				return len(due), ctx.Err()
			}
			c.cfg.Logger.ErrorContext(ctx, "payment reconcile store failure; checked again next round", "request_id", t.RequestID, "err", err)
			errs = append(errs, err)
		}
	}
	return len(due), errors.Join(errs...)
}

// reconcileOne looks at one due transaction. It returns only store errors
// (and context errors).
func (c *Client) reconcileOne(ctx context.Context, t *paytype.Transaction, now time.Time) error {
	if t.Status == "" {
		return c.resume(ctx, t, now)
	}
	nt, serr := c.sync(ctx, t)
	if nt == nil {
		nt = t
	}
	if nt.Status.Terminal() {
		return nil
	}
	if serr != nil && isStoreError(serr) {
		return serr
	}
	if !now.Before(t.ExpiresAt) {
		detail := "no terminal state before expiry"
		claimed, err := c.claimedPaid(ctx, t)
		if err != nil {
			return err
		}
		if claimed {
			detail += "; a verified push claimed PAYED with the requested amount, the payment service never confirmed it"
		}
		c.anomaly(ctx, t.RequestID, paystore.AnomalyExpired, detail)
		return c.cfg.Store.Schedule(ctx, t.RequestID, time.Time{}, t.CheckAttempts+1)
	}
	if serr != nil && !errors.Is(serr, payprovider.ErrUnavailable) {
		c.cfg.Logger.WarnContext(ctx, "payment reconcile pull", "request_id", t.RequestID, "reason", serr.Error())
	}
	return c.reschedule(ctx, t, now)
}

func (c *Client) reschedule(ctx context.Context, t *paytype.Transaction, now time.Time) error {
	attempts := t.CheckAttempts + 1
	b := httpx.Backoff{Initial: c.cfg.PollInitial, Max: c.cfg.PollMax, Multiplier: 2, Jitter: 0.2, MaxAttempts: 1 << 30}
	next := now.Add(b.Delay(attempts))
	if next.After(t.ExpiresAt) {
		next = t.ExpiresAt
	}
	return c.cfg.Store.Schedule(ctx, t.RequestID, next, attempts)
}

// resume re-sends a stored request whose create never got an answer (the
// process died, or every attempt failed): same requestId, same body, same
// timestamp. Only a definite refusal by the Bezahldienst (recorded by
// create as AnomalyRefused), an unrecoverable lost answer
// (AnomalyOutcomeUnknown) or the expiry end the attempts. Everything else
// — the Bezahldienst unreachable, a certificate failure, a store error —
// is logged and rescheduled with backoff: the citizen may have paid, so
// the transaction is never given up because of a fault on our side.
func (c *Client) resume(ctx context.Context, t *paytype.Transaction, now time.Time) error {
	if !now.Before(t.ExpiresAt) {
		c.anomaly(ctx, t.RequestID, paystore.AnomalyExpired, "create never confirmed before expiry")
		return c.cfg.Store.Schedule(ctx, t.RequestID, time.Time{}, t.CheckAttempts+1)
	}
	req := t.Request
	_, rerr, _ := c.flights.do(ctx, flightKey{t.RequestID, t.Fingerprint}, func() (*paytype.Transaction, error) {
		return c.create(ctx, &req, t.Fingerprint, false)
	})
	res := struct{ Err error }{rerr}
	switch {
	case res.Err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(res.Err, errLeaseHeld):
		// Another instance is sending it right now.
		return c.reschedule(ctx, t, now)
	case isRefusal(res.Err), errors.Is(res.Err, ErrOutcomeUnknown):
		// create recorded the anomaly and took the request off the
		// schedule; nothing is re-sent.
		return nil
	}
	c.cfg.Logger.WarnContext(ctx, "payment re-sent create not confirmed; trying again later", "request_id", t.RequestID, "reason", res.Err.Error())
	if err := c.reschedule(ctx, t, now); err != nil {
		return errors.Join(res.Err, err)
	}
	if isStoreError(res.Err) {
		return res.Err
	}
	return nil
}
