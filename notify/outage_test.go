package notify_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
)

// The receiver is down for an hour, then up. On a controllable clock the
// retries follow the default schedule (immediately, 5 s, 5 min, 30 min,
// 2 h, each ±10 %) and the event arrives once, at the first attempt
// after the outage.
func TestReceiverDownForAnHour(t *testing.T) {
	start := time.Now().UTC().Truncate(time.Second)
	clock := notifytest.NewClock(start)
	e := newEnv(t, envOpts{clock: clock, schedule: notify.DefaultSchedule(),
		cfg: notify.Config{Policies: map[string]notify.Policy{"webhook": {}}}})
	e.rcv.Down(notifytest.Fault{Status: 503})
	out := e.enqueue(testEvent("O-1"))
	ctx := waitCtx(t, 60*time.Second)

	for attempt := 1; ; attempt++ {
		require.NoError(t, e.rcv.WaitRequests(ctx, attempt), "attempt %d", attempt)
		if e.rcv.Received()[attempt-1].Status == 200 {
			break
		}
		// Wait until the failed attempt is recorded, then jump to its
		// scheduled retry.
		var next time.Time
		require.Eventually(t, func() bool {
			jobs, err := e.client.River().JobList(context.Background(), nil)
			if err != nil || len(jobs.Jobs) != 1 || len(jobs.Jobs[0].Errors) != attempt {
				return false
			}
			next = jobs.Jobs[0].ScheduledAt
			return true
		}, 45*time.Second, 5*time.Millisecond)
		if next.Sub(start) >= time.Hour {
			e.rcv.Up()
		}
		clock.Set(next.Add(time.Millisecond))
	}
	reqs := e.rcv.Received()
	require.Len(t, reqs, 5, "down for 1 h: attempts at 0, 5 s, 5 min, 30 min fail, the 2 h retry succeeds")
	want := []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	for i := 1; i < len(reqs); i++ {
		prev, _ := strconv.ParseInt(reqs[i-1].Timestamp, 10, 64)
		cur, _ := strconv.ParseInt(reqs[i].Timestamp, 10, 64)
		gap := time.Duration(cur-prev) * time.Second
		lo, hi := time.Duration(float64(want[i-1])*0.9)-time.Second, time.Duration(float64(want[i-1])*1.1)+time.Second
		assert.True(t, gap >= lo && gap <= hi, "gap %d = %s, want %s ±10%%", i, gap, want[i-1])
	}
	for _, r := range reqs {
		assert.Equal(t, string(out.EventID), r.ID)
		assert.Equal(t, reqs[0].Body, r.Body)
		assert.True(t, r.Valid)
	}
	assert.Len(t, e.rcv.Delivered(), 1)
}
