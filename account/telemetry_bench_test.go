package account_test

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

// BenchmarkTelemetryNoopSessionGet measures Sessions.Get on the memory
// store (the hottest instrumented path: every request of a logged-in
// user) with nil providers against Sessions with the instrumentation
// bypassed, in one loop. noop/bare ≤ 1.02 is the target.
func BenchmarkTelemetryNoopSessionGet(b *testing.B) {
	newSessions := func() *account.Sessions {
		s, err := account.NewSessions(account.SessionConfig{Store: account.NewMemorySessionStore(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	noop, bare := newSessions(), newSessions()
	account.WithoutTelemetry(bare)
	id := &account.Identity{Provider: "oidc", Issuer: "https://op.example", Subject: "erika", Level: account.LevelSubstanziell}
	run := func(s *account.Sessions) func(int) {
		rec := httptest.NewRecorder()
		if _, err := s.Start(b.Context(), rec, httptest.NewRequest("GET", "https://svc.example/cb", nil), id, account.StartOptions{}); err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest("GET", "https://svc.example/", nil)
		req.AddCookie(rec.Result().Cookies()[0])
		return func(int) {
			for range 100 { // 100 Gets per sample: one is below the timer's resolution
				if _, err := s.Get(req); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	telemetrytest.CompareNoop(b, run(noop), run(bare))
}
