package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

func (e *env) jobState(id int64) (rivertype.JobState, time.Time) {
	j, err := e.client.River().JobGet(context.Background(), id)
	require.NoError(e.t, err)
	return j.State, j.ScheduledAt
}

// TestThrottleHoldsEndpoint: a 429 with Retry-After holds every job to
// that endpoint, not only the refused one; other endpoints go on.
func TestThrottleHoldsEndpoint(t *testing.T) {
	clock := notifytest.NewClock(time.Now().UTC().Truncate(time.Second))
	e := newEnv(t, envOpts{clock: clock, schedule: notify.DefaultSchedule()})
	e.eps["ep2"] = webhook.Endpoint{ID: "ep2", URL: e.rcv.URL + "/two", Secrets: []webhook.Secret{e.secret}}
	e.rcv.Fail(notifytest.Fault{Status: 429, RetryAfter: "60"})
	e.enqueue(testEvent("TH-1"))
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 30*time.Second), 1))
	// The hold exists once the 429 is processed and its Retry-After is
	// stored; a job that started before that is not held (it is in flight).
	require.Eventually(t, func() bool {
		st, err := e.client.Endpoint(context.Background(), notify.ForTenant(""), "webhook", "ep1")
		return err == nil && !st.NotBefore.IsZero()
	}, 30*time.Second, 5*time.Millisecond)

	held := e.enqueue(testEvent("TH-2"))
	other := testEvent("TH-3")
	other.Recipients.Webhooks = []string{"ep2"}
	free := e.enqueue(other)
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 30*time.Second), 1))
	assert.Equal(t, string(free.EventID), e.rcv.Received()[1].ID, "the other endpoint is unaffected")

	var state rivertype.JobState
	var at time.Time
	require.Eventually(t, func() bool {
		state, at = e.jobState(held.Jobs[0].JobID)
		return state != rivertype.JobStateAvailable && state != rivertype.JobStateRunning
	}, 30*time.Second, 10*time.Millisecond)
	assert.Equal(t, rivertype.JobStateScheduled, state, "held until the endpoint's Retry-After")
	assert.WithinDuration(t, clock.Now().Add(time.Minute), at, 2*time.Second)
	for _, r := range e.rcv.Received() {
		assert.NotEqual(t, string(held.EventID), r.ID, "nothing sent to the throttled endpoint")
	}
	st, err := e.client.Endpoint(context.Background(), notify.ForTenant(""), "webhook", "ep1")
	require.NoError(t, err)
	assert.WithinDuration(t, clock.Now().Add(time.Minute), st.NotBefore, 2*time.Second)
	held1, err := e.client.River().JobGet(context.Background(), held.Jobs[0].JobID)
	require.NoError(t, err)
	assert.LessOrEqual(t, held1.Attempt, 1, "a hold is a snooze, not an attempt")
}

// TestUnavailableIsNotThrottled: 503 is logged as "unavailable" with its
// status code; only 429 is "throttled".
func TestUnavailableIsNotThrottled(t *testing.T) {
	e := newEnv(t, envOpts{schedule: []time.Duration{0, time.Millisecond}})
	e.rcv.Fail(notifytest.Fault{Status: 503})
	out := e.enqueue(testEvent("U-1"))
	require.NoError(t, e.rcv.WaitDelivered(waitCtx(t, 30*time.Second), 1))
	e.waitIdle(30 * time.Second)
	require.NoError(t, e.client.FlushLog(context.Background()))
	log, err := e.client.EventAttempts(context.Background(), notify.ForTenant(""), out.EventID)
	require.NoError(t, err)
	require.Len(t, log, 2)
	assert.Equal(t, notify.ClassUnavailable, log[0].ErrorClass)
	assert.Equal(t, 503, log[0].StatusCode)
	assert.Equal(t, "5xx", log[0].StatusClass)
}
