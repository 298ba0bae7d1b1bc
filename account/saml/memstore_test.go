package saml_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/saml"
)

// TestMemoryStorePruneAndCap drives a small MemoryStore with a
// controllable clock: expired entries leave without DeleteExpired, and a
// full store refuses (fail closed) without changing state.
func TestMemoryStorePruneAndCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const max = 4
	ttl := time.Minute
	req := func(now time.Time) saml.PendingRequest {
		return saml.PendingRequest{ID: "_r", BindingHash: "ab", Expires: now.Add(ttl)}
	}
	// fill saves max requests and max assertion IDs at t0, expiring at
	// t0+ttl.
	fill := func(t *testing.T, s *saml.MemoryStore) {
		for i := range max {
			require.NoError(t, s.SaveRequest(ctx, fmt.Sprint("k", i), req(t0), t0))
			require.NoError(t, s.MarkAssertion(ctx, "idp", fmt.Sprint("_a", i), t0.Add(ttl), t0))
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s *saml.MemoryStore) error
		want error // nil: success
	}{
		{"full of live requests refuses a new one", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			return s.SaveRequest(ctx, "new", req(t0), t0.Add(ttl-time.Nanosecond))
		}, saml.ErrStoreFull},
		{"full of live assertion IDs refuses a new one", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			return s.MarkAssertion(ctx, "idp", "_new", t0.Add(2*ttl), t0.Add(ttl/2))
		}, saml.ErrStoreFull},
		{"a refused request is not stored", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			require.ErrorIs(t, s.SaveRequest(ctx, "new", req(t0), t0), saml.ErrStoreFull)
			_, err := s.Request(ctx, "new", t0)
			return err
		}, saml.ErrNotFound},
		{"a refused assertion ID is not remembered", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			require.ErrorIs(t, s.MarkAssertion(ctx, "idp", "_new", t0.Add(ttl), t0), saml.ErrStoreFull)
			require.NoError(t, s.ConsumeRequest(ctx, "k0")) // frees a request slot only
			return s.MarkAssertion(ctx, "idp", "_new", t0.Add(ttl), t0)
		}, saml.ErrStoreFull},
		{"pruning keeps unexpired assertion IDs (replay still detected)", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			require.NoError(t, s.MarkAssertion(ctx, "idp", "_late", t0.Add(3*ttl), t0.Add(ttl))) // prunes the others
			return s.MarkAssertion(ctx, "idp", "_late", t0.Add(3*ttl), t0.Add(2*ttl))
		}, saml.ErrReplay},
		{"pruning keeps unexpired requests", func(t *testing.T, s *saml.MemoryStore) error {
			require.NoError(t, s.SaveRequest(ctx, "late", req(t0.Add(2*ttl)), t0))
			for i := range max - 1 {
				require.NoError(t, s.SaveRequest(ctx, fmt.Sprint("k", i), req(t0), t0))
			}
			// At t0+ttl the three expire, "late" stays: three fit, a fourth not.
			later := t0.Add(ttl)
			for i := range max - 1 {
				require.NoError(t, s.SaveRequest(ctx, fmt.Sprint("n", i), req(later), later))
			}
			_, err := s.Request(ctx, "late", later)
			require.NoError(t, err)
			return s.SaveRequest(ctx, "over", req(later), later)
		}, saml.ErrStoreFull},
		{"duplicate key refused after pruning", func(t *testing.T, s *saml.MemoryStore) error {
			require.NoError(t, s.SaveRequest(ctx, "k", req(t0), t0))
			return s.SaveRequest(ctx, "k", req(t0), t0.Add(ttl/2))
		}, errDuplicate},
		{"expired requests make room without DeleteExpired", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			return s.SaveRequest(ctx, "new", req(t0.Add(ttl)), t0.Add(ttl))
		}, nil},
		{"expired assertion IDs make room without DeleteExpired", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			if err := s.MarkAssertion(ctx, "idp", "_new", t0.Add(2*ttl), t0.Add(ttl)); err != nil {
				return err
			}
			// The pruned IDs were expired, so recording them again is no replay.
			return s.MarkAssertion(ctx, "idp", "_a0", t0.Add(2*ttl), t0.Add(ttl))
		}, nil},
		{"consumed requests make room", func(t *testing.T, s *saml.MemoryStore) error {
			fill(t, s)
			require.NoError(t, s.ConsumeRequest(ctx, "k2"))
			return s.SaveRequest(ctx, "new", req(t0), t0)
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &saml.MemoryStore{MaxEntries: max}
			err := tc.run(t, s)
			switch {
			case tc.want == nil:
				require.NoError(t, err)
			case tc.want == errDuplicate:
				require.Error(t, err)
				assert.False(t, errors.Is(err, saml.ErrStoreFull))
			default:
				require.ErrorIs(t, err, tc.want)
			}
			if errors.Is(err, saml.ErrStoreFull) {
				var sf *saml.StoreFullError
				require.ErrorAs(t, err, &sf)
				assert.Equal(t, max, sf.Max)
			}
		})
	}
}

// errDuplicate marks the case whose error has no sentinel (Store contract:
// "an existing key is an error").
var errDuplicate = errors.New("duplicate")

// TestMemoryStoreZeroValue: the zero value and NewMemoryStore are usable
// and take the default capacity.
func TestMemoryStoreZeroValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, s := range []*saml.MemoryStore{{}, saml.NewMemoryStore(), {MaxEntries: -1}} {
		require.NoError(t, s.SaveRequest(ctx, "k", saml.PendingRequest{Expires: t0.Add(time.Minute)}, t0))
		require.NoError(t, s.MarkAssertion(ctx, "idp", "_a", t0.Add(time.Minute), t0))
		require.ErrorIs(t, s.MarkAssertion(ctx, "idp", "_a", t0.Add(time.Minute), t0), saml.ErrReplay)
		require.NoError(t, s.DeleteExpired(ctx, t0.Add(time.Minute)))
		_, err := s.Request(ctx, "k", t0)
		require.ErrorIs(t, err, saml.ErrNotFound)
	}
}

// BenchmarkMemoryStoreSaveRequest saves requests (each expiring after a
// second of test time, so pruning runs all the time) into a store holding
// many live ones. The anchor, timed in the same loop, is a bare
// mutex-guarded map insert; x_map stays flat as the live entries grow (the
// former implementation scanned all of them on every call beyond 10,000).
func BenchmarkMemoryStoreSaveRequest(b *testing.B) {
	for _, live := range []int{1_000, 50_000} {
		b.Run(fmt.Sprint("live=", live), func(b *testing.B) {
			ctx := context.Background()
			s := &saml.MemoryStore{MaxEntries: 1 << 30}
			for i := range live {
				_ = s.SaveRequest(ctx, fmt.Sprint("live", i), saml.PendingRequest{Expires: t0.Add(time.Hour)}, t0)
			}
			var mu sync.Mutex
			anchor := map[string]saml.PendingRequest{}
			now := t0
			var ours, base time.Duration
			for i := 0; b.Loop(); i++ {
				now = now.Add(time.Millisecond)
				k := fmt.Sprint("k", i)
				r := saml.PendingRequest{Expires: now.Add(time.Second)}
				t1 := time.Now()
				if err := s.SaveRequest(ctx, k, r, now); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				mu.Lock()
				anchor[k] = r
				mu.Unlock()
				base += time.Since(t2)
				ours += t2.Sub(t1)
			}
			b.ReportMetric(float64(ours)/float64(base), "x_map")
		})
	}
}
