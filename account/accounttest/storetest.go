package accounttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
)

// TestStore is the conformance suite for saml.Store implementations,
// including the rule that a store removes expired entries without
// DeleteExpired being called. Call it from a test with a constructor that
// returns a fresh, empty store:
//
//	func TestMyStore(t *testing.T) {
//		accounttest.TestStore(t, func(t *testing.T) saml.Store { return newMyStore(t) })
//	}
func TestStore(t *testing.T, newStore func(t *testing.T) saml.Store) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	req := saml.PendingRequest{ID: "_req1", BindingHash: "ab12", Level: account.LevelHoch,
		Requested: []string{account.AttrBPK2}, ReturnTo: "/antrag/1", Expires: now.Add(30 * time.Minute)}

	t.Run("request round trip", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "k1", req, now))
		got, err := s.Request(ctx, "k1", now)
		must(t, err)
		if got.ID != req.ID || got.BindingHash != req.BindingHash || got.Level != req.Level || got.ReturnTo != req.ReturnTo ||
			len(got.Requested) != 1 || !got.Expires.Equal(req.Expires) {
			t.Fatalf("request changed in store: %+v", got)
		}
	})
	t.Run("duplicate key refused", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "k1", req, now))
		if err := s.SaveRequest(ctx, "k1", req, now); err == nil {
			t.Fatal("second SaveRequest with the same key succeeded")
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		s := newStore(t)
		is(t, func() error { _, err := s.Request(ctx, "nope", now); return err }(), saml.ErrNotFound)
		is(t, s.ConsumeRequest(ctx, "nope"), saml.ErrNotFound)
	})
	t.Run("expired request", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "k1", req, now))
		_, err := s.Request(ctx, "k1", req.Expires)
		is(t, err, saml.ErrNotFound)
		must(t, s.DeleteExpired(ctx, req.Expires))
		is(t, s.ConsumeRequest(ctx, "k1"), saml.ErrNotFound)
	})
	t.Run("consume once", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "k1", req, now))
		must(t, s.ConsumeRequest(ctx, "k1"))
		is(t, s.ConsumeRequest(ctx, "k1"), saml.ErrNotFound)
		_, err := s.Request(ctx, "k1", now)
		is(t, err, saml.ErrNotFound)
	})
	t.Run("concurrent consume has one winner", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "k1", req, now))
		wins := count(8, func() error { return s.ConsumeRequest(ctx, "k1") })
		if wins != 1 {
			t.Fatalf("%d consumers won, want 1", wins)
		}
	})
	t.Run("assertion replay", func(t *testing.T) {
		s := newStore(t)
		exp := now.Add(5 * time.Minute)
		must(t, s.MarkAssertion(ctx, "idp", "_a1", exp, now))
		is(t, s.MarkAssertion(ctx, "idp", "_a1", exp, now.Add(time.Minute)), saml.ErrReplay)
		// Same ID from another issuer is a different assertion.
		must(t, s.MarkAssertion(ctx, "other-idp", "_a1", exp, now))
		// After expiry the ID may be recorded again.
		must(t, s.MarkAssertion(ctx, "idp", "_a1", exp.Add(time.Hour), exp))
		is(t, s.MarkAssertion(ctx, "idp", "_a1", exp.Add(time.Hour), exp.Add(time.Minute)), saml.ErrReplay)
	})
	t.Run("concurrent mark has one winner", func(t *testing.T) {
		s := newStore(t)
		wins := count(8, func() error { return s.MarkAssertion(ctx, "idp", "_a2", now.Add(time.Minute), now) })
		if wins != 1 {
			t.Fatalf("%d markers won, want 1", wins)
		}
	})
	t.Run("delete expired keeps live entries", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "live", req, now))
		old := req
		old.Expires = now.Add(-time.Second)
		must(t, s.SaveRequest(ctx, "old", old, now))
		must(t, s.MarkAssertion(ctx, "idp", "_live", now.Add(time.Minute), now))
		must(t, s.MarkAssertion(ctx, "idp", "_old", now.Add(-time.Second), now.Add(-time.Minute)))
		must(t, s.DeleteExpired(ctx, now))
		_, err := s.Request(ctx, "live", now)
		must(t, err)
		is(t, s.ConsumeRequest(ctx, "old"), saml.ErrNotFound)
		is(t, s.MarkAssertion(ctx, "idp", "_live", now.Add(time.Minute), now), saml.ErrReplay)
		must(t, s.MarkAssertion(ctx, "idp", "_old", now.Add(time.Minute), now))
	})
	t.Run("expired requests leave without DeleteExpired", func(t *testing.T) {
		// Login starts are unauthenticated: a store must drop expired
		// entries by itself (saml.Store), here within 200 writes.
		s := newStore(t)
		must(t, s.SaveRequest(ctx, "old", req, now))
		later := req.Expires
		for i := range 200 {
			r := req
			r.Expires = later.Add(time.Hour)
			must(t, s.SaveRequest(ctx, fmt.Sprint("new", i), r, later))
		}
		is(t, s.ConsumeRequest(ctx, "old"), saml.ErrNotFound)
		must(t, s.ConsumeRequest(ctx, "new0"))
	})
}

func count(n int, f func() error) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range n {
		wg.Go(func() {
			if f() == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return wins
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func is(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatal(fmt.Errorf("got %v, want %w", err, target))
	}
}
