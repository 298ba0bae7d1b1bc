package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/notify"
)

// opWorld is a portal with something for the operator in every tenant:
// A (Saarbrücken) a delivered notice, B (Völklingen) a dead-lettered
// notice (its pickup folder is gone; one attempt only), C (Homburg) a
// submission without the authority's answer and an unpaid transaction,
// and three refused logins.
type opWorld struct {
	s                *site
	ts               []Tenant
	appA, appB, appC string
	unpaidC          string
}

func newOpWorld(t *testing.T) *opWorld {
	ts := defaults(t)
	s := startPortalWith(t, ts, destinations(ts), func(c *Config) { c.NoticeSchedule = []time.Duration{0} })
	ctx := t.Context()
	w := &opWorld{s: s, ts: ts}
	res, err := s.tour(ctx, t.Logf, citizens(ts)[:1])
	require.NoError(t, err)
	w.appA = res[0].AppID

	apply := func(tn Tenant, leika string, pay, poll bool) string {
		id := &account.Identity{Subject: strings.Repeat("c", 64), Person: &account.Person{}}
		id.Person.Email.Value = "clara@example.org"
		st, err := s.Start(ctx, id, tn.ARS, leika)
		require.NoError(t, err)
		if !pay {
			return st.ID
		}
		require.NoError(t, s.world.Pay[tn.ARS].Pay(st.TransactionID))
		_, err = s.Finish(ctx, id.Subject, st.ID)
		require.NoError(t, err)
		if poll {
			_, err = s.auth[tn.ARS].poll(ctx)
			require.NoError(t, err)
			_, err = s.Receipt(ctx, id.Subject, st.ID)
			require.NoError(t, err)
		}
		return st.ID
	}
	require.NoError(t, os.RemoveAll(s.tenants[ts[1].ARS].pickup))
	w.appB = apply(ts[1], ts[1].Services[1].Leika, true, true)
	require.Eventually(t, func() bool {
		dls, err := s.notify.DeadLetters(ctx, notify.ReplayFilter{Scope: notify.ForTenant(ts[1].ARS), ApplicationID: w.appB})
		return err == nil && len(dls) == 1
	}, 15*time.Second, 20*time.Millisecond, "B's notice is dead-lettered")
	w.appC = apply(ts[2], ts[2].Services[0].Leika, true, false)
	w.unpaidC = apply(ts[2], ts[2].Services[1].Leika, false, false)

	for _, f := range []accounttest.Faults{
		{Replay: true}, // the tour's accepted response posted again: its request is consumed
		{Status: saml.StatusRequestDenied},
		{AuthnContextLevel: account.LevelNiedrig, QAALevel: "niedrig", IgnoreRequestedLevel: true},
		{TimeShift: -time.Hour},
	} {
		s.world.IdP.SetFaults(f)
		resp, _, err := accounttest.Browse(ctx, s.browser(), s.srv.URL+"/login")
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	}
	s.world.IdP.SetFaults(accounttest.Faults{})
	return w
}

// opClient logs an operator in and returns its browser.
func (w *opWorld) opClient(t *testing.T, name string) *http.Client {
	t.Helper()
	c := w.s.browser()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _, err := do(t.Context(), c, http.MethodPost, w.s.srv.URL+"/operator/login", url.Values{"name": {name}, "passwort": {w.s.ops.passwords[name]}})
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	return c
}

func (w *opWorld) get(t *testing.T, c *http.Client, query string) (int, string) {
	t.Helper()
	resp, body, err := do(t.Context(), c, http.MethodGet, w.s.srv.URL+"/operator"+query, nil)
	require.NoError(t, err)
	return resp.StatusCode, body
}

var (
	reCSRF  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	reEvent = regexp.MustCompile(`name="event" value="([^"]+)"`)
)

// TestOperatorPage: operators log in with their own credentials; the
// state-wide operator sees every tenant together and each alone; a
// municipality's operator only its own; replay is a CSRF-protected POST
// limited to the operator's tenant.
func TestOperatorPage(t *testing.T) {
	w := newOpWorld(t)
	s, ts := w.s, w.ts
	ctx := t.Context()

	refusals, err := s.LoginRefusals(ctx)
	require.NoError(t, err)
	var reasons []string
	for _, r := range refusals {
		reasons = append(reasons, r.Reason)
		assert.EqualValues(t, 1, r.N)
	}
	assert.ElementsMatch(t, []string{"unknown_request", "status", "level", "expired"}, reasons)

	t.Run("login refused", func(t *testing.T) {
		for _, f := range []url.Values{
			{"name": {stateOperator}, "passwort": {"falsch"}},
			{"name": {stateOperator}, "passwort": {""}},
			{"name": {"niemand"}, "passwort": {s.ops.passwords[stateOperator]}},
			{"name": {ts[0].Slug}, "passwort": {s.ops.passwords[ts[1].Slug]}},
			{"name": {strings.ToUpper(stateOperator)}, "passwort": {s.ops.passwords[stateOperator]}},
		} {
			resp, body, err := do(ctx, s.browser(), http.MethodPost, s.srv.URL+"/operator/login", f)
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, f.Get("name"))
			assert.Empty(t, resp.Cookies())
			assert.NotContains(t, body, w.appB)
		}
	})
	t.Run("no operator session", func(t *testing.T) {
		c := s.browser()
		_, body := w.get(t, c, "")
		assert.Contains(t, body, `name="passwort"`)
		// A citizen's BundID session does not open the operator page.
		s.world.IdP.SetUser(accounttest.Erika())
		_, home, err := accounttest.Browse(ctx, c, s.srv.URL+"/login")
		require.NoError(t, err)
		require.Contains(t, home, `id="hello"`)
		for _, q := range []string{"", "?gemeinde=" + ts[1].ARS} {
			code, body := w.get(t, c, q)
			assert.Equal(t, http.StatusOK, code)
			assert.Contains(t, body, `name="passwort"`)
			for _, id := range []string{w.appA, w.appB, w.appC, "status"} {
				assert.NotContains(t, body, id)
			}
		}
		resp, _, err := do(ctx, c, http.MethodPost, s.srv.URL+"/operator/replay", url.Values{"event": {"x"}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		// A forged operator cookie neither.
		u, _ := url.Parse(s.srv.URL + "/operator")
		c.Jar.SetCookies(u, []*http.Cookie{{Name: operatorCookie, Value: "erraten", Path: "/operator"}})
		_, body = w.get(t, c, "")
		assert.Contains(t, body, `name="passwort"`)
	})
	t.Run("state-wide operator", func(t *testing.T) {
		c := w.opClient(t, stateOperator)
		code, all := w.get(t, c, "")
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, all, "alle Gemeinden")
		for _, want := range []string{w.appA, w.appB, w.appC, w.unpaidC, "status", "level", "expired", "mail-voelklingen", StateSubmitted} {
			assert.Contains(t, all, want)
		}
		_, onlyA := w.get(t, c, "?gemeinde="+ts[0].ARS)
		assert.Contains(t, onlyA, w.appA, "A's delivery")
		for _, other := range []string{w.appB, w.appC, w.unpaidC} {
			assert.NotContains(t, onlyA, other)
		}
		assert.Contains(t, onlyA, "expired", "refusals are portal-wide")
		_, onlyC := w.get(t, c, "?gemeinde="+ts[2].ARS)
		assert.Contains(t, onlyC, w.appC)
		assert.Contains(t, onlyC, w.unpaidC)
		assert.NotContains(t, onlyC, w.appA)
		assert.NotContains(t, onlyC, w.appB)
		code, _ = w.get(t, c, "?gemeinde=100410999999")
		assert.Equal(t, http.StatusForbidden, code, "unknown tenant")
	})
	t.Run("municipality operator", func(t *testing.T) {
		c := w.opClient(t, ts[0].Slug)
		code, own := w.get(t, c, "")
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, own, w.appA)
		assert.NotContains(t, own, "alle Gemeinden")
		for _, other := range []string{w.appB, w.appC, w.unpaidC, "mail-voelklingen"} {
			assert.NotContains(t, own, other)
		}
		for _, q := range []string{"?gemeinde=" + ts[1].ARS, "?gemeinde=" + ts[2].ARS} {
			code, body := w.get(t, c, q)
			assert.Equal(t, http.StatusForbidden, code, q)
			assert.NotContains(t, body, w.appB)
			assert.NotContains(t, body, w.appC)
		}
		// B's dead letter, named by A's operator: not found, not replayed.
		_, bView := w.get(t, w.opClient(t, ts[1].Slug), "")
		ev := find(reEvent, bView)
		require.NotEmpty(t, ev)
		csrf := find(reCSRF, own)
		resp, _, err := do(ctx, c, http.MethodPost, s.srv.URL+"/operator/replay", url.Values{"csrf": {csrf}, "event": {ev}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		dls, err := s.notify.DeadLetters(ctx, notify.ReplayFilter{Scope: notify.ForTenant(ts[1].ARS), ApplicationID: w.appB})
		require.NoError(t, err)
		assert.Len(t, dls, 1, "still unreplayed")
	})
	t.Run("replay", func(t *testing.T) {
		c := w.opClient(t, ts[1].Slug)
		_, view := w.get(t, c, "")
		ev, csrf := find(reEvent, view), find(reCSRF, view)
		require.NotEmpty(t, ev)
		post := func(form url.Values, header ...string) int {
			path := "/operator/replay"
			if form.Get("event") == "" {
				path = "/operator/logout"
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			resp, err := c.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			return resp.StatusCode
		}
		assert.Equal(t, http.StatusForbidden, post(url.Values{"event": {ev}}), "no CSRF token")
		assert.Equal(t, http.StatusForbidden, post(url.Values{"event": {ev}, "csrf": {csrf + "x"}}), "wrong CSRF token")
		assert.Equal(t, http.StatusForbidden, post(url.Values{"event": {ev}, "csrf": {csrf}}, "Sec-Fetch-Site", "cross-site"), "cross-site")
		assert.Equal(t, http.StatusForbidden, post(url.Values{"event": {ev}, "csrf": {csrf}}, "Origin", "https://evil.example"), "foreign origin")
		assert.Equal(t, http.StatusNotFound, post(url.Values{"event": {"not-an-event"}, "csrf": {csrf}}), "malformed event")
		// The folder is back; the replay delivers the notice.
		require.NoError(t, os.MkdirAll(s.tenants[ts[1].ARS].pickup, 0o700))
		assert.Equal(t, http.StatusSeeOther, post(url.Values{"event": {ev}, "csrf": {csrf}}))
		from, err := s.waitNotice(ctx, ts[1].ARS, w.appB)
		require.NoError(t, err)
		assert.Equal(t, ts[1].Sender.EmailFrom, from)
		_, view = w.get(t, c, "")
		assert.NotContains(t, view, `name="event"`, "no unreplayed dead letter left")
		// Logout ends the session.
		assert.Equal(t, http.StatusSeeOther, post(url.Values{"csrf": {csrf}}))
		_, view = w.get(t, c, "")
		assert.Contains(t, view, `name="passwort"`)
		assert.Equal(t, http.StatusForbidden, post(url.Values{"event": {ev}, "csrf": {csrf}}), "ended session")
	})
}

// TestLoginRefusalReasons maps the SAML sentinels to fixed labels.
func TestLoginRefusalReasons(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&saml.ResponseError{Check: "level", Err: saml.ErrLevel}, "level"},
		{&saml.ResponseError{Check: "status", Err: saml.ErrStatus}, "status"},
		{saml.ErrReplay, "replay"},
		{saml.ErrExpired, "expired"},
		{saml.ErrInResponseTo, "unknown_request"},
		{saml.ErrSignature, "signature"},
		{account.ErrInvalidIdentity, "session"},
		{context.Canceled, "other"},
	} {
		assert.Equal(t, c.want, refusalReason(c.err), "%v", c.err)
	}
}
