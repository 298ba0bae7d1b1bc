package notify_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// One event to several endpoints: one job per target in one statement,
// idempotent per target, one EventID across all of them.
func TestEnqueueFanOut(t *testing.T) {
	e := newEnv(t, envOpts{noStart: true})
	for _, id := range []string{"ep2", "ep3", "ep4"} {
		e.eps[id] = webhook.Endpoint{ID: id, URL: e.rcv.URL + "/" + id, Secrets: []webhook.Secret{e.secret}}
	}
	ctx := context.Background()
	ev := testEvent("F-1")
	ev.Recipients.Webhooks = []string{"ep1", "ep2", "ep3"}
	first := e.enqueue(ev)
	require.Len(t, first.Jobs, 3)
	ids := map[int64]bool{}
	for i, j := range first.Jobs {
		assert.False(t, j.Duplicate, "job %d", i)
		assert.Equal(t, "webhook", j.Channel)
		ids[j.JobID] = true
	}
	assert.Len(t, ids, 3)

	again := e.enqueue(ev)
	assert.Equal(t, first.EventID, again.EventID)
	for i, j := range again.Jobs {
		assert.True(t, j.Duplicate, "job %d", i)
		assert.Equal(t, first.Jobs[i].JobID, j.JobID)
	}

	// A new target for the same transition joins the original event.
	ev.Recipients.Webhooks = []string{"ep1", "ep4"}
	more := e.enqueue(ev)
	assert.Equal(t, first.EventID, more.EventID)
	require.Len(t, more.Jobs, 2)
	assert.True(t, more.Jobs[0].Duplicate)
	assert.False(t, more.Jobs[1].Duplicate)
	job, err := e.client.River().JobGet(ctx, more.Jobs[1].JobID)
	require.NoError(t, err)
	var args struct {
		Key struct {
			Target string `json:"target"`
		} `json:"key"`
		Event map[string]any `json:"event"`
	}
	require.NoError(t, json.Unmarshal(job.EncodedArgs, &args))
	assert.Equal(t, string(first.EventID), args.Event["id"])
	assert.Equal(t, "ep4", args.Key.Target, "a job carries only its own target")
	assert.NotContains(t, args.Event, "recipients", "the target is stored once, in the key")

	e.start()
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 45*time.Second), 4))
	got := e.rcv.Received()
	require.Len(t, got, 4)
	for _, r := range got {
		assert.Equal(t, string(first.EventID), r.ID)
		assert.True(t, r.Valid)
	}
}

// recordingChannel keeps the Delivery values its channel was given.
type recordingChannel struct {
	notify.Channel
	mu   sync.Mutex
	seen []notify.Delivery
}

func (c *recordingChannel) Deliver(ctx context.Context, d notify.Delivery) error {
	c.mu.Lock()
	c.seen = append(c.seen, d)
	c.mu.Unlock()
	return c.Channel.Deliver(ctx, d)
}

func (c *recordingChannel) deliveries() []notify.Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.seen)
}

// legacyArgs is the job layout of earlier versions, whose stored event
// still carried the route's recipient.
type legacyArgs struct {
	Key   map[string]string `json:"key"`
	Event notify.Event      `json:"event"`
}

func (legacyArgs) Kind() string { return "ozg_notify_delivery" }

// A job stores its target once, yet each channel sees the event with its
// own recipient only, for new jobs and for jobs in the earlier layout.
func TestDeliverySeesOwnRecipient(t *testing.T) {
	var rec *recordingChannel
	e := newEnv(t, envOpts{noStart: true, wrap: func(c notify.Channel) notify.Channel {
		rec = &recordingChannel{Channel: c}
		return rec
	}})
	e.eps["ep2"] = webhook.Endpoint{ID: "ep2", URL: e.rcv.URL + "/ep2", Secrets: []webhook.Secret{e.secret}}
	ev := testEvent("R-1")
	ev.Recipients.Webhooks = []string{"ep1", "ep2"}
	out := e.enqueue(ev)

	old := testEvent("R-2")
	old.ID, old.OccurredAt, old.Type = "0192f0c4-8e2a-7c3b-9d4e-5f6a7b8c9d0e", time.Now().UTC().Truncate(time.Microsecond), "application.status.received"
	old.Recipients.Webhooks = []string{"ep2"}
	_, err := e.client.River().Insert(context.Background(), legacyArgs{
		Key:   map[string]string{"application": "R-2", "transition": "RECEIVED", "channel": "webhook", "target": "ep2"},
		Event: old,
	}, &river.InsertOpts{Queue: notify.DefaultQueue})
	require.NoError(t, err)

	e.start()
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 30*time.Second), 3))
	got := map[string][]string{}
	for _, d := range rec.deliveries() {
		assert.Equal(t, []string{d.Target}, d.Event.Recipients.Webhooks, "%s sees only its own target", d.Target)
		assert.Empty(t, d.Event.Recipients.Email)
		assert.Empty(t, d.Event.Recipients.Mailbox)
		got[string(d.Event.ID)] = append(got[string(d.Event.ID)], d.Target)
	}
	assert.ElementsMatch(t, []string{"ep1", "ep2"}, got[string(out.EventID)])
	assert.Equal(t, []string{"ep2"}, got[string(old.ID)])
	for _, r := range e.rcv.Received() {
		assert.True(t, r.Valid)
	}
}
