package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
	"github.com/egosaar/ozg/notify"
)

// BenchmarkTelemetryNoopEnqueue measures Enqueue (validation, sequence,
// river insert, commit on SQLite) with nil providers (the otel global
// no-op, river's middleware included) against a client built with all
// instrumentation bypassed, in one loop. noop/bare ≤ 1.02 is the target.
func BenchmarkTelemetryNoopEnqueue(b *testing.B) {
	ctx := context.Background()
	newClient := func(name string, off bool) *notify.Client[*sql.Tx] {
		db, err := sqldb.OpenSQLite(ctx, filepath.Join(b.TempDir(), name+".db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		notify.SetTelemetryOff(off)
		defer notify.SetTelemetryOff(false)
		c, err := notify.NewSQLite(db, notify.Config{Channels: []notify.Channel{&smsGateway{}}, Logger: quietLogger()})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		return c
	}
	noop, bare := newClient("noop", false), newClient("bare", true)
	run := func(c *notify.Client[*sql.Tx]) func(int) {
		return func(i int) {
			ev := testEvent(fmt.Sprintf("B-%d", i))
			ev.Recipients.Webhooks = nil
			ev.Recipients.Custom = []notify.Route{{Channel: "sms", Target: "+4915112345678"}}
			if _, err := c.Enqueue(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	telemetrytest.CompareNoop(b, run(noop), run(bare))
}
