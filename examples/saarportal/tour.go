package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
)

// visit is one application: a service of a tenant.
type visit struct{ ARS, Leika string }

// citizen is one BundID user and the applications they file after one
// login.
type citizen struct {
	User   accounttest.User
	Visits []visit
}

// result is what the tour saw of one application.
type result struct {
	visit
	AppID, Kassenzeichen, TransactionID, SubmissionID string
	// From is the sender of the notice e-mail.
	From string
	// Routed: the Routing API named the destination.
	Routed bool
}

// citizenOf returns Erika Mustermann's test identity moved to another
// person: own bPK2, given name and e-mail, so that tests can tell
// citizens apart.
func citizenOf(given, mailAddr, bpk2 string) accounttest.User {
	u := accounttest.Erika()
	for i, a := range u.Attributes {
		switch a.Name {
		case account.AttrBPK2:
			u.Attributes[i].Value = bpk2
		case account.AttrGivenName:
			u.Attributes[i].Value = given
		case account.AttrMail:
			u.Attributes[i].Value = mailAddr
		}
	}
	return u
}

var (
	reAntrag = regexp.MustCompile(`<span id="antrag">([^<]+)</span>`)
	reKZPage = regexp.MustCompile(`<span id="kz">([^<]+)</span>`)
	reTx     = regexp.MustCompile(`<span id="tx">([^<]+)</span>`)
	reStatus = regexp.MustCompile(`<strong id="status">([^<]+)</strong>`)
	reRouted = regexp.MustCompile(`<span id="routing">([^<]+)</span>`)
	reSub    = regexp.MustCompile(`<span id="submission">([^<]+)</span>`)
)

func find(re *regexp.Regexp, body string) string {
	if m := re.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// tour walks each citizen through the portal over HTTPS, like a browser:
// BundID login, pick the municipality's service, pay at the
// municipality's Bezahldienst, see the application submitted and the
// authority's receipt, then wait for the notice in the municipality's
// name.
func (s *site) tour(ctx context.Context, say func(string, ...any), citizens []citizen) ([]result, error) {
	var out []result
	for _, c := range citizens {
		s.world.IdP.SetUser(c.User)
		b := s.browser()
		_, body, err := accounttest.Browse(ctx, b, s.srv.URL+"/login")
		if err != nil {
			return out, fmt.Errorf("login: %w", err)
		}
		if !strings.Contains(body, `id="hello"`) {
			return out, errors.New("login: no session after the BundID response")
		}
		say("account/saml + sessions: BundID-Anmeldung (SAML, HTTP-POST) – eine Sitzung für alle Gemeinden")
		for _, v := range c.Visits {
			r, err := s.apply(ctx, b, v, say)
			if err != nil {
				return out, fmt.Errorf("%s %s: %w", v.ARS, v.Leika, err)
			}
			out = append(out, *r)
		}
	}
	return out, nil
}

func (s *site) apply(ctx context.Context, b *http.Client, v visit, say func(string, ...any)) (*result, error) {
	t, _ := s.Tenant(v.ARS)
	svc, _ := t.Service(v.Leika)
	resp, body, err := do(ctx, b, http.MethodPost, s.srv.URL+"/antrag", url.Values{"ars": {v.ARS}, "leika": {v.Leika}})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("apply: status %d", resp.StatusCode)
	}
	r := &result{visit: v, AppID: find(reAntrag, body), Kassenzeichen: find(reKZPage, body), TransactionID: find(reTx, body),
		Routed: strings.Contains(find(reRouted, body), "Routing-API")}
	say("%s – %s (LeiKa %s, ARS %s): Zustellpunkt: %s; XBau-Nachricht %s mit dem Schlüssel der Gemeinde signiert; Gebühr %s EUR beim Mandanten %s angelegt (Kassenzeichen %s)",
		t.Name, svc.Name, v.Leika, v.ARS, find(reRouted, body), svc.Message, svc.Fee, t.Mandant.EndpointID, r.Kassenzeichen)
	// The citizen pays on the Bezahldienst's page.
	if err := s.world.Pay[v.ARS].Pay(r.TransactionID); err != nil {
		return nil, fmt.Errorf("pay: %w", err)
	}
	// Back from the pay page: the portal asks for the status and submits.
	if _, body, err = do(ctx, b, http.MethodGet, s.srv.URL+"/antrag/"+r.AppID, nil); err != nil {
		return nil, err
	}
	if st := find(reStatus, body); st != StateSubmitted {
		return nil, fmt.Errorf("after payment: status %q", st)
	}
	r.SubmissionID = find(reSub, body)
	say("%s: bezahlt; über FIT-Connect eingereicht (Einreichung %s)", t.Name, r.SubmissionID)
	// The municipality's Fachverfahren picks it up and accepts.
	if _, err := s.auth[v.ARS].poll(ctx); err != nil {
		return nil, fmt.Errorf("authority: %w", err)
	}
	if _, body, err = do(ctx, b, http.MethodGet, s.srv.URL+"/antrag/"+r.AppID, nil); err != nil {
		return nil, err
	}
	if st := find(reStatus, body); st != StateReceived || !strings.Contains(body, `id="receipt"`) {
		return nil, fmt.Errorf("after the authority's accept: status %q", st)
	}
	say("%s: Eingangsbestätigung von %s aus dem Ereignisprotokoll gelesen (signierte SETs geprüft)", t.Name, t.Authority.Name)
	if r.From, err = s.waitNotice(ctx, v.ARS, r.AppID); err != nil {
		return nil, err
	}
	say("%s: Benachrichtigung versandt als %s (Absender im Postfach: %s)", t.Name, r.From, t.Sender.PostfachSender)
	return r, nil
}

func do(ctx context.Context, c *http.Client, method, u string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, string(data), err
}

// waitNotice waits for the notice e-mail of appID in the tenant's pickup
// folder and returns its From address.
func (s *site) waitNotice(ctx context.Context, ars, appID string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if from, ok := findNotice(s.tenants[ars].pickup, appID); ok {
			return from, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no notice for %s: %w", appID, ctx.Err())
		case <-tick.C:
		}
	}
}

// findNotice looks for the .eml that names appID in its subject or body.
func findNotice(dir, appID string) (from string, ok bool) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil || !strings.Contains(string(data), appID) {
			continue
		}
		m, err := mail.ReadMessage(strings.NewReader(string(data)))
		if err != nil {
			continue
		}
		a, err := mail.ParseAddress(m.Header.Get("From"))
		if err != nil {
			continue
		}
		return a.Address, true
	}
	return "", false
}
