package notify_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		Event struct {
			ID         string `json:"id"`
			Recipients struct {
				Webhooks []string `json:"webhooks"`
			} `json:"recipients"`
		} `json:"event"`
	}
	require.NoError(t, json.Unmarshal(job.EncodedArgs, &args))
	assert.Equal(t, string(first.EventID), args.Event.ID)
	assert.Equal(t, []string{"ep4"}, args.Event.Recipients.Webhooks, "a job carries only its own target")

	e.start()
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 45*time.Second), 4))
	got := e.rcv.Received()
	require.Len(t, got, 4)
	for _, r := range got {
		assert.Equal(t, string(first.EventID), r.ID)
		assert.True(t, r.Valid)
	}
}
