package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/internal/sqldb"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
	"github.com/egosaar/ozg/payment/sqlstore"
)

// benchTransitions measures one applied transition INITIAL → PAYED
// (compare-and-set UPDATE) on pre-inserted, confirmed transactions.
func benchTransitions(b *testing.B, s paystore.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	req := paymenttest.ValidRequest("x")
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("r-%d", i)
		r := *req
		r.IdempotencyKey = id
		if _, _, err := s.Insert(ctx, &paytype.Transaction{RequestID: id, Fingerprint: "f", Request: r, CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Confirm(ctx, id, paystore.Confirmation{TransactionID: "T" + id, At: t0}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := s.Transition(ctx, fmt.Sprintf("r-%d", i), paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: t0}); err != nil {
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

func BenchmarkTransitionsMemory(b *testing.B) { benchTransitions(b, paystore.NewMemoryStore()) }

// benchTwoInstances measures applied transitions per second with two
// store instances (separate connections, as two processes would have)
// sharing one database, each applying every transition it can win: both
// try every transaction, in opposite orders, so half the attempts lose
// the compare-and-set (ErrConcurrentUpdate) as in a real race.
func benchTwoInstances(b *testing.B, open func() paystore.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a, c := open(), open()
	req := paymenttest.ValidRequest("x")
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("r-%d", i)
		r := *req
		r.IdempotencyKey = id
		if _, _, err := a.Insert(ctx, &paytype.Transaction{RequestID: id, Fingerprint: "f", Request: r, CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0}); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Confirm(ctx, id, paystore.Confirmation{TransactionID: "T" + id, At: t0}); err != nil {
			b.Fatal(err)
		}
	}
	var applied atomic.Int64
	run := func(s paystore.Store, reverse bool, done chan<- error) {
		for j := 0; j < b.N; j++ {
			i := j
			if reverse {
				i = b.N - 1 - j
			}
			_, err := s.Transition(ctx, fmt.Sprintf("r-%d", i), paytype.StatusInitial, paytype.StatusPaid, paystore.Update{At: t0})
			switch {
			case err == nil:
				applied.Add(1)
			case errors.Is(err, paystore.ErrConcurrentUpdate):
			default:
				done <- err
				return
			}
		}
		done <- nil
	}
	b.ResetTimer()
	start := time.Now()
	done := make(chan error, 2)
	go run(a, false, done)
	go run(c, true, done)
	for k := 0; k < 2; k++ {
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	if applied.Load() != int64(b.N) {
		b.Fatalf("applied %d transitions, want %d (each exactly once)", applied.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "transitions/s")
}

func BenchmarkTwoInstancesSQLite(b *testing.B) {
	path := filepath.Join(b.TempDir(), "shared.db")
	benchTwoInstances(b, func() paystore.Store {
		s, err := sqlstore.OpenSQLite(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}

func BenchmarkTwoInstancesPostgres(b *testing.B) {
	dsn := testenv.PostgresDatabase(b)
	benchTwoInstances(b, func() paystore.Store {
		pool, err := database.OpenPostgres(context.Background(), dsn)
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
