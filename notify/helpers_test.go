package notify_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// fastSchedule keeps retries inside river's scheduler interval so they
// become available at once.
var fastSchedule = []time.Duration{0, time.Millisecond, time.Millisecond, time.Millisecond}

type env struct {
	t        *testing.T
	db       *sql.DB
	client   *notify.Client[*sql.Tx]
	rcv      *notifytest.Receiver
	secret   webhook.Secret
	sender   *webhook.Sender
	eps      webhook.StaticEndpoints
	dead     chan notify.DeadLetter
	disabled chan notify.EndpointStatus
}

type envOpts struct {
	cfg   notify.Config
	clock *notifytest.Clock
	guard *webhook.Guard
	extra []notify.Channel
	// wrap, if set, wraps the webhook sender (e.g. to observe Deliver).
	wrap     func(notify.Channel) notify.Channel
	noStart  bool
	schedule []time.Duration
	logger   *slog.Logger // nil: discard
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "notify.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	now := time.Now
	if o.clock != nil {
		now = o.clock.Now
	}
	rcv := notifytest.NewReceiver(t, notifytest.ReceiverConfig{Secrets: []webhook.Secret{secret}, Now: now})
	eps := webhook.StaticEndpoints{
		"ep1": {ID: "ep1", URL: rcv.URL + "/hook", Secrets: []webhook.Secret{secret}},
	}
	g := o.guard
	if g == nil {
		g = &webhook.Guard{Allow: loopback}
	}
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: g, InsecureDevelopment: true, Now: now})
	require.NoError(t, err)
	e := &env{t: t, db: db, rcv: rcv, secret: secret, sender: sender, eps: eps,
		dead: make(chan notify.DeadLetter, 100), disabled: make(chan notify.EndpointStatus, 10)}
	cfg := o.cfg
	var wh notify.Channel = sender
	if o.wrap != nil {
		wh = o.wrap(sender)
	}
	cfg.Channels = append([]notify.Channel{wh}, o.extra...)
	if cfg.Policies == nil {
		sched := o.schedule
		if sched == nil {
			sched = fastSchedule
		}
		cfg.Policies = map[string]notify.Policy{"webhook": {Schedule: sched, Jitter: -1}}
	}
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = 2 * time.Second
	}
	cfg.FetchCooldown = time.Millisecond
	cfg.FetchPollInterval = 20 * time.Millisecond
	cfg.Logger = quietLogger()
	if o.logger != nil {
		cfg.Logger = o.logger
	}
	cfg.Test.TestOnly = true
	if o.clock != nil {
		cfg.Now = o.clock.Now
		cfg.Test.Time = o.clock
	}
	cfg.OnExhausted = func(_ context.Context, dl notify.DeadLetter) { e.dead <- dl }
	cfg.OnEndpointDisabled = func(_ context.Context, st notify.EndpointStatus) { e.disabled <- st }
	c, err := notify.NewSQLite(db, cfg)
	require.NoError(t, err)
	require.NoError(t, c.Migrate(ctx))
	e.client = c
	if !o.noStart {
		e.start()
	}
	return e
}

func (e *env) start() {
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(e.t, e.client.Start(ctx))
	e.t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = e.client.Stop(sctx)
		cancel()
	})
}

func testEvent(app string) notify.Event {
	return notify.Event{
		ApplicationID:     app,
		Transition:        "RECEIVED",
		Status:            notify.StatusReceived,
		PublicServiceName: "Wohngeld",
		SenderName:        "Stadt Saarbrücken",
		Recipients:        notify.Recipients{Webhooks: []string{"ep1"}},
	}
}

func (e *env) enqueue(ev notify.Event) notify.Enqueued {
	e.t.Helper()
	out, err := e.client.Enqueue(context.Background(), ev)
	require.NoError(e.t, err)
	return out
}

func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (e *env) waitDead(d time.Duration) notify.DeadLetter {
	e.t.Helper()
	select {
	case dl := <-e.dead:
		return dl
	case <-time.After(d):
		e.t.Fatalf("no dead letter within %s", d)
	}
	return notify.DeadLetter{}
}

// waitEventAttempts waits until the (batched) delivery log holds n rows
// for the event.
func (e *env) waitEventAttempts(id notify.EventID, n int) []notify.Attempt {
	e.t.Helper()
	var out []notify.Attempt
	require.Eventually(e.t, func() bool {
		var err error
		out, err = e.client.EventAttempts(context.Background(), notify.ForTenant(""), id)
		return err == nil && len(out) == n
	}, 45*time.Second, 5*time.Millisecond)
	return out
}
