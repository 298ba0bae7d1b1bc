package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// benchTransitions measures one applied transition INITIAL → PAYED
// (compare-and-set UPDATE) on pre-inserted, confirmed transactions.
func benchTransitions(b *testing.B, s payment.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	req := paymenttest.ValidRequest("x")
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("r-%d", i)
		r := *req
		r.IdempotencyKey = id
		if _, _, err := s.Insert(ctx, &payment.Transaction{RequestID: id, Fingerprint: "f", Request: r, CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Confirm(ctx, id, payment.Confirmation{TransactionID: "T" + id, At: t0}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := s.Transition(ctx, fmt.Sprintf("r-%d", i), payment.StatusInitial, payment.StatusPaid, payment.Update{At: t0}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "transitions/s")
}

func BenchmarkTransitionsSQLite(b *testing.B) {
	s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchTransitions(b, s)
}

func BenchmarkTransitionsPostgres(b *testing.B) {
	dsn := testenv.PostgresDatabase(b)
	pool, err := sqldb.OpenPostgres(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	s, err := sqlstore.NewPostgres(context.Background(), pool)
	if err != nil {
		b.Fatal(err)
	}
	benchTransitions(b, s)
}

func BenchmarkTransitionsMemory(b *testing.B) { benchTransitions(b, payment.NewMemoryStore()) }
