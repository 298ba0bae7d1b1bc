package account_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

func TestTelemetrySessions(t *testing.T) {
	rec := telemetrytest.New(t)
	s, err := account.NewSessions(account.SessionConfig{Store: account.NewMemorySessionStore(), Logger: slog.New(slog.DiscardHandler),
		TracerProvider: rec.TracerProvider, MeterProvider: rec.MeterProvider})
	require.NoError(t, err)
	id := &account.Identity{Provider: "oidc", Issuer: "https://op.example", Subject: "erika-mustermann-7f3c", Level: account.LevelSubstanziell,
		Person: &account.Person{GivenNames: account.Claim[string]{Value: "Erika"}}}
	c := start(t, s, id, nil, account.StartOptions{ProviderSessionID: "sid-erika-1"})
	_, err = get(s, c)
	require.NoError(t, err)
	_, err = get(s, nil)
	require.ErrorIs(t, err, account.ErrSessionNotFound)
	_, err = s.Start(context.Background(), httptest.NewRecorder(), httptest.NewRequest("GET", "https://svc.example/cb", nil), &account.Identity{Subject: "erika-mustermann-7f3c"}, account.StartOptions{})
	require.ErrorIs(t, err, account.ErrInvalidIdentity)
	n, err := s.EndProviderSessions(context.Background(), "https://op.example", "", "sid-erika-1")
	require.NoError(t, err)
	require.Equal(t, 1, n)

	for _, tc := range []struct{ op, outcome string }{
		{"session_start", "ok"}, {"session_start", "invalid_identity"},
		{"session_get", "ok"}, {"session_get", "not_found"},
		{"provider_logout", "ok"},
	} {
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.account.operations", map[string]string{"ozg.operation": tc.op, "ozg.outcome": tc.outcome}), tc)
	}
	require.NotEmpty(t, rec.SpansNamed("account.session_get"))
	rec.AssertAllowedKeys(t)
	rec.AssertNoPersonalData(t, "erika", "mustermann", "op.example", c.Value)
}
