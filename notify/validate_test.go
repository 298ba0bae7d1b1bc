package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
	"github.com/egosaar/ozg/notify/postfach"
	"github.com/egosaar/ozg/notify/webhook"
)

type nopTransport struct{}

func (nopTransport) SendMessage(context.Context, postfach.Message) error     { return nil }
func (nopTransport) SendStatus(context.Context, postfach.StatusUpdate) error { return nil }

func (e *env) jobCount() int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.db.QueryRow(`SELECT count(*) FROM river_job`).Scan(&n))
	return n
}

// TestEnqueueRefusesUndeliverable: what a channel would refuse on the
// first attempt is refused at enqueue, naming channel and field, and
// nothing of the event is stored.
func TestEnqueueRefusesUndeliverable(t *testing.T) {
	pf, err := postfach.NewChannel(postfach.ChannelConfig{Transport: nopTransport{}, Sender: "Stadt", Service: "Wohngeld",
		StorkQaaLevel: postfach.LevelSubstantial})
	require.NoError(t, err)
	mail, err := email.New(email.Config{PickupDir: t.TempDir(), From: "noreply@amt.example"})
	require.NoError(t, err)
	e := newEnv(t, envOpts{extra: []notify.Channel{pf, mail}, noStart: true})
	e.eps["zero-slot"] = webhook.Endpoint{ID: "zero-slot", URL: e.eps["ep1"].URL, Secrets: []webhook.Secret{e.secret, {}}}
	mbox := uuid.NewString()
	base := func() notify.Event {
		ev := testEvent("V-1")
		ev.Recipients.Mailbox = mbox
		return ev
	}
	cases := []struct {
		name, channel, field string
		mut                  func(*notify.Event)
	}{
		{"status details 60", "postfach", "statusDetails", func(e *notify.Event) { e.StatusDetails = strings.Repeat("ä", 60) }},
		{"title 2000", "postfach", "title", func(e *notify.Event) { e.Message = notify.Message{Title: strings.Repeat("t", 2000), Body: "b"} }},
		{"attachment name", "postfach", "attachments[0].filename", func(e *notify.Event) {
			e.Message = notify.Message{Title: "t", Body: "b", Attachments: []notify.Attachment{{Filename: "bescheid:2026.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7")}}}
		}},
		{"no service name", "postfach", "publicServiceName", func(e *notify.Event) { e.PublicServiceName = "" }},
		{"no sender name", "postfach", "senderName", func(e *notify.Event) { e.SenderName = "" }},
		{"mailbox not uuid", "postfach", "mailboxUuid", func(e *notify.Event) { e.Recipients.Mailbox = "erika" }},
		{"display-name address", "email", "to", func(e *notify.Event) { e.Recipients.Email = "Erika <erika@example.org>" }},
		{"not an address", "email", "to", func(e *notify.Event) { e.Recipients.Email = "not an address" }},
		{"unknown webhook", "webhook", "endpoint", func(e *notify.Event) { e.Recipients.Webhooks = append(e.Recipients.Webhooks, "nope") }},
		{"zero secret in rotation slot", "webhook", "secrets", func(e *notify.Event) { e.Recipients.Webhooks = []string{"zero-slot"} }},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := base()
			tc.mut(&ev)
			_, err := e.client.Enqueue(ctx, ev)
			require.ErrorIs(t, err, notify.ErrInvalidEvent)
			var re *notify.RouteError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.channel, re.Channel)
			assert.Equal(t, tc.field, re.Field)
			assert.Contains(t, err.Error(), tc.channel)
			assert.NotContains(t, err.Error(), mbox, "no recipient in errors")
			assert.Zero(t, e.jobCount(), "nothing of the event was enqueued")
		})
	}
	_, err = e.client.Enqueue(ctx, base())
	require.NoError(t, err)
	assert.Equal(t, 2, e.jobCount(), "a valid event is enqueued on both routes")
}
