package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

// TestTour runs the headless guided tour: login, form, XBau message,
// payment, processing, notifications on all channels (.eml files for
// e-mail), documents.
func TestTour(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := runTour(context.Background(), &out, options{Dir: dir})
	require.NoError(t, err, out.String())
	s := out.String()
	assert.Contains(t, s, "Alle Schritte erfolgreich")
	for _, want := range []string{
		"Vertrauensniveau hoch ≥ gefordertem substanziell",
		"xoev/xsd: gültig gegen das gebündelte XBau-2.6-Schema",
		"ds:Signature als letztes Kind der Wurzel",
		"Kassenzeichen",
		"SUBMITTED → RECEIVED → PROCESSING → COMPLETED",
		"3 signierte Webhooks",
		".eml-Dateien",
		// OrderLatest may leave out a PROCESSING that COMPLETED overtook
		// (the tour checks the order itself): only the ends are fixed.
		"Statusmonitor des ZBP: RECEIVED → ",
		"COMPLETED (nie rückwärts)",
		"9 von 9 Zustellungen erfolgreich, 1 Fehlversuch(e) automatisch wiederholt",
		"Prüfnachweis: 3 Security Event Tokens",
		"dieselbe SAML-Antwort erneut an den ACS geschickt: abgewiesen",
		"→ accepted (fitconnect.Store: genau einmal verarbeitet)",
		"Empfangsbestätigung der Bauaufsicht im Ereignisprotokoll",
	} {
		assert.Contains(t, s, want)
	}
	emls, err := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
	require.NoError(t, err)
	assert.Len(t, emls, 3)
	if t.Failed() {
		t.Log(s)
	}
}

// TestTourSMTP sends the e-mails to a real SMTP server (mailpit) and
// checks through its API that they arrived.
func TestTourSMTP(t *testing.T) {
	smtp := testenv.SMTPServer(t)
	var out bytes.Buffer
	err := runTour(context.Background(), &out, options{Dir: t.TempDir(), SMTPAddr: smtp.Addr, MailpitAPI: smtp.APIURL})
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "SMTP-Server "+smtp.Addr)
	assert.Contains(t, out.String(), "3 E-Mails an erika.mustermann@example.org zugestellt")
}

// testApp starts the service with a logged-in citizen.
func testApp(t *testing.T) (*app, *tour) {
	t.Helper()
	a, err := startApp(context.Background(), "127.0.0.1:0", config{Dir: t.TempDir(), Step: time.Hour,
		Say: func(string, ...any) {}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	tr := &tour{p: &printer{w: io.Discard}, a: a, c: a.Client()}
	ctx := context.Background()
	require.NoError(t, tr.login(ctx))
	return a, tr
}

func TestFormRejected(t *testing.T) {
	a, tr := testApp(t)
	ctx := context.Background()
	for name, mutate := range map[string]func(url.Values){
		"missing street":   func(v url.Values) { v.Del("strasse") },
		"blank project":    func(v url.Values) { v.Set("vorhaben", "   ") },
		"postcode letters": func(v url.Values) { v.Set("plz", "6611A") },
		"parcel shape":     func(v url.Values) { v.Set("flurstueck", "12-4") },
		"flur not numeric": func(v url.Values) { v.Set("flur", "III") },
		"too long":         func(v url.Values) { v.Set("ort", strings.Repeat("x", 41)) },
		"DIN 91379":        func(v url.Values) { v.Set("vorhaben", "Neubau \u0007 Garage") },
	} {
		t.Run(name, func(t *testing.T) {
			v := demoForm.values()
			v.Set("csrf", tr.csrf)
			mutate(v)
			resp, body, err := tr.post(ctx, a.URL+"/antrag", v)
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
			assert.Contains(t, body, `role="alert"`)
		})
	}
	t.Run("bad CSRF token", func(t *testing.T) {
		v := demoForm.values()
		v.Set("csrf", "forged")
		resp, _, err := tr.post(ctx, a.URL+"/antrag", v)
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	n, err := countAntraege(ctx, a.db)
	require.NoError(t, err)
	assert.Zero(t, n, "refused forms must store nothing")
	assert.Zero(t, a.paySim.Calls("create"))
}

func TestPaymentCanceled(t *testing.T) {
	a, tr := testApp(t)
	ctx := context.Background()
	require.NoError(t, tr.submit(ctx))
	resp, body, err := tr.post(ctx, tr.payURL, url.Values{"action": {"cancel"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="status">SUBMITTED<`)
	assert.Contains(t, body, "abgebrochen")
	id := strings.TrimPrefix(resp.Request.URL.Path, "/antrag/")
	att, err := a.out.client.Attempts(ctx, notify.ForTenant(""), id, 0)
	require.NoError(t, err)
	assert.Empty(t, att, "no notification for an unpaid application")

	// A second attempt gets a new idempotency key and can be paid.
	csrf := find(reCSRF, body)
	require.NotEmpty(t, csrf)
	resp, body, err = tr.post(ctx, a.URL+"/antrag/"+id+"/bezahlen", url.Values{"csrf": {csrf}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.True(t, strings.HasPrefix(resp.Request.URL.String(), a.paySim.Server.URL+"/pay/"), resp.Request.URL.String())
	resp, body, err = tr.post(ctx, resp.Request.URL.String(), url.Values{"action": {"pay"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="status">RECEIVED<`)
	assert.Len(t, a.paySim.TransactionIDs(), 2)
	tx, err := a.pay.Get(ctx, id+"_2")
	require.NoError(t, err)
	assert.Equal(t, "PAYED", string(tx.Status))
}

// TestRedirectNotTrusted: arriving at the return URL without paying
// changes nothing, because the status is pulled from the Bezahldienst.
func TestRedirectNotTrusted(t *testing.T) {
	a, tr := testApp(t)
	ctx := context.Background()
	require.NoError(t, tr.submit(ctx))
	ids := a.paySim.TransactionIDs()
	require.Len(t, ids, 1)
	var appID string
	rows, err := a.db.QueryContext(ctx, `SELECT id FROM bauantrag_antrag`)
	require.NoError(t, err)
	for rows.Next() {
		require.NoError(t, rows.Scan(&appID))
	}
	require.NoError(t, rows.Close())
	resp, body, err := tr.get(ctx, a.URL+"/antrag/"+appID+"/zahlung")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="status">SUBMITTED<`)
	assert.Contains(t, body, "offen")
}

func TestOtherCitizenCannotSeeApplication(t *testing.T) {
	a, tr := testApp(t)
	ctx := context.Background()
	require.NoError(t, tr.submit(ctx))
	var appID string
	require.NoError(t, a.db.QueryRowContext(ctx, `SELECT id FROM bauantrag_antrag`).Scan(&appID))

	// Another citizen (another bPK2) logs in.
	other := accounttest.Erika()
	for i, at := range other.Attributes {
		if at.FriendlyName == "bPK2" {
			other.Attributes[i].Value = strings.Repeat("ab", 32)
		}
	}
	a.idp.SetUser(other)
	tr2 := &tour{p: &printer{w: io.Discard}, a: a, c: a.Client()}
	require.NoError(t, tr2.login(ctx))
	for _, p := range []string{"", "/nachricht.xml", "/baubeschreibung.txt", "/zahlung"} {
		resp, body, err := tr2.get(ctx, a.URL+"/antrag/"+appID+p)
		require.NoError(t, err)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		assert.NotContains(t, body, appID)
	}
}

// TestForgedWebhookRefused: the case monitor only accepts webhooks signed
// with its secret.
func TestForgedWebhookRefused(t *testing.T) {
	a, _ := testApp(t)
	forged, err := webhook.NewSecret()
	require.NoError(t, err)
	body := []byte(`{"type":"application.status.completed","data":{"application_id":"BA-1","status":"COMPLETED"}}`)
	for name, h := range map[string]http.Header{
		"no signature":   {},
		"wrong secret":   signedHeaders("msg_1", body, forged),
		"stale":          signedHeadersAt("msg_2", body, forged, time.Now().Add(-time.Hour)),
		"garbage header": {"Webhook-Id": {"x"}, "Webhook-Timestamp": {"nope"}, "Webhook-Signature": {"v1,AAAA"}},
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, a.out.monitor.url, bytes.NewReader(body))
			require.NoError(t, err)
			for k, v := range h {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.GreaterOrEqual(t, resp.StatusCode, 400)
		})
	}
	assert.Empty(t, a.out.monitor.received("BA-1"))
}

func signedHeaders(id string, body []byte, s webhook.Secret) http.Header {
	return signedHeadersAt(id, body, s, time.Now())
}

func signedHeadersAt(id string, body []byte, s webhook.Secret, ts time.Time) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, id)
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	sig, _ := webhook.Sign(id, ts, body, s)
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func TestBescheidPDF(t *testing.T) {
	pdf := bescheidPDF("63-2026-ABC123", "Erika Mustermann", "Am Lindenhof 12 (Flurstück 123/4)", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	s := string(pdf)
	assert.True(t, strings.HasPrefix(s, "%PDF-1.4\n"))
	assert.True(t, strings.HasSuffix(s, "%%EOF\n"))
	assert.Contains(t, s, "63-2026-ABC123")
	assert.Contains(t, s, "Flurst\\374ck") // ü in WinAnsiEncoding
}

// TestPaymentServiceDown: when the Bezahldienst is unavailable the
// application is kept and can be paid later from its status page with
// the same idempotency key.
func TestPaymentServiceDown(t *testing.T) {
	a, tr := testApp(t)
	ctx := context.Background()
	a.paySim.FailNext(3, "paymenttransaction", http.StatusServiceUnavailable)
	v := demoForm.values()
	v.Set("csrf", tr.csrf)
	resp, body, err := tr.post(ctx, a.URL+"/antrag", v)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	back := find(regexp.MustCompile(`href="(/antrag/BA-[0-9A-F]+)" id="weiter"`), body)
	require.NotEmpty(t, back, body)

	resp, body, err = tr.get(ctx, a.URL+back)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="status">SUBMITTED<`)
	resp, _, err = tr.post(ctx, a.URL+back+"/bezahlen", url.Values{"csrf": {find(reCSRF, body)}})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(resp.Request.URL.String(), a.paySim.Server.URL+"/pay/"), resp.Request.URL.String())
	resp, body, err = tr.post(ctx, resp.Request.URL.String(), url.Values{"action": {"pay"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="status">RECEIVED<`)
	assert.Len(t, a.paySim.TransactionIDs(), 1, "same idempotency key, one transaction")
}
