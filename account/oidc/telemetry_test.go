package oidc_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

func TestTelemetryLoginAndRefusalReasons(t *testing.T) {
	tests := []struct {
		name, outcome, reason string
		faults                accounttest.OIDCFaults
	}{
		{"ok", "ok", "", accounttest.OIDCFaults{}},
		{"bad signature", "refused", "id_token.signature", accounttest.OIDCFaults{BadSignature: true}},
		{"wrong aud", "refused", "id_token.aud", accounttest.OIDCFaults{Audience: []string{"other"}}},
		{"wrong nonce", "refused", "id_token.nonce", accounttest.OIDCFaults{Nonce: "attacker"}},
		{"missing sub", "refused", "id_token.sub", accounttest.OIDCFaults{OmitSubject: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := telemetrytest.New(t)
			sim, c, _ := setup(t, func(cfg *oidc.Config) { cfg.TracerProvider, cfg.MeterProvider = rec.TracerProvider, rec.MeterProvider })
			sim.SetFaults(tc.faults)
			_, err := login(t, sim, c)
			if tc.outcome == "ok" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
			m := map[string]string{"ozg.operation": "finish_login", "ozg.outcome": tc.outcome}
			if tc.reason != "" {
				m["ozg.reason"] = tc.reason
			}
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.account.oidc.operations", m))
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.account.oidc.operations", map[string]string{"ozg.operation": "start_login", "ozg.outcome": "ok"}))
			require.Len(t, rec.SpansNamed("oidc.finish_login"), 1)
			assert.Equal(t, "github.com/egosaar/ozg/account/oidc", rec.SpansNamed("oidc.finish_login")[0].InstrumentationScope().Name)
			rec.AssertAllowedKeys(t)
			// Erika's claims (name, e-mail, subject) never reach telemetry.
			rec.AssertNoPersonalData(t, "Erika", "Mustermann", "erika@example.org", "erika-7f3c", sim.SessionID(), sim.Issuer)
		})
	}
}
