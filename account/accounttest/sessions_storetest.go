package accounttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/egosaar/ozg/account"
)

// SessionStoreConformance is the conformance suite for
// account.SessionStore implementations; newStore returns an empty store
// (for shared databases: a store on a fresh database, or one whose keys
// cannot collide with earlier runs).
func SessionStoreConformance(t *testing.T, newStore func(t *testing.T) account.SessionStore) {
	ctx := context.Background()
	now := time.Unix(1_900_000_000, 0).UTC()
	rec := func(key, iss, sub, sid string) account.SessionRecord {
		return account.SessionRecord{Key: key, Issuer: iss, Subject: sub, ProviderSessionID: sid, Level: account.LevelSubstanziell,
			Created: now, LastSeen: now, Expires: now.Add(2 * time.Hour), Data: []byte(`{"identity":{}}`)}
	}
	u := func(s string) string { return fmt.Sprintf("%s-%d", s, time.Now().UnixNano()) }

	t.Run("create and read", func(t *testing.T) {
		s := newStore(t)
		k := u("k")
		want := rec(k, "https://op", "alice", "sid1")
		sessMust(t, s.CreateSession(ctx, want, now))
		got, err := s.Session(ctx, k, now.Add(time.Minute))
		sessMust(t, err)
		if got.Issuer != want.Issuer || got.Subject != want.Subject || got.ProviderSessionID != want.ProviderSessionID ||
			got.Level != want.Level || !got.Created.Equal(want.Created) || !got.LastSeen.Equal(want.LastSeen) ||
			!got.Expires.Equal(want.Expires) || string(got.Data) != string(want.Data) {
			t.Fatalf("round trip changed the record")
		}
		if err := s.CreateSession(ctx, want, now); err == nil {
			t.Fatal("duplicate key accepted")
		}
	})
	t.Run("unknown and expired", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Session(ctx, u("nope"), now)
		sessIs(t, err, account.ErrSessionNotFound)
		k := u("k")
		sessMust(t, s.CreateSession(ctx, rec(k, "i", "s", ""), now))
		_, err = s.Session(ctx, k, now.Add(2*time.Hour))
		sessIs(t, err, account.ErrSessionNotFound)
	})
	t.Run("touch", func(t *testing.T) {
		s := newStore(t)
		k := u("k")
		sessMust(t, s.CreateSession(ctx, rec(k, "i", "s", ""), now))
		sessMust(t, s.TouchSession(ctx, k, now.Add(5*time.Minute)))
		got, err := s.Session(ctx, k, now.Add(6*time.Minute))
		sessMust(t, err)
		if !got.LastSeen.Equal(now.Add(5 * time.Minute)) {
			t.Fatal("touch not stored")
		}
		sessIs(t, s.TouchSession(ctx, u("nope"), now), account.ErrSessionNotFound)
	})
	t.Run("delete", func(t *testing.T) {
		s := newStore(t)
		k := u("k")
		sessMust(t, s.CreateSession(ctx, rec(k, "i", "s", ""), now))
		sessMust(t, s.DeleteSession(ctx, k))
		_, err := s.Session(ctx, k, now)
		sessIs(t, err, account.ErrSessionNotFound)
		sessMust(t, s.DeleteSession(ctx, k))
	})
	t.Run("delete by subject and sid", func(t *testing.T) {
		s := newStore(t)
		iss, sub, sid := u("https://op"), u("alice"), u("sid")
		a1, a2, b, tmp, other := u("a1"), u("a2"), u("b"), u("tmp"), u("other")
		sessMust(t, s.CreateSession(ctx, rec(a1, iss, sub, sid), now))
		sessMust(t, s.CreateSession(ctx, rec(a2, iss, sub, ""), now))
		sessMust(t, s.CreateSession(ctx, rec(b, iss, u("bob"), ""), now))
		sessMust(t, s.CreateSession(ctx, rec(tmp, iss, "", ""), now))
		sessMust(t, s.CreateSession(ctx, rec(other, u("https://other"), sub, sid), now))
		n, err := s.DeleteSessionsBySubject(ctx, iss, "")
		sessMust(t, err)
		if n != 0 {
			t.Fatal("empty subject matched a temporary session")
		}
		n, err = s.DeleteSessionsByProviderSession(ctx, iss, "")
		sessMust(t, err)
		if n != 0 {
			t.Fatal("empty sid matched")
		}
		n, err = s.DeleteSessionsByProviderSession(ctx, iss, sid)
		sessMust(t, err)
		if n != 1 {
			t.Fatalf("by sid: %d, want 1", n)
		}
		n, err = s.DeleteSessionsBySubject(ctx, iss, sub)
		sessMust(t, err)
		if n != 1 {
			t.Fatalf("by subject: %d, want 1", n)
		}
		for _, k := range []string{b, tmp, other} {
			if _, err := s.Session(ctx, k, now); err != nil {
				t.Fatalf("unrelated session ended: %v", err)
			}
		}
	})
	t.Run("concurrent creates", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.CreateSession(ctx, rec(u(fmt.Sprintf("c%d", i)), "i", "s", ""), now)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			sessMust(t, err)
		}
	})
}

func sessMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sessIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got %v, want %v", err, target)
	}
}
