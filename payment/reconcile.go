package payment

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/egosaar/ozg/internal/httpx"
)

// Run reconciles in the background until ctx ends: every PollInterval it
// pulls the transactions that are due (non-terminal, next check reached),
// applies terminal states and reschedules the rest with jittered
// exponential backoff (PollInitial doubling up to PollMax). A transaction
// still non-terminal after Expiry gets a last pull, an AnomalyExpired and
// no further polling. Requests that were stored but never confirmed by the
// Bezahldienst (crash before the POST, lost answers, exhausted retries)
// are re-sent with the same requestId and body until confirmed, refused
// (AnomalyOutcomeUnknown) or expired.
// Run returns nil when ctx is cancelled and a store error otherwise.
func (c *Client) Run(ctx context.Context) error {
	for {
		if _, err := c.ReconcileOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := c.cfg.Sleep(ctx, c.cfg.PollInterval); err != nil {
			return nil
		}
	}
}

// ReconcileOnce runs one reconciliation round and returns the number of
// transactions it looked at. Provider errors are not returned (the
// transaction is rescheduled); store errors are.
func (c *Client) ReconcileOnce(ctx context.Context) (int, error) {
	now := c.cfg.Now()
	due, err := c.cfg.Store.Due(ctx, now, c.cfg.PollBatch)
	if err != nil {
		return 0, err
	}
	for _, t := range due {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if t.Status == "" {
			if err := c.resume(ctx, t, now); err != nil {
				return 0, err
			}
			continue
		}
		nt, serr := c.sync(ctx, t)
		if serr == nil && nt.Status.Terminal() {
			continue
		}
		if nt == nil {
			nt = t
		}
		if nt.Status.Terminal() {
			continue
		}
		if !now.Before(t.ExpiresAt) {
			detail := "no terminal state before expiry"
			claimed, err := c.claimedPaid(ctx, t)
			if err != nil {
				return 0, err
			}
			if claimed {
				detail += "; a verified push claimed PAYED with the requested amount, the payment service never confirmed it"
			}
			c.anomaly(ctx, t.RequestID, AnomalyExpired, detail)
			if err := c.cfg.Store.Schedule(ctx, t.RequestID, time.Time{}, t.CheckAttempts+1); err != nil {
				return 0, err
			}
			continue
		}
		if serr != nil && !errors.Is(serr, ErrUnavailable) {
			c.cfg.Logger.WarnContext(ctx, "payment reconcile pull", "request_id", t.RequestID, "reason", serr.Error())
		}
		if err := c.reschedule(ctx, t, now); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

func (c *Client) reschedule(ctx context.Context, t *Transaction, now time.Time) error {
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
// timestamp. A refusal by the Bezahldienst, an unrecoverable lost answer
// or the expiry ends the attempts with an anomaly.
func (c *Client) resume(ctx context.Context, t *Transaction, now time.Time) error {
	if !now.Before(t.ExpiresAt) {
		c.anomaly(ctx, t.RequestID, AnomalyExpired, "create never confirmed before expiry")
		return c.cfg.Store.Schedule(ctx, t.RequestID, time.Time{}, t.CheckAttempts+1)
	}
	req := t.Request
	ch := c.sf.DoChan(t.RequestID+"\x00"+t.Fingerprint, func() (any, error) { return c.create(ctx, &req, t.Fingerprint) })
	var res singleflight.Result
	select {
	case <-ctx.Done():
		return ctx.Err()
	case res = <-ch:
	}
	if res.Err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if retryableCreate(res.Err) {
		return c.reschedule(ctx, t, now)
	}
	if !errors.Is(res.Err, ErrOutcomeUnknown) { // that one is recorded by create
		c.anomaly(ctx, t.RequestID, AnomalyOutcomeUnknown, "re-sent create refused by the payment service")
	}
	return c.cfg.Store.Schedule(ctx, t.RequestID, time.Time{}, t.CheckAttempts+1)
}
