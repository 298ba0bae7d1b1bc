package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
)

// TestBrowser drives the web UI with headless Chromium: log in at the
// simulated BundID, fill in the form, pay on the simulated pay page and
// watch the status timeline reach COMPLETED.
func TestBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	a, err := startApp(ctx, "127.0.0.1:0", config{Dir: t.TempDir(), Step: 200 * time.Millisecond,
		Say: func(string, ...any) {}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	defer a.Close()
	t.Logf("service started after %s", time.Since(begin))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
		chromedp.WindowSize(1000, 1600),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		// The service's certificate is a throw-away one for 127.0.0.1.
		chromedp.Flag("ignore-certificate-errors", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()

	require.NoError(t, chromedp.Do(bctx)) // start the browser
	t.Logf("browser started after %s", time.Since(begin))
	t0 := time.Now()
	// Start page → BundID login (auto-submitting SAML POST forms) → form.
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(a.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("absenden")),
	))
	t.Logf("login done after %s", time.Since(t0))
	person, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("person")))
	require.NoError(t, err)
	assert.Equal(t, "ERIKA MUSTERMANN", strings.TrimSpace(person))

	// Fill in and submit the form; the service sends the browser to the
	// Bezahldienst's pay page.
	f := demoForm
	steps := []chromedp.Action[chromedp.Void]{}
	for id, v := range map[string]string{"strasse": f.Strasse, "hausnummer": f.Hausnummer, "plz": f.PLZ, "ort": f.Ort,
		"gemarkung": f.Gemarkung, "flur": f.Flur, "flurstueck": f.Flurstueck, "vorhaben": f.Vorhaben} {
		steps = append(steps, chromedp.SendKeys(chromedp.ID(id), v))
	}
	steps = append(steps,
		chromedp.Click(chromedp.ID("absenden")),
		chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)),
		chromedp.Click(chromedp.CSS(`button[value="pay"]`)),
		chromedp.WaitVisible(chromedp.ID("status")),
	)
	require.NoError(t, chromedp.Do(bctx, steps...))
	t.Logf("paid after %s", time.Since(t0))
	loc, err := chromedp.Run(bctx, chromedp.Location())
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(loc, a.URL+"/antrag/BA-"), loc)

	// Reload the status page until the case worker has decided.
	var status string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		status, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("status")))
		require.NoError(t, err)
		if status == stCompleted {
			break
		}
		require.NoError(t, chromedp.Do(bctx, chromedp.Sleep(200*time.Millisecond),
			chromedp.Click(chromedp.ID("aktualisieren")), chromedp.WaitVisible(chromedp.ID("status"))))
	}
	t.Logf("completed after %s", time.Since(t0))
	require.Equal(t, stCompleted, status)
	timeline, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("timeline")))
	require.NoError(t, err)
	for _, st := range []string{stSubmitted, stPaid, stReceived, stProcessing, stCompleted} {
		assert.Contains(t, timeline, st)
	}
	assert.Contains(t, timeline, "Empfangsbestätigung der Bauaufsicht über FIT-Connect")
	payment, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("zahlung")))
	require.NoError(t, err)
	assert.Contains(t, payment, "bezahlt")
	require.NoError(t, chromedp.Do(bctx, chromedp.WaitVisible(chromedp.ID("bescheid"))))
	log, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("zustellungen")))
	require.NoError(t, err)
	assert.Contains(t, log, "zugestellt")
}
