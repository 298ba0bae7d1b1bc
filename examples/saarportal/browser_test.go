package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowser drives the web UI with headless Chromium for a citizen of
// each municipality: BundID login, pick the municipality's service, pay
// on its Bezahldienst's page, see the application submitted, then the
// authority's receipt; the notice goes out in the municipality's name.
func TestBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	bctx := chromium(t, ctx)
	ts := defaults(t)
	s := startPortal(t, ts)

	for i, c := range citizens(ts) {
		tn, v := ts[i], c.Visits[0]
		t.Run(tn.Slug, func(t *testing.T) {
			// A new BundID login (a new session) for this citizen.
			s.world.IdP.SetUser(c.User)
			require.NoError(t, chromedp.Do(bctx,
				chromedp.Navigate(s.srv.URL+"/login"),
				chromedp.WaitVisible(chromedp.ID("hello")),
				chromedp.Click(chromedp.ID(fmt.Sprintf("svc-%s-%s", tn.Slug, v.Leika))),
				chromedp.WaitVisible(chromedp.ID("pay")),
			))
			appID, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("antrag")))
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(appID, tn.Slug+"-"), appID)
			// The Bezahldienst's pay page, then back to the portal.
			require.NoError(t, chromedp.Do(bctx,
				chromedp.Click(chromedp.ID("pay")),
				chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)),
				chromedp.Click(chromedp.CSS(`button[value="pay"]`)),
				chromedp.WaitVisible(chromedp.ID("status")),
			))
			status, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("status")))
			require.NoError(t, err)
			require.Equal(t, StateSubmitted, status)
			// The municipality's authority accepts; the citizen reloads.
			n, err := s.auth[tn.ARS].poll(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.NoError(t, chromedp.Do(bctx,
				chromedp.Click(chromedp.ID("aktualisieren")),
				chromedp.WaitVisible(chromedp.ID("receipt")),
			))
			status, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("status")))
			require.NoError(t, err)
			assert.Equal(t, StateReceived, status)
			from, err := s.waitNotice(ctx, tn.ARS, appID)
			require.NoError(t, err)
			assert.Equal(t, tn.Sender.EmailFrom, from)
			assert.Equal(t, []string{appID}, s.auth[tn.ARS].Received())
		})
	}
}
