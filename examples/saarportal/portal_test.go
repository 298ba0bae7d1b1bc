package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
)

// startPortal wires every simulator the portal talks to and starts the
// portal on them: the issue-21 measure "an application test wires all
// simulators in under 20 lines" — these are 13 lines (BundID, a
// Bezahldienst per tenant, one FIT-Connect Zustelldienst with a
// destination per tenant and service; notices go to the e-mail pickup
// folders).
func startPortal(t testing.TB, tenants []Tenant, opts ...func(*Config)) *site {
	return startPortalWith(t, tenants, destinations(tenants), opts...)
}

// startPortalWith starts the portal with the Zustelldienst's destinations
// dests.
func startPortalWith(t testing.TB, tenants []Tenant, dests []fitconnecttest.DestinationConfig, opts ...func(*Config)) *site {
	idp, err := accounttest.NewServer(accounttest.Config{})
	require.NoError(t, err)
	t.Cleanup(idp.Close)
	w := &world{IdP: idp, Pay: map[string]*paymenttest.XBezahldienste{},
		FIT: fitconnecttest.StartWith(t, fitconnecttest.SimConfig{Destinations: dests})}
	for i := range tenants {
		w.Pay[tenants[i].ARS] = paymenttest.NewXBezahldienste(mandant(&tenants[i]))
		t.Cleanup(w.Pay[tenants[i].ARS].Close)
	}
	s, err := startSite(t.Context(), "", t.TempDir(), tenants, w, opts...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func defaults(t testing.TB) []Tenant {
	ts, err := LoadTenants(defaultTenants)
	require.NoError(t, err)
	return ts
}

// citizens returns one citizen per tenant, each applying for the
// tenant's building application after their own BundID login.
func citizens(ts []Tenant) []citizen {
	names := []string{"ANNA", "BERND", "CLARA"}
	var cs []citizen
	for i, tn := range ts {
		u := citizenOf(names[i%len(names)], strings.ToLower(names[i%len(names)])+"@"+tn.Slug+".example.org",
			strings.Repeat(string(rune('a'+i)), 64))
		cs = append(cs, citizen{User: u, Visits: []visit{{ARS: tn.ARS, Leika: tn.Services[0].Leika}}})
	}
	return cs
}

// TestTourEachTenant runs a citizen of each municipality through the
// portal and checks that nothing crossed tenants: each application at
// its own authority (and only there), each fee at its own Mandant, each
// notice in its own municipality's name and only in its folder.
func TestTourEachTenant(t *testing.T) {
	ts := defaults(t)
	s := startPortal(t, ts)
	results, err := s.tour(t.Context(), t.Logf, citizens(ts))
	require.NoError(t, err)
	require.Len(t, results, len(ts))
	for i, r := range results {
		tn := ts[i]
		require.Equal(t, tn.ARS, r.ARS)
		// Every tenant's service is in the Routing API.
		assert.True(t, r.Routed, tn.Name)
		svc, _ := tn.Service(r.Leika)
		// Application: at this tenant's authority only, verified against
		// this tenant's key and addressed to it.
		assert.Equal(t, []string{r.AppID}, s.auth[tn.ARS].Received(), tn.Name)
		assert.Equal(t, 1, s.world.FIT.SubmissionsTo(s.world.destination(tn.ARS, r.Leika)), tn.Name)
		// Fee: at this tenant's Bezahldienst account only, with its
		// Kassenzeichen range, paid in full.
		assert.Equal(t, []string{r.TransactionID}, s.world.Pay[tn.ARS].TransactionIDs(), tn.Name)
		// Every Bezahldienst numbers from TX00000001: the shared payment
		// store keeps the tenants' equal IDs apart.
		assert.Equal(t, results[0].TransactionID, r.TransactionID)
		assert.True(t, strings.HasPrefix(r.Kassenzeichen, tn.Mandant.KassenzeichenPrefix), r.Kassenzeichen)
		tx, err := s.tenants[tn.ARS].pay.Get(t.Context(), r.AppID)
		require.NoError(t, err)
		assert.Equal(t, paytype.StatusPaid, tx.Status)
		assert.Equal(t, svc.Fee, tx.Request.Total)
		assert.Equal(t, r.Kassenzeichen, tx.Request.Items[0].Booking.Kassenzeichen)
		// Notice: from this tenant, in this tenant's folder only.
		assert.Equal(t, tn.Sender.EmailFrom, r.From)
		files, err := filepath.Glob(filepath.Join(s.tenants[tn.ARS].pickup, "*.eml"))
		require.NoError(t, err)
		require.Len(t, files, 1, tn.Name)
		data, err := os.ReadFile(files[0])
		require.NoError(t, err)
		for j, other := range results {
			assert.Equal(t, i == j, strings.Contains(string(data), other.AppID), "%s's notice names %s", tn.Name, other.AppID)
		}
	}
}

// TestOneLoginAllTenants: the program's tour — one citizen, one login,
// an application in every municipality.
func TestOneLoginAllTenants(t *testing.T) {
	ts := defaults(t)
	s := startPortal(t, ts)
	var visits []visit
	for _, tn := range ts {
		visits = append(visits, visit{ARS: tn.ARS, Leika: tn.Services[0].Leika})
	}
	results, err := s.tour(t.Context(), t.Logf, []citizen{{User: accounttest.Erika(), Visits: visits}})
	require.NoError(t, err)
	require.Len(t, results, len(ts))
	assert.Len(t, s.world.IdP.Requests(), 1, "one login")
	for i, r := range results {
		assert.Equal(t, ts[i].Sender.EmailFrom, r.From)
	}
}

// TestEveryServiceRouted: one citizen applies for both services of every
// municipality; each application is routed by (LeiKa key, ARS) to its
// own destination in the one Zustelldienst and received by its own
// authority only.
func TestEveryServiceRouted(t *testing.T) {
	ts := defaults(t)
	s := startPortal(t, ts)
	var visits []visit
	for _, tn := range ts {
		for _, svc := range tn.Services {
			visits = append(visits, visit{ARS: tn.ARS, Leika: svc.Leika})
		}
	}
	results, err := s.tour(t.Context(), t.Logf, []citizen{{User: accounttest.Erika(), Visits: visits}})
	require.NoError(t, err)
	require.Len(t, results, len(visits))
	byTenant := map[string][]string{}
	for _, r := range results {
		assert.True(t, r.Routed, "%s %s", r.ARS, r.Leika)
		assert.Equal(t, 1, s.world.FIT.SubmissionsTo(s.world.destination(r.ARS, r.Leika)), "%s %s", r.ARS, r.Leika)
		byTenant[r.ARS] = append(byTenant[r.ARS], r.AppID)
	}
	for _, tn := range ts {
		assert.ElementsMatch(t, byTenant[tn.ARS], s.auth[tn.ARS].Received(), tn.Name)
	}
	assert.Equal(t, len(visits), s.world.FIT.Submissions())
}

// TestRefusals: what the portal refuses, and that a refusal takes no fee
// and changes nothing.
func TestRefusals(t *testing.T) {
	ts := defaults(t)
	// The Zustelldienst lacks Saarbrücken's Bauvorbescheid destination.
	dests := destinations(ts)
	s := startPortalWith(t, ts, append(dests[:1:1], dests[2:]...))
	results, err := s.tour(t.Context(), t.Logf, citizens(ts)[:1])
	require.NoError(t, err)
	mallory := s.browser()
	s.world.IdP.SetUser(citizenOf("MALLORY", "mallory@example.org", strings.Repeat("f", 64)))
	_, _, err = accounttest.Browse(t.Context(), mallory, s.srv.URL+"/login")
	require.NoError(t, err)

	cases := []struct {
		name       string
		ars, leika string
		want       int
	}{
		{"service without destination (no route, none agreed)", ts[0].ARS, ts[0].Services[1].Leika, http.StatusServiceUnavailable},
		{"another tenant's service key with this ARS", ts[0].ARS, "99010099001006", http.StatusNotFound},
		{"unknown municipality", "100410999999", ts[0].Services[0].Leika, http.StatusNotFound},
		{"ARS not a tenant", "091620000000", ts[0].Services[0].Leika, http.StatusNotFound},
		{"service not offered", ts[1].ARS, "99010099001006", http.StatusNotFound},
		{"empty", "", "", http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(s.world.Pay[ts[0].ARS].TransactionIDs())
			resp, _, err := do(t.Context(), mallory, http.MethodPost, s.srv.URL+"/antrag", url.Values{"ars": {c.ars}, "leika": {c.leika}})
			require.NoError(t, err)
			assert.Equal(t, c.want, resp.StatusCode)
			assert.Len(t, s.world.Pay[ts[0].ARS].TransactionIDs(), before, "no fee taken")
		})
	}
	t.Run("another citizen's application", func(t *testing.T) {
		resp, body, err := do(t.Context(), mallory, http.MethodGet, s.srv.URL+"/antrag/"+results[0].AppID, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.NotContains(t, body, results[0].Kassenzeichen)
	})
	t.Run("not logged in", func(t *testing.T) {
		c := s.browser()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, _, err := do(t.Context(), c, http.MethodGet, s.srv.URL+"/antrag/"+results[0].AppID, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	})
	t.Run("unpaid application is not submitted", func(t *testing.T) {
		id, err := s.sessionsIdentity(mallory)
		require.NoError(t, err)
		st, err := s.Start(t.Context(), id, ts[2].ARS, ts[2].Services[0].Leika)
		require.NoError(t, err)
		a, err := s.Finish(t.Context(), id.Subject, st.ID)
		require.ErrorIs(t, err, ErrNotPaid)
		assert.Equal(t, StatePayment, a.Status)
		assert.Zero(t, s.world.FIT.SubmissionsTo(s.world.destination(ts[2].ARS, ts[2].Services[0].Leika)))
	})
}

// TestAuthorityRefusesOtherTenants: a message signed with one tenant's
// key is refused by another tenant's authority, and a message signed by
// the right tenant but addressed to another authority too.
func TestAuthorityRefusesOtherTenants(t *testing.T) {
	ts := defaults(t)
	s := startPortal(t, ts)
	ctx := t.Context()
	a, b := s.tenants[ts[0].ARS], s.tenants[ts[1].ARS]
	svc := &a.Services[0]
	sign := func(signer *tenantRuntime, to *Tenant) []byte {
		plain, _, err := s.msg.build(ctx, to, svc, "test-1", "ANNA", "MUSTER")
		require.NoError(t, err)
		signed, err := signer.signer.Sign(plain)
		require.NoError(t, err)
		return signed
	}
	recv := func(data []byte) *fitconnect.ReceivedSubmission { return &fitconnect.ReceivedSubmission{Data: data} }
	require.NoError(t, s.auth[b.ARS].handle(ctx, recv(sign(b, b.Tenant))), "own tenant, own authority")
	// Each refusal is a problem, so fitconnect.Client.Process rejects the
	// submission instead of offering it again.
	var se *fitconnect.SubmissionError
	err := s.auth[b.ARS].handle(ctx, recv(sign(a, b.Tenant)))
	require.ErrorAs(t, err, &se, "A's key, B's authority")
	assert.Equal(t, fitconnect.ProblemInvalidSignature, se.Problem.Type)
	err = s.auth[b.ARS].handle(ctx, recv(sign(b, a.Tenant)))
	assert.ErrorIs(t, err, errNotForUs, "B's key, addressed to A")
	require.ErrorAs(t, err, &se)
	assert.Equal(t, fitconnect.ProblemServiceMismatch, se.Problem.Type)
	err = s.auth[a.ARS].handle(ctx, recv([]byte("<x/>")))
	require.ErrorAs(t, err, &se, "unsigned")
	assert.Equal(t, fitconnect.ProblemInvalidSignature, se.Problem.Type)
}

// TestNewRefusesCounterparts: the portal does not start when a tenant
// lacks its Bezahldienst account or FIT-Connect configuration, or when
// the account is another Mandant's.
func TestNewRefusesCounterparts(t *testing.T) {
	ts := defaults(t)
	s := startPortal(t, ts[:1])
	cases := map[string]func(c *Counterparts){
		"no idp":             func(c *Counterparts) { c.IdP = nil },
		"no payment":         func(c *Counterparts) { delete(c.Payment, ts[0].ARS) },
		"no fitconnect":      func(c *Counterparts) { c.FITConnect = fitconnect.Config{} },
		"another Mandant":    func(c *Counterparts) { p := c.Payment[ts[0].ARS]; p.EndpointID = "10041519"; c.Payment[ts[0].ARS] = p },
		"another originator": func(c *Counterparts) { p := c.Payment[ts[0].ARS]; p.OriginatorID = "x"; c.Payment[ts[0].ARS] = p },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			c := s.world.counterparts()
			edit(&c)
			_, err := New(context.Background(), Config{Tenants: ts[:1], BaseURL: s.srv.URL, Dir: t.TempDir(), Counterparts: c})
			assert.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
}

// sessionsIdentity returns the identity of the session the browser c
// holds at the portal.
func (s *site) sessionsIdentity(c *http.Client) (*account.Identity, error) {
	u, err := url.Parse(s.srv.URL)
	if err != nil {
		return nil, err
	}
	r := httptest.NewRequest(http.MethodGet, s.srv.URL+"/", nil)
	for _, ck := range c.Jar.Cookies(u) {
		r.AddCookie(ck)
	}
	ses, err := s.sessions.Get(r)
	if err != nil {
		return nil, err
	}
	return ses.Identity()
}

// TestRoutedDestinationMustAgree: when the Routing API names a
// destination, an agreed destination in the tenant table must be the
// same; otherwise nothing is started and no fee is taken.
func TestRoutedDestinationMustAgree(t *testing.T) {
	ts := defaults(t)[:1]
	ts[0].Services[0].Destination = "00000000-0000-4000-8000-000000000000"
	s := startPortal(t, ts)
	_, err := s.Start(t.Context(), &account.Identity{Subject: strings.Repeat("a", 64)}, ts[0].ARS, ts[0].Services[0].Leika)
	require.ErrorIs(t, err, ErrNoDestination)
	assert.Empty(t, s.world.Pay[ts[0].ARS].TransactionIDs())
	_, err = s.Start(t.Context(), &account.Identity{}, ts[0].ARS, ts[0].Services[0].Leika)
	require.ErrorIs(t, err, ErrNotYours, "temporary login without a stable subject")
}

// TestFinishOnce: concurrent returns from the pay page (reloads, two
// tabs) submit the application exactly once, and concurrent reads of
// the receipt send exactly one notice.
func TestFinishOnce(t *testing.T) {
	ts := defaults(t)[1:2]
	s := startPortal(t, ts)
	ctx := t.Context()
	id := &account.Identity{Subject: strings.Repeat("b", 64)}
	id.Person = &account.Person{}
	id.Person.Email.Value = "bernd@example.org"
	st, err := s.Start(ctx, id, ts[0].ARS, ts[0].Services[0].Leika)
	require.NoError(t, err)
	require.NoError(t, s.world.Pay[ts[0].ARS].Pay(st.TransactionID))
	const n = 6
	race := func(step func(context.Context, string, string) (*Application, error)) []string {
		states := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				a, err := step(ctx, id.Subject, st.ID)
				assert.NoError(t, err)
				if a != nil {
					states <- a.Status
				}
			})
		}
		wg.Wait()
		close(states)
		var out []string
		for s := range states {
			out = append(out, s)
		}
		return out
	}
	states := race(s.Finish)
	assert.Equal(t, 1, s.world.FIT.SubmissionsTo(s.world.destination(ts[0].ARS, ts[0].Services[0].Leika)))
	assert.Contains(t, states, StateSubmitted)
	for _, st := range states {
		assert.Contains(t, []string{StateSubmitted, StateSending}, st)
	}
	_, err = s.auth[ts[0].ARS].poll(ctx)
	require.NoError(t, err)
	race(s.Receipt)
	_, err = s.waitNotice(ctx, ts[0].ARS, st.ID)
	require.NoError(t, err)
	require.NoError(t, s.notify.FlushLog(ctx))
	files, err := filepath.Glob(filepath.Join(s.tenants[ts[0].ARS].pickup, "*.eml"))
	require.NoError(t, err)
	assert.Len(t, files, 1, "one notice")
}
