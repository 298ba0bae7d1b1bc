package notify

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/egosaar/ozg/internal/redact"
)

// healthTTL bounds how long a process trusts its cached view of an
// endpoint's health (another process may disable it).
const healthTTL = 2 * time.Second

type healthEntry struct {
	disabled  bool
	failing   bool
	notBefore time.Time // throttled until (Retry-After of a 429/503)
	loaded    time.Time
}

type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	e *engine
}

// Timeout is river's job timeout: the attempt timeout plus room for the
// bookkeeping around it. It stays below RescueAfter (enforced by New).
func (w *deliveryWorker) Timeout(*river.Job[deliveryArgs]) time.Duration {
	return 2 * w.e.cfg.AttemptTimeout
}

// NextRetry applies the channel's schedule and the receiver's Retry-After.
func (w *deliveryWorker) NextRetry(job *river.Job[deliveryArgs]) time.Time {
	var ra time.Duration
	if v, ok := w.e.retryAfter.LoadAndDelete(job.ID); ok {
		ra = v.(time.Duration)
	}
	return w.e.nextRetry(job.Args.Key.Channel, job.Attempt, ra)
}

func (e *engine) nextRetry(channel string, attempt int, retryAfter time.Duration) time.Time {
	p, ok := e.policies[channel]
	if !ok {
		p = Policy{}.withDefaults()
	}
	return e.cfg.Now().Add(p.delay(attempt, retryAfter))
}

// retryPolicy serves river's rescuer, which retries jobs of crashed
// workers without running Work.
type retryPolicy struct{ e *engine }

func (p *retryPolicy) NextRetry(row *rivertype.JobRow) time.Time {
	var a struct {
		Key deliveryKey `json:"key"`
	}
	if err := json.Unmarshal(row.EncodedArgs, &a); err != nil {
		p.e.cfg.Logger.Warn("notify: rescued job has unreadable arguments; using the default retry schedule",
			slog.Int64("job_id", row.ID), slog.String("error", err.Error()))
	}
	return p.e.nextRetry(a.Key.Channel, row.Attempt, 0)
}

// logTarget names a target in log lines: the channel's own log form, or
// a fingerprint keyed per process (redact.LogFingerprint), because an
// unkeyed hash of an e-mail address can be reversed by dictionary. The
// persisted ref (endpointKey) stays stable across instances; it sits in
// the same database as the job arguments that hold the target itself.
func (e *engine) logTarget(k deliveryKey) string {
	if tl, ok := e.channels[k.Channel].(TargetLogger); ok {
		return tl.LogTarget(k.Target)
	}
	return redact.LogFingerprint(k.Target)
}

// endpointKey returns the persisted key of a tenant's channel target and
// the target's reference (ID or fingerprint): endpoint state, the
// concurrency cap and the order claims are all per tenant.
func (e *engine) endpointKey(tenant, channel, target string) (key, ref string) {
	if tl, ok := e.channels[channel].(TargetLogger); ok {
		ref = tl.LogTarget(target)
	} else {
		ref = redact.Fingerprint(target)
	}
	return tenantKey(tenant, channel+":"+ref), ref
}

func (e *engine) endpointOf(k deliveryKey) endpointRef {
	key, ref := e.endpointKey(k.Tenant, k.Channel, k.Target)
	return endpointRef{key: key, tenant: k.Tenant, channel: k.Channel, ref: ref}
}

func (e *engine) forget(key string) {
	e.mu.Lock()
	delete(e.health, key)
	e.mu.Unlock()
}

// healthOf returns the endpoint's health from the cache, loading it when
// missing or older than healthTTL. One goroutine loads per endpoint; the
// others keep using the stale entry meanwhile, or wait for the load if
// there is none: with MaxWorkers attempts in flight, an expiring entry
// would otherwise send them all to the database at once and starve
// river's own fetches and completions of pool connections.
func (e *engine) healthOf(ctx context.Context, key string) (healthEntry, error) {
	for {
		e.mu.Lock()
		h, ok := e.health[key]
		if ok && time.Since(h.loaded) < healthTTL {
			e.mu.Unlock()
			return h, nil
		}
		wait, busy := e.loading[key]
		if !busy {
			done := make(chan struct{})
			e.loading[key] = done
			e.mu.Unlock()
			return e.loadHealth(ctx, key, done)
		}
		e.mu.Unlock()
		if ok {
			return h, nil // stale while another goroutine refreshes it
		}
		select {
		case <-wait: // loaded, or failed: look again
		case <-ctx.Done():
			return healthEntry{}, ctx.Err()
		}
	}
}

func (e *engine) loadHealth(ctx context.Context, key string, done chan struct{}) (healthEntry, error) {
	st, _, err := e.store.endpoint(ctx, key)
	h := healthEntry{disabled: st.Disabled(), failing: !st.FailingSince.IsZero(), notBefore: st.NotBefore, loaded: time.Now()}
	e.mu.Lock()
	delete(e.loading, key)
	if err == nil {
		e.health[key] = h
	}
	e.mu.Unlock()
	close(done)
	if err != nil {
		return healthEntry{}, err
	}
	return h, nil
}

func (e *engine) setHealth(key string, h healthEntry) {
	e.mu.Lock()
	e.health[key] = h
	e.mu.Unlock()
}

func (e *engine) sem(key string, n int) chan struct{} {
	if v, ok := e.sems.Load(key); ok {
		return v.(chan struct{})
	}
	v, _ := e.sems.LoadOrStore(key, make(chan struct{}, n))
	return v.(chan struct{})
}

// concurrencyWait is how long an attempt waits for a slot of its
// endpoint before it is snoozed (snoozes do not count as attempts).
const (
	concurrencyWait   = 250 * time.Millisecond
	concurrencySnooze = time.Second
)

func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	e := w.e
	a := job.Args
	ch := e.channels[a.Key.Channel]
	ep := e.endpointOf(a.Key)
	key := ep.key
	at := attemptCtx{job: job, ep: ep}
	if ch == nil {
		return e.dead(ctx, at, "permanent", &DeliveryError{Class: ClassConfig, Permanent: true, Err: ErrUnknownChannel}, e.cfg.Now(), 0)
	}
	pol := e.policies[a.Key.Channel]
	h, err := e.healthOf(ctx, key)
	if err != nil {
		return err // store unavailable: river retries
	}
	if h.disabled {
		return e.dead(ctx, at, "disabled", &DeliveryError{Class: ClassDisabled, Permanent: true, Err: ErrEndpointDisabled}, e.cfg.Now(), 0)
	}
	if wait := h.notBefore.Sub(e.cfg.Now()); wait > 0 {
		// The endpoint asked for a pause (429/503 Retry-After): every job
		// to it waits, not only the one that was refused. Snoozes do not
		// count as attempts.
		return river.JobSnooze(wait)
	}
	superseded, drop, err := e.order(ctx, pol, at)
	switch {
	case errors.Is(err, errSnooze):
		return river.JobSnooze(orderSnooze)
	case err != nil:
		return err
	case drop:
		e.logAttempt(ctx, at, e.cfg.Now(), 0, 0, OutcomeSuperseded, ClassNone)
		return nil
	}

	sem := e.sem(key, pol.Concurrency)
	select {
	case sem <- struct{}{}:
	default:
		t := time.NewTimer(concurrencyWait)
		select {
		case sem <- struct{}{}:
			t.Stop()
		case <-t.C:
			return river.JobSnooze(concurrencySnooze)
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	dctx, cancel := context.WithTimeout(ctx, e.cfg.AttemptTimeout)
	dctx, rec := withStatusRecorder(dctx)
	start := e.cfg.Now()
	mono := time.Now()
	derr := e.deliver(dctx, ch, Delivery{Event: a.event(), Target: a.Key.Target, Attempt: job.Attempt, Superseded: superseded})
	latency := time.Since(mono)
	timedOut := dctx.Err() != nil && ctx.Err() == nil
	cancel()
	<-sem

	if derr == nil {
		if err := e.log(ctx, at, start, latency, rec.code, OutcomeDelivered, ClassNone); err != nil {
			e.cfg.Logger.WarnContext(ctx, "notify: delivery log write failed", slog.String("error_class", "store"))
		}
		if h.failing {
			if err := e.store.markSuccess(ctx, ep, start); err == nil {
				e.setHealth(key, healthEntry{loaded: time.Now()})
			}
		}
		return nil
	}
	de := classify(derr)
	if timedOut && de.Class == ClassInternal {
		de = &DeliveryError{Class: ClassTimeout, Err: derr}
	}
	switch {
	case de.Gone:
		if err := e.disableEndpoint(ctx, at, "gone", start); err != nil {
			return err
		}
		return e.dead(ctx, at, "gone", de, start, latency)
	case de.Permanent:
		return e.dead(ctx, at, "permanent", de, start, latency)
	}
	since, err := e.store.markFailure(ctx, ep, start)
	if err != nil {
		return de // retry; health will be recorded next time
	}
	nb := h.notBefore
	if de.RetryAfter > 0 && (de.Class == ClassThrottled || de.Class == ClassUnavailable) {
		t, err := e.store.throttle(ctx, ep, start.Add(min(de.RetryAfter, pol.MaxRetryAfter)))
		if err != nil {
			// Best effort: without the stored hold, other jobs to the
			// endpoint are not paused; this one still retries on its
			// schedule.
			e.cfg.Logger.WarnContext(ctx, "notify: endpoint hold (Retry-After) not stored",
				slog.String("event_id", string(at.job.Args.Event.ID)), slog.String("error", err.Error()))
		} else {
			nb = t
		}
	}
	e.setHealth(key, healthEntry{failing: true, notBefore: nb, loaded: time.Now()})
	if pol.DisableAfter > 0 && start.Sub(since) >= pol.DisableAfter {
		if err := e.disableEndpoint(ctx, at, "failing", start); err != nil {
			return err
		}
		return e.dead(ctx, at, "disabled", de, start, latency)
	}
	if job.Attempt >= pol.attempts() {
		return e.dead(ctx, at, "exhausted", de, start, latency)
	}
	if de.RetryAfter > 0 {
		e.retryAfter.Store(job.ID, de.RetryAfter)
	}
	e.logAttempt(ctx, at, start, latency, de.StatusCode, OutcomeRetry, de.Class)
	e.cfg.Logger.WarnContext(ctx, "notify: delivery attempt failed, will retry",
		slog.String("tenant", a.Key.Tenant), slog.String("event_id", string(a.Event.ID)), slog.String("channel", a.Key.Channel),
		slog.String("target", e.logTarget(at.job.Args.Key)), slog.Int("attempt", job.Attempt), slog.String("error_class", string(de.Class)),
		slog.Int("status", de.StatusCode))
	return de
}

type attemptCtx struct {
	job *river.Job[deliveryArgs]
	ep  endpointRef // persisted endpoint state of (tenant, channel, target)
}

func statusClass(code int) string {
	if code < 100 || code > 599 {
		return "none"
	}
	return string(rune('0'+code/100)) + "xx"
}

func (e *engine) log(ctx context.Context, at attemptCtx, start time.Time, latency time.Duration, code int, o Outcome, class ErrorClass) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	a := at.job.Args
	e.recordAttempt(ctx, at, latency, o, class)
	return e.logs.add(ctx, Attempt{
		ID: id.String(), Tenant: a.Key.Tenant, EventID: a.Event.ID, ApplicationID: a.Event.ApplicationID, Channel: a.Key.Channel,
		Target: at.ep.ref, Number: at.job.Attempt, StartedAt: start, Latency: latency, StatusCode: code,
		StatusClass: statusClass(code), Outcome: o, ErrorClass: class,
	})
}

// logAttempt records an attempt whose outcome is already decided; a failed
// write of the delivery log is reported, not returned, so it cannot change
// the delivery's fate.
func (e *engine) logAttempt(ctx context.Context, at attemptCtx, start time.Time, latency time.Duration, code int, o Outcome, class ErrorClass) {
	if err := e.log(ctx, at, start, latency, code, o, class); err != nil {
		e.cfg.Logger.ErrorContext(ctx, "notify: delivery log write failed; this attempt is missing from the log",
			slog.String("event_id", string(at.job.Args.Event.ID)), slog.String("outcome", string(o)), slog.String("error", err.Error()))
	}
}

// dead dead-letters the job's event/target, calls OnExhausted and tells
// river to stop retrying.
func (e *engine) dead(ctx context.Context, at attemptCtx, reason string, de *DeliveryError, start time.Time, latency time.Duration) error {
	a := at.job.Args
	e.logAttempt(ctx, at, start, latency, de.StatusCode, OutcomeDead, de.Class)
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	args, err := json.Marshal(a)
	if err != nil {
		return river.JobCancel(err)
	}
	dl := DeadLetter{
		ID: id.String(), Tenant: a.Key.Tenant, EventID: a.Event.ID, ApplicationID: a.Event.ApplicationID, Channel: a.Key.Channel,
		Target: at.ep.ref, Reason: reason, ErrorClass: de.Class, Attempts: at.job.Attempt, DeadAt: e.cfg.Now().UTC(),
		JobID: at.job.ID,
	}
	fresh, err := e.store.insertDeadLetter(ctx, dl, args, e.cfg.OnExhausted == nil)
	if err != nil {
		// Not recorded: keep the job alive so nothing is lost (if this was
		// river's last attempt, the job is discarded and Reconcile
		// dead-letters it).
		return err
	}
	if fresh {
		// Otherwise an earlier run of this job dead-lettered it and died
		// before river recorded the cancellation; Reconcile calls the hook
		// if that run could not.
		e.cfg.Logger.WarnContext(ctx, "notify: delivery dead-lettered",
			slog.String("tenant", a.Key.Tenant), slog.String("event_id", string(a.Event.ID)), slog.String("channel", a.Key.Channel),
			slog.String("target", e.logTarget(at.job.Args.Key)), slog.String("reason", reason), slog.String("error_class", string(de.Class)))
		e.exhausted(ctx, dl)
	}
	if reason == "exhausted" {
		return river.JobCancel(errors.Join(ErrExhausted, de))
	}
	return river.JobCancel(de)
}

func (e *engine) disableEndpoint(ctx context.Context, at attemptCtx, reason string, now time.Time) error {
	ch := at.job.Args.Key.Channel
	did, err := e.store.disable(ctx, at.ep, reason, now)
	if err != nil {
		return err
	}
	e.setHealth(at.ep.key, healthEntry{disabled: true, loaded: time.Now()})
	if !did {
		return nil
	}
	st := EndpointStatus{Tenant: at.ep.tenant, Channel: ch, Target: at.ep.ref, DisabledAt: now.UTC(), DisabledReason: reason}
	e.cfg.Logger.WarnContext(ctx, "notify: endpoint disabled",
		slog.String("tenant", at.ep.tenant), slog.String("channel", ch), slog.String("target", e.logTarget(at.job.Args.Key)), slog.String("reason", reason))
	if e.cfg.OnEndpointDisabled != nil {
		e.cfg.OnEndpointDisabled(ctx, st)
	}
	if e.notice != nil {
		if err := e.notice(ctx, st); err != nil {
			e.cfg.Logger.ErrorContext(ctx, "notify: could not report disabled endpoint", slog.String("target", e.logTarget(at.job.Args.Key)))
		}
	}
	return nil
}
