package notify_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// Two municipalities (their ARS as tenant keys) share one store and one
// queue; a third is known to nobody.
const (
	tenantA = "100410000000" // Saarbrücken
	tenantB = "100420000000" // Völklingen
	tenantC = "100430000000" // not configured
	ep      = notifytest.EndpointID
)

// storeClient is a client on a fresh database of one store kind, with
// the database/sql handle on the same database.
type storeClient struct {
	c  tenantOps
	db *sql.DB
	d  sqldb.Dialect
}

// openClient opens a fresh SQLite file or PostgreSQL database (skipped
// without OZG_TEST_POSTGRES_DSN, failing in CI) and a client on it,
// not yet migrated.
func openClient(t *testing.T, store string, cfg notify.Config) storeClient {
	t.Helper()
	ctx := context.Background()
	switch store {
	case "sqlite":
		db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "notify.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		c, err := notify.NewSQLite(db, cfg)
		require.NoError(t, err)
		return storeClient{c: c, db: db, d: sqldb.SQLite}
	case "postgres":
		pool, err := sqldb.OpenPostgres(ctx, testenv.PostgresDatabase(t))
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		c, err := notify.NewPostgres(pool, cfg)
		require.NoError(t, err)
		return storeClient{c: c, db: sqldb.PostgresDB(pool), d: sqldb.Postgres}
	}
	t.Fatalf("unknown store %q", store)
	return storeClient{}
}

// tenantOps is what both Client[*sql.Tx] and Client[pgx.Tx] offer.
type tenantOps interface {
	Enqueue(ctx context.Context, ev notify.Event) (notify.Enqueued, error)
	Attempts(ctx context.Context, s notify.Scope, applicationID string, limit int) ([]notify.Attempt, error)
	EventAttempts(ctx context.Context, s notify.Scope, id notify.EventID) ([]notify.Attempt, error)
	DeadLetters(ctx context.Context, f notify.ReplayFilter) ([]notify.DeadLetter, error)
	Replay(ctx context.Context, f notify.ReplayFilter) (int, error)
	Endpoint(ctx context.Context, s notify.Scope, channel, target string) (notify.EndpointStatus, error)
	DisabledEndpoints(ctx context.Context, s notify.Scope) ([]notify.EndpointStatus, error)
	EnableEndpoint(ctx context.Context, s notify.Scope, channel, target string) error
	AuditToken(ctx context.Context, s notify.Scope, id notify.EventID) (string, error)
	FlushLog(ctx context.Context) error
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Migrate(ctx context.Context) error
}

type tenantEnv struct {
	c    tenantOps
	rcv  map[string]*notifytest.Receiver
	dead chan notify.DeadLetter
}

// newTenantEnv builds one client whose webhook channel has an endpoint
// notifytest.EndpointID (ep) for each of tenantA and tenantB — the same
// ID, different receivers and secrets — and no default endpoints.
func newTenantEnv(t *testing.T, store string) *tenantEnv {
	t.Helper()
	ctx := context.Background()
	e := &tenantEnv{rcv: map[string]*notifytest.Receiver{}, dead: make(chan notify.DeadLetter, 10)}
	ts := notifytest.StartTenants(t, tenantA, tenantB)
	for tn, sim := range ts.Sims {
		e.rcv[tn] = sim.Receiver
	}
	sender := ts.Sender(t)
	key, err := signaturetest.NewKey(signaturetest.RSA2048, false)
	require.NoError(t, err)
	set, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Issuer: "https://portal.example"})
	require.NoError(t, err)
	cfg := notify.Config{
		Channels:       []notify.Channel{sender},
		Policies:       map[string]notify.Policy{"webhook": {Schedule: fastSchedule, Jitter: -1}},
		AttemptTimeout: 2 * time.Second, FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond,
		Logger: quietLogger(), Test: notify.TestConfig{TestOnly: true},
		Audit:       notify.NewSETAuditSigner(set),
		OnExhausted: func(_ context.Context, dl notify.DeadLetter) { e.dead <- dl },
	}
	e.c = openClient(t, store, cfg).c
	require.NoError(t, e.c.Migrate(ctx))
	runCtx, cancel := context.WithCancel(ctx)
	require.NoError(t, e.c.Start(runCtx))
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = e.c.Stop(sctx)
		cancel()
	})
	return e
}

func tenantEvent(tenant, app string) notify.Event {
	ev := testEvent(app)
	ev.Tenant = tenant
	ev.Recipients = notify.Recipients{Webhooks: []string{ep}}
	return ev
}

func (e *tenantEnv) waitDead(t *testing.T) notify.DeadLetter {
	t.Helper()
	select {
	case dl := <-e.dead:
		return dl
	case <-time.After(45 * time.Second):
		t.Fatal("no dead letter")
	}
	return notify.DeadLetter{}
}

// receivedIDs lists the event IDs a tenant's receiver accepted.
func (e *tenantEnv) receivedIDs(tenant string) []string {
	var ids []string
	for _, r := range e.rcv[tenant].Received() {
		if r.Status == 200 {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// TestTenantIsolation: two tenants share store and queue; every enqueue,
// query, replay and endpoint state stays within its tenant, on SQLite and
// PostgreSQL.
func TestTenantIsolation(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			testTenantIsolation(t, newTenantEnv(t, store))
		})
	}
}

func testTenantIsolation(t *testing.T, e *tenantEnv) {
	ctx := context.Background()

	// Enqueue: only tenants with a sender are accepted.
	refused := []struct {
		name, tenant string
		want         error
	}{
		{"unknown tenant", tenantC, notify.ErrUnknownTenant},
		{"no tenant, no default sender", "", notify.ErrUnknownTenant},
		{"prefix of a tenant", tenantA[:6], notify.ErrUnknownTenant},
		{"tenant with a suffix", tenantA + "0", notify.ErrUnknownTenant},
		{"separator in the key", tenantA + "/" + tenantB, notify.ErrInvalidEvent},
		{"colon in the key", "webhook:ep", notify.ErrInvalidEvent},
		{"control character", tenantA + "\n", notify.ErrInvalidEvent},
		{"too long", strings.Repeat("1", notify.MaxTenantLen+1), notify.ErrInvalidEvent},
	}
	for _, tc := range refused {
		t.Run("enqueue refused/"+tc.name, func(t *testing.T) {
			_, err := e.c.Enqueue(ctx, tenantEvent(tc.tenant, "APP-1"))
			require.ErrorIs(t, err, tc.want)
			if tc.want == notify.ErrUnknownTenant {
				var te *notify.TenantError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, tc.tenant, te.Tenant)
				assert.Equal(t, notify.ChannelWebhook, te.Channel)
			}
		})
	}

	// The same application ID and transition in both tenants: two
	// events, each sent to its own tenant's endpoint ep, signed with
	// that tenant's secret (the receivers are strict).
	evA, err := e.c.Enqueue(ctx, tenantEvent(tenantA, "APP-1"))
	require.NoError(t, err)
	evB, err := e.c.Enqueue(ctx, tenantEvent(tenantB, "APP-1"))
	require.NoError(t, err)
	require.False(t, evB.Jobs[0].Duplicate, "another tenant's application is not a duplicate")
	require.NotEqual(t, evA.EventID, evB.EventID)
	require.NoError(t, e.rcv[tenantA].WaitDelivered(waitCtx(t, 45*time.Second), 1))
	require.NoError(t, e.rcv[tenantB].WaitDelivered(waitCtx(t, 45*time.Second), 1))

	// A's endpoint is gone: A's next event is dead-lettered and A's ep
	// disabled; B's ep is not.
	e.rcv[tenantA].Fail(notifytest.Fault{Status: 410})
	deadA, err := e.c.Enqueue(ctx, tenantEvent(tenantA, "APP-2"))
	require.NoError(t, err)
	dl := e.waitDead(t)
	assert.Equal(t, tenantA, dl.Tenant)
	assert.Equal(t, deadA.EventID, dl.EventID)
	okB, err := e.c.Enqueue(ctx, tenantEvent(tenantB, "APP-2"))
	require.NoError(t, err)
	require.NoError(t, e.rcv[tenantB].WaitDelivered(waitCtx(t, 45*time.Second), 2), "A's disabled endpoint does not stop B's")
	require.NoError(t, e.c.FlushLog(ctx))

	count := func(n int, err error) (int, error) { return n, err }
	attempts := func(s notify.Scope, app string) func() (int, error) {
		return func() (int, error) {
			as, err := e.c.Attempts(ctx, s, app, 0)
			for _, a := range as {
				if tn, one := s.Tenant(); one && a.Tenant != tn {
					t.Errorf("attempt of tenant %q in scope %s", a.Tenant, s)
				}
			}
			return len(as), err
		}
	}
	eventAttempts := func(s notify.Scope, id notify.EventID) func() (int, error) {
		return func() (int, error) { as, err := e.c.EventAttempts(ctx, s, id); return len(as), err }
	}
	deadLetters := func(f notify.ReplayFilter) func() (int, error) {
		return func() (int, error) { ds, err := e.c.DeadLetters(ctx, f); return len(ds), err }
	}
	disabled := func(s notify.Scope) func() (int, error) {
		return func() (int, error) { ds, err := e.c.DisabledEndpoints(ctx, s); return len(ds), err }
	}
	endpointDisabled := func(s notify.Scope) func() (int, error) {
		return func() (int, error) {
			st, err := e.c.Endpoint(ctx, s, notify.ChannelWebhook, ep)
			if st.Disabled() {
				return 1, err
			}
			return 0, err
		}
	}
	audit := func(s notify.Scope, id notify.EventID) func() (int, error) {
		return func() (int, error) {
			tok, err := e.c.AuditToken(ctx, s, id)
			if tok == "" {
				return 0, err
			}
			return 1, err
		}
	}
	since := time.Unix(0, 0)
	queries := []struct {
		name string
		run  func() (int, error)
		want int
		err  error
	}{
		{"attempts without scope", attempts(notify.Scope{}, "APP-1"), 0, notify.ErrTenantRequired},
		{"attempts of a malformed tenant", attempts(notify.ForTenant("a/b"), "APP-1"), 0, notify.ErrTenantRequired},
		{"attempts of the default tenant", attempts(notify.ForTenant(""), "APP-1"), 0, nil},
		{"attempts of an unknown tenant", attempts(notify.ForTenant(tenantC), "APP-1"), 0, nil},
		{"attempts of A", attempts(notify.ForTenant(tenantA), "APP-1"), 1, nil},
		{"attempts of B", attempts(notify.ForTenant(tenantB), "APP-1"), 1, nil},
		{"attempts across tenants", attempts(notify.AllTenants(), "APP-1"), 2, nil},
		{"event attempts without scope", eventAttempts(notify.Scope{}, evA.EventID), 0, notify.ErrTenantRequired},
		{"A's event attempts as B", eventAttempts(notify.ForTenant(tenantB), evA.EventID), 0, nil},
		{"B's event attempts as A", eventAttempts(notify.ForTenant(tenantA), evB.EventID), 0, nil},
		{"A's event attempts as the default tenant", eventAttempts(notify.ForTenant(""), evA.EventID), 0, nil},
		{"A's event attempts as A", eventAttempts(notify.ForTenant(tenantA), evA.EventID), 1, nil},
		{"dead letters without scope", deadLetters(notify.ReplayFilter{Since: since}), 0, notify.ErrTenantRequired},
		{"dead letters of A as B", deadLetters(notify.ReplayFilter{Scope: notify.ForTenant(tenantB), ApplicationID: "APP-2"}), 0, nil},
		{"all dead letters of B", deadLetters(notify.ReplayFilter{Scope: notify.ForTenant(tenantB), Since: since}), 0, nil},
		{"dead letters of the default tenant", deadLetters(notify.ReplayFilter{Scope: notify.ForTenant(""), Since: since}), 0, nil},
		{"dead letters of A's event as B", deadLetters(notify.ReplayFilter{Scope: notify.ForTenant(tenantB), EventID: deadA.EventID}), 0, nil},
		{"dead letters of A", deadLetters(notify.ReplayFilter{Scope: notify.ForTenant(tenantA), ApplicationID: "APP-2"}), 1, nil},
		{"dead letters across tenants", deadLetters(notify.ReplayFilter{Scope: notify.AllTenants(), Since: since}), 1, nil},
		{"disabled endpoints without scope", disabled(notify.Scope{}), 0, notify.ErrTenantRequired},
		{"disabled endpoints of B", disabled(notify.ForTenant(tenantB)), 0, nil},
		{"disabled endpoints of the default tenant", disabled(notify.ForTenant("")), 0, nil},
		{"disabled endpoints of A", disabled(notify.ForTenant(tenantA)), 1, nil},
		{"endpoint across tenants", endpointDisabled(notify.AllTenants()), 0, notify.ErrTenantRequired},
		{"endpoint without scope", endpointDisabled(notify.Scope{}), 0, notify.ErrTenantRequired},
		{"B's endpoint ep", endpointDisabled(notify.ForTenant(tenantB)), 0, nil},
		{"A's endpoint ep", endpointDisabled(notify.ForTenant(tenantA)), 1, nil},
		{"audit token without scope", audit(notify.Scope{}, evA.EventID), 0, notify.ErrTenantRequired},
		{"A's audit token as B", audit(notify.ForTenant(tenantB), evA.EventID), 0, notify.ErrNotFound},
		{"A's audit token as the default tenant", audit(notify.ForTenant(""), evA.EventID), 0, notify.ErrNotFound},
		{"A's audit token as A", audit(notify.ForTenant(tenantA), evA.EventID), 1, nil},
		{"replay without scope", func() (int, error) { return e.c.Replay(ctx, notify.ReplayFilter{ApplicationID: "APP-2"}) }, 0, notify.ErrTenantRequired},
		{"replay of A's application as B", func() (int, error) {
			return e.c.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(tenantB), ApplicationID: "APP-2"})
		}, 0, nil},
		{"replay of A's event as B", func() (int, error) {
			return e.c.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(tenantB), EventID: deadA.EventID})
		}, 0, nil},
		{"replay of everything as the default tenant", func() (int, error) {
			return e.c.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(""), Since: since})
		}, 0, nil},
		{"enable endpoint across tenants", func() (int, error) {
			return 0, e.c.EnableEndpoint(ctx, notify.AllTenants(), notify.ChannelWebhook, ep)
		}, 0, notify.ErrTenantRequired},
		{"enable B's ep leaves A's disabled", func() (int, error) {
			return count(0, e.c.EnableEndpoint(ctx, notify.ForTenant(tenantB), notify.ChannelWebhook, ep))
		}, 0, nil},
		{"A's ep still disabled", endpointDisabled(notify.ForTenant(tenantA)), 1, nil},
		{"A's dead letter still unreplayed", deadLetters(notify.ReplayFilter{Scope: notify.ForTenant(tenantA), ApplicationID: "APP-2"}), 1, nil},
	}
	for _, q := range queries {
		t.Run("query/"+q.name, func(t *testing.T) {
			n, err := q.run()
			if q.err != nil {
				require.ErrorIs(t, err, q.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, q.want, n)
		})
	}

	// Replay of A re-sends A's notice to A's receiver only.
	require.NoError(t, e.c.EnableEndpoint(ctx, notify.ForTenant(tenantA), notify.ChannelWebhook, ep))
	n, err := e.c.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(tenantA), ApplicationID: "APP-2"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, e.rcv[tenantA].WaitDelivered(waitCtx(t, 45*time.Second), 2))
	assert.ElementsMatch(t, []string{string(evA.EventID), string(deadA.EventID)}, e.receivedIDs(tenantA))
	assert.ElementsMatch(t, []string{string(evB.EventID), string(okB.EventID)}, e.receivedIDs(tenantB))
	for _, r := range append(e.rcv[tenantA].Received(), e.rcv[tenantB].Received()...) {
		assert.True(t, r.Valid, "every request signed with its own tenant's secret")
	}

	// A 429 from B's endpoint holds B's deliveries to ep, never A's.
	e.rcv[tenantB].Fail(notifytest.Fault{Status: 429, RetryAfter: "60"})
	_, err = e.c.Enqueue(ctx, tenantEvent(tenantB, "APP-3"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		st, err := e.c.Endpoint(ctx, notify.ForTenant(tenantB), notify.ChannelWebhook, ep)
		return err == nil && !st.NotBefore.IsZero()
	}, 45*time.Second, 5*time.Millisecond)
	freeA, err := e.c.Enqueue(ctx, tenantEvent(tenantA, "APP-3"))
	require.NoError(t, err)
	require.NoError(t, e.rcv[tenantA].WaitDelivered(waitCtx(t, 30*time.Second), 3), "B's hold does not hold A")
	assert.Contains(t, e.receivedIDs(tenantA), string(freeA.EventID))
	stA, err := e.c.Endpoint(ctx, notify.ForTenant(tenantA), notify.ChannelWebhook, ep)
	require.NoError(t, err)
	assert.True(t, stA.NotBefore.IsZero())
	assert.Equal(t, tenantA, stA.Tenant)
	assert.Len(t, e.receivedIDs(tenantB), 2, "B's held event is not sent")
}

// A channel that does not implement notify.TenantChannel has one
// identity, the default tenant's: an event of a tenant is refused on it
// before anything is stored, never sent under that identity.
func TestSingleTenantChannelRefusesTenants(t *testing.T) {
	sms := &smsGateway{sent: make(chan string, 4)}
	e := newEnv(t, envOpts{extra: []notify.Channel{sms}, noStart: true})
	ctx := context.Background()
	for _, tn := range []string{tenantA, tenantB, "x"} {
		ev := testEvent("ST-1")
		ev.Tenant = tn
		ev.Recipients = notify.Recipients{Custom: []notify.Route{{Channel: "sms", Target: "+4915112345678"}}}
		_, err := e.client.Enqueue(ctx, ev)
		var te *notify.TenantError
		require.ErrorAs(t, err, &te, tn)
		assert.Equal(t, "sms", te.Channel)
		// The built-in webhook sender of newEnv has no Tenants either.
		ev.Recipients = notify.Recipients{Webhooks: []string{"ep1"}}
		_, err = e.client.Enqueue(ctx, ev)
		require.ErrorIs(t, err, notify.ErrUnknownTenant, tn)
	}
	var jobs int
	require.NoError(t, e.db.QueryRow(`SELECT count(*) FROM river_job`).Scan(&jobs))
	assert.Zero(t, jobs, "nothing stored")
	ev := testEvent("ST-1")
	ev.Recipients = notify.Recipients{Custom: []notify.Route{{Channel: "sms", Target: "+4915112345678"}}}
	_, err := e.client.Enqueue(ctx, ev)
	require.NoError(t, err, "the default tenant is served")
}

// Telemetry carries each event's tenant as ozg.tenant, and never a
// malformed key an invalid event brought along.
func TestTenantTelemetry(t *testing.T) {
	rec := telemetrytest.New(t)
	ts := notifytest.StartTenants(t, tenantA, tenantB)
	cfg := ts.Config(t)
	cfg.Logger, cfg.TracerProvider, cfg.MeterProvider = quietLogger(), rec.TracerProvider, rec.MeterProvider
	sc := openClient(t, "sqlite", cfg)
	ctx := context.Background()
	require.NoError(t, sc.c.Migrate(ctx))
	require.NoError(t, sc.c.Start(ctx))
	t.Cleanup(func() { _ = sc.c.Stop(context.Background()) })
	for _, tn := range []string{tenantA, tenantB} {
		_, err := sc.c.Enqueue(ctx, tenantEvent(tn, "TEL-1"))
		require.NoError(t, err)
	}
	for _, tn := range []string{"a/b", "x y", tenantC} {
		_, err := sc.c.Enqueue(ctx, tenantEvent(tn, "TEL-1"))
		require.Error(t, err)
	}
	for tn, sim := range ts.Sims {
		require.NoError(t, sim.Receiver.WaitDelivered(waitCtx(t, 30*time.Second), 1), tn)
	}
	require.NoError(t, sc.c.FlushLog(ctx))
	for _, tn := range []string{tenantA, tenantB} {
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.notify.enqueued", map[string]string{"ozg.tenant": tn}), tn)
		require.Eventually(t, func() bool {
			return rec.Sum(t, "ozg.notify.deliveries", map[string]string{"ozg.tenant": tn, "ozg.outcome": "delivered"}) == 1
		}, 10*time.Second, 10*time.Millisecond, tn)
	}
	for _, s := range rec.Spans() {
		v := telemetrytest.SpanAttrs(s)["ozg.tenant"]
		assert.NotContains(t, []string{"a/b", "x y"}, v, "no malformed key as an attribute")
	}
	rec.AssertAllowedKeys(t)
}
