package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scrape returns the metrics listener's Prometheus text.
func (s *site) scrape(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(s.ops.metrics.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// TestMetrics scrapes /metrics after a citizen of each municipality and
// three refused logins: the portal's counters by tenant, service and
// outcome and by refusal reason, and nothing personal.
func TestMetrics(t *testing.T) {
	w := newOpWorld(t)
	s, ts := w.s, w.ts
	body := s.scrape(t)
	for _, want := range []string{
		`saarportal_applications_total{otel_scope_name="` + meterName + `"`,
		`outcome="started"`, `outcome="submitted"`, `outcome="received"`,
		`service="` + ts[0].Services[0].Leika + `"`, `tenant="` + ts[0].ARS + `"`,
		`saarportal_login_refusals_total{`, `reason="status"`, `reason="level"`, `reason="expired"`,
		// The packages' metrics on the portal's MeterProvider.
		`target_info{service_name="saarportal"`,
		"ozg_payment_operations_total{", "ozg_notify_enqueued_total{", "ozg_notify_deliveries_total{", "river_work_count_total{",
		"ozg_fitconnect_operations_total{", "ozg_account_operations_total{",
	} {
		assert.Contains(t, body, want)
	}
	// B's dead-lettered notice, by tenant (Event.Tenant), and A's fee by
	// tenant (payment.Config.Tenant).
	assert.Regexp(t, `ozg_payment_operations_total\{[^}]*ozg_tenant="`+ts[0].ARS+`"`, body)
	assert.Regexp(t, `ozg_notify_deliveries_total\{[^}]*ozg_channel="mail-`+ts[1].Slug+`",ozg_outcome="dead"[^}]*ozg_tenant="`+ts[1].ARS+`"`, body)
	// A started application of C's second service (unpaid), counted once.
	assert.Regexp(t, `saarportal_applications_total\{[^}]*outcome="started"[^}]*service="`+ts[2].Services[1].Leika+`"[^}]*tenant="`+ts[2].ARS+`"[^}]*\} 1\n`, body)
	// No personal data or IDs: no application IDs, e-mail addresses or
	// names of the citizens.
	for _, personal := range []string{w.appA, w.appB, w.appC, "@", "CLARA", "ANNA", "Mustermann", strings.Repeat("c", 64)} {
		assert.NotContains(t, body, personal)
	}
	// Only on the operator listener: the citizens' server has no /metrics.
	resp, _, err := do(t.Context(), s.browser(), http.MethodGet, s.srv.URL+"/metrics", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
