package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

type seqPayload struct {
	Data struct {
		ApplicationID string        `json:"application_id"`
		Sequence      int64         `json:"sequence"`
		Status        notify.Status `json:"status"`
	} `json:"data"`
}

// deliveredSequences returns, per application, the sequences of the
// requests answered 2xx in arrival order.
func deliveredSequences(t *testing.T, rs []notifytest.Received) map[string][]int64 {
	out := map[string][]int64{}
	for _, r := range rs {
		if r.Status/100 != 2 {
			continue
		}
		var p seqPayload
		require.NoError(t, json.Unmarshal(r.Body, &p))
		out[p.Data.ApplicationID] = append(out[p.Data.ApplicationID], p.Data.Sequence)
	}
	return out
}

func (e *env) waitIdle(d time.Duration) {
	e.t.Helper()
	require.Eventually(e.t, func() bool {
		var n int
		err := e.db.QueryRow(`SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n)
		return err == nil && n == 0
	}, d, 10*time.Millisecond)
}

var statusCycle = []notify.Status{notify.StatusSubmitted, notify.StatusReceived, notify.StatusProcessing,
	notify.StatusActionRequired, notify.StatusProcessing, notify.StatusCompleted}

// TestStatusNeverGoesBackwards: many status changes of several
// applications delivered by concurrent workers arrive, per application,
// in enqueue order, and the newest always arrives.
func TestStatusNeverGoesBackwards(t *testing.T) {
	e := newEnv(t, envOpts{noStart: true})
	const apps = 8
	for i, st := range statusCycle {
		for a := 0; a < apps; a++ {
			ev := testEvent(fmt.Sprintf("O-%d", a))
			ev.Transition, ev.Status = fmt.Sprintf("%s#%d", st, i), st
			out := e.enqueue(ev)
			require.Len(t, out.Jobs, 1)
		}
	}
	e.start()
	e.waitIdle(60 * time.Second)
	got := deliveredSequences(t, e.rcv.Received())
	require.Len(t, got, apps)
	for app, seqs := range got {
		for i := 1; i < len(seqs); i++ {
			assert.Greater(t, seqs[i], seqs[i-1], "%s went backwards: %v", app, seqs)
		}
		assert.Equal(t, int64(len(statusCycle)), seqs[len(seqs)-1], "%s: newest status delivered last", app)
	}
}

// TestSupersededRetryDropped: a status whose first attempt failed is not
// delivered after a newer status of its application has been. The retry
// waits 3 s so that the newer status is enqueued before it even on a
// loaded machine (with 300 ms it once came first under load).
func TestSupersededRetryDropped(t *testing.T) {
	e := newEnv(t, envOpts{schedule: []time.Duration{0, 3 * time.Second, time.Millisecond}})
	e.rcv.Fail(notifytest.Fault{Status: 500})
	first := testEvent("S-1")
	out1 := e.enqueue(first)
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 30*time.Second), 1))
	second := testEvent("S-1")
	second.Transition, second.Status = "COMPLETED", notify.StatusCompleted
	e.enqueue(second)
	e.waitIdle(60 * time.Second)
	got := deliveredSequences(t, e.rcv.Received())
	assert.Equal(t, []int64{2}, got["S-1"], "only the newer status was delivered")
	require.NoError(t, e.client.FlushLog(context.Background()))
	log, err := e.client.EventAttempts(context.Background(), notify.ForTenant(""), out1.EventID)
	require.NoError(t, err)
	require.Len(t, log, 2)
	assert.Equal(t, notify.OutcomeRetry, log[0].Outcome)
	assert.Equal(t, notify.OutcomeSuperseded, log[1].Outcome)
}

// TestOrderNoneDeliversEveryTransition: with OrderNone a retried older
// status is still delivered; receivers order by sequence.
func TestOrderNoneDeliversEveryTransition(t *testing.T) {
	e := newEnv(t, envOpts{cfg: notify.Config{Policies: map[string]notify.Policy{"webhook": {
		Schedule: []time.Duration{0, 300 * time.Millisecond}, Jitter: -1, Ordering: notify.OrderNone}}}})
	e.rcv.Fail(notifytest.Fault{Status: 500})
	e.enqueue(testEvent("N-1"))
	require.NoError(t, e.rcv.WaitRequests(waitCtx(t, 30*time.Second), 1))
	second := testEvent("N-1")
	second.Transition, second.Status = "COMPLETED", notify.StatusCompleted
	e.enqueue(second)
	e.waitIdle(60 * time.Second)
	assert.ElementsMatch(t, []int64{1, 2}, deliveredSequences(t, e.rcv.Received())["N-1"])
}

// TestStatusOrderPostgresTwoInstances: the same guarantee with two
// client instances sharing one PostgreSQL database.
func TestStatusOrderPostgresTwoInstances(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	pool, err := sqldb.OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	rcv := notifytest.NewReceiver(t, notifytest.ReceiverConfig{Secrets: []webhook.Secret{secret}})
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: rcv.URL, Secrets: []webhook.Secret{secret}}}
	var clients []*notify.Client[pgx.Tx]
	for i := 0; i < 2; i++ {
		sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: &webhook.Guard{Allow: loopback}, InsecureDevelopment: true})
		require.NoError(t, err)
		c, err := notify.NewPostgres(pool, notify.Config{
			Channels:       []notify.Channel{sender},
			Policies:       map[string]notify.Policy{"webhook": {Schedule: fastSchedule, Jitter: -1}},
			AttemptTimeout: 2 * time.Second, FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond,
			Logger: quietLogger(), Test: notify.TestConfig{TestOnly: true}, ClientID: fmt.Sprintf("order-%d", i),
		})
		require.NoError(t, err)
		clients = append(clients, c)
	}
	require.NoError(t, clients[0].Migrate(ctx))
	const apps = 8
	for i, st := range statusCycle {
		for a := 0; a < apps; a++ {
			ev := testEvent(fmt.Sprintf("PO-%d", a))
			ev.Transition, ev.Status = fmt.Sprintf("%s#%d", st, i), st
			_, err := clients[i%2].Enqueue(ctx, ev)
			require.NoError(t, err)
		}
	}
	for _, c := range clients {
		require.NoError(t, c.Start(ctx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = c.Stop(sctx)
		})
	}
	require.Eventually(t, func() bool {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n)
		return err == nil && n == 0
	}, 60*time.Second, 10*time.Millisecond)
	got := deliveredSequences(t, rcv.Received())
	require.Len(t, got, apps)
	for app, seqs := range got {
		for i := 1; i < len(seqs); i++ {
			assert.Greater(t, seqs[i], seqs[i-1], "%s went backwards: %v", app, seqs)
		}
		assert.Equal(t, int64(len(statusCycle)), seqs[len(seqs)-1], app)
	}
}
