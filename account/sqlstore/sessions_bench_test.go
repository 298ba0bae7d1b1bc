package sqlstore_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/sidebyside"
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
	sidebyside.Compare(b, func() error { return get(req) }, bare)
}
