package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// benchDueTenant measures one reconciliation query (Due, a batch of 100)
// of one tenant on a store shared by ten tenants of 200 due transactions
// each, against the anchor in the same run: Due on a single-tenant store
// of 200. A ratio near 1 shows that the tenant index keeps a tenant's
// round independent of the other tenants' rows.
func benchDueTenant(b *testing.B, open func(name string) paystore.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	req := paymenttest.ValidRequest("x")
	fill := func(s paystore.Store) {
		for i := range 200 {
			r := *req
			r.IdempotencyKey = fmt.Sprintf("r-%d", i)
			tx := &paytype.Transaction{RequestID: r.IdempotencyKey, Fingerprint: "f", Request: r, CreatedAt: t0, UpdatedAt: t0,
				ExpiresAt: t0.Add(time.Hour), NextCheckAt: t0.Add(time.Duration(i) * time.Second)}
			if _, _, err := s.Insert(ctx, tx); err != nil {
				b.Fatal(err)
			}
		}
	}
	shared, single := open("shared"), open("single")
	for k := range 10 {
		fill(shared.ForTenant(fmt.Sprintf("10041010%04d", k)))
	}
	fill(single)
	view := shared.ForTenant("100410100003")
	due := func(s paystore.Store) time.Duration {
		start := time.Now()
		got, err := s.Due(ctx, t0.Add(time.Hour), 100)
		if err != nil || len(got) != 100 {
			b.Fatalf("due: %d, %v", len(got), err)
		}
		return time.Since(start)
	}
	var dt, ds time.Duration
	n := 0
	for b.Loop() {
		dt += due(view)
		ds += due(single)
		n++
	}
	b.ReportMetric(float64(dt.Microseconds())/float64(n), "tenant_us/op")
	b.ReportMetric(float64(ds.Microseconds())/float64(n), "single_us/op")
	b.ReportMetric(float64(dt)/float64(ds), "tenant_ratio")
}

func BenchmarkDueTenantSQLite(b *testing.B) {
	dir := b.TempDir()
	benchDueTenant(b, func(name string) paystore.Store {
		s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, name+".db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}

func BenchmarkDueTenantPostgres(b *testing.B) {
	benchDueTenant(b, func(string) paystore.Store {
		pool, err := sqldb.OpenPostgres(context.Background(), testenv.PostgresDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		s, err := sqlstore.NewPostgres(context.Background(), pool)
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
