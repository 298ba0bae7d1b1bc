package saml_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

func TestTelemetryLoginAndRefusalReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, outcome, reason string
		faults                accounttest.Faults
	}{
		{"ok", "ok", "", accounttest.Faults{}},
		{"wrong audience", "refused", "wrong audience", accounttest.Faults{Audience: "https://other.example.org/saml"}},
		{"wrong issuer", "refused", "wrong issuer", accounttest.Faults{Issuer: "https://attacker.example/idp"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := telemetrytest.New(t)
			h := newHTTPEnvWith(t, accounttest.BundID, func(c *saml.Config) {
				c.Binding = saml.BindingHTTPPost
				c.TracerProvider, c.MeterProvider = rec.TracerProvider, rec.MeterProvider
			})
			h.idp.SetFaults(tc.faults)
			resp, body, err := accounttest.Browse(context.Background(), newClient(t), h.srv.URL+"/login")
			require.NoError(t, err)
			if tc.outcome == "ok" {
				require.Equal(t, http.StatusOK, resp.StatusCode, body)
			} else {
				require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
			}
			m := map[string]string{"ozg.operation": "finish_login", "ozg.outcome": tc.outcome}
			if tc.reason != "" {
				m["ozg.reason"] = tc.reason
			}
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.account.saml.operations", m))
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.account.saml.operations", map[string]string{"ozg.operation": "start_login", "ozg.outcome": "ok"}))
			spans := rec.SpansNamed("saml.finish_login")
			require.Len(t, spans, 1)
			assert.Equal(t, "github.com/egosaar/ozg/account/saml", spans[0].InstrumentationScope().Name)
			rec.AssertAllowedKeys(t)
			// Erika's attributes and NameID never reach telemetry, nor the
			// SP's or IdP's URLs.
			rec.AssertNoPersonalData(t, "ERIKA", "MUSTERMANN", accounttest.Erika().NameID, "/antrag/42", "example.org", "127.0.0.1")
		})
	}
}
