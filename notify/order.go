package notify

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Ordering decides what a channel does with a status that a newer one of
// the same application has superseded.
type Ordering int

const (
	// OrderLatest (the default) never lets a status go backwards: per
	// application, channel target and stream (status or payment), an
	// attempt starts only after every attempt of an older event to that
	// target has ended, and an event whose newer sibling has already
	// started is dropped (delivery log outcome "superseded"). A
	// superseded event that carries a Message (a notice, a Bescheid) is
	// still delivered, flagged Delivery.Superseded, so the channel can
	// leave out its status part: documents are never dropped.
	OrderLatest Ordering = iota
	// OrderNone delivers every event, retries included, in whatever
	// order attempts succeed. Receivers that want every transition
	// (webhook consumers keeping a history) sort by Event.Sequence.
	OrderNone
)

// orderSpin bounds how long an attempt waits in process for an older
// attempt to the same target to end before it is snoozed (a snooze waits
// for river's scheduler, about 5 s).
const (
	orderSpin   = 500 * time.Millisecond
	orderSnooze = time.Second
)

type claimResult int

const (
	claimed claimResult = iota
	claimWait
	claimSuperseded
)

// orderKey names the stream an event belongs to at one target.
func orderKey(endpointKey string, ev *Event) string {
	stream := "status"
	if ev.Status == "" {
		stream = "payment"
	}
	return endpointKey + "\x1f" + stream + "\x1f" + ev.ApplicationID
}

// claim records that job starts an attempt with seq for key, unless a
// newer sequence has started (claimSuperseded) or an older attempt still
// runs (claimWait: its job is running in river and its lease has not
// run out). One statement, so instances sharing the store agree.
func (s *store) claim(ctx context.Context, key string, seq, job int64, now, leaseUntil time.Time) (claimResult, error) {
	var got int64
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`INSERT INTO notify_order (order_key, seq, job_id, lease_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (order_key) DO UPDATE SET seq = excluded.seq, job_id = excluded.job_id, lease_until = excluded.lease_until
		WHERE notify_order.job_id = excluded.job_id
		   OR (notify_order.seq <= excluded.seq AND (notify_order.lease_until < ?
		       OR NOT EXISTS (SELECT 1 FROM river_job j WHERE j.id = notify_order.job_id AND j.state = 'running')))
		RETURNING job_id`), key, seq, job, micros(leaseUntil), micros(now)).Scan(&got)
	switch {
	case err == nil:
		return claimed, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	var cur int64
	if err := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT seq FROM notify_order WHERE order_key = ?`), key).Scan(&cur); err != nil {
		return 0, err
	}
	if cur > seq {
		return claimSuperseded, nil
	}
	return claimWait, nil
}

// nextSequence is the statement EnqueueTx runs in the caller's
// transaction: the row lock serialises concurrent enqueues of one
// application, so sequence order is commit order. Sequences are per
// (tenant, application).
const nextSequence = `INSERT INTO notify_tenant_sequences (tenant, application_id, seq) VALUES (?, ?, 1)
	ON CONFLICT (tenant, application_id) DO UPDATE SET seq = notify_tenant_sequences.seq + 1 RETURNING seq`

// order applies the channel's Ordering before an attempt. It returns
// whether the event is superseded, or an error that ends the attempt
// (a snooze, or a store failure river retries).
func (e *engine) order(ctx context.Context, pol Policy, at attemptCtx) (superseded bool, done bool, err error) {
	ev := &at.job.Args.Event
	if pol.Ordering != OrderLatest || ev.Sequence == 0 {
		return false, false, nil
	}
	key := orderKey(at.ep.key, ev)
	deadline := time.Now().Add(orderSpin)
	wait := 5 * time.Millisecond
	for {
		now := e.cfg.Now()
		res, err := e.store.claim(ctx, key, ev.Sequence, at.job.ID, now, now.Add(2*e.cfg.AttemptTimeout))
		switch {
		case err != nil:
			return false, false, err
		case res == claimed:
			return false, false, nil
		case res == claimSuperseded:
			if hasMessage(ev) {
				return true, false, nil
			}
			return true, true, nil
		}
		if time.Now().After(deadline) {
			return false, false, errSnooze
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false, false, ctx.Err()
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

var errSnooze = errors.New("notify: older attempt to the same target still running")

func hasMessage(ev *Event) bool {
	return ev.Message.Title != "" || ev.Message.Body != "" || len(ev.Message.Attachments) > 0
}
