package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Reconciliation closes the one path on which river gives a job up
// without our worker deciding it: river discards a job whose last allowed
// attempt did not end in Work's verdict — the worker process died during
// it (river's rescuer discards a stuck job at MaxAttempts), or the store
// failed while Work tried to record the dead letter. Such jobs sit in
// river's "discarded" state. Reconcile turns each of them into a dead
// letter, durably and exactly once per job (the dead letter's job_id is
// unique), so nothing river gives up on is lost, and it re-calls
// OnExhausted for dead letters whose hook call was never recorded
// (the process died between the dead letter and the hook).
//
// It runs on Start and every Config.ReconcileInterval in every started
// process; it reads river's job table through river's JobList, so it needs
// no leader and works on SQLite and PostgreSQL alike.

const (
	reconcilePage = 500
	markTimeout   = 10 * time.Second
)

// ReasonDiscarded is DeadLetter.Reason for jobs river gave up without a
// verdict of the channel (see [Client.Reconcile]).
const ReasonDiscarded = "discarded"

// Reconcile dead-letters delivery jobs of the client's queue that river
// discarded without a dead letter (for example after the worker crashed
// twice in a row on a job's last attempts) and calls Config.OnExhausted
// for them, with Reason [ReasonDiscarded]; [Client.Replay] re-sends them
// like any dead letter. It also calls
// OnExhausted again for dead letters whose hook call was not recorded
// within Config.RescueAfter (the process died in between). It returns the
// number of dead letters it created. Started clients run it on Start and
// every Config.ReconcileInterval; call it directly after maintenance or
// in tests. Safe to run concurrently in several processes: each job is
// dead-lettered once; OnExhausted is called at least once per dead letter
// (twice only if a process dies between the call and recording it, or
// two processes re-call a stale one at the same moment).
func (c *Client[TTx]) Reconcile(ctx context.Context) (int, error) {
	params := river.NewJobListParams().
		Kinds(deliveryArgs{}.Kind()).
		Queues(c.cfg.Queue).
		States(rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).
		First(reconcilePage).
		Where("id NOT IN (SELECT job_id FROM notify_dead_letters WHERE job_id IS NOT NULL)")
	n := 0
	for {
		res, err := c.river.JobList(ctx, params)
		if err != nil {
			return n, fmt.Errorf("notify: reconcile: list discarded jobs: %w", err)
		}
		for _, job := range res.Jobs {
			did, err := c.deadLetterDiscarded(ctx, job)
			if err != nil {
				return n, fmt.Errorf("notify: reconcile: job %d: %w", job.ID, err)
			}
			if did {
				n++
			}
		}
		if len(res.Jobs) < reconcilePage {
			break
		}
		params = params.After(res.LastCursor)
	}
	if c.cfg.OnExhausted == nil {
		return n, nil
	}
	stale, err := c.store.unnotified(ctx, c.cfg.Now().Add(-c.cfg.RescueAfter), reconcilePage)
	if err != nil {
		return n, fmt.Errorf("notify: reconcile: %w", err)
	}
	for _, r := range stale {
		c.exhausted(ctx, r.DeadLetter)
	}
	return n, nil
}

// deadLetterDiscarded records a dead letter for a discarded job; false if
// another process did first.
func (e *engine) deadLetterDiscarded(ctx context.Context, job *rivertype.JobRow) (bool, error) {
	var a deliveryArgs
	if err := json.Unmarshal(job.EncodedArgs, &a); err != nil {
		// Still recorded (with what is known), never dropped.
		e.cfg.Logger.ErrorContext(ctx, "notify: discarded job has unreadable arguments",
			slog.Int64("job_id", job.ID), slog.String("error", err.Error()))
	}
	_, ref := e.endpointKey(a.Key.Tenant, a.Key.Channel, a.Key.Target)
	id, err := uuid.NewV7()
	if err != nil {
		return false, err
	}
	now := e.cfg.Now().UTC()
	dl := DeadLetter{
		ID: id.String(), Tenant: a.Key.Tenant, EventID: a.Event.ID, ApplicationID: a.Event.ApplicationID, Channel: a.Key.Channel,
		Target: ref, Reason: ReasonDiscarded, ErrorClass: ClassInternal, Attempts: job.Attempt, DeadAt: now,
		JobID: job.ID,
	}
	fresh, err := e.store.insertDeadLetter(ctx, dl, job.EncodedArgs, e.cfg.OnExhausted == nil)
	if err != nil || !fresh {
		return false, err
	}
	// The attempt that never reported back, so the delivery log shows
	// how the event ended.
	started := now
	if job.AttemptedAt != nil {
		started = job.AttemptedAt.UTC()
	}
	if lid, err := uuid.NewV7(); err == nil {
		if err := e.store.insertAttempts(ctx, []Attempt{{
			ID: lid.String(), Tenant: a.Key.Tenant, EventID: a.Event.ID, ApplicationID: a.Event.ApplicationID, Channel: a.Key.Channel,
			Target: ref, Number: job.Attempt, StartedAt: started, StatusClass: statusClass(0),
			Outcome: OutcomeDead, ErrorClass: ClassInternal,
		}}); err != nil {
			e.cfg.Logger.ErrorContext(ctx, "notify: delivery log write failed; this attempt is missing from the log",
				slog.String("event_id", string(a.Event.ID)), slog.String("outcome", string(OutcomeDead)))
		}
	}
	e.cfg.Logger.WarnContext(ctx, "notify: discarded delivery job dead-lettered",
		slog.Int64("job_id", job.ID), slog.String("event_id", string(a.Event.ID)),
		slog.String("channel", a.Key.Channel), slog.String("target", e.logTarget(a.Key)), slog.Int("attempt", job.Attempt))
	e.exhausted(ctx, dl)
	return true, nil
}

// exhausted calls OnExhausted for a recorded dead letter and records that
// it returned.
func (e *engine) exhausted(ctx context.Context, dl DeadLetter) {
	if e.cfg.OnExhausted == nil {
		return
	}
	e.cfg.OnExhausted(ctx, dl)
	// Recorded even if ctx ends now (Stop, job timeout): otherwise the
	// hook would be called a second time after RescueAfter.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := e.store.markNotified(mctx, dl.ID, e.cfg.Now()); err != nil {
		e.cfg.Logger.ErrorContext(ctx, "notify: could not record the OnExhausted call; it will be repeated",
			slog.String("dead_letter", dl.ID), slog.String("error", err.Error()))
	}
}

// reconcileLoop runs Reconcile now and every interval until stop.
func (c *Client[TTx]) reconcileLoop(ctx context.Context, interval time.Duration, done chan<- struct{}) {
	defer close(done)
	run := func() {
		if _, err := c.Reconcile(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.ErrorContext(ctx, "notify: reconciliation failed; retrying next interval", slog.String("error", err.Error()))
		}
	}
	run()
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.river.Stopped():
			return
		case <-t.C:
			run()
		}
	}
}
