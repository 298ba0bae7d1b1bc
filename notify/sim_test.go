package notify_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
)

// TestNotifytestStart: an application's test wires a receiver, the
// notify client and a retry in a few lines, and the retry takes well
// under a second.
func TestNotifytestStart(t *testing.T) {
	ctx := context.Background()
	sim := notifytest.Start(t)
	db, err := database.OpenSQLite(ctx, filepath.Join(t.TempDir(), "app.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c, err := notify.NewSQLite(db, sim.Config(t))
	require.NoError(t, err)
	require.NoError(t, c.Migrate(ctx))
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Stop(context.Background()) })

	sim.Receiver.Fail(notifytest.Fault{Status: 500}, notifytest.Fault{Status: 503})
	start := time.Now()
	out, err := c.Enqueue(ctx, notify.Event{ApplicationID: "SIM-1", Transition: "RECEIVED", Status: notify.StatusReceived,
		Recipients: notify.Recipients{Webhooks: []string{notifytest.EndpointID}}})
	require.NoError(t, err)
	require.NoError(t, sim.Receiver.WaitDelivered(waitCtx(t, 30*time.Second), 1))
	assert.Less(t, time.Since(start), 5*time.Second, "two retries in test time")
	got := sim.Receiver.Received()
	require.Len(t, got, 3)
	assert.True(t, got[2].Valid)
	assert.Equal(t, string(out.EventID), got[2].ID)
}
