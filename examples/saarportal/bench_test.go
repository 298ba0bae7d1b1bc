package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
)

// BenchmarkApplication: one application end to end through the portal
// over HTTPS against the simulators (login, message, sign, fee, payment,
// submission, the authority's accept, receipt, notice), and in the same
// iteration the same steps called directly on the packages (the
// component benchmarks). The metric e2e/components is what composing
// them in the portal costs; the target is ≤ 1.3.
func BenchmarkApplication(b *testing.B) {
	ts := defaults(b)
	s := startPortal(b, ts)
	ctx := b.Context()
	tn := ts[0]
	rt := s.tenants[tn.ARS]
	svc := &rt.Services[0]
	user := citizenOf("BENCH", "bench@example.org", strings.Repeat("b", 64))
	s.world.IdP.SetUser(user)
	var e2e, parts time.Duration
	for b.Loop() {
		start := time.Now()
		benchEndToEnd(ctx, b, s, tn.ARS, svc.Leika)
		e2e += time.Since(start)
		start = time.Now()
		benchComponents(ctx, b, s, rt, svc)
		parts += time.Since(start)
	}
	b.ReportMetric(float64(e2e.Milliseconds())/float64(b.N), "e2e-ms/op")
	b.ReportMetric(float64(parts.Milliseconds())/float64(b.N), "components-ms/op")
	b.ReportMetric(float64(e2e)/float64(parts), "e2e/components")
}

// benchEndToEnd is the citizen's way through the portal.
func benchEndToEnd(ctx context.Context, b *testing.B, s *site, ars, leika string) {
	br := s.browser()
	_, body, err := accounttest.Browse(ctx, br, s.srv.URL+"/login")
	require.NoError(b, err)
	require.Contains(b, body, `id="hello"`)
	resp, body, err := do(ctx, br, http.MethodPost, s.srv.URL+"/antrag", url.Values{"ars": {ars}, "leika": {leika}})
	require.NoError(b, err)
	require.Equal(b, http.StatusOK, resp.StatusCode)
	appID, tx := find(reAntrag, body), find(reTx, body)
	require.NoError(b, s.world.Pay[ars].Pay(tx))
	_, body, err = do(ctx, br, http.MethodGet, s.srv.URL+"/antrag/"+appID, nil)
	require.NoError(b, err)
	require.Equal(b, StateSubmitted, find(reStatus, body))
	_, err = s.auth[ars].poll(ctx)
	require.NoError(b, err)
	_, body, err = do(ctx, br, http.MethodGet, s.srv.URL+"/antrag/"+appID, nil)
	require.NoError(b, err)
	require.Equal(b, StateReceived, find(reStatus, body))
	_, err = s.waitNotice(ctx, ars, appID)
	require.NoError(b, err)
}

// benchComponents are the same steps on the packages directly: the
// login (account/saml and sessions behind the portal's two handlers),
// routing and destination check (fitconnect), the XÖV message and its
// signature (xoev, xmldsig), the fee (payment: create, pay, pulled
// status), the submission (fitconnect), the authority's accept and the
// event log (fitconnect), the notice (notify, delivered to the pickup
// folder).
func benchComponents(ctx context.Context, b *testing.B, s *site, rt *tenantRuntime, svc *Service) {
	_, body, err := accounttest.Browse(ctx, s.browser(), s.srv.URL+"/login")
	require.NoError(b, err)
	require.Contains(b, body, `id="hello"`)
	dest, schemaURI, _, err := s.destination(ctx, rt, svc)
	require.NoError(b, err)
	a := &Application{ID: rt.Slug + "-" + randomDigits(12), ARS: rt.ARS, Leika: svc.Leika, Destination: dest, schemaURI: schemaURI,
		email: "bench@example.org", Kassenzeichen: rt.Mandant.KassenzeichenPrefix + randomDigits(8)}
	a.PaymentKey = a.ID
	plain, _, err := s.msg.build(ctx, rt.Tenant, svc, a.ID, "BENCH", "MUSTER")
	require.NoError(b, err)
	a.message, err = rt.signer.Sign(plain)
	require.NoError(b, err)
	tx, err := rt.pay.Create(ctx, feeRequest(s.cfg.BaseURL, rt.Tenant, svc, a))
	require.NoError(b, err)
	require.NoError(b, s.world.Pay[rt.ARS].Pay(tx.TransactionID))
	tx, err = rt.pay.Sync(ctx, a.PaymentKey)
	require.NoError(b, err)
	sent, err := rt.fc.Send(ctx, s.submission(rt, a, tx, nil))
	require.NoError(b, err)
	_, err = s.auth[rt.ARS].poll(ctx)
	require.NoError(b, err)
	st, err := rt.fc.Status(ctx, sent)
	require.NoError(b, err)
	require.Equal(b, "accepted", st.State)
	_, err = s.notify.(sqliteOutbox).Enqueue(ctx, *s.notice(rt, a, StateReceived))
	require.NoError(b, err)
	_, err = s.waitNotice(ctx, rt.ARS, a.ID)
	require.NoError(b, err)
}
