package main

import (
	"context"
	"crypto"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
	"github.com/egosaar/ozg/signature/jose"
)

// webhookEndpoint is the endpoint ID of the municipality's case monitor
// (Vorgangsmonitor), the local receiver of the signed webhooks. Job rows
// hold only this ID; URL and secret come from the endpoint source.
const webhookEndpoint = "vorgangsmonitor"

// outbox is the notification side of the service: notify's transactional
// outbox on the service database, its channels and the local receivers
// the notifications go to.
type outbox struct {
	client  *notify.Client[*sql.Tx]
	monitor *vorgangsmonitor
	mail    mailSink
	zbp     *zbpSink
	// channels lists the configured channel names for the tour output.
	channels []string
}

// auditIssuer is the iss of the audit SETs.
const auditIssuer = "https://bauantrag.musterstadt.example"

// newOutbox sets up notify; delivery runs until run ends or Close. Every
// enqueued event gets an audit Security Event Token (RFC 8417) signed
// with auditKey in the same transaction.
func newOutbox(ctx, run context.Context, db *sql.DB, auditKey crypto.Signer, cfg config) (o *outbox, err error) {
	o = &outbox{}
	defer func() {
		if err != nil {
			o.Close()
		}
	}()
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	if o.monitor, err = newVorgangsmonitor(secret, cfg.Say, cfg.Hiccup); err != nil {
		return nil, err
	}
	sender, err := webhook.NewSender(webhook.SenderConfig{
		Endpoints: webhook.StaticEndpoints{webhookEndpoint: {ID: webhookEndpoint, URL: o.monitor.url, Secrets: []webhook.Secret{secret}}},
		// The receiver runs on loopback over plain HTTP; the SSRF guard
		// blocks loopback unless allowed explicitly.
		Guard:               &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		InsecureDevelopment: true,
	})
	if err != nil {
		return nil, err
	}
	channels := []notify.Channel{sender}
	if o.mail, err = newMailSink(ctx, cfg); err != nil {
		return nil, err
	}
	if o.mail != nil {
		channels = append(channels, o.mail.Channel())
	}
	if o.zbp, err = newPostfachSink(ctx, cfg); err != nil {
		return nil, err
	}
	if o.zbp != nil {
		channels = append(channels, o.zbp.Channel())
	}
	for _, c := range channels {
		o.channels = append(o.channels, c.Name())
	}
	setSigner, err := jose.NewSETSigner(jose.SETSignerConfig{Key: auditKey, Issuer: auditIssuer})
	if err != nil {
		return nil, err
	}
	var policies map[string]notify.Policy
	if cfg.Hiccup {
		schedule := notify.DefaultSchedule()
		schedule[1] = time.Second // demo only; the default is 5 s
		policies = map[string]notify.Policy{"webhook": {Schedule: schedule}}
	}
	o.client, err = notify.NewSQLite(db, notify.Config{
		Channels:          channels,
		Policies:          policies,
		Audit:             notify.NewSETAuditSigner(setSigner),
		FetchCooldown:     20 * time.Millisecond,
		FetchPollInterval: 100 * time.Millisecond,
		Logger:            cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	if err := o.client.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := o.client.Start(run); err != nil {
		return nil, err
	}
	return o, nil
}

// recipients routes an application's notifications: the case monitor
// always, e-mail and Postfach when the identity provided an address and
// the channel is configured.
func (o *outbox) recipients(a *antrag) notify.Recipients {
	r := notify.Recipients{Webhooks: []string{webhookEndpoint}}
	if o.mail != nil {
		r.Email = a.Email
	}
	if o.zbp != nil {
		r.Mailbox = a.Postfach
	}
	return r
}

func (o *outbox) Close() {
	if o.client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = o.client.Stop(ctx)
	}
	if o.monitor != nil {
		o.monitor.Close()
	}
	if o.mail != nil {
		o.mail.Close()
	}
	if o.zbp != nil {
		o.zbp.Close()
	}
}

// vorgangsmonitor is the local webhook receiver. It accepts only
// requests whose Standard Webhooks signature verifies
// (webhook.Verifier.Middleware: signature, timestamp tolerance, replay)
// and records what it received.
type vorgangsmonitor struct {
	url string
	srv *http.Server
	say func(string, ...any)

	mu     sync.Mutex
	got    []monitorEvent
	wake   chan struct{}
	hiccup bool // answer the next request with 503
}

type monitorEvent struct {
	ID, Type, ApplicationID, Status string
}

func newVorgangsmonitor(secret webhook.Secret, say func(string, ...any), hiccup bool) (*vorgangsmonitor, error) {
	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{secret}})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &vorgangsmonitor{url: "http://" + ln.Addr().String() + "/hooks/bauantrag", say: say, wake: make(chan struct{}), hiccup: hiccup}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/bauantrag", v.Middleware(http.HandlerFunc(m.handle)))
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

func (m *vorgangsmonitor) handle(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	hiccup := m.hiccup
	m.hiccup = false
	m.mu.Unlock()
	if hiccup {
		// Not 2xx: the verifier does not remember the ID, the sender
		// retries the same message.
		m.say("Vorgangsmonitor: erste Zustellung mit 503 beantwortet (simulierter Neustart des Empfängers)")
		http.Error(w, "restarting", http.StatusServiceUnavailable)
		return
	}
	msg, ok := webhook.MessageFromContext(r.Context())
	if !ok {
		http.Error(w, "unverified", http.StatusUnauthorized)
		return
	}
	var p struct {
		Type string `json:"type"`
		Data struct {
			ApplicationID string `json:"application_id"`
			Status        string `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(msg.Body, &p); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	m.mu.Lock()
	m.got = append(m.got, monitorEvent{ID: msg.ID, Type: p.Type, ApplicationID: p.Data.ApplicationID, Status: p.Data.Status})
	close(m.wake)
	m.wake = make(chan struct{})
	m.mu.Unlock()
	m.say("Vorgangsmonitor (Webhook-Empfänger): Signatur, Zeitstempel und Wiederholungsschutz geprüft – %s für %s (webhook-id %s)", p.Type, p.Data.ApplicationID, msg.ID)
	w.WriteHeader(http.StatusNoContent)
}

// received returns the verified events for an application.
func (m *vorgangsmonitor) received(applicationID string) []monitorEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []monitorEvent
	for _, e := range m.got {
		if e.ApplicationID == applicationID {
			out = append(out, e)
		}
	}
	return out
}

// waitFor blocks until n events for the application were received.
func (m *vorgangsmonitor) waitFor(ctx context.Context, applicationID string, n int) ([]monitorEvent, error) {
	for {
		m.mu.Lock()
		wake := m.wake
		m.mu.Unlock()
		if got := m.received(applicationID); len(got) >= n {
			return got, nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return m.received(applicationID), fmt.Errorf("webhooks: %w", ctx.Err())
		}
	}
}

func (m *vorgangsmonitor) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = m.srv.Shutdown(ctx)
}

var errNoChannel = errors.New("bauantrag: channel not available")
