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
	"github.com/egosaar/ozg/payment/paystore"
)

var (
	reNextDeliveries = regexp.MustCompile(`id="op-next-zustellungen" href="([^"]+)"`)
	reNextOpen       = regexp.MustCompile(`id="op-next-offen" href="([^"]+)"`)
	reDeliveryTable  = regexp.MustCompile(`(?s)<table id="op-deliveries">.*?</table>`)
	reOpenTable      = regexp.MustCompile(`(?s)<table id="op-open">.*?</table>`)
)

// link returns the href of re in body, unescaped, without the /operator
// prefix.
func link(re *regexp.Regexp, body string) string {
	return strings.TrimPrefix(html.UnescapeString(find(re, body)), "/operator")
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

	state := w.opClient(t, stateOperator)
	code, first := w.get(t, state, "")
	require.Equal(t, http.StatusOK, code)
	next := link(reNextDeliveries, first)
	require.NotEmpty(t, next, "a next page of deliveries")
	code, second := w.get(t, state, next)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, second, `id="op-paged"`)
	assert.Empty(t, find(reNextDeliveries, second), "the last page")
	var seen []string
	for _, page := range []string{first, second} {
		table := reDeliveryTable.FindString(page)
		for _, app := range []string{w.appA, w.appB} {
			if strings.Contains(table, app) {
				seen = append(seen, app)
			}
		}
	}
	assert.ElementsMatch(t, []string{w.appA, w.appB}, seen, "each delivered application on one page")

	opC := w.opClient(t, ts[2].Slug)
	_, firstC := w.get(t, opC, "")
	nextC := link(reNextOpen, firstC)
	require.NotEmpty(t, nextC, "a next page of C's open transactions")
	code, secondC := w.get(t, opC, nextC)
	require.Equal(t, http.StatusOK, code)
	assert.Empty(t, find(reNextOpen, secondC))
	seen = nil
	for _, page := range []string{firstC, secondC} {
		table := reOpenTable.FindString(page)
		for _, app := range []string{w.unpaidC, unpaid2} {
			if strings.Contains(table, app) {
				seen = append(seen, app)
			}
		}
	}
	assert.ElementsMatch(t, []string{w.unpaidC, unpaid2}, seen)

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
