package notify_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

func TestDeliverSigned(t *testing.T) {
	e := newEnv(t, envOpts{})
	out := e.enqueue(testEvent("A-1"))
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	got := e.rcv.Received()
	require.Len(t, got, 1)
	assert.Equal(t, string(out.EventID), got[0].ID)
	assert.True(t, got[0].Valid, "signature must verify")
	var p struct {
		Type string `json:"type"`
		Data struct {
			EventID string `json:"event_id"`
			Status  string `json:"status"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(got[0].Body, &p))
	assert.Equal(t, "application.status.received", p.Type)
	assert.Equal(t, string(out.EventID), p.Data.EventID)
	assert.Equal(t, "RECEIVED", p.Data.Status)

	// The delivery log has the attempt, without bodies or addresses,
	// once FlushLog has written the batch.
	e.waitIdle(30 * time.Second)
	require.NoError(t, e.client.FlushLog(context.Background()))
	a, err := e.client.Attempts(context.Background(), notify.ForTenant(""), "A-1", 0)
	require.NoError(t, err)
	require.Len(t, a, 1)
	assert.Equal(t, notify.OutcomeDelivered, a[0].Outcome)
	assert.Equal(t, 200, a[0].StatusCode, "the receiver's real status code")
	assert.Equal(t, "2xx", a[0].StatusClass)
	assert.Equal(t, notify.ClassNone, a[0].ErrorClass)
	assert.Equal(t, "ep1", a[0].Target)
	assert.Equal(t, "webhook", a[0].Channel)
	assert.Equal(t, out.EventID, a[0].EventID)
}

func TestRollbackSendsNothing(t *testing.T) {
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	tx, err := e.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = e.client.EnqueueTx(ctx, tx, testEvent("R-1"))
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	// A committed event afterwards is delivered; the rolled-back one never.
	out := e.enqueue(testEvent("R-2"))
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	got := e.rcv.Received()
	require.Len(t, got, 1)
	assert.Equal(t, string(out.EventID), got[0].ID)
	jobs, err := e.client.River().JobList(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, jobs.Jobs, 1)
}

func TestEnqueueIdempotent(t *testing.T) {
	e := newEnv(t, envOpts{noStart: true})
	first := e.enqueue(testEvent("I-1"))
	second := e.enqueue(testEvent("I-1"))
	assert.Equal(t, first.EventID, second.EventID, "duplicate enqueue keeps the first EventID")
	require.Len(t, second.Jobs, 1)
	assert.True(t, second.Jobs[0].Duplicate)
	assert.Equal(t, first.Jobs[0].JobID, second.Jobs[0].JobID)
	other := testEvent("I-1")
	other.Transition = "PROCESSING"
	other.Status = notify.StatusProcessing
	third := e.enqueue(other)
	assert.NotEqual(t, first.EventID, third.EventID)
	assert.False(t, third.Jobs[0].Duplicate)
}

func TestEnqueueInvalid(t *testing.T) {
	e := newEnv(t, envOpts{noStart: true})
	cases := map[string]func(*notify.Event){
		"no application": func(ev *notify.Event) { ev.ApplicationID = "" },
		"no transition":  func(ev *notify.Event) { ev.Transition = "" },
		"bad status":     func(ev *notify.Event) { ev.Status = "DONE" },
		"no status":      func(ev *notify.Event) { ev.Status = "" },
		"no recipients":  func(ev *notify.Event) { ev.Recipients = notify.Recipients{} },
		"bad type":       func(ev *notify.Event) { ev.Type = "a..b" },
		"bad id":         func(ev *notify.Event) { ev.ID = "x" },
		"newline in app": func(ev *notify.Event) { ev.ApplicationID = "a\nb" },
		"bad payment":    func(ev *notify.Event) { ev.Payment = &notify.Payment{Status: "X"} },
		"invalid utf8":   func(ev *notify.Event) { ev.Transition = "\xff" },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			ev := testEvent("V-1")
			mut(&ev)
			_, err := e.client.Enqueue(context.Background(), ev)
			require.ErrorIs(t, err, notify.ErrInvalidEvent)
		})
	}
	t.Run("unknown channel", func(t *testing.T) {
		ev := testEvent("V-2")
		ev.Recipients.Email = "a@example.org"
		_, err := e.client.Enqueue(context.Background(), ev)
		require.ErrorIs(t, err, notify.ErrUnknownChannel)
	})
	jobs, err := e.client.River().JobList(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, jobs.Jobs, "invalid events change nothing")
}

func TestGoneDisablesEndpoint(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.rcv.Fail(notifytest.Fault{Status: 410})
	out := e.enqueue(testEvent("G-1"))
	dl := e.waitDead(45 * time.Second)
	assert.Equal(t, "gone", dl.Reason)
	assert.Equal(t, out.EventID, dl.EventID)
	st := <-e.disabled
	assert.Equal(t, "gone", st.DisabledReason)
	assert.Equal(t, "ep1", st.Target)
	status, err := e.client.Endpoint(context.Background(), notify.ForTenant(""), "webhook", "ep1")
	require.NoError(t, err)
	assert.True(t, status.Disabled())

	// Further events to the disabled endpoint are dead-lettered without a request.
	ev := testEvent("G-2")
	e.enqueue(ev)
	dl2 := e.waitDead(45 * time.Second)
	assert.Equal(t, "disabled", dl2.Reason)
	assert.Len(t, e.rcv.Received(), 1)

	// Re-enable and replay: delivered with the original EventID.
	require.NoError(t, e.client.EnableEndpoint(context.Background(), notify.ForTenant(""), "webhook", "ep1"))
	n, err := e.client.Replay(context.Background(), notify.ReplayFilter{Scope: notify.ForTenant(""), ApplicationID: "G-1"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	assert.Contains(t, e.rcv.Delivered(), string(out.EventID))
}

func TestExhaustedThenReplay(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.rcv.Down(notifytest.Fault{Status: 500})
	out := e.enqueue(testEvent("X-1"))
	dl := e.waitDead(45 * time.Second)
	assert.Equal(t, "exhausted", dl.Reason)
	assert.Equal(t, len(fastSchedule), dl.Attempts)
	assert.Equal(t, notify.ClassServer, dl.ErrorClass)
	reqs := e.rcv.Received()
	require.Len(t, reqs, len(fastSchedule))
	for _, r := range reqs {
		assert.Equal(t, string(out.EventID), r.ID, "every retry carries the same ID")
		assert.Equal(t, reqs[0].Body, r.Body, "and the same body")
		assert.True(t, r.Valid)
	}
	attempts := e.waitEventAttempts(out.EventID, len(fastSchedule))
	assert.Equal(t, notify.OutcomeDead, attempts[len(attempts)-1].Outcome)
	assert.Equal(t, "5xx", attempts[0].StatusClass)

	// A replay filter must be scoped: to a tenant, and to an application,
	// event or time.
	_, err := e.client.Replay(context.Background(), notify.ReplayFilter{})
	require.ErrorIs(t, err, notify.ErrTenantRequired)
	_, err = e.client.Replay(context.Background(), notify.ReplayFilter{Scope: notify.ForTenant("")})
	require.ErrorIs(t, err, notify.ErrInvalidConfig)

	e.rcv.Up()
	n, err := e.client.Replay(context.Background(), notify.ReplayFilter{Scope: notify.ForTenant(""), EventID: out.EventID})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	last := e.rcv.Received()[len(e.rcv.Received())-1]
	assert.Equal(t, string(out.EventID), last.ID)
	assert.Equal(t, reqs[0].Body, last.Body)
	assert.True(t, last.Valid)
	// Replaying again finds nothing (already replayed).
	n, err = e.client.Replay(context.Background(), notify.ReplayFilter{Scope: notify.ForTenant(""), EventID: out.EventID})
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestRedirectNotFollowed(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.rcv.Fail(notifytest.Fault{Status: 307, Location: e.rcv.URL + "/elsewhere"})
	e.enqueue(testEvent("D-1"))
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	reqs := e.rcv.Received()
	require.Len(t, reqs, 2, "redirect answered, then the retry; /elsewhere never requested")
	assert.Equal(t, 307, reqs[0].Status)
	var attempts []notify.Attempt
	require.Eventually(t, func() bool {
		var err error
		attempts, err = e.client.Attempts(context.Background(), notify.ForTenant(""), "D-1", 0)
		return err == nil && len(attempts) == 2
	}, 45*time.Second, 5*time.Millisecond)
	assert.Equal(t, notify.ClassRedirect, attempts[0].ErrorClass)
	assert.Equal(t, "3xx", attempts[0].StatusClass)
}

func TestSlowReceiverAndReset(t *testing.T) {
	e := newEnv(t, envOpts{cfg: notify.Config{AttemptTimeout: 300 * time.Millisecond}})
	e.rcv.Fail(notifytest.Fault{Hang: true}, notifytest.Fault{Reset: true})
	e.enqueue(testEvent("S-1"))
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	var attempts []notify.Attempt
	require.Eventually(t, func() bool {
		var err error
		attempts, err = e.client.Attempts(context.Background(), notify.ForTenant(""), "S-1", 0)
		return err == nil && len(attempts) == 3
	}, 45*time.Second, 5*time.Millisecond)
	assert.Equal(t, notify.ClassTimeout, attempts[0].ErrorClass)
	assert.Equal(t, notify.ClassConnection, attempts[1].ErrorClass)
	assert.Equal(t, notify.OutcomeDelivered, attempts[2].Outcome)
}

func TestSSRFTargetsBlocked(t *testing.T) {
	// No loopback allowance: the receiver on 127.0.0.1 is an SSRF target.
	e := newEnv(t, envOpts{guard: &webhook.Guard{}})
	e.enqueue(testEvent("F-1"))
	dl := e.waitDead(45 * time.Second)
	assert.Equal(t, "permanent", dl.Reason)
	assert.Equal(t, notify.ClassBlocked, dl.ErrorClass)
	assert.Empty(t, e.rcv.Received())
}

func TestRetryAfterHonoured(t *testing.T) {
	clock := notifytest.NewClock(time.Now().UTC().Truncate(time.Second))
	e := newEnv(t, envOpts{clock: clock, schedule: notify.DefaultSchedule()})
	e.rcv.Fail(notifytest.Fault{Status: 429, RetryAfter: "7200"})
	out := e.enqueue(testEvent("T-1"))
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 45*time.Second), 1))
	var job struct{ scheduled time.Time }
	require.Eventually(t, func() bool {
		jobs, err := e.client.River().JobList(context.Background(), nil)
		if err != nil || len(jobs.Jobs) != 1 || jobs.Jobs[0].State != "retryable" {
			return false
		}
		job.scheduled = jobs.Jobs[0].ScheduledAt
		return true
	}, 45*time.Second, 10*time.Millisecond)
	// Schedule says 5 s; Retry-After says 2 h: the later wins.
	assert.WithinDuration(t, clock.Now().Add(2*time.Hour), job.scheduled, time.Second)
	attempts := e.waitEventAttempts(out.EventID, 1)
	assert.Equal(t, notify.ClassThrottled, attempts[0].ErrorClass)
	assert.Equal(t, 429, attempts[0].StatusCode)
}

func TestSecretRotation(t *testing.T) {
	e := newEnv(t, envOpts{noStart: true})
	newSecret, err := webhook.NewSecret()
	require.NoError(t, err)
	// Sender signs with new and old secret during rotation.
	e.eps["ep1"] = webhook.Endpoint{ID: "ep1", URL: e.rcv.URL, Secrets: []webhook.Secret{newSecret, e.secret}}
	e.start()
	e.enqueue(testEvent("K-1"))
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	r := e.rcv.Received()[0]
	assert.True(t, r.Valid, "receiver with the old secret verifies")
	hdr := r.Header.Clone()
	for _, s := range []webhook.Secret{newSecret, e.secret} {
		v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{s}})
		require.NoError(t, err)
		_, err = v.Verify(context.Background(), r.Body, hdr)
		require.NoError(t, err)
	}
	stranger, _ := webhook.NewSecret()
	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{stranger}})
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), r.Body, hdr)
	require.ErrorIs(t, err, webhook.ErrNoMatchingSignature)
}
