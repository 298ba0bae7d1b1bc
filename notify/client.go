package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/egosaar/ozg/internal/sqldb"
)

// Client is the notification outbox: it enqueues events inside the
// caller's transaction and, once started, delivers them through river
// workers. TTx is the transaction type of the store: *sql.Tx for SQLite
// (NewSQLite), pgx.Tx for PostgreSQL (NewPostgres). A Client is safe for
// concurrent use.
type Client[TTx any] struct {
	*engine
	river  *river.Client[TTx]
	driver riverdriver.Driver[TTx]
	tx     txOps[TTx]

	logStop     chan struct{}
	logStopOnce sync.Once

	reconCancel context.CancelFunc
	reconDone   chan struct{}
}

// txOps abstracts the few transaction operations notify needs itself.
type txOps[TTx any] struct {
	begin    func(ctx context.Context) (TTx, error)
	commit   func(ctx context.Context, tx TTx) error
	rollback func(ctx context.Context, tx TTx) error
	exec     func(ctx context.Context, tx TTx, q string, args ...any) error
	queryInt func(ctx context.Context, tx TTx, q string, args ...any) (int64, error)
}

// NewSQLite returns a Client on an embedded SQLite database opened with
// database.OpenSQLite (WAL, busy timeout, exactly one connection, as
// river's SQLite driver requires), which the application may share for
// its own tables and transactions. Call Migrate once before use. A nil db
// is ErrInvalidConfig.
func NewSQLite(db *sql.DB, cfg Config) (*Client[*sql.Tx], error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database (open one with database.OpenSQLite)", ErrInvalidConfig)
	}
	ops := txOps[*sql.Tx]{
		begin:    func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		commit:   func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		rollback: func(_ context.Context, tx *sql.Tx) error { return tx.Rollback() },
		exec: func(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		},
		queryInt: func(ctx context.Context, tx *sql.Tx, q string, args ...any) (int64, error) {
			var n int64
			err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
			return n, err
		},
	}
	return newClient(riversqlite.New(db), &store{db: db, d: sqldb.SQLite}, ops, cfg)
}

// NewPostgres returns a Client on PostgreSQL, e.g. a pool from
// database.OpenPostgres (several instances may share the database). Call
// Migrate once before use. A nil pool is ErrInvalidConfig.
func NewPostgres(pool *pgxpool.Pool, cfg Config) (*Client[pgx.Tx], error) {
	if pool == nil {
		return nil, fmt.Errorf("%w: nil pool (open one with database.OpenPostgres)", ErrInvalidConfig)
	}
	ops := txOps[pgx.Tx]{
		begin:    func(ctx context.Context) (pgx.Tx, error) { return pool.Begin(ctx) },
		commit:   func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		rollback: func(ctx context.Context, tx pgx.Tx) error { return tx.Rollback(ctx) },
		exec: func(ctx context.Context, tx pgx.Tx, q string, args ...any) error {
			_, err := tx.Exec(ctx, q, args...)
			return err
		},
		queryInt: func(ctx context.Context, tx pgx.Tx, q string, args ...any) (int64, error) {
			var n int64
			err := tx.QueryRow(ctx, q, args...).Scan(&n)
			return n, err
		},
	}
	st := &store{db: sqldb.PostgresDB(pool), d: sqldb.Postgres,
		copyRows: func(ctx context.Context, table string, cols []string, rows [][]any) error {
			_, err := pool.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		}}
	return newClient(riverpgxv5.New(pool), st, ops, cfg)
}

func newClient[TTx any](driver riverdriver.Driver[TTx], st *store, ops txOps[TTx], cfg Config) (*Client[TTx], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	e := &engine{
		cfg:      cfg,
		store:    st,
		channels: map[string]Channel{},
		policies: map[string]Policy{},
		health:   map[string]healthEntry{},
		loading:  map[string]chan struct{}{},
		tel:      newTelemetry(&cfg),
	}
	e.logs = newLogBuf(st, cfg.Logger)
	for _, ch := range cfg.Channels {
		e.channels[ch.Name()] = ch
		e.policies[ch.Name()] = cfg.Policies[ch.Name()].withDefaults()
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &deliveryWorker{e: e}); err != nil {
		return nil, fmt.Errorf("notify: register worker: %w", err)
	}
	rc := &river.Config{
		Workers:                     workers,
		JobTimeout:                  2 * cfg.AttemptTimeout,
		RescueStuckJobsAfter:        cfg.RescueAfter,
		RetryPolicy:                 &retryPolicy{e: e},
		MaxAttempts:                 len(defaultSchedule),
		Logger:                      cfg.Logger,
		FetchCooldown:               cfg.FetchCooldown,
		FetchPollInterval:           cfg.FetchPollInterval,
		ID:                          cfg.ClientID,
		CompletedJobRetentionPeriod: cfg.CompletedRetention,
		Test:                        river.TestConfig{Time: cfg.Test.Time},
		TestOnly:                    cfg.Test.TestOnly,
		Plugins:                     riverPlugins(&cfg, e.tel.tel),
		Queues: map[string]river.QueueConfig{
			cfg.Queue: {MaxWorkers: cfg.MaxWorkers},
		},
	}
	rcl, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("%w: river: %w", ErrInvalidConfig, err)
	}
	c := &Client[TTx]{engine: e, river: rcl, driver: driver, tx: ops}
	e.notice = c.enqueueNotice
	return c, nil
}

// Migrate applies river's migrations and notify's own (delivery log,
// endpoint health, dead letters, audit). It is idempotent.
func (c *Client[TTx]) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(c.driver, nil)
	if err != nil {
		return fmt.Errorf("notify: migrate river: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("notify: migrate river: %w", err)
	}
	if err := c.store.migrate(ctx); err != nil {
		return fmt.Errorf("notify: migrate: %w", err)
	}
	return nil
}

// Start starts delivering in the background until ctx is cancelled or
// Stop is called. A Client is started at most once; build a new one to
// restart.
func (c *Client[TTx]) Start(ctx context.Context) error {
	c.logs.once.Do(func() {
		stop := make(chan struct{})
		c.logStop = stop
		go c.logs.run(stop)
	})
	if err := c.river.Start(ctx); err != nil {
		return fmt.Errorf("notify: start: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	c.reconCancel, c.reconDone = cancel, make(chan struct{})
	go c.reconcileLoop(rctx, c.cfg.ReconcileInterval, c.reconDone)
	go func() {
		// Flush the delivery log once river has stopped, however it was
		// stopped (Stop or cancelled ctx).
		<-c.river.Stopped()
		c.stopLog()
	}()
	return nil
}

func (c *Client[TTx]) stopLog() {
	c.logStopOnce.Do(func() {
		if c.logStop != nil {
			close(c.logStop)
			<-c.logs.done
		}
	})
}

// Stop waits for running attempts to finish (bounded by ctx) and stops.
func (c *Client[TTx]) Stop(ctx context.Context) error {
	if c.reconCancel != nil {
		c.reconCancel()
		select {
		case <-c.reconDone:
		case <-ctx.Done():
		}
	}
	if err := c.river.Stop(ctx); err != nil {
		return fmt.Errorf("notify: stop: %w", err)
	}
	c.stopLog()
	return nil
}

// River returns the underlying river client (subscriptions, River UI,
// tests). Do not insert notify jobs through it directly.
func (c *Client[TTx]) River() *river.Client[TTx] { return c.river }

// Enqueued reports what EnqueueTx stored.
type Enqueued struct {
	EventID EventID
	Jobs    []EnqueuedJob
}

// EnqueuedJob is one delivery job (one channel target).
type EnqueuedJob struct {
	Channel   string
	JobID     int64
	Duplicate bool // (application, transition, channel, target) was already enqueued
}

// deliveryKey is the unique key of a delivery job: river hashes it
// (UniqueOpts.ByArgs with river:"unique" tags) so enqueueing the same
// transition twice for a target is a no-op.
type deliveryKey struct {
	// Tenant is omitted when empty, so the unique key of the default
	// tenant is the one jobs had before tenancy.
	Tenant      string `json:"tenant,omitempty" river:"unique"`
	Application string `json:"application" river:"unique"`
	Transition  string `json:"transition" river:"unique"`
	Channel     string `json:"channel" river:"unique"`
	Target      string `json:"target" river:"unique"`
	// Replay is the dead letter a replayed job was created from, so the
	// replay gets a fresh unique key.
	Replay string `json:"replay,omitempty" river:"unique"`
}

type deliveryArgs struct {
	Key   deliveryKey `json:"key"`
	Event Event       `json:"event"`
}

// Kind is the river job kind.
func (deliveryArgs) Kind() string { return "ozg_notify_delivery" }

// EnqueueTx stores ev for delivery on each of its recipients' channels
// inside tx: if tx rolls back nothing is sent; once it commits, delivery
// is retried until it succeeds or is dead-lettered. Enqueueing the same
// (ApplicationID, Transition) again for a channel target is a no-op that
// returns the first event's ID. Invalid events change nothing.
func (c *Client[TTx]) EnqueueTx(ctx context.Context, tx TTx, ev Event) (out Enqueued, err error) {
	ctx, op := c.startEnqueue(ctx, &ev)
	defer func() { c.endEnqueue(ctx, op, &ev, out, err) }()
	if err := c.prepare(&ev); err != nil {
		return Enqueued{}, err
	}
	routes := ev.Routes()
	for _, r := range routes {
		ch := c.channels[r.Channel]
		if ch == nil {
			return Enqueued{}, fmt.Errorf("%w: %s", ErrUnknownChannel, r.Channel)
		}
		if err := validateRoute(ctx, ch, ev, r); err != nil {
			return Enqueued{}, err
		}
	}
	seq, err := c.tx.queryInt(ctx, tx, c.store.d.Rebind(nextSequence), ev.Tenant, ev.ApplicationID)
	if err != nil {
		return Enqueued{}, fmt.Errorf("notify: enqueue: sequence: %w", err)
	}
	ev.Sequence = seq
	out = Enqueued{EventID: ev.ID, Jobs: make([]EnqueuedJob, 0, len(routes))}
	// The first route alone: if it is a duplicate, the other routes reuse
	// the original event's ID so the receivers see one event.
	res, err := c.river.InsertTx(ctx, tx, routeArgs(ev, routes[0]), c.insertOpts(routes[0].Channel))
	if err != nil {
		return Enqueued{}, fmt.Errorf("notify: enqueue: %w", err)
	}
	if res.UniqueSkippedAsDuplicate {
		var prev deliveryArgs
		if json.Unmarshal(res.Job.EncodedArgs, &prev) == nil && prev.Event.ID != "" {
			ev.ID, out.EventID = prev.Event.ID, prev.Event.ID
		}
	}
	out.Jobs = append(out.Jobs, EnqueuedJob{Channel: routes[0].Channel, JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate})
	fresh := !res.UniqueSkippedAsDuplicate
	if rest := routes[1:]; len(rest) > 0 {
		// The fan-out to the other channels in one statement.
		params := make([]river.InsertManyParams, len(rest))
		for i, r := range rest {
			params[i] = river.InsertManyParams{Args: routeArgs(ev, r), InsertOpts: c.insertOpts(r.Channel)}
		}
		results, err := c.river.InsertManyTx(ctx, tx, params)
		if err != nil {
			return Enqueued{}, fmt.Errorf("notify: enqueue: %w", err)
		}
		for i, res := range results {
			out.Jobs = append(out.Jobs, EnqueuedJob{Channel: rest[i].Channel, JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate})
			fresh = fresh || !res.UniqueSkippedAsDuplicate
		}
	}
	if fresh && c.cfg.Audit != nil {
		if err := c.auditTx(ctx, tx, ev); err != nil {
			return Enqueued{}, err
		}
	}
	return out, nil
}

func (c *Client[TTx]) insertOpts(channel string) *river.InsertOpts {
	return &river.InsertOpts{
		Queue: c.cfg.Queue,
		// One spare attempt beyond the schedule: if the process dies during
		// the last scheduled attempt, river's rescuer retries once more
		// instead of discarding the job without a dead letter.
		MaxAttempts: c.policies[channel].attempts() + 1,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}
}

func (e *engine) prepare(ev *Event) error {
	if err := ev.Validate(); err != nil {
		return err
	}
	if ev.ID == "" {
		id, err := NewEventID()
		if err != nil {
			return err
		}
		ev.ID = id
	}
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = e.cfg.Now()
	}
	ev.OccurredAt = ev.OccurredAt.UTC().Truncate(time.Microsecond)
	ev.Type = ev.EventType()
	return nil
}

// routeArgs builds the job args of one route. The stored event carries
// no recipients and no tenant: the route's target and the tenant are
// stored once, in the key, and deliveryArgs.event puts them back for the
// channel. A second copy would
// be written three times per job (insert, fetch, completion), on
// PostgreSQL each time with its entries in river's GIN index on args.
func routeArgs(ev Event, r Route) deliveryArgs {
	key := deliveryKey{Tenant: ev.Tenant, Application: ev.ApplicationID, Transition: ev.Transition, Channel: r.Channel, Target: r.Target}
	ev.Recipients, ev.Tenant = Recipients{}, "" // both live in the key
	return deliveryArgs{Key: key, Event: ev}
}

// event is the event as its channel sees it: with this job's recipient
// only (jobs stored by earlier versions carry it in the event too).
func (a *deliveryArgs) event() Event {
	ev := a.Event.forRoute(Route{Channel: a.Key.Channel, Target: a.Key.Target})
	ev.Tenant = a.Key.Tenant // the key decides, as for the endpoint state
	return ev
}

// Enqueue is EnqueueTx in a transaction of its own, for callers without a
// state change to commit together (prefer EnqueueTx).
func (c *Client[TTx]) Enqueue(ctx context.Context, ev Event) (Enqueued, error) {
	var out Enqueued
	err := c.InTx(ctx, func(tx TTx) error {
		var err error
		out, err = c.EnqueueTx(ctx, tx, ev)
		return err
	})
	return out, err
}

// InTx runs fn in a transaction on the client's database and commits it
// if fn returns nil (rolls back otherwise). Convenience for callers whose
// state change lives in the same database.
func (c *Client[TTx]) InTx(ctx context.Context, fn func(TTx) error) error {
	tx, err := c.tx.begin(ctx)
	if err != nil {
		return fmt.Errorf("notify: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = c.tx.rollback(ctx, tx)
		return err
	}
	if err := c.tx.commit(ctx, tx); err != nil {
		return fmt.Errorf("notify: commit: %w", err)
	}
	return nil
}

// enqueueNotice reports a disabled endpoint on the DisabledNotice channels.
func (c *Client[TTx]) enqueueNotice(ctx context.Context, st EndpointStatus) error {
	if c.cfg.DisabledNotice == nil {
		return nil
	}
	rec := *c.cfg.DisabledNotice
	// Never report on the endpoint that was just disabled.
	var hooks []string
	for _, w := range rec.Webhooks {
		if !(st.Tenant == "" && st.Channel == ChannelWebhook && w == st.Target) {
			hooks = append(hooks, w)
		}
	}
	rec.Webhooks = hooks
	ev := Event{
		Type:          "notify.endpoint.disabled",
		ApplicationID: "notify",
		Transition:    fmt.Sprintf("disabled:%s:%s:%d", tenantKey(st.Tenant, st.Channel), st.Target, st.DisabledAt.UnixMicro()),
		Status:        StatusActionRequired,
		Message: Message{
			Title: "Notification endpoint disabled",
			Body: fmt.Sprintf("The %s endpoint %s of tenant %q was disabled (%s) at %s. Fix it, then re-enable it and replay its dead letters.",
				st.Channel, st.Target, st.Tenant, st.DisabledReason, st.DisabledAt.Format(time.RFC3339)),
		},
		Recipients: rec,
	}
	if len(ev.Routes()) == 0 {
		return nil
	}
	_, err := c.Enqueue(ctx, ev)
	return err
}

// Replay re-enqueues the dead letters matching f with their original
// EventID and payload, and marks them replayed. It returns how many were
// enqueued. Re-enable a disabled endpoint (EnableEndpoint) first, or the
// replayed deliveries dead-letter again. Under OrderLatest a replayed
// status that a newer one of its application has overtaken at the target
// is not sent (outcome "superseded"); its Message, if any, still is.
//
// f.Scope is required: a filter without a tenant is refused with a
// *ScopeError (ErrTenantRequired) before anything is read; a replay of
// one tenant never re-sends another's notices, and each replayed job
// keeps the tenant (and thereby the sender identity) it was enqueued with.
func (c *Client[TTx]) Replay(ctx context.Context, f ReplayFilter) (int, error) {
	if err := f.Scope.check("replay", false); err != nil {
		return 0, err
	}
	if f.ApplicationID == "" && f.EventID == "" && f.Since.IsZero() {
		return 0, fmt.Errorf("%w: replay filter needs ApplicationID, EventID or Since", ErrInvalidConfig)
	}
	rows, err := c.store.deadLetters(ctx, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		var args deliveryArgs
		if err := json.Unmarshal(r.args, &args); err != nil {
			return n, fmt.Errorf("notify: replay %s: %w", r.ID, err)
		}
		if args.Key.Tenant != r.Tenant {
			// Cannot happen for rows notify wrote; never re-send a job
			// under a tenant other than the one the operator selected.
			return n, fmt.Errorf("notify: replay %s: stored job belongs to another tenant", r.ID)
		}
		args.Key.Replay = r.ID
		err := c.InTx(ctx, func(tx TTx) error {
			if _, err := c.river.InsertTx(ctx, tx, args, c.insertOpts(args.Key.Channel)); err != nil {
				return fmt.Errorf("notify: replay: %w", err)
			}
			return c.tx.exec(ctx, tx, c.store.d.Rebind(`UPDATE notify_dead_letters SET replayed_at = ? WHERE id = ?`),
				micros(c.cfg.Now()), r.ID)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// DeadLetters lists dead letters matching f (without their payloads).
// f.Scope is required (a *ScopeError otherwise); AllTenants is the
// operator's cross-tenant view, each row naming its Tenant.
func (c *Client[TTx]) DeadLetters(ctx context.Context, f ReplayFilter) ([]DeadLetter, error) {
	if err := f.Scope.check("dead letters", false); err != nil {
		return nil, err
	}
	rows, err := c.store.deadLetters(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, len(rows))
	for i, r := range rows {
		out[i] = r.DeadLetter
	}
	return out, nil
}

// FlushLog writes the delivery log rows of every attempt that has ended
// before the call. The log is written in batches, at the latest 50 ms
// after an attempt (plus the write itself), so a reader may not see an
// attempt that has just ended; tests and support tools call FlushLog
// before Attempts or EventAttempts instead of polling.
func (c *Client[TTx]) FlushLog(ctx context.Context) error {
	if err := c.logs.flushNow(ctx); err != nil {
		return fmt.Errorf("notify: flush delivery log: %w", err)
	}
	return nil
}

// Attempts returns the delivery log of an application in scope s, oldest
// first (at most limit rows; limit ≤ 0 means 1000). For support staff: it
// holds times, channels, status classes, latencies and error classes
// only. The zero Scope is refused (*ScopeError); application IDs are the
// caller's and may repeat across tenants, so ForTenant is the usual scope.
func (c *Client[TTx]) Attempts(ctx context.Context, s Scope, applicationID string, limit int) ([]Attempt, error) {
	if err := s.check("attempts", false); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 1000
	}
	out, err := c.store.attempts(ctx, s, "application_id = ?", applicationID, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: attempts: %w", err)
	}
	return out, nil
}

// EventAttempts returns the delivery log of one event in scope s (empty
// for an event of another tenant).
func (c *Client[TTx]) EventAttempts(ctx context.Context, s Scope, id EventID) ([]Attempt, error) {
	if err := s.check("attempts", false); err != nil {
		return nil, err
	}
	out, err := c.store.attempts(ctx, s, "event_id = ?", string(id), 10000)
	if err != nil {
		return nil, fmt.Errorf("notify: attempts: %w", err)
	}
	return out, nil
}

// Endpoint returns the health of a channel target of one tenant (s must
// be ForTenant): endpoint state is kept per tenant and target.
func (c *Client[TTx]) Endpoint(ctx context.Context, s Scope, channel, target string) (EndpointStatus, error) {
	if err := s.check("endpoint", true); err != nil {
		return EndpointStatus{}, err
	}
	key, ref := c.endpointKey(s.tenant, channel, target)
	st, ok, err := c.store.endpoint(ctx, key)
	if err != nil {
		return EndpointStatus{}, fmt.Errorf("notify: endpoint: %w", err)
	}
	if !ok {
		return EndpointStatus{Tenant: s.tenant, Channel: channel, Target: ref}, nil
	}
	return st, nil
}

// DisabledEndpoints lists the disabled endpoints in scope s.
func (c *Client[TTx]) DisabledEndpoints(ctx context.Context, s Scope) ([]EndpointStatus, error) {
	if err := s.check("endpoints", false); err != nil {
		return nil, err
	}
	out, err := c.store.endpoints(ctx, s, true)
	if err != nil {
		return nil, fmt.Errorf("notify: endpoints: %w", err)
	}
	return out, nil
}

// EnableEndpoint re-enables a disabled endpoint of one tenant (s must be
// ForTenant) and resets its failure clock.
func (c *Client[TTx]) EnableEndpoint(ctx context.Context, s Scope, channel, target string) error {
	if err := s.check("enable endpoint", true); err != nil {
		return err
	}
	key, _ := c.endpointKey(s.tenant, channel, target)
	if err := c.store.enable(ctx, key); err != nil {
		return fmt.Errorf("notify: enable endpoint: %w", err)
	}
	c.forget(key)
	return nil
}

// engine is the non-generic part shared by Client and its worker.
type engine struct {
	cfg      Config
	store    *store
	channels map[string]Channel
	policies map[string]Policy
	notice   func(context.Context, EndpointStatus) error
	logs     *logBuf

	mu      sync.Mutex
	health  map[string]healthEntry
	loading map[string]chan struct{} // endpoint key → closed when its health load ends
	sems    sync.Map                 // endpoint key → chan struct{}
	// retryAfter carries a receiver's Retry-After from Work to NextRetry
	// (same process, same job, right after Work returns).
	retryAfter sync.Map // job ID → time.Duration
	tel        engineTelemetry
}
