package main

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/payment/paystore"
)

// pageWalk follows list's next-page links from query and returns, per
// page, which of candidates its table shows.
func (w *opWorld) pageWalk(t *testing.T, c *http.Client, query, list, table string, candidates []string) [][]string {
	t.Helper()
	reNext := regexp.MustCompile(`id="op-next-` + list + `" href="([^"]+)"`)
	reTable := regexp.MustCompile(`(?s)<table id="` + table + `">.*?</table>`)
	var pages [][]string
	for query != "" && len(pages) < 10 {
		code, body := w.get(t, c, query)
		require.Equal(t, http.StatusOK, code, query)
		rows := reTable.FindString(body)
		var on []string
		for _, id := range candidates {
			if strings.Contains(rows, id) {
				on = append(on, id)
			}
		}
		pages = append(pages, on)
		query = strings.TrimPrefix(html.UnescapeString(find(reNext, body)), "/operator")
	}
	return pages
}

// flat returns the pages' entries; it fails unless each page holds one.
func flat(t *testing.T, pages [][]string) []string {
	t.Helper()
	var out []string
	for i, p := range pages {
		assert.Len(t, p, 1, "page %d: one row", i+1)
		out = append(out, p...)
	}
	return out
}

// TestOperatorPaging: with one row per page, each list links to its next
// page; following the links shows every row once. A page link that is
// forged, of another session, list or view, positioned in another
// tenant, or used without login is refused with 400 and shows nothing.
func TestOperatorPaging(t *testing.T) {
	w := newOpWorld(t)
	s, ts := w.s, w.ts
	s.opPageSize = 1
	// A second unpaid transaction in C: C's open list has two rows.
	id := &account.Identity{Subject: strings.Repeat("d", 64), Person: &account.Person{}}
	id.Person.Email.Value = "dora@example.org"
	st, err := s.Start(t.Context(), id, ts[2].ARS, ts[2].Services[0].Leika)
	require.NoError(t, err)
	unpaid2 := st.ID
	all := []string{w.appA, w.appB, w.appC, w.unpaidC, unpaid2}

	// A second dead-lettered notice in B (its pickup folder is still
	// gone) and a second pending submission in C.
	paidApp := func(tn Tenant, leika, sub string, poll bool) string {
		id := &account.Identity{Subject: strings.Repeat(sub, 64), Person: &account.Person{}}
		id.Person.Email.Value = "erich@example.org"
		st, err := s.Start(t.Context(), id, tn.ARS, leika)
		require.NoError(t, err)
		require.NoError(t, s.world.Pay[tn.ARS].Pay(st.TransactionID))
		_, err = s.Finish(t.Context(), id.Subject, st.ID)
		require.NoError(t, err)
		if poll {
			_, err = s.auth[tn.ARS].poll(t.Context())
			require.NoError(t, err)
			_, err = s.Receipt(t.Context(), id.Subject, st.ID)
			require.NoError(t, err)
		}
		return st.ID
	}
	appB2 := paidApp(ts[1], ts[1].Services[0].Leika, "e", true)
	appC2 := paidApp(ts[2], ts[2].Services[1].Leika, "f", false)
	require.Eventually(t, func() bool {
		dls, err := s.notify.DeadLetters(t.Context(), notify.ReplayFilter{Scope: notify.ForTenant(ts[1].ARS), ApplicationID: appB2})
		return err == nil && len(dls) == 1
	}, 15*time.Second, 20*time.Millisecond, "B2's notice is dead-lettered")
	all = append(all, appB2, appC2)

	state := w.opClient(t, stateOperator)
	for _, l := range []struct {
		list, table string
		want        []string
	}{
		{listSubmissions, "op-submissions", []string{w.appC, appC2}},
		{listDeliveries, "op-deliveries", []string{w.appA, w.appB, appB2}},
		{listDeadLetters, "op-dead", []string{w.appB, appB2}},
		{listOpen, "op-open", []string{w.unpaidC, unpaid2}},
	} {
		got := flat(t, w.pageWalk(t, state, "?", l.list, l.table, all))
		assert.ElementsMatch(t, l.want, got, "%s: every row on one page", l.list)
	}
	// A municipality's operator pages its own tenant only.
	opC := w.opClient(t, ts[2].Slug)
	assert.ElementsMatch(t, []string{w.unpaidC, unpaid2}, flat(t, w.pageWalk(t, opC, "?", listOpen, "op-open", all)))
	assert.ElementsMatch(t, []string{w.appC, appC2}, flat(t, w.pageWalk(t, opC, "?", listSubmissions, "op-submissions", all)))
	opB := w.opClient(t, ts[1].Slug)
	assert.ElementsMatch(t, []string{w.appB, appB2}, flat(t, w.pageWalk(t, opB, "?", listDeadLetters, "op-dead", all)))

	_, first := w.get(t, state, "")
	next := strings.TrimPrefix(html.UnescapeString(find(regexp.MustCompile(`id="op-next-zustellungen" href="([^"]+)"`), first)), "/operator")
	require.NotEmpty(t, next)
	_, firstC := w.get(t, opC, "")
	nextC := strings.TrimPrefix(html.UnescapeString(find(regexp.MustCompile(`id="op-next-offen" href="([^"]+)"`), firstC)), "/operator")
	require.NotEmpty(t, nextC)
	code, second := w.get(t, state, next)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, second, `id="op-paged"`)

	// Positions with a valid MAC of A's operator's own session, but in
	// another tenant (the operator can read the session's CSRF secret).
	opA := w.opClient(t, ts[0].Slug)
	_, viewA := w.get(t, opA, "")
	sessA := &opSession{csrf: find(reCSRF, viewA)}
	require.NotEmpty(t, sessA.csrf)
	foreignPay := paystore.EncodeCursor(paystore.Cursor{At: time.Unix(1, 0), Tenant: ts[2].ARS, RequestID: "x"})
	foreignKey := keyset{T: "2026-01-01T00:00:00Z", ID: ts[2].Slug + "-000000000001", Tenant: ts[2].ARS}.encode()
	ownSeite := strings.TrimPrefix(nextC[strings.Index(nextC, "seite=")+len("seite="):], "")
	forged := []byte(ownSeite)
	forged[len(forged)-2] ^= 1 // one bit of the MAC

	for name, tc := range map[string]struct {
		c     *http.Client
		query string
	}{
		"forged MAC":                  {opC, "?gemeinde=" + ts[2].ARS + "&liste=offen&seite=" + string(forged)},
		"line break in the MAC":       {opC, "?gemeinde=" + ts[2].ARS + "&liste=offen&seite=" + ownSeite[:len(ownSeite)-4] + "%0A" + ownSeite[len(ownSeite)-4:]},
		"line break in the position":  {opC, "?gemeinde=" + ts[2].ARS + "&liste=offen&seite=" + ownSeite[:4] + "%0D%0A" + ownSeite[4:]},
		"garbage":                     {opC, "?gemeinde=" + ts[2].ARS + "&liste=offen&seite=abc"},
		"no token":                    {opC, "?gemeinde=" + ts[2].ARS + "&liste=offen"},
		"no list":                     {opC, "?gemeinde=" + ts[2].ARS + "&seite=" + ownSeite},
		"unknown list":                {opC, "?gemeinde=" + ts[2].ARS + "&liste=alles&seite=" + ownSeite},
		"other list":                  {opC, "?gemeinde=" + ts[2].ARS + "&liste=zustellungen&seite=" + ownSeite},
		"other session":               {w.opClient(t, ts[2].Slug), nextC},
		"other view":                  {state, nextC},
		"state-wide token, A":         {state, "?gemeinde=" + ts[0].ARS + "&" + strings.TrimPrefix(next, "?")},
		"C's token by A, own view":    {opA, "?liste=offen&seite=" + ownSeite},
		"A's MAC, C's payment cursor": {opA, "?liste=offen&seite=" + sealPage(sessA, listOpen, ts[0].ARS, foreignPay)},
		"A's MAC, C's keyset":         {opA, "?liste=zustellungen&seite=" + sealPage(sessA, listDeliveries, ts[0].ARS, foreignKey)},
		"A's MAC, malformed payment":  {opA, "?liste=auffaelligkeiten&seite=" + sealPage(sessA, listAnomalies, ts[0].ARS, "not-a-cursor")},
		"A's MAC, malformed keyset":   {opA, "?liste=unzustellbar&seite=" + sealPage(sessA, listDeadLetters, ts[0].ARS, "{")},
		"without login":               {s.browser(), nextC},
		"without login, list only":    {s.browser(), "?liste=offen"},
	} {
		t.Run(name, func(t *testing.T) {
			code, body := w.get(t, tc.c, tc.query)
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Contains(t, body, "Ungültiger Seitenverweis")
			assert.NotContains(t, body, `class="op-next"`)
			for _, app := range all {
				assert.NotContains(t, body, app)
			}
		})
	}
	// C's page link in A's operator's hands names C: not A's to see.
	code, body := w.get(t, opA, nextC)
	assert.Equal(t, http.StatusForbidden, code)
	assert.NotContains(t, body, w.unpaidC)
	// The own view's position in the own tenant works.
	code, _ = w.get(t, opA, "?liste=offen&seite="+sealPage(sessA, listOpen, ts[0].ARS,
		paystore.EncodeCursor(paystore.Cursor{At: time.Unix(1, 0), Tenant: ts[0].ARS, RequestID: "x"})))
	assert.Equal(t, http.StatusOK, code)
}

// FuzzOperatorPageToken: a page token from the request never panics the
// portal; one that opens is exactly what the session sealed, and its
// position either fits the view or is refused.
func FuzzOperatorPageToken(f *testing.F) {
	s := &opSession{csrf: "sitzungsgeheimnis"}
	f.Add(listOpen, "100450116116", sealPage(s, listOpen, "100450116116", "eyJ0IjoiMSJ9"))
	f.Add(listDeliveries, "", sealPage(s, listDeliveries, "", keyset{T: "1", ID: "x", Tenant: "100450116116"}.encode()))
	f.Add("alles", "", "abc.def")
	f.Add(listDeadLetters, "", ".")
	f.Fuzz(func(t *testing.T, list, ars, tok string) {
		pg, err := openPage(s, list, ars, tok)
		if err != nil {
			require.ErrorIs(t, err, errBadCursor)
			assert.Equal(t, opPage{}, pg)
			return
		}
		assert.Equal(t, list, pg.List)
		assert.Equal(t, tok, sealPage(s, list, ars, pg.Pos))
		if k, ok, err := decodeKeyset(pg.Pos, ars); err == nil && ok && ars != "" {
			assert.Equal(t, ars, k.Tenant)
		}
		_ = checkPaymentCursor(pg.Pos, ars)
	})
}
