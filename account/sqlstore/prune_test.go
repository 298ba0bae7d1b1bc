package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/testenv"
)

// TestPruneWithoutOperator checks that expired rows leave the tables
// through ordinary writes, in bounded batches, on every backend, with the
// clock under test control (the now argument the service provider passes).
func TestPruneWithoutOperator(t *testing.T) {
	backends := map[string]func(t *testing.T) *Store{
		"sqlite memory": func(t *testing.T) *Store {
			s, err := OpenSQLite(context.Background(), "")
			require.NoError(t, err)
			return s
		},
		"sqlite file": func(t *testing.T) *Store {
			s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "a.db"))
			require.NoError(t, err)
			return s
		},
		"postgres": func(t *testing.T) *Store {
			s, err := OpenPostgres(context.Background(), testenv.PostgresDatabase(t))
			require.NoError(t, err)
			return s
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) { testPrune(t, open) })
	}
}

func testPrune(t *testing.T, open func(t *testing.T) *Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	ttl := time.Minute
	req := func(exp time.Time) saml.PendingRequest {
		return saml.PendingRequest{ID: "_r", BindingHash: "ab", Expires: exp}
	}
	// seed writes n requests and n assertion IDs expiring at t0+ttl (at
	// t0, so the prune on the first write finds nothing).
	seed := func(t *testing.T, s *Store, n int) {
		for i := range n {
			require.NoError(t, s.SaveRequest(ctx, fmt.Sprint("old", i), req(t0.Add(ttl)), t0))
			require.NoError(t, s.MarkAssertion(ctx, "idp", fmt.Sprint("_old", i), t0.Add(ttl), t0))
		}
	}
	type counts struct{ requests, assertions int }
	cases := []struct {
		name  string
		every uint64
		run   func(t *testing.T, s *Store) error
		err   error // wanted error of run
		want  counts
	}{
		{"writes remove expired rows (no DeleteExpired)", 4, func(t *testing.T, s *Store) error {
			seed(t, s, 3) // writes 1-6
			later := t0.Add(ttl)
			for i := range 6 { // writes 7-12: prunes at 9 (batch of 2 per table)
				if err := s.SaveRequest(ctx, fmt.Sprint("new", i), req(later.Add(ttl)), later); err != nil {
					return err
				}
			}
			return s.MarkAssertion(ctx, "idp", "_new", later.Add(ttl), later) // write 13: prunes the rest
		}, nil, counts{6, 1}},
		{"between prunes nothing is deleted", 8, func(t *testing.T, s *Store) error {
			seed(t, s, 2)                                                     // writes 1-4
			return s.SaveRequest(ctx, "new", req(t0.Add(2*ttl)), t0.Add(ttl)) // write 5: no prune
		}, nil, counts{3, 2}},
		{"one prune deletes at most the batch", 100, func(t *testing.T, s *Store) error {
			seed(t, s, 50)                                                    // writes 1-100
			return s.SaveRequest(ctx, "new", req(t0.Add(2*ttl)), t0.Add(ttl)) // write 101: prune, batch 2
		}, nil, counts{50 - 2 + 1, 50 - 2}},
		{"unexpired requests are kept", 1, func(t *testing.T, s *Store) error {
			seed(t, s, 2)
			return s.SaveRequest(ctx, "new", req(t0.Add(2*ttl)), t0.Add(ttl-time.Nanosecond))
		}, nil, counts{3, 2}},
		{"unexpired assertion IDs are kept: replay still detected", 1, func(t *testing.T, s *Store) error {
			seed(t, s, 2)
			require.NoError(t, s.SaveRequest(ctx, "new", req(t0.Add(2*ttl)), t0.Add(ttl-time.Nanosecond)))
			return s.MarkAssertion(ctx, "idp", "_old1", t0.Add(2*ttl), t0.Add(ttl-time.Nanosecond))
		}, saml.ErrReplay, counts{3, 2}},
		{"a renewed assertion ID survives the prune", 1, func(t *testing.T, s *Store) error {
			seed(t, s, 1)
			later := t0.Add(ttl)
			require.NoError(t, s.MarkAssertion(ctx, "idp", "_old0", later.Add(ttl), later)) // expired: renewed
			require.NoError(t, s.SaveRequest(ctx, "new", req(later.Add(ttl)), later))       // prunes again
			return s.MarkAssertion(ctx, "idp", "_old0", later.Add(ttl), later.Add(time.Second))
		}, saml.ErrReplay, counts{1, 1}},
		{"a request expiring exactly now is removed", 1, func(t *testing.T, s *Store) error {
			seed(t, s, 1)
			_, err := s.Request(ctx, "old0", t0.Add(ttl))
			require.ErrorIs(t, err, saml.ErrNotFound)
			require.NoError(t, s.SaveRequest(ctx, "new", req(t0.Add(2*ttl)), t0.Add(ttl)))
			return s.ConsumeRequest(ctx, "old0")
		}, saml.ErrNotFound, counts{1, 0}},
		{"a canceled write stores nothing", 1, func(t *testing.T, s *Store) error {
			seed(t, s, 1)
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			return s.SaveRequest(cctx, "new", req(t0.Add(2*ttl)), t0.Add(ttl))
		}, context.Canceled, counts{1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			s.pruneEvery, s.pruneBatch = tc.every, 2
			err := tc.run(t, s)
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
			var got counts
			require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ozg_account_saml_requests`).Scan(&got.requests))
			require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ozg_account_saml_assertions`).Scan(&got.assertions))
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestPruneConcurrentInstances runs two Stores on one database that prune
// on every write while both write: no write fails (no deadlock between
// the batched deletes), every expired row goes and no live row is lost.
func TestPruneConcurrentInstances(t *testing.T) {
	backends := map[string]func(t *testing.T) func(t *testing.T) *Store{
		"sqlite file": func(t *testing.T) func(t *testing.T) *Store {
			path := filepath.Join(t.TempDir(), "shared.db")
			return func(t *testing.T) *Store {
				s, err := OpenSQLite(context.Background(), path)
				require.NoError(t, err)
				return s
			}
		},
		"postgres": func(t *testing.T) func(t *testing.T) *Store {
			dsn := testenv.PostgresDatabase(t)
			return func(t *testing.T) *Store {
				s, err := OpenPostgres(context.Background(), dsn)
				require.NoError(t, err)
				return s
			}
		},
	}
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
			later := t0.Add(time.Hour)
			open := mk(t)
			stores := []*Store{open(t), open(t)}
			for _, s := range stores {
				t.Cleanup(func() { s.Close() })
				s.pruneEvery, s.pruneBatch = 1, 5
			}
			for i := range 100 {
				require.NoError(t, stores[0].SaveRequest(ctx, fmt.Sprint("old", i), saml.PendingRequest{Expires: t0.Add(time.Minute)}, t0))
				require.NoError(t, stores[0].MarkAssertion(ctx, "idp", fmt.Sprint("_old", i), t0.Add(time.Minute), t0))
			}
			const workers, writes = 4, 25
			errs := make(chan error, len(stores)*workers*writes*2)
			var wg sync.WaitGroup
			for si, s := range stores {
				for w := range workers {
					wg.Go(func() {
						for i := range writes {
							k := fmt.Sprint(si, "-", w, "-", i)
							errs <- s.SaveRequest(ctx, k, saml.PendingRequest{Expires: later.Add(time.Hour)}, later)
							errs <- s.MarkAssertion(ctx, "idp", "_"+k, later.Add(time.Hour), later)
						}
					})
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			var req, ass int
			require.NoError(t, stores[0].db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ozg_account_saml_requests`).Scan(&req))
			require.NoError(t, stores[0].db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ozg_account_saml_assertions`).Scan(&ass))
			n := len(stores) * workers * writes
			assert.Equal(t, n, req, "live requests only")
			assert.Equal(t, n, ass, "live assertion IDs only")
		})
	}
}
