package email_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
	"github.com/egosaar/ozg/notify/notifytest"
)

// A minimal valid PDF (a Bescheid stand-in).
var pdf = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func sender(t *testing.T, mp *notifytest.Mailpit, policy email.TLSPolicy) *email.Sender {
	t.Helper()
	s, err := email.New(email.Config{
		Host: mp.SMTPHost, Port: mp.SMTPPort, TLSPolicy: policy,
		From: "noreply@amt.example", FromName: "Bürgeramt Saarbrücken",
	})
	require.NoError(t, err)
	return s
}

func event(t *testing.T, to string) notify.Delivery {
	id, err := uuid.NewV7()
	require.NoError(t, err)
	return notify.Delivery{
		Target:  to,
		Attempt: 1,
		Event: notify.Event{
			ID: notify.EventID(id.String()), ApplicationID: "WG-2026-0815", Transition: "COMPLETED",
			Status: notify.StatusCompleted, OccurredAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
			Message: notify.Message{
				Title:       "Ihr Bescheid über Wohngeld – Änderung „ß“",
				Body:        "Sehr geehrte Frau Müller,\nanbei Ihr Bescheid.\n",
				Attachments: []notify.Attachment{{Filename: "Bescheid.pdf", ContentType: "application/pdf", Data: pdf}},
			},
		},
	}
}

func TestSendToMailpit(t *testing.T) {
	mp := notifytest.SharedMailpit(t)
	s := sender(t, mp, email.InsecureNoTLS)
	ctx := context.Background()
	to := "mueller-" + uuid.NewString()[:8] + "@example.org"
	d := event(t, to)
	require.NoError(t, s.Deliver(ctx, d))
	// A retry sends the identical Message-ID.
	d.Attempt = 2
	require.NoError(t, s.Deliver(ctx, d))

	msgs, err := mp.Search(ctx, "to:"+to)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	want := string(d.Event.ID) + "@amt.example"
	for _, m := range msgs {
		assert.Equal(t, want, m.MessageID)
		assert.Equal(t, "Ihr Bescheid über Wohngeld – Änderung „ß“", m.Subject)
	}
	full, err := mp.Message(ctx, msgs[0].ID)
	require.NoError(t, err)
	assert.Contains(t, full.Text, "Frau Müller")
	require.Len(t, full.Attachments, 1)
	assert.Equal(t, "Bescheid.pdf", full.Attachments[0].FileName)
	assert.Equal(t, "application/pdf", full.Attachments[0].ContentType)
	part, err := mp.Part(ctx, msgs[0].ID, full.Attachments[0].PartID)
	require.NoError(t, err)
	assert.Equal(t, pdf, part)
	h, err := mp.Headers(ctx, msgs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"auto-generated"}, h["Auto-Submitted"])
}

func TestSMTPStatusClasses(t *testing.T) {
	mp := notifytest.StartMailpit(t, true)
	s := sender(t, mp, email.InsecureNoTLS)
	ctx := context.Background()
	cases := []struct {
		code      int
		permanent bool
		class     notify.ErrorClass
	}{
		{451, false, notify.ClassThrottled},
		{452, false, notify.ClassThrottled},
		{550, true, notify.ClassRejected},
		{554, true, notify.ClassRejected},
	}
	for _, tc := range cases {
		require.NoError(t, mp.SetChaos(ctx, notifytest.ChaosTrigger{ErrorCode: 451}, notifytest.ChaosTrigger{ErrorCode: tc.code, Probability: 100}))
		err := s.Deliver(ctx, event(t, "a@example.org"))
		var de *notify.DeliveryError
		require.ErrorAs(t, err, &de, "code %d", tc.code)
		assert.Equal(t, tc.permanent, de.Permanent, "code %d", tc.code)
		assert.Equal(t, tc.class, de.Class)
		assert.Equal(t, tc.code, de.StatusCode)
		assert.NotContains(t, err.Error(), "a@example.org", "no addresses in errors")
	}
	require.NoError(t, mp.SetChaos(ctx, notifytest.ChaosTrigger{ErrorCode: 451}, notifytest.ChaosTrigger{ErrorCode: 451}))
	require.NoError(t, s.Deliver(ctx, event(t, "a@example.org")))
}

func TestSTARTTLSMandatory(t *testing.T) {
	mp := notifytest.SharedMailpit(t)
	s := sender(t, mp, email.TLSMandatory) // mailpit offers no STARTTLS here
	to := "tls-" + uuid.NewString()[:8] + "@example.org"
	err := s.Deliver(context.Background(), event(t, to))
	var de *notify.DeliveryError
	require.ErrorAs(t, err, &de)
	assert.False(t, de.Permanent)
	msgs, err := mp.Search(context.Background(), "to:"+to)
	require.NoError(t, err)
	assert.Empty(t, msgs, "nothing sent in clear text")
}

func TestInvalidInput(t *testing.T) {
	s, err := email.New(email.Config{Host: "127.0.0.1", Port: 1, From: "noreply@amt.example", MaxMessageBytes: 10, TLSPolicy: email.InsecureNoTLS})
	require.NoError(t, err)
	for name, to := range map[string]string{"garbage": "not an address", "display name": "Eve <eve@example.org>", "empty": "", "header injection": "a@example.org\r\nBcc: b@example.org"} {
		t.Run(name, func(t *testing.T) {
			err := s.Deliver(context.Background(), event(t, to))
			var de *notify.DeliveryError
			require.ErrorAs(t, err, &de)
			assert.True(t, de.Permanent)
			assert.Equal(t, notify.ClassInvalid, de.Class)
			// The same rule refuses the route at enqueue.
			var fe *notify.FieldError
			require.ErrorAs(t, s.ValidateRoute(context.Background(), event(t, "x@example.org").Event, to), &fe)
			assert.Equal(t, "to", fe.Field)
		})
	}
	t.Run("too large", func(t *testing.T) {
		err := s.Deliver(context.Background(), event(t, "a@example.org"))
		require.ErrorIs(t, err, email.ErrTooLarge)
		var fe *notify.FieldError
		require.ErrorAs(t, s.ValidateRoute(context.Background(), event(t, "a@example.org").Event, "a@example.org"), &fe)
		assert.Equal(t, "attachments", fe.Field)
	})
	for name, cfg := range map[string]email.Config{
		"no host":  {From: "a@example.org"},
		"bad from": {Host: "h", From: "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := email.New(cfg)
			require.ErrorIs(t, err, email.ErrInvalidConfig)
		})
	}
}
