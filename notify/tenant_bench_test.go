package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// BenchmarkEnqueueTenant: EnqueueTx of a tenant's event (tenant check,
// tenant-scoped sequence and unique key) against the same enqueue for
// the default tenant, alternating in one run on two SQLite files; the
// ratio is tenant ÷ default time per enqueue.
func BenchmarkEnqueueTenant(b *testing.B) {
	ctx := context.Background()
	secret, err := webhook.NewSecret()
	if err != nil {
		b.Fatal(err)
	}
	eps := webhook.StaticEndpoints{"ep1": {ID: "ep1", URL: "https://hooks.example/ep1", Secrets: []webhook.Secret{secret}}}
	open := func(cfg webhook.SenderConfig) *notify.Client[*sql.Tx] {
		db, err := sqldb.OpenSQLite(ctx, filepath.Join(b.TempDir(), "notify.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		s, err := webhook.NewSender(cfg)
		if err != nil {
			b.Fatal(err)
		}
		c, err := notify.NewSQLite(db, notify.Config{Channels: []notify.Channel{s}, Logger: quietLogger()})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		return c
	}
	plain := open(webhook.SenderConfig{Endpoints: eps})
	tenanted := open(webhook.SenderConfig{Tenants: map[string]webhook.EndpointSource{tenantA: eps, tenantB: eps}})
	var dPlain, dTenant time.Duration
	b.ResetTimer()
	for i := range b.N {
		ev := testEvent(fmt.Sprintf("B-%d", i))
		t0 := time.Now()
		if _, err := plain.Enqueue(ctx, ev); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		ev.Tenant = tenantA
		if _, err := tenanted.Enqueue(ctx, ev); err != nil {
			b.Fatal(err)
		}
		dPlain, dTenant = dPlain+t1.Sub(t0), dTenant+time.Since(t1)
	}
	b.ReportMetric(float64(dTenant.Microseconds())/float64(b.N), "tenant_us/enqueue")
	b.ReportMetric(float64(dPlain.Microseconds())/float64(b.N), "default_us/enqueue")
	b.ReportMetric(float64(dTenant)/float64(dPlain), "tenant/default")
}
