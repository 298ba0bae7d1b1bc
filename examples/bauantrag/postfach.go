package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/postfach"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// zbpSink is the Postfach channel (notify/postfach) talking mutual TLS to
// the ZBP simulator (notifytest.ZBP). The authority's client certificate
// comes from a throw-away test CA standing in for the BPKI.
type zbpSink struct {
	zbp     *notifytest.ZBP
	channel *postfach.Channel
	life    *lifetime
}

func newPostfachSink(_ context.Context, _ config) (*zbpSink, error) {
	ca, err := signaturetest.NewCA("BPKI Test-CA (Demo)", signaturetest.P256)
	if err != nil {
		return nil, err
	}
	clientKey, err := ca.Issue(signaturetest.Options{CommonName: "Stadt Musterstadt Bauaufsicht (BPKI-Test)", Key: signaturetest.P256,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Certificate)
	life := &lifetime{}
	zbp := notifytest.NewZBP(life, pool)
	if err := life.err(); err != nil {
		life.close()
		return nil, err
	}
	client, err := postfach.New(postfach.Config{BaseURL: zbp.URL, ClientKeyPair: clientKey, RootCAs: zbp.RootCAs()})
	if err != nil {
		life.close()
		return nil, err
	}
	ch, err := postfach.NewChannel(postfach.ChannelConfig{
		Transport: client,
		Sender:    "Stadt Musterstadt – Bauaufsicht",
		Service:   "Bauantrag online",
		// The notice is personal: reading it needs the level the citizen
		// logged in with at least.
		StorkQaaLevel: postfach.LevelSubstantial,
	})
	if err != nil {
		life.close()
		return nil, err
	}
	return &zbpSink{zbp: zbp, channel: ch, life: life}, nil
}

func (z *zbpSink) Channel() notify.Channel { return z.channel }
func (z *zbpSink) Describe() string {
	return "ZBP-Simulator " + z.zbp.URL + " (notify/postfach, gegenseitiges TLS mit BPKI-Testzertifikat)"
}
func (z *zbpSink) Close() { z.life.close() }

// Count returns the mailbox messages for mailbox and how many of them
// carry an attachment. Status updates go to the Statusmonitor and are
// counted by StatusCount.
func (z *zbpSink) Count(_ context.Context, mailbox string) (int, int, error) {
	n, att := 0, 0
	for _, m := range z.zbp.Messages() {
		if m.MailboxUUID == mailbox {
			n++
			if len(m.Attachments) > 0 {
				att++
			}
		}
	}
	return n, att, nil
}

// StatusCount returns the Statusmonitor updates for an application.
func (z *zbpSink) StatusCount(applicationID string) []string {
	var out []string
	for _, u := range z.zbp.Statuses() {
		if u.ApplicationID == applicationID {
			out = append(out, string(u.Status))
		}
	}
	return out
}

// lifetime adapts the notifytest helpers, which expect a testing.TB, to a
// program: it records setup failures and runs the cleanups on close.
type lifetime struct {
	mu       sync.Mutex
	failure  error
	cleanups []func()
}

func (l *lifetime) Helper() {}
func (l *lifetime) Fatalf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failure == nil {
		l.failure = fmt.Errorf(format, args...)
	}
}
func (l *lifetime) Cleanup(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cleanups = append(l.cleanups, f)
}
func (l *lifetime) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failure
}
func (l *lifetime) close() {
	l.mu.Lock()
	cs := l.cleanups
	l.cleanups = nil
	l.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

// attachmentSums returns the SHA-512 checksums (as the ZBP received them)
// of the attachments in mailbox messages for mailbox.
func (z *zbpSink) attachmentSums(mailbox string) []string {
	var out []string
	for _, m := range z.zbp.Messages() {
		if m.MailboxUUID != mailbox {
			continue
		}
		for _, a := range m.Attachments {
			out = append(out, a.SHA512Sum)
		}
	}
	return out
}
