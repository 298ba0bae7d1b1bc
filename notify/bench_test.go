package notify_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// Same river tuning for both sides (setup-notes §4).
const (
	benchWorkers  = 100
	benchCooldown = time.Millisecond
	benchPoll     = 50 * time.Millisecond
)

// sink is a loopback receiver that records the first receipt per ID.
type sink struct {
	srv    *httptest.Server
	mu     sync.Mutex
	first  map[string]time.Time
	target int
	done   chan struct{}
}

func newSink(tb testing.TB) *sink {
	s := &sink{first: map[string]time.Time{}, done: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		id := r.Header.Get("webhook-id")
		now := time.Now()
		s.mu.Lock()
		if _, ok := s.first[id]; !ok {
			s.first[id] = now
			if len(s.first) == s.target {
				close(s.done)
			}
		}
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *sink) expect(n int) {
	s.mu.Lock()
	s.first = map[string]time.Time{}
	s.target = n
	s.done = make(chan struct{})
	s.mu.Unlock()
}

func (s *sink) wait(tb testing.TB) {
	select {
	case <-s.done:
	case <-time.After(5 * time.Minute):
		tb.Fatalf("sink: timeout")
	}
}

// bareArgs is the bare river job: it carries the event, as any job that
// posts it must, and does the same POST (the same Standard Webhooks body
// and content type) unsigned, unchecked and unlogged.
type bareArgs struct {
	Event notify.Event `json:"event"`
}

func (bareArgs) Kind() string { return "bench_bare_post" }

type bareWorker struct {
	river.WorkerDefaults[bareArgs]
	client *http.Client
	url    string
}

func (w *bareWorker) Work(ctx context.Context, job *river.Job[bareArgs]) error {
	body, err := webhook.Payload(job.Args.Event)
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", string(job.Args.Event.ID))
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// side is one contestant: begin/commit a caller transaction, enqueue in
// it, start and stop the workers.
type side[TTx any] struct {
	begin   func(context.Context) (TTx, error)
	commit  func(context.Context, TTx) error
	enqueue func(context.Context, TTx, int) (string, error)
	start   func(context.Context) error
	stop    func(context.Context) error
}

type figures struct {
	enqueuePerSec, deliverPerSec float64
	p50, p99                     time.Duration
}

// enqueueChunk is how many caller transactions one side runs before the
// other takes over in the interleaved enqueue phase.
const enqueueChunk = 50

// measureEnqueue times n caller transactions (one event each, one state
// change each) per side, interleaved in chunks with alternating order so
// that both sides see the same machine load.
func measureEnqueue[TTx any](b *testing.B, ours, bare side[TTx], n int) (oursPerSec, barePerSec float64) {
	ctx := context.Background()
	var to, tb time.Duration
	chunk := func(s side[TTx], from int) time.Duration {
		t0 := time.Now()
		for i := from; i < min(from+enqueueChunk, n); i++ {
			tx, err := s.begin(ctx)
			require.NoError(b, err)
			_, err = s.enqueue(ctx, tx, i)
			require.NoError(b, err)
			require.NoError(b, s.commit(ctx, tx))
		}
		return time.Since(t0)
	}
	for k, from := 0, 0; from < n; k, from = k+1, from+enqueueChunk {
		if k%2 == 0 {
			to += chunk(ours, from)
			tb += chunk(bare, from)
		} else {
			tb += chunk(bare, from)
			to += chunk(ours, from)
		}
	}
	return float64(n) / to.Seconds(), float64(n) / tb.Seconds()
}

// measurePair runs the enqueue phase of both sides interleaved, then the
// delivery phases one side after the other (bareFirst swaps the order).
func measurePair[TTx any](b *testing.B, ours, bare side[TTx], snk *sink, deliverN int, bareFirst bool) (fo, fb figures) {
	eo, eb := measureEnqueue(b, ours, bare, benchN)
	inOrder(bareFirst,
		func() { fo = measureDelivery(b, ours, snk, benchN, deliverN, benchLatencyN) },
		func() { fb = measureDelivery(b, bare, snk, benchN, deliverN, benchLatencyN) })
	fo.enqueuePerSec, fb.enqueuePerSec = eo, eb
	return fo, fb
}

// measureDelivery starts a side whose backlog of backlog events is
// enqueued and measures deliveries/s over n events and commit → receipt
// latency.
func measureDelivery[TTx any](b *testing.B, s side[TTx], snk *sink, backlog, n, latencyN int) figures {
	ctx := context.Background()
	var f figures
	// Start the workers and let them drain that backlog (untimed: it
	// includes client start-up).
	snk.expect(backlog)
	require.NoError(b, s.start(ctx))
	snk.wait(b)
	// Throughput: n events committed in one transaction at t0, delivered
	// by running workers.
	snk.expect(n)
	tx, err := s.begin(ctx)
	require.NoError(b, err)
	for i := 0; i < n; i++ {
		_, err := s.enqueue(ctx, tx, 10*n+i)
		require.NoError(b, err)
	}
	require.NoError(b, s.commit(ctx, tx))
	t0 := time.Now()
	snk.wait(b)
	f.deliverPerSec = float64(n) / time.Since(t0).Seconds()
	// Commit → receipt latency with workers idle and waiting.
	snk.expect(latencyN)
	committed := map[string]time.Time{}
	for i := 0; i < latencyN; i++ {
		tx, err := s.begin(ctx)
		require.NoError(b, err)
		id, err := s.enqueue(ctx, tx, 20*n+i)
		require.NoError(b, err)
		require.NoError(b, s.commit(ctx, tx))
		committed[id] = time.Now()
	}
	snk.wait(b)
	var lat []time.Duration
	snk.mu.Lock()
	for id, c := range committed {
		if r, ok := snk.first[id]; ok {
			lat = append(lat, r.Sub(c))
		}
	}
	snk.mu.Unlock()
	slices.Sort(lat)
	f.p50, f.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(b, s.stop(sctx))
	return f
}

func notifyBenchConfig(url string, secret webhook.Secret) notify.Config {
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: url, Secrets: []webhook.Secret{secret}}}
	sender, _ := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: &webhook.Guard{Allow: loopback}, InsecureDevelopment: true})
	return notify.Config{
		Channels:   []notify.Channel{sender},
		Policies:   map[string]notify.Policy{"webhook": {Concurrency: benchWorkers}},
		MaxWorkers: benchWorkers, FetchCooldown: benchCooldown, FetchPollInterval: benchPoll,
		Logger: quietLogger(),
	}
}

func benchEvent(i int) notify.Event {
	ev := testEvent(fmt.Sprintf("B-%d", i))
	return ev
}

func report(b *testing.B, name string, ours, bare figures) {
	b.ReportMetric(ours.enqueuePerSec, name+"_enqueue/s")
	b.ReportMetric(bare.enqueuePerSec, name+"_bare_enqueue/s")
	b.ReportMetric(ours.deliverPerSec, name+"_deliver/s")
	b.ReportMetric(bare.deliverPerSec, name+"_bare_deliver/s")
	b.ReportMetric(float64(ours.p50.Microseconds())/1000, name+"_p50_ms")
	b.ReportMetric(float64(ours.p99.Microseconds())/1000, name+"_p99_ms")
	b.ReportMetric(float64(bare.p50.Microseconds())/1000, name+"_bare_p50_ms")
	b.ReportMetric(float64(bare.p99.Microseconds())/1000, name+"_bare_p99_ms")
}

const (
	benchN        = 1500
	benchLatencyN = 200
	// The delivery phase runs about a second per side on either store:
	// PostgreSQL delivers several times faster than SQLite, and a phase
	// of a few hundred milliseconds measures river's fetch warm-up more
	// than the steady state.
	sqliteDeliverN   = 1500
	postgresDeliverN = 6000
	// Rounds alternate which side goes first (see sqliteRound), so an
	// even number balances the order; the median of the per-round ratios
	// is reported.
	benchRounds = 6
)

func median(fs []figures) figures {
	pick := func(get func(figures) float64) float64 {
		v := make([]float64, len(fs))
		for i, f := range fs {
			v[i] = get(f)
		}
		return medianOf(v)
	}
	return figures{
		enqueuePerSec: pick(func(f figures) float64 { return f.enqueuePerSec }),
		deliverPerSec: pick(func(f figures) float64 { return f.deliverPerSec }),
		p50:           time.Duration(pick(func(f figures) float64 { return float64(f.p50) })),
		p99:           time.Duration(pick(func(f figures) float64 { return float64(f.p99) })),
	}
}

// ratios of medians of per-round ratios are more robust on a shared
// machine than ratios of medians; report both sides' medians and the
// median per-round ratio.
func reportRounds(b *testing.B, name string, ours, bare []figures) {
	report(b, name, median(ours), median(bare))
	er, dr := make([]float64, len(ours)), make([]float64, len(ours))
	for i := range ours {
		er[i] = ours[i].enqueuePerSec / bare[i].enqueuePerSec
		dr[i] = ours[i].deliverPerSec / bare[i].deliverPerSec
	}
	b.ReportMetric(medianOf(er), name+"_enqueue_ratio")
	b.ReportMetric(medianOf(dr), name+"_deliver_ratio")
}

// medianOf sorts v and returns its median (mean of the middle two for an
// even count).
func medianOf(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[n/2]
}

// BenchmarkEndToEndSQLite: notify (signed, logged) vs bare river (unsigned
// POST, no log) on an SQLite file, same tuning, in one run. Run with
// -benchtime=1x.
func BenchmarkEndToEndSQLite(b *testing.B) {
	for b.Loop() {
		var oursR, bareR []figures
		for round := 0; round < benchRounds; round++ {
			o, br := sqliteRound(b, round%2 == 1)
			oursR, bareR = append(oursR, o), append(bareR, br)
		}
		reportRounds(b, "sqlite", oursR, bareR)
	}
}

// sqliteRound measures both sides on fresh SQLite files; bareFirst
// swaps the order so that alternating rounds cancel order effects (the
// side measured second finds a warmer page cache, a bigger heap, the
// other side's leftover background work).
func sqliteRound(b *testing.B, bareFirst bool) (ours, bare figures) {
	snk := newSink(b)
	secret, _ := webhook.NewSecret()
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(b.TempDir(), "n.db"))
	require.NoError(b, err)
	defer db.Close()
	c, err := notify.NewSQLite(db, notifyBenchConfig(snk.srv.URL, secret))
	require.NoError(b, err)
	require.NoError(b, c.Migrate(ctx))
	db2, err := sqldb.OpenSQLite(ctx, filepath.Join(b.TempDir(), "b.db"))
	require.NoError(b, err)
	defer db2.Close()
	rc := bareRiver(b, riversqlite.New(db2), snk.srv.URL)
	return measurePair(b, side[*sql.Tx]{
		begin:  func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		commit: func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		enqueue: func(ctx context.Context, tx *sql.Tx, i int) (string, error) {
			out, err := c.EnqueueTx(ctx, tx, benchEvent(i))
			return string(out.EventID), err
		},
		start: c.Start, stop: c.Stop,
	}, side[*sql.Tx]{
		begin:  func(ctx context.Context) (*sql.Tx, error) { return db2.BeginTx(ctx, nil) },
		commit: func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		enqueue: func(ctx context.Context, tx *sql.Tx, i int) (string, error) {
			return bareEnqueue(ctx, rc, tx, i)
		},
		start: rc.Start, stop: rc.Stop,
	}, snk, sqliteDeliverN, bareFirst)
}

// bareEnqueue inserts the bare job for the event notify gets, with the
// ID and time notify would give it.
func bareEnqueue[TTx any](ctx context.Context, rc *river.Client[TTx], tx TTx, i int) (string, error) {
	ev := benchEvent(i)
	id, err := notify.NewEventID()
	if err != nil {
		return "", err
	}
	ev.ID, ev.OccurredAt = id, time.Now().UTC().Truncate(time.Microsecond)
	ev.Type = ev.EventType()
	_, err = rc.InsertTx(ctx, tx, bareArgs{Event: ev}, nil)
	return string(id), err
}

func inOrder(bareFirst bool, ours, bare func()) {
	if bareFirst {
		bare()
		ours()
		return
	}
	ours()
	bare()
}

// BenchmarkEndToEndPostgres is the same on PostgreSQL
// (OZG_TEST_POSTGRES_DSN).
func BenchmarkEndToEndPostgres(b *testing.B) {
	for b.Loop() {
		var oursR, bareR []figures
		for round := 0; round < benchRounds; round++ {
			o, br := postgresRound(b, round%2 == 1)
			oursR, bareR = append(oursR, o), append(bareR, br)
		}
		reportRounds(b, "postgres", oursR, bareR)
	}
}

func postgresRound(b *testing.B, bareFirst bool) (ours, bare figures) {
	snk := newSink(b)
	secret, _ := webhook.NewSecret()
	ctx := context.Background()
	pool, err := sqldb.OpenPostgres(ctx, testenv.PostgresDatabase(b))
	require.NoError(b, err)
	defer pool.Close()
	c, err := notify.NewPostgres(pool, notifyBenchConfig(snk.srv.URL, secret))
	require.NoError(b, err)
	require.NoError(b, c.Migrate(ctx))
	pool2, err := sqldb.OpenPostgres(ctx, testenv.PostgresDatabase(b))
	require.NoError(b, err)
	defer pool2.Close()
	rc := bareRiver(b, riverpgxv5.New(pool2), snk.srv.URL)
	ours, bare = measurePair(b, side[pgx.Tx]{
		begin:  func(ctx context.Context) (pgx.Tx, error) { return pool.Begin(ctx) },
		commit: func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		enqueue: func(ctx context.Context, tx pgx.Tx, i int) (string, error) {
			out, err := c.EnqueueTx(ctx, tx, benchEvent(i))
			return string(out.EventID), err
		},
		start: c.Start, stop: c.Stop,
	}, side[pgx.Tx]{
		begin:  func(ctx context.Context) (pgx.Tx, error) { return pool2.Begin(ctx) },
		commit: func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		enqueue: func(ctx context.Context, tx pgx.Tx, i int) (string, error) {
			return bareEnqueue(ctx, rc, tx, i)
		},
		start: rc.Start, stop: rc.Stop,
	}, snk, postgresDeliverN, bareFirst)
	// Waiting for a pool connection is where a side that does extra
	// database work per delivery loses throughput on PostgreSQL (pgxpool
	// default: 4 connections, shared with river).
	b.ReportMetric(float64(pool.Stat().EmptyAcquireWaitTime().Milliseconds()), "postgres_pool_wait_ms")
	b.ReportMetric(float64(pool2.Stat().EmptyAcquireWaitTime().Milliseconds()), "postgres_bare_pool_wait_ms")
	return ours, bare
}

func bareRiver[TTx any](b *testing.B, driver riverdriver.Driver[TTx], url string) *river.Client[TTx] {
	ctx := context.Background()
	m, err := rivermigrate.New(driver, nil)
	require.NoError(b, err)
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	require.NoError(b, err)
	workers := river.NewWorkers()
	river.AddWorker(workers, &bareWorker{url: url, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100, MaxIdleConns: 200}}})
	rc, err := river.NewClient(driver, &river.Config{
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: benchWorkers}},
		Workers:       workers,
		FetchCooldown: benchCooldown, FetchPollInterval: benchPoll,
		Logger: quietLogger(),
	})
	require.NoError(b, err)
	return rc
}

// BenchmarkResourcesAfter10k delivers 10,000 events on SQLite, stops the
// client and reports how far goroutines and live heap are from the
// baseline taken before the client was built.
func BenchmarkResourcesAfter10k(b *testing.B) {
	for b.Loop() {
		snk := newSink(b)
		secret, _ := webhook.NewSecret()
		ctx := context.Background()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		g0, h0 := runtime.NumGoroutine(), ms.HeapAlloc
		db, err := sqldb.OpenSQLite(ctx, filepath.Join(b.TempDir(), "r.db"))
		require.NoError(b, err)
		c, err := notify.NewSQLite(db, notifyBenchConfig(snk.srv.URL, secret))
		require.NoError(b, err)
		require.NoError(b, c.Migrate(ctx))
		const n = 10_000
		snk.expect(n)
		require.NoError(b, c.Start(ctx))
		for i := 0; i < n; i += 500 {
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(b, err)
			for j := i; j < i+500; j++ {
				_, err := c.EnqueueTx(ctx, tx, benchEvent(j))
				require.NoError(b, err)
			}
			require.NoError(b, tx.Commit())
		}
		snk.wait(b)
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		require.NoError(b, c.Stop(sctx))
		cancel()
		require.NoError(b, db.Close())
		snk.srv.CloseClientConnections()
		c = nil
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(runtime.NumGoroutine()-g0), "goroutines_delta")
		b.ReportMetric(float64(int64(ms.HeapAlloc)-int64(h0))/(1<<20), "heap_delta_MiB")
	}
}
