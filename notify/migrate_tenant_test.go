package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// TestTenantMigrationKeepsSingleTenantData: a store written before
// tenancy (migrations 001-003) is upgraded in place; its rows belong to
// the default tenant "", its sequences continue, and no tenant sees them.
func TestTenantMigrationKeepsSingleTenantData(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			ctx := context.Background()
			secret, err := webhook.NewSecret()
			require.NoError(t, err)
			sender, err := webhook.NewSender(webhook.SenderConfig{Endpoints: webhook.StaticEndpoints{
				"ep1": {ID: "ep1", URL: "https://hooks.example/ep1", Secrets: []webhook.Secret{secret}}}})
			require.NoError(t, err)
			sc := openClient(t, store, notify.Config{Channels: []notify.Channel{sender}, Logger: quietLogger()})
			db, d, c := sc.db, sc.d, sc.c
			old := fstest.MapFS{}
			for _, f := range []string{"001_delivery_log.sql", "002_dead_letter_job.sql", "003_order_throttle.sql"} {
				b, err := os.ReadFile(filepath.Join("migrations", f))
				require.NoError(t, err)
				old["m/"+f] = &fstest.MapFile{Data: b}
			}
			require.NoError(t, sqldb.Migrate(ctx, db, d, "notify", old, "m"))
			for _, q := range []string{
				`INSERT INTO notify_sequences (application_id, seq) VALUES ('OLD-1', 5)`,
				`INSERT INTO notify_attempts (id, event_id, application_id, channel, target_ref, attempt, started_at,
					latency_us, status_code, status_class, outcome, error_class)
					VALUES ('a1', 'e1', 'OLD-1', 'webhook', 'ep1', 1, 1, 1, 200, '2xx', 'delivered', '')`,
				`INSERT INTO notify_endpoints (endpoint_key, channel, target_ref, disabled_at, disabled_reason)
					VALUES ('webhook:ep1', 'webhook', 'ep1', 1, 'gone')`,
			} {
				_, err := db.ExecContext(ctx, q)
				require.NoError(t, err)
			}
			require.NoError(t, c.Migrate(ctx))

			atts, err := c.Attempts(ctx, notify.ForTenant(""), "OLD-1", 0)
			require.NoError(t, err)
			assert.Len(t, atts, 1)
			atts, err = c.Attempts(ctx, notify.ForTenant(tenantA), "OLD-1", 0)
			require.NoError(t, err)
			assert.Empty(t, atts, "old rows belong to the default tenant only")
			st, err := c.Endpoint(ctx, notify.ForTenant(""), "webhook", "ep1")
			require.NoError(t, err)
			assert.True(t, st.Disabled(), "endpoint state kept")
			st, err = c.Endpoint(ctx, notify.ForTenant(tenantA), "webhook", "ep1")
			require.NoError(t, err)
			assert.False(t, st.Disabled())

			require.NoError(t, c.EnableEndpoint(ctx, notify.ForTenant(""), "webhook", "ep1"))
			ev := testEvent("OLD-1")
			ev.Transition = "PROCESSING"
			_, err = c.Enqueue(ctx, ev)
			require.NoError(t, err)
			var seq int64
			require.NoError(t, db.QueryRowContext(ctx, d.Rebind(`SELECT seq FROM notify_tenant_sequences WHERE tenant = ? AND application_id = ?`),
				"", "OLD-1").Scan(&seq))
			assert.Equal(t, int64(6), seq, "the application's sequence continues")
		})
	}
}
