package main

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/signature/jose"
)

// printer writes the guided tour; the service's narration arrives from
// several goroutines.
type printer struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printer) step(n int, title string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\nSchritt %d: %s\n", n, title)
}

func (p *printer) say(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "  ✓ "+format+"\n", args...)
}

// runTour runs the whole flow headless: a cookie-jar client plays the
// citizen's browser against the service's own HTTP handlers. Every step
// prints what was verified; the first failure ends the tour with an
// error.
func runTour(ctx context.Context, w io.Writer, o options) error {
	start := time.Now()
	dir, cleanup, err := o.workDir(w)
	if err != nil {
		return err
	}
	defer cleanup()
	p := &printer{w: w}
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelError}))
	fmt.Fprintln(w, "Bauantrag online – geführter Durchlauf (alle Gegenstellen simuliert, Arbeitsverzeichnis "+dir+")")
	a, err := startApp(ctx, "127.0.0.1:0", config{Dir: dir, SMTPAddr: o.SMTPAddr, MailpitAPI: o.MailpitAPI, Step: 150 * time.Millisecond, Hiccup: true, Say: p.say, Logger: logger})
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer a.Close()
	t := &tour{p: p, a: a, c: a.Client()}
	for i, s := range []struct {
		title string
		run   func(context.Context) error
	}{
		{"Startseite", t.startPage},
		{"Anmeldung über die BundID (Simulator, SAML HTTP-POST, Niveau substanziell)", t.login},
		{"Antrag ausfüllen: XBau-Nachricht bauen, gegen XSD prüfen, signieren", t.submit},
		{"Gebühr bezahlen (XBezahldienste-Simulator)", t.pay},
		{"Bearbeitung: RECEIVED → PROCESSING → COMPLETED", t.processing},
		{"Benachrichtigungen: Webhook, E-Mail, Postfach", t.notifications},
		{"Dokumente und Zugriffsschutz", t.documents},
	} {
		p.step(i+1, s.title)
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := s.run(sctx)
		cancel()
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.title, err)
		}
	}
	fmt.Fprintf(w, "\nAlle Schritte erfolgreich (%.1f s). Dieselben Schritte im Browser: go run ./examples/bauantrag -serve\n", time.Since(start).Seconds())
	return nil
}

type tour struct {
	p    *printer
	a    *app
	c    *http.Client
	csrf string
	id   string // application ID
	akz  string
	// payURL is the Bezahldienst's pay page for the application.
	payURL string
}

var (
	reCSRF   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	reStatus = regexp.MustCompile(`id="status">([A-Z_]+)<`)
	reAkz    = regexp.MustCompile(`id="aktenzeichen">([^<]+)<`)
	rePerson = regexp.MustCompile(`id="person">([^<]+)<`)
	reLevel  = regexp.MustCompile(`id="level">([^<]+)<`)
	reLi     = regexp.MustCompile(`<li><span class="status">([A-Z_]+)</span>`)
)

func find(re *regexp.Regexp, body string) string {
	if m := re.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

func (t *tour) get(ctx context.Context, u string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	return t.do(req)
}

func (t *tour) post(ctx context.Context, u string, form url.Values) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return t.do(req)
}

func (t *tour) do(req *http.Request) (*http.Response, string, error) {
	resp, err := t.c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, string(b), err
}

func (t *tour) startPage(ctx context.Context) error {
	resp, body, err := t.get(ctx, t.a.URL+"/")
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="login"`) {
		return fmt.Errorf("start page: status %d, no login button", resp.StatusCode)
	}
	t.p.say("HTTPS mit lokalem Zertifikat, Startseite mit Anmeldeknopf (%s)", t.a.URL)
	return nil
}

func (t *tour) login(ctx context.Context) error {
	// Browse follows the auto-submitting SAML forms like a browser:
	// service → IdP (signed AuthnRequest) → ACS (encrypted, signed
	// assertion) → form page.
	resp, body, err := accounttest.Browse(ctx, t.c, t.a.URL+"/login")
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/antrag" {
		return fmt.Errorf("after login: status %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	reqs := t.a.idp.Requests()
	if len(reqs) == 0 {
		return errors.New("the IdP received no AuthnRequest")
	}
	last := reqs[len(reqs)-1]
	t.p.say("IdP erhielt signierten AuthnRequest (HTTP-POST) mit gefordertem Niveau %s", last.Level)
	t.csrf = find(reCSRF, body)
	name, level := find(rePerson, body), find(reLevel, body)
	if t.csrf == "" || name == "" || level == "" {
		return errors.New("form page without identity or CSRF token")
	}
	t.p.say("Formular zeigt die verifizierte Identität: %s, Vertrauensniveau %s", name, level)

	// The same SAML response once more (replay) is refused.
	replay := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(t.a.idp.LastResponse())}, "RelayState": {"wiederholt"}}
	resp, _, err = t.post(ctx, t.a.URL+"/saml/acs", replay)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusForbidden {
		return fmt.Errorf("replayed SAML response: status %d", resp.StatusCode)
	}
	t.p.say("dieselbe SAML-Antwort erneut an den ACS geschickt: abgewiesen (Anfrage schon verbraucht, 403)")
	return nil
}

func (t *tour) submit(ctx context.Context) error {
	// A form with a missing field is refused with a message and changes
	// nothing.
	bad := demoForm.values()
	bad.Set("plz", "66 11")
	bad.Set("csrf", t.csrf)
	resp, body, err := t.post(ctx, t.a.URL+"/antrag", bad)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fehler"`) {
		return fmt.Errorf("invalid form: status %d", resp.StatusCode)
	}
	t.p.say("ungültige Postleitzahl abgewiesen (422, Fehlermeldung am Feld, nichts gespeichert)")

	form := demoForm.values()
	form.Set("csrf", t.csrf)
	resp, body, err = t.post(ctx, t.a.URL+"/antrag", form)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), t.a.paySim.Server.URL+"/pay/") {
		return fmt.Errorf("after submit: status %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if !strings.Contains(body, "250.00") {
		return errors.New("pay page does not show the fee")
	}
	t.p.say("weitergeleitet zur Bezahlseite des Bezahldienstes (%s), Betrag 250.00 EUR angezeigt", resp.Request.URL.Host)
	t.payURL = resp.Request.URL.String()
	return nil
}

func (t *tour) pay(ctx context.Context) error {
	resp, body, err := t.post(ctx, t.payURL, url.Values{"action": {"pay"}})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/antrag/BA-") {
		return fmt.Errorf("after payment: status %d at %s", resp.StatusCode, resp.Request.URL)
	}
	t.id = strings.TrimPrefix(resp.Request.URL.Path, "/antrag/")
	t.akz = find(reAkz, body)
	st := find(reStatus, body)
	if st == stSubmitted || st == "" {
		return fmt.Errorf("status after payment: %q", st)
	}
	tx, err := t.a.pay.Get(ctx, t.id)
	if err != nil {
		return err
	}
	if string(tx.Status) != "PAYED" || tx.Request.Total != fee {
		return fmt.Errorf("stored payment: %s %s", tx.Status, euro(tx.Request.Total))
	}
	t.p.say("Statusseite des Vorgangs %s (Aktenzeichen %s): Status %s, Zahlung gespeichert als %s über %s", t.id, t.akz, st, tx.Status, euro(tx.Request.Total))
	return nil
}

func (t *tour) processing(ctx context.Context) error {
	for {
		_, body, err := t.get(ctx, t.a.URL+"/antrag/"+t.id)
		if err != nil {
			return err
		}
		if find(reStatus, body) == stCompleted {
			var seen []string
			for _, m := range reLi.FindAllStringSubmatch(body, -1) {
				seen = append(seen, m[1])
			}
			want := []string{stSubmitted, stReceived, stProcessing, stCompleted}
			if strings.Join(seen, ",") != strings.Join(want, ",") {
				return fmt.Errorf("timeline %v, want %v", seen, want)
			}
			if !strings.Contains(body, `id="bescheid"`) {
				return errors.New("no Bescheid link at COMPLETED")
			}
			t.p.say("Verlauf auf der Statusseite: %s; Bescheid zum Herunterladen verlinkt", strings.Join(seen, " → "))
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("status COMPLETED not reached: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (t *tour) notifications(ctx context.Context) error {
	got, err := t.a.out.monitor.waitFor(ctx, t.id, 3)
	if err != nil {
		return err
	}
	var types []string
	for _, e := range got {
		types = append(types, e.Type)
	}
	t.p.say("Vorgangsmonitor: %d signierte Webhooks empfangen und geprüft: %s", len(got), strings.Join(types, ", "))

	a, err := getAntrag(ctx, t.a.db, t.id)
	if err != nil {
		return err
	}
	t.p.say("E-Mail-Ziel: %s", t.a.out.mail.Describe())
	if err := waitCount(ctx, func(ctx context.Context) (int, int, error) { return t.a.out.mail.Count(ctx, a.Email, a.Aktenzeichen) }); err != nil {
		if !errors.Is(err, errNoChannel) {
			return fmt.Errorf("e-mail: %w", err)
		}
		t.p.say("E-Mails an den SMTP-Server übergeben (Empfang nicht prüfbar ohne -mailpit-api)")
	} else {
		t.p.say("3 E-Mails an %s zugestellt, die letzte mit dem Bescheid als PDF-Anhang", a.Email)
	}
	if t.a.out.zbp != nil {
		t.p.say("Postfach: %s", t.a.out.zbp.Describe())
		if err := waitCount(ctx, func(ctx context.Context) (int, int, error) { return t.a.out.zbp.Count(ctx, a.Postfach) }); err != nil {
			return fmt.Errorf("postfach: %w", err)
		}
		t.p.say("3 Nachrichten im BundID-Postfach (Postkorb-Handle aus der BundID), die letzte mit dem Bescheid als PDF-Anhang")
		// The status monitor wants the latest status (notify's OrderLatest):
		// an update that a newer one overtook is left out, so PROCESSING may
		// be missing, but the updates never go backwards and end COMPLETED.
		st := t.a.out.zbp.StatusCount(t.id)
		if !inOrder(st, []string{"RECEIVED", "PROCESSING", "COMPLETED"}) || len(st) == 0 || st[len(st)-1] != "COMPLETED" {
			return fmt.Errorf("statusmonitor updates %v", st)
		}
		t.p.say("Statusmonitor des ZBP: %s (nie rückwärts)", strings.Join(st, " → "))
	}
	// The audit trail: one signed SET per status change.
	if err := t.audit(ctx); err != nil {
		return err
	}
	// The delivery log: every job delivered, the refused first webhook
	// retried.
	want := 3 * len(t.a.out.channels)
	for {
		attempts, err := t.a.out.client.Attempts(ctx, notify.ForTenant(""), t.id, 0)
		if err != nil {
			return err
		}
		delivered, retried := 0, 0
		for _, at := range attempts {
			switch at.Outcome {
			case notify.OutcomeDelivered:
				delivered++
			case notify.OutcomeRetry:
				retried++
			}
		}
		if delivered >= want {
			t.p.say("Zustellprotokoll (notify.Client.Attempts): %d von %d Zustellungen erfolgreich, %d Fehlversuch(e) automatisch wiederholt; ohne Inhalte oder Adressen", delivered, want, retried)
			if retried == 0 {
				return errors.New("the refused first webhook was not logged as a retry")
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("delivery log: %d of %d delivered: %w", delivered, want, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// audit verifies the audit Security Event Token of every notified status
// as an auditor would: signature with the service's public key (PS512),
// issuer, jti = event ID, txn = case:<application>.
func (t *tour) audit(ctx context.Context) error {
	v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: t.a.msg.key.Public(), Issuer: auditIssuer})
	if err != nil {
		return err
	}
	timeline, err := getVerlauf(ctx, t.a.db, t.id)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range timeline {
		if e.EventID == "" {
			continue
		}
		token, err := t.a.out.client.AuditToken(ctx, notify.ForTenant(""), notify.EventID(e.EventID))
		if err != nil {
			return fmt.Errorf("audit token of %s: %w", e.Status, err)
		}
		set, err := v.Verify(token)
		if err != nil {
			return fmt.Errorf("audit token of %s: %w", e.Status, err)
		}
		if set.ID != e.EventID || set.TransactionID != "case:"+t.id {
			return fmt.Errorf("audit token of %s: jti %s, txn %s", e.Status, set.ID, set.TransactionID)
		}
		n++
	}
	if n != 3 {
		return fmt.Errorf("%d audit tokens, want 3", n)
	}
	t.p.say("Prüfnachweis: %d Security Event Tokens (RFC 8417, PS512, signature/jose) mit dem Schlüssel des Dienstes geprüft – jti = Ereignis-ID, txn = case:%s", n, t.id)
	return nil
}

// waitCount polls count until it reports three messages, one of them
// with an attachment.
func waitCount(ctx context.Context, count func(context.Context) (int, int, error)) error {
	for {
		n, att, err := count(ctx)
		if err != nil {
			return err
		}
		if n >= 3 && att >= 1 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d messages, %d with attachment: %w", n, att, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (t *tour) documents(ctx context.Context) error {
	resp, pdf, err := t.get(ctx, t.a.URL+"/antrag/"+t.id+"/bescheid.pdf")
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-1.4") || !strings.Contains(pdf, t.akz) {
		return fmt.Errorf("bescheid.pdf: status %d", resp.StatusCode)
	}
	t.p.say("Bescheid als PDF (%d Bytes) mit Aktenzeichen %s abrufbar", len(pdf), t.akz)
	if t.a.out.zbp != nil {
		a, err := getAntrag(ctx, t.a.db, t.id)
		if err != nil {
			return err
		}
		sum := sha512.Sum512([]byte(pdf))
		if !slices.Contains(t.a.out.zbp.attachmentSums(a.Postfach), hex.EncodeToString(sum[:])) {
			return errors.New("the Postfach attachment differs from the downloaded notice")
		}
		t.p.say("der Anhang der Postfach-Nachricht ist byte-gleich (SHA-512 wie vom ZBP empfangen)")
	}

	resp, xml, err := t.get(ctx, t.a.URL+"/antrag/"+t.id+"/nachricht.xml")
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("nachricht.xml: status %d", resp.StatusCode)
	}
	if err := t.a.msg.check(ctx, []byte(xml), t.p.say); err != nil {
		return err
	}
	if err := t.a.msg.check(ctx, tampered([]byte(xml)), func(string, ...any) {}); err == nil {
		return errors.New("a changed message still verifies")
	}
	t.p.say("eine veränderte Nachricht wird abgewiesen (Signaturprüfung schlägt fehl)")

	// Someone else (no session) gets neither the status page nor the
	// documents.
	other := t.a.Client()
	other.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, p := range []string{"", "/bescheid.pdf", "/nachricht.xml"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.a.URL+"/antrag/"+t.id+p, nil)
		if err != nil {
			return err
		}
		r, err := other.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusSeeOther || bytes.Contains(body, []byte(t.akz)) {
			return fmt.Errorf("without session %s answered %d", p, r.StatusCode)
		}
	}
	t.p.say("ohne Anmeldung kein Zugriff auf Statusseite und Dokumente (Weiterleitung zur Startseite)")
	return nil
}

// inOrder reports whether got is a subsequence of order: every element of
// got appears in order, none twice, none out of order.
func inOrder(got, order []string) bool {
	i := 0
	for _, g := range got {
		for i < len(order) && order[i] != g {
			i++
		}
		if i == len(order) {
			return false
		}
		i++
	}
	return true
}
