package notify_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

// reconBackend is one store for the reconciliation tests: clients on one
// database, river's executor to rewrite job rows as a crashed worker and
// river's rescuer leave them, and raw SQL.
type reconBackend[TTx any] struct {
	client func(cfg notify.Config) (*notify.Client[TTx], error)
	exec   riverdriver.Executor
	sql    func(q string, args ...any) error
}

func TestReconcileDiscardedSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "recon.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	testReconcile(t, reconBackend[*sql.Tx]{
		client: func(cfg notify.Config) (*notify.Client[*sql.Tx], error) { return notify.NewSQLite(db, cfg) },
		exec:   riversqlite.New(db).GetExecutor(),
		sql: func(q string, args ...any) error {
			_, err := db.ExecContext(ctx, q, args...)
			return err
		},
	})
}

func TestReconcileDiscardedPostgres(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	pool, err := sqldb.OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	testReconcile(t, reconBackend[pgx.Tx]{
		client: func(cfg notify.Config) (*notify.Client[pgx.Tx], error) { return notify.NewPostgres(pool, cfg) },
		exec:   riverpgxv5.New(pool).GetExecutor(),
		sql: func(q string, args ...any) error {
			_, err := sqldb.PostgresDB(pool).ExecContext(ctx, sqldb.Postgres.Rebind(q), args...)
			return err
		},
	})
}

// testReconcile: every job river gives up on becomes a dead letter, once,
// with OnExhausted called once, and can be replayed.
func testReconcile[TTx any](t *testing.T, be reconBackend[TTx]) {
	ctx := context.Background()
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	clock := notifytest.NewClock(time.Now()) // never behind real time (river's rescuer)
	rcv := notifytest.NewReceiver(t, notifytest.ReceiverConfig{Secrets: []webhook.Secret{secret}, Now: clock.Now})
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: rcv.URL, Secrets: []webhook.Secret{secret}}}
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: &webhook.Guard{Allow: loopback},
		InsecureDevelopment: true, Now: clock.Now})
	require.NoError(t, err)
	dead := make(chan notify.DeadLetter, 10)
	cfg := notify.Config{
		Channels:       []notify.Channel{sender},
		Policies:       map[string]notify.Policy{"webhook": {Schedule: fastSchedule, Jitter: -1}},
		AttemptTimeout: 2 * time.Second, FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond,
		ReconcileInterval: 10 * time.Millisecond,
		Logger:            quietLogger(), Now: clock.Now,
		Test:        notify.TestConfig{TestOnly: true, Time: clock},
		OnExhausted: func(_ context.Context, dl notify.DeadLetter) { dead <- dl },
	}
	newClient := func() *notify.Client[TTx] {
		c, err := be.client(cfg)
		require.NoError(t, err)
		return c
	}
	start := func(c *notify.Client[TTx]) func() {
		require.NoError(t, c.Start(ctx))
		return func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			require.NoError(t, c.Stop(sctx))
		}
	}
	c1 := newClient()
	require.NoError(t, c1.Migrate(ctx))
	maxAttempts := len(fastSchedule) + 1 // the schedule plus the spare attempt

	// A: the worker died during the last scheduled attempt and again
	// during the spare one; river's rescuer (real, at leadership start)
	// discards the job; the started client dead-letters it.
	evA, err := c1.Enqueue(ctx, testEvent("R-A"))
	require.NoError(t, err)
	jobA := evA.Jobs[0].JobID
	crashed := time.Now().Add(-2 * notify.DefaultRescueAfter)
	_, err = be.exec.JobUpdateFull(ctx, &riverdriver.JobUpdateFullParams{
		ID: jobA, StateDoUpdate: true, State: rivertype.JobStateRunning,
		AttemptDoUpdate: true, Attempt: maxAttempts,
		AttemptedAtDoUpdate: true, AttemptedAt: &crashed,
		AttemptedByDoUpdate: true, AttemptedBy: []string{"crashed-worker"},
	})
	require.NoError(t, err)
	stop := start(c1)
	dl := waitDeadLetter(t, dead)
	assert.Equal(t, notify.ReasonDiscarded, dl.Reason)
	assert.Equal(t, evA.EventID, dl.EventID)
	assert.Equal(t, jobA, dl.JobID)
	assert.Equal(t, maxAttempts, dl.Attempts)
	assert.Equal(t, "ep1", dl.Target)
	job, err := c1.River().JobGet(ctx, jobA)
	require.NoError(t, err)
	assert.Equal(t, rivertype.JobStateDiscarded, job.State, "river's rescuer gave it up")
	stop()
	assert.Empty(t, rcv.Received(), "the crashed attempts are not re-sent by reconciliation")

	// B: a job left discarded, found by two processes reconciling at once:
	// one dead letter, one OnExhausted call.
	evB, err := c1.Enqueue(ctx, testEvent("R-B"))
	require.NoError(t, err)
	jobB := evB.Jobs[0].JobID
	now := time.Now()
	_, err = be.exec.JobUpdateFull(ctx, &riverdriver.JobUpdateFullParams{
		ID: jobB, StateDoUpdate: true, State: rivertype.JobStateDiscarded,
		AttemptDoUpdate: true, Attempt: maxAttempts,
		AttemptedAtDoUpdate: true, AttemptedAt: &now,
		FinalizedAtDoUpdate: true, FinalizedAt: &now,
	})
	require.NoError(t, err)
	c2 := newClient()
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, c := range []*notify.Client[TTx]{c1, c2} {
		wg.Go(func() {
			n, err := c.Reconcile(ctx)
			assert.NoError(t, err)
			counts[i] = n
		})
	}
	wg.Wait()
	assert.Equal(t, 1, counts[0]+counts[1], "one dead letter per discarded job")
	dlB := waitDeadLetter(t, dead)
	assert.Equal(t, evB.EventID, dlB.EventID)
	assert.Equal(t, jobB, dlB.JobID)
	for _, c := range []*notify.Client[TTx]{c1, c2} {
		n, err := c.Reconcile(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
	}
	assert.Empty(t, dead, "OnExhausted exactly once")
	dls, err := c1.DeadLetters(ctx, notify.ReplayFilter{Scope: notify.ForTenant(""), ApplicationID: "R-B"})
	require.NoError(t, err)
	require.Len(t, dls, 1)
	assert.Equal(t, dlB.ID, dls[0].ID)
	atts, err := c1.EventAttempts(ctx, notify.ForTenant(""), evB.EventID)
	require.NoError(t, err)
	require.Len(t, atts, 1, "the lost attempt is in the delivery log")
	assert.Equal(t, notify.OutcomeDead, atts[0].Outcome)
	assert.Equal(t, notify.ClassInternal, atts[0].ErrorClass)

	// C: the process died between the dead letter and OnExhausted: the
	// call is repeated once RescueAfter has passed, then never again.
	require.NoError(t, be.sql(`UPDATE notify_dead_letters SET notified_at = NULL WHERE id = ?`, dlB.ID))
	_, err = c1.Reconcile(ctx)
	require.NoError(t, err)
	assert.Empty(t, dead, "a hook call may still be running within RescueAfter")
	clock.Advance(notify.DefaultRescueAfter + time.Minute)
	_, err = c1.Reconcile(ctx)
	require.NoError(t, err)
	again := waitDeadLetter(t, dead)
	assert.Equal(t, dlB.ID, again.ID)
	_, err = c2.Reconcile(ctx)
	require.NoError(t, err)
	assert.Empty(t, dead)

	// D: both dead letters replay with their original EventIDs and valid
	// signatures.
	c3 := newClient()
	stop = start(c3)
	defer stop()
	for _, app := range []string{"R-A", "R-B"} {
		n, err := c3.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(""), ApplicationID: app})
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	}
	require.NoError(t, rcv.WaitDelivered(waitCtx(t, 45*time.Second), 2))
	got := rcv.Delivered()
	for _, id := range []notify.EventID{evA.EventID, evB.EventID} {
		require.Contains(t, got, string(id))
		assert.True(t, got[string(id)][0].Valid)
	}

	// E: a job that was dead-lettered but whose cancellation river never
	// recorded (crash in between) runs again: no second dead letter and
	// no second OnExhausted call.
	rcv.Fail(notifytest.Fault{Status: 410})
	evE, err := c3.Enqueue(ctx, testEvent("R-E"))
	require.NoError(t, err)
	dlE := waitDeadLetter(t, dead)
	assert.Equal(t, "gone", dlE.Reason)
	jobE := evE.Jobs[0].JobID
	require.Eventually(t, func() bool {
		j, err := c3.River().JobGet(ctx, jobE)
		return err == nil && j.State == rivertype.JobStateCancelled
	}, 45*time.Second, 5*time.Millisecond)
	_, err = be.exec.JobUpdateFull(ctx, &riverdriver.JobUpdateFullParams{
		ID: jobE, StateDoUpdate: true, State: rivertype.JobStateAvailable,
		FinalizedAtDoUpdate: true, FinalizedAt: nil,
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		j, err := c3.River().JobGet(ctx, jobE)
		return err == nil && j.State == rivertype.JobStateCancelled && j.Attempt == 2
	}, 45*time.Second, 5*time.Millisecond)
	dls, err = c3.DeadLetters(ctx, notify.ReplayFilter{Scope: notify.ForTenant(""), ApplicationID: "R-E"})
	require.NoError(t, err)
	assert.Len(t, dls, 1)
	assert.Empty(t, dead)
}

func waitDeadLetter(t *testing.T, ch <-chan notify.DeadLetter) notify.DeadLetter {
	t.Helper()
	select {
	case dl := <-ch:
		return dl
	case <-time.After(45 * time.Second):
		t.Fatal("no dead letter within 45 s")
	}
	return notify.DeadLetter{}
}
