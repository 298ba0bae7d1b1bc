package sqlstore_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/database"
)

// BenchmarkSessionLookupSQLite compares Sessions.Get (cookie, hash,
// store read, limits, identity decode; no touch within the interval) on
// SQLite with a bare prepared SELECT of the same row by primary key, interleaved
// in one run; metric "ratio" is Get ÷ SELECT.
func BenchmarkSessionLookupSQLite(b *testing.B) {
	ctx := context.Background()
	db, err := database.OpenSQLite(ctx, database.MemoryPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st, err := sqlstore.NewSessionsSQLite(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	s, err := account.NewSessions(account.SessionConfig{Store: st, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	id := &account.Identity{Provider: "oidc", Issuer: "https://op.example", Subject: "erika-7f3c", Level: account.LevelSubstanziell,
		Person: &account.Person{GivenNames: account.Claim[string]{Value: "Erika", Set: true}, FamilyName: account.Claim[string]{Value: "Mustermann", Set: true}}}
	rec := httptest.NewRecorder()
	if _, err := s.Start(ctx, rec, httptest.NewRequest("GET", "/", nil), id, account.StartOptions{IDToken: "h.p.s"}); err != nil {
		b.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	// 1000 other sessions so the index has depth.
	for range 1000 {
		if _, err := s.Start(ctx, httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), id, account.StartOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookie)
	sess, err := s.Get(req)
	if err != nil {
		b.Fatal(err)
	}
	_ = sess
	var key string
	if err := db.QueryRowContext(ctx, `SELECT session_key FROM ozg_account_sessions ORDER BY created_at LIMIT 1`).Scan(&key); err != nil {
		b.Fatal(err)
	}
	stmt, err := db.PrepareContext(ctx, `SELECT issuer, subject, provider_sid, level, created_at, last_seen, expires_at, data FROM ozg_account_sessions WHERE session_key = ?`)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	bare := func() error {
		var iss, sub, sid, data string
		var level int
		var c, l, e int64
		return stmt.QueryRowContext(ctx, key).Scan(&iss, &sub, &sid, &level, &c, &l, &e, &data)
	}
	get := func(r *http.Request) error { _, err := s.Get(r); return err }
	_ = errOf
	// Per round: 20 calls of each side, interleaved; the reported ratio
	// is the median of the per-round ratios (steadier than a ratio of sums
	// on a shared machine).
	var ours, anchor time.Duration
	var ratios []float64
	const perRound = 20
	for b.Loop() {
		var o, a time.Duration
		for range perRound {
			t0 := time.Now()
			if err := get(req); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := bare(); err != nil {
				b.Fatal(err)
			}
			o += t1.Sub(t0)
			a += time.Since(t1)
		}
		ours, anchor = ours+o, anchor+a
		ratios = append(ratios, float64(o)/float64(a))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N*perRound), "ours-ns/op")
	b.ReportMetric(float64(anchor.Nanoseconds())/float64(b.N*perRound), "anchor-ns/op")
}

func errOf(_ any, err error) error { return err }
