package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/webhook"
	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// The same outbox on PostgreSQL: rollback, delivery, 410, dead letter,
// replay, delivery log and audit record.
func TestPostgresOutbox(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	pool, err := sqldb.OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	rcv := notifytest.NewReceiver(t, notifytest.ReceiverConfig{Secrets: []webhook.Secret{secret}})
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: rcv.URL, Secrets: []webhook.Secret{secret}}}
	sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, Guard: &webhook.Guard{Allow: loopback}, InsecureDevelopment: true})
	require.NoError(t, err)
	key, err := signaturetest.NewKey(signaturetest.RSA2048, false)
	require.NoError(t, err)
	setSigner, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Issuer: "https://amt.example"})
	require.NoError(t, err)
	dead := make(chan notify.DeadLetter, 10)
	c, err := notify.NewPostgres(pool, notify.Config{
		Channels:       []notify.Channel{sender},
		Policies:       map[string]notify.Policy{"webhook": {Schedule: fastSchedule, Jitter: -1}},
		AttemptTimeout: 2 * time.Second, FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond,
		Logger: quietLogger(), Test: notify.TestConfig{TestOnly: true},
		Audit:       notify.NewSETAuditSigner(setSigner),
		OnExhausted: func(_ context.Context, dl notify.DeadLetter) { dead <- dl },
	})
	require.NoError(t, err)
	require.NoError(t, c.Migrate(ctx))
	require.NoError(t, c.Migrate(ctx), "migrations are idempotent")

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	rolled, err := c.EnqueueTx(ctx, tx, testEvent("P-0"))
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))

	tx, err = pool.Begin(ctx)
	require.NoError(t, err)
	out, err := c.EnqueueTx(ctx, tx, testEvent("P-1"))
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	runCtx, cancel := context.WithCancel(ctx)
	require.NoError(t, c.Start(runCtx))
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = c.Stop(sctx)
		cancel()
	})
	require.NoError(t, rcv.WaitDelivered(waitCtx(t, 45*time.Second), 1))
	assert.Contains(t, rcv.Delivered(), string(out.EventID))
	assert.NotContains(t, rcv.Delivered(), string(rolled.EventID))
	tok, err := c.AuditToken(ctx, notify.ForTenant(""), out.EventID)
	require.NoError(t, err)
	assert.NotEmpty(t, tok)
	_, err = c.AuditToken(ctx, notify.ForTenant(""), rolled.EventID)
	require.ErrorIs(t, err, notify.ErrNotFound)

	rcv.Fail(notifytest.Fault{Status: 410})
	gone, err := c.Enqueue(ctx, testEvent("P-2"))
	require.NoError(t, err)
	select {
	case dl := <-dead:
		assert.Equal(t, "gone", dl.Reason)
		assert.Equal(t, gone.EventID, dl.EventID)
	case <-time.After(45 * time.Second):
		t.Fatal("no dead letter")
	}
	disabled, err := c.DisabledEndpoints(ctx, notify.ForTenant(""))
	require.NoError(t, err)
	require.Len(t, disabled, 1)
	require.NoError(t, c.EnableEndpoint(ctx, notify.ForTenant(""), "webhook", "ep1"))
	n, err := c.Replay(ctx, notify.ReplayFilter{Scope: notify.ForTenant(""), ApplicationID: "P-2"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, rcv.WaitDelivered(waitCtx(t, 45*time.Second), 2))
	assert.Contains(t, rcv.Delivered(), string(gone.EventID))

	require.Eventually(t, func() bool {
		a, err := c.Attempts(ctx, notify.ForTenant(""), "P-2", 0)
		return err == nil && len(a) == 2 && a[0].Outcome == notify.OutcomeDead && a[1].Outcome == notify.OutcomeDelivered
	}, 45*time.Second, 10*time.Millisecond)
}
