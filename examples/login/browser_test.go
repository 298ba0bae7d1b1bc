package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// TestBrowserLogin runs the login in headless Chromium: the
// auto-submitting HTTP-POST forms must run under their strict
// Content-Security-Policy (script allowed by hash only) on the way to the
// simulated BundID and back to the ACS.
func TestBrowserLogin(t *testing.T) {
	chromium := testenv.Chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	var a *app
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.ServeHTTP(w, r) }))
	defer srv.Close()
	var err error
	a, err = newApp(ctx, appConfig{BaseURL: srv.URL, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer a.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()

	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("name")),
	))
	name, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("name")))
	require.NoError(t, err)
	assert.Equal(t, "ERIKA MUSTERMANN", strings.TrimSpace(name))
}
