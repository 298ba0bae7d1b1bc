package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

// Environment of the worker child process (this test binary re-executed).
const (
	envChild   = "OZG_NOTIFY_CRASH_CHILD"
	envBackend = "OZG_NOTIFY_CRASH_BACKEND"
	envDSN     = "OZG_NOTIFY_CRASH_DSN"
	envURL     = "OZG_NOTIFY_CRASH_URL"
	envSecret  = "OZG_NOTIFY_CRASH_SECRET"
	envOffset  = "OZG_NOTIFY_CRASH_OFFSET"
)

var crashSchedule = []time.Duration{0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

const (
	crashAttemptTimeout = 250 * time.Millisecond
	crashRescueAfter    = 4 * crashAttemptTimeout
)

// offsetClock runs in real time shifted by d. A restarted worker uses it
// to see the killed worker's leadership lease and running jobs as
// expired at once, instead of waiting for river's lease TTL.
type offsetClock struct{ d time.Duration }

func (c offsetClock) Now() time.Time { return time.Now().Add(c.d) }
func (c offsetClock) NowOrNil() *time.Time {
	t := c.Now()
	return &t
}

func crashChildConfig(sender *webhook.Sender, id string, clock offsetClock) notify.Config {
	return notify.Config{
		Channels: []notify.Channel{sender},
		// Many quick retries: requests left hanging by the test time out
		// and must not exhaust a job.
		Policies:          map[string]notify.Policy{"webhook": {Schedule: crashSchedule, Jitter: -1}},
		AttemptTimeout:    crashAttemptTimeout,
		RescueAfter:       crashRescueAfter,
		MaxWorkers:        20,
		FetchCooldown:     time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            quietLogger(),
		ClientID:          id,
		Now:               clock.Now,
		Test:              notify.TestConfig{Time: clock, TestOnly: true},
	}
}

// TestCrashWorkerChild is the worker process of the crash tests. It does
// nothing unless started by them.
func TestCrashWorkerChild(t *testing.T) {
	if os.Getenv(envChild) == "" {
		t.Skip("child process of the crash tests")
	}
	ctx := context.Background()
	secret, err := webhook.ParseSecret(os.Getenv(envSecret))
	require.NoError(t, err)
	off, _ := time.ParseDuration(os.Getenv(envOffset))
	clock := offsetClock{off}
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: os.Getenv(envURL), Secrets: []webhook.Secret{secret}}}
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: &webhook.Guard{Allow: loopback},
		InsecureDevelopment: true, Now: clock.Now})
	require.NoError(t, err)
	cfg := crashChildConfig(sender, os.Getenv(envChild), clock)
	switch os.Getenv(envBackend) {
	case "sqlite":
		db, err := sqldb.OpenSQLite(ctx, os.Getenv(envDSN))
		require.NoError(t, err)
		c, err := notify.NewSQLite(db, cfg)
		require.NoError(t, err)
		require.NoError(t, c.Start(ctx))
	case "postgres":
		pool, err := sqldb.OpenPostgres(ctx, os.Getenv(envDSN))
		require.NoError(t, err)
		c, err := notify.NewPostgres(pool, cfg)
		require.NoError(t, err)
		require.NoError(t, c.Start(ctx))
	}
	select {} // until killed
}

type child struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

func startChild(t *testing.T, backend, dsn, url string, secret webhook.Secret, id string, offset time.Duration) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWorkerChild$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		envChild+"="+id, envBackend+"="+backend, envDSN+"="+dsn, envURL+"="+url,
		envSecret+"="+secret.Encode(), envOffset+"="+offset.String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, out: &out}
	t.Cleanup(func() { c.kill() })
	return c
}

var killMu sync.Mutex

func (c *child) kill() {
	killMu.Lock()
	defer killMu.Unlock()
	if c.cmd.ProcessState != nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

// runCrash commits n events, lets workers deliver, SIGKILLs worker 0 while
// requests are in flight, restarts it and checks that every event
// arrived, under its one ID, with identical body and valid signatures.
func runCrash[TTx any](t *testing.T, backend, dsn string, workers int, client *notify.Client[TTx], n int) {
	ctx := context.Background()
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	rcv := notifytest.NewReceiver(t, notifytest.ReceiverConfig{Secrets: []webhook.Secret{secret}})

	ids := map[notify.EventID]bool{}
	tEnq := time.Now()
	for i := 0; i < n; i += 100 {
		// Committed in caller transactions of 100 state changes each.
		require.NoError(t, commitBatch(ctx, client, i, min(i+100, n), ids))
	}
	require.Len(t, ids, n)
	t.Logf("enqueued %d in %s", n, time.Since(tEnq))

	var children []*child
	for w := 0; w < workers; w++ {
		children = append(children, startChild(t, backend, dsn, rcv.URL, secret, fmt.Sprintf("w%d-a", w), 0))
	}
	wait := waitCtx(t, 240*time.Second) // generous: -race on a loaded 2-core machine
	t0 := time.Now()
	require.NoError(t, rcv.WaitDelivered(wait, n/4), "first deliveries")
	t.Logf("first quarter after %s", time.Since(t0))
	// Leave the next 10 requests unanswered so deliveries are in flight,
	// then kill a worker mid-delivery.
	const hung = 10
	for range hung {
		rcv.Fail(notifytest.Fault{Hang: true})
	}
	require.NoError(t, rcv.WaitFor(wait, func(rs []notifytest.Received) bool {
		n := 0
		for _, r := range rs {
			if r.Status == 0 {
				n++
			}
		}
		return n >= hung
	}))
	children[0].kill()
	killed := time.Now()
	// river's rescuer compares attempted_at with the real clock and runs
	// when a client becomes leader, then every 30 s. Start the new worker
	// once the killed worker's attempts are past the rescue horizon, so
	// its first rescuer run picks them up.
	<-time.After(time.Until(killed.Add(crashRescueAfter + 50*time.Millisecond)))
	// Restart with a clock one minute ahead: the dead worker's lease and
	// its running jobs look expired, so the rescuer retries them now.
	restarted := startChild(t, backend, dsn, rcv.URL, secret, "w0-b", time.Minute)
	t.Logf("restarted after %s", time.Since(t0))
	if err := rcv.WaitDelivered(wait, n-10); err != nil {
		logJobStates(t, client)
		t.Logf("worker output:\n%s", restarted.out.String())
		t.Fatalf("delivered %d of %d: %v", len(rcv.Delivered()), n, err)
	}
	t.Logf("all but 10 after %s", time.Since(t0))
	if err := rcv.WaitDelivered(wait, n); err != nil {
		logJobStates(t, client)
		t.Logf("worker output:\n%s", restarted.out.String())
		t.Fatalf("delivered %d of %d: %v", len(rcv.Delivered()), n, err)
	}
	t.Logf("all after %s", time.Since(t0))
	for _, c := range children[1:] {
		c.kill()
	}
	restarted.kill()

	delivered := rcv.Delivered()
	assert.Len(t, delivered, n, "distinct IDs")
	byID := map[string][]notifytest.Received{}
	for _, r := range rcv.Received() {
		byID[r.ID] = append(byID[r.ID], r)
	}
	dups := 0
	for id, rs := range byID {
		assert.True(t, ids[notify.EventID(id)], "unknown id %s", id)
		for _, r := range rs[1:] {
			dups++
			assert.Equal(t, rs[0].Body, r.Body, "duplicate carries the same body")
		}
		for _, r := range rs {
			assert.True(t, r.Valid, "signature valid")
		}
	}
	assert.Positive(t, dups, "the kill interrupted deliveries, so some were resent")
	dead, err := client.DeadLetters(ctx, notify.ReplayFilter{Scope: notify.ForTenant(""), Since: time.Unix(0, 0)})
	require.NoError(t, err)
	assert.Empty(t, dead, "nothing dead-lettered")
	t.Logf("%s: %d events, %d requests, %d duplicates after SIGKILL", backend, n, len(rcv.Received()), dups)
}

func logJobStates[TTx any](t *testing.T, c *notify.Client[TTx]) {
	states := map[string]int{}
	res, err := c.River().JobList(context.Background(), river.NewJobListParams().First(10000))
	if err != nil {
		t.Logf("job list: %v", err)
		return
	}
	for _, j := range res.Jobs {
		states[string(j.State)]++
	}
	dead, _ := c.DeadLetters(context.Background(), notify.ReplayFilter{Scope: notify.ForTenant(""), Since: time.Unix(0, 0)})
	t.Logf("job states %v, dead letters %d", states, len(dead))
}

func commitBatch[TTx any](ctx context.Context, c *notify.Client[TTx], from, to int, ids map[notify.EventID]bool) error {
	return c.InTx(ctx, func(tx TTx) error {
		for i := from; i < to; i++ {
			out, err := c.EnqueueTx(ctx, tx, testEvent("C-"+strconv.Itoa(i)))
			if err != nil {
				return err
			}
			ids[out.EventID] = true
		}
		return nil
	})
}

func TestCrashRecoverySQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns worker processes")
	}
	path := t.TempDir() + "/crash.db"
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c, err := notify.NewSQLite(db, enqueueOnlyConfig(t))
	require.NoError(t, err)
	require.NoError(t, c.Migrate(ctx))
	runCrash(t, "sqlite", path, 1, c, 1000)
}

func TestCrashRecoveryPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns worker processes")
	}
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	pool, err := sqldb.OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	c, err := notify.NewPostgres(pool, enqueueOnlyConfig(t))
	require.NoError(t, err)
	require.NoError(t, c.Migrate(ctx))
	runCrash(t, "postgres", dsn, 2, c, 1000)
}

// enqueueOnlyConfig is the parent's config: same channels and endpoint
// IDs (enqueue validates routes against them), never started.
func enqueueOnlyConfig(t *testing.T) notify.Config {
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: webhook.StaticEndpoints{
		"ep1": {ID: "ep1", URL: "https://receiver.invalid/hook", Secrets: []webhook.Secret{secret}}}})
	require.NoError(t, err)
	return notify.Config{
		Channels: []notify.Channel{sender},
		Policies: map[string]notify.Policy{"webhook": {Schedule: crashSchedule, Jitter: -1}},
		Logger:   quietLogger(),
	}
}
