package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/internal/testenv"
)

// chromium starts headless Chromium for the portal's throw-away
// certificate and returns its context.
func chromium(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testenv.Chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		// The portal's certificate is a throw-away one for 127.0.0.1.
		chromedp.Flag("ignore-certificate-errors", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	require.NoError(t, chromedp.Do(bctx)) // start the browser
	return bctx
}

// TestBrowserOperator: in Chromium, a citizen's BundID session does not
// open the operator page; the state-wide operator logs in with its own
// credentials and sees all municipalities and each one; a
// municipality's operator sees its own and is refused another's; the
// operator replays a dead-lettered notice with the page's form.
func TestBrowserOperator(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	w := newOpWorld(t)
	s, ts := w.s, w.ts
	b := chromium(t, ctx)
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err)
		return v
	}
	login := func(name string) {
		t.Helper()
		require.NoError(t, chromedp.Do(b,
			chromedp.Navigate(s.srv.URL+"/operator"),
			chromedp.WaitVisible(chromedp.ID("passwort")),
			chromedp.SendKeys(chromedp.ID("name"), name),
			chromedp.SendKeys(chromedp.ID("passwort"), s.ops.passwords[name]),
			chromedp.Click(chromedp.ID("op-login")),
			chromedp.WaitVisible(chromedp.ID("op-scope")),
		))
	}

	// A citizen logs in with BundID, then opens /operator: the login form.
	s.world.IdP.SetUser(accounttest.Erika())
	require.NoError(t, chromedp.Do(b,
		chromedp.Navigate(s.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("hello")),
		chromedp.Navigate(s.srv.URL+"/operator"),
		chromedp.WaitVisible(chromedp.ID("passwort")),
	))
	assert.NotContains(t, text("body"), w.appB)

	// The state-wide operator: across tenants, then one tenant.
	login(stateOperator)
	assert.Equal(t, "alle Gemeinden", text("#op-scope"))
	assert.Contains(t, text("#op-dead"), w.appB)
	assert.Contains(t, text("#op-submissions"), w.appC)
	assert.Contains(t, text("#op-open"), w.unpaidC)
	assert.Contains(t, text("#op-refusals"), "level")
	require.NoError(t, chromedp.Do(b, chromedp.Click(chromedp.ID("op-"+ts[0].Slug)), chromedp.WaitVisible(chromedp.ID("op-scope"))))
	assert.Equal(t, ts[0].Name, text("#op-scope"))
	assert.Contains(t, text("#op-deliveries"), w.appA)
	assert.NotContains(t, text("body"), w.appB)
	assert.NotContains(t, text("body"), w.appC)
	require.NoError(t, chromedp.Do(b, chromedp.Click(chromedp.ID("op-logout")), chromedp.WaitVisible(chromedp.ID("passwort"))))

	// Homburg's operator: own tenant only; Völklingen's view is refused.
	login(ts[2].Slug)
	assert.Equal(t, ts[2].Name, text("#op-scope"))
	assert.Contains(t, text("#op-submissions"), w.appC)
	assert.NotContains(t, text("body"), w.appA)
	assert.NotContains(t, text("body"), w.appB)
	require.NoError(t, chromedp.Do(b,
		chromedp.Navigate(s.srv.URL+"/operator?gemeinde="+ts[1].ARS),
		chromedp.WaitVisible(chromedp.ID("op-error")),
	))
	assert.NotContains(t, text("body"), w.appB)
	require.NoError(t, chromedp.Do(b,
		chromedp.Navigate(s.srv.URL+"/operator"),
		chromedp.WaitVisible(chromedp.ID("op-logout")),
		chromedp.Click(chromedp.ID("op-logout")),
		chromedp.WaitVisible(chromedp.ID("passwort")),
	))

	// Völklingen's operator replays its dead letter once the folder is back.
	require.NoError(t, os.MkdirAll(s.tenants[ts[1].ARS].pickup, 0o700))
	login(ts[1].Slug)
	require.NoError(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(".op-replay")),
		chromedp.WaitVisible(chromedp.ID("op-replayed")),
	))
	from, err := s.waitNotice(ctx, ts[1].ARS, w.appB)
	require.NoError(t, err)
	assert.Equal(t, ts[1].Sender.EmailFrom, from)
}
