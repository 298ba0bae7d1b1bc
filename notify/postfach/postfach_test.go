package postfach_test

import (
	"context"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/notifytest"
	"github.com/egosaar/ozg/notify/postfach"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

type fixture struct {
	zbp    *notifytest.ZBP
	client *postfach.Client
	kp     *signature.KeyPair
}

func setup(t *testing.T) fixture {
	t.Helper()
	ca, err := signaturetest.NewCA("BPKI Test CA", signaturetest.P256)
	require.NoError(t, err)
	kp, err := ca.Issue(signaturetest.Options{CommonName: "Stadt Saarbrücken Onlinedienst", Key: signaturetest.P256,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Certificate)
	z := notifytest.NewZBP(t, pool)
	c, err := postfach.New(postfach.Config{BaseURL: z.URL, ClientKeyPair: kp, RootCAs: z.RootCAs()})
	require.NoError(t, err)
	return fixture{zbp: z, client: c, kp: kp}
}

func validMessage() postfach.Message {
	return postfach.Message{
		MailboxUUID: uuid.NewString(), Sender: "Stadt Saarbrücken", Title: "Ihr Bescheid", Content: "Guten Tag,\nanbei.",
		Service: "Wohngeld", ApplicationID: "WG-1", Reference: uuid.NewString(), StorkQaaLevel: postfach.LevelSubstantial,
		Attachments: []postfach.Attachment{{Filename: "Bescheid.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 test")}},
	}
}

func validStatus() postfach.StatusUpdate {
	return postfach.StatusUpdate{MailboxUUID: uuid.NewString(), ApplicationID: "WG-1", Status: "PROCESSING",
		PublicServiceName: "Wohngeld", SenderName: "Stadt Saarbrücken", Reference: uuid.NewString(), CreatedDate: time.Now()}
}

func TestSendOverMTLS(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	m := validMessage()
	require.NoError(t, f.client.SendMessage(ctx, m))
	require.NoError(t, f.client.SendStatus(ctx, validStatus()))
	got := f.zbp.Messages()
	require.Len(t, got, 1)
	assert.Equal(t, postfach.LevelSubstantial, got[0].StorkQaaLevel)
	sum := sha512.Sum512(m.Attachments[0].Content)
	assert.Equal(t, hex.EncodeToString(sum[:]), got[0].Attachments[0].SHA512Sum)
	assert.Equal(t, len(m.Attachments[0].Content), got[0].Attachments[0].ContentLength)
	assert.Len(t, f.zbp.Statuses(), 1)
}

func TestMTLSRequired(t *testing.T) {
	f := setup(t)
	other, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.NoError(t, err)
	c, err := postfach.New(postfach.Config{BaseURL: f.zbp.URL, ClientKeyPair: other, RootCAs: f.zbp.RootCAs()})
	require.NoError(t, err)
	err = c.SendMessage(context.Background(), validMessage())
	require.ErrorIs(t, err, postfach.ErrUnavailable)
	assert.Empty(t, f.zbp.Messages())
	// An untrusted server is refused too.
	c2, err := postfach.New(postfach.Config{BaseURL: f.zbp.URL, ClientKeyPair: f.kp})
	require.NoError(t, err)
	require.ErrorIs(t, c2.SendMessage(context.Background(), validMessage()), postfach.ErrUnavailable)
}

func TestLimitsEnforcedBeforeCall(t *testing.T) {
	f := setup(t)
	long := func(n int) string { return strings.Repeat("ä", n) }
	msgCases := map[string]func(*postfach.Message){
		"mailbox not uuid": func(m *postfach.Message) { m.MailboxUUID = "abc" },
		"no sender":        func(m *postfach.Message) { m.Sender = "" },
		"sender 256":       func(m *postfach.Message) { m.Sender = long(256) },
		"title 1025":       func(m *postfach.Message) { m.Title = long(1025) },
		"no title":         func(m *postfach.Message) { m.Title = "" },
		"no content":       func(m *postfach.Message) { m.Content = "" },
		"service 256":      func(m *postfach.Message) { m.Service = long(256) },
		"reply 321":        func(m *postfach.Message) { m.ReplyAddress = long(321) },
		"confirmation 321": func(m *postfach.Message) { m.RetrievalConfirmationAddress = long(321) },
		"reference 256":    func(m *postfach.Message) { m.Reference = long(256) },
		"sender url http":  func(m *postfach.Message) { m.SenderURL = "http://amt.example" },
		"sender url 256":   func(m *postfach.Message) { m.SenderURL = "https://" + long(250) },
		"level":            func(m *postfach.Message) { m.StorkQaaLevel = "LEVEL_9" },
		"no level":         func(m *postfach.Message) { m.StorkQaaLevel = "" },
		"six attachments": func(m *postfach.Message) {
			m.Attachments = append(m.Attachments, m.Attachments[0], m.Attachments[0], m.Attachments[0], m.Attachments[0], m.Attachments[0])
		},
		"attachment 2MB+1": func(m *postfach.Message) { m.Attachments[0].Content = make([]byte, postfach.MaxAttachmentBytes+1) },
		"empty attachment": func(m *postfach.Message) { m.Attachments[0].Content = nil },
		"filename slash":   func(m *postfach.Message) { m.Attachments[0].Filename = "../x.pdf" },
		"filename pipe":    func(m *postfach.Message) { m.Attachments[0].Filename = "a|b.pdf" },
		"filename newline": func(m *postfach.Message) { m.Attachments[0].Filename = "a\nb.pdf" },
		"invalid utf8":     func(m *postfach.Message) { m.Title = "\xff" },
	}
	for name, mut := range msgCases {
		t.Run("message/"+name, func(t *testing.T) {
			m := validMessage()
			mut(&m)
			err := f.client.SendMessage(context.Background(), m)
			require.ErrorIs(t, err, postfach.ErrLimit)
			var fe *postfach.FieldError
			require.ErrorAs(t, err, &fe)
		})
	}
	statusCases := map[string]func(*postfach.StatusUpdate){
		"status":            func(u *postfach.StatusUpdate) { u.Status = "DONE" },
		"service name 101":  func(u *postfach.StatusUpdate) { u.PublicServiceName = long(101) },
		"no service name":   func(u *postfach.StatusUpdate) { u.PublicServiceName = "" },
		"sender name 101":   func(u *postfach.StatusUpdate) { u.SenderName = long(101) },
		"details 51":        func(u *postfach.StatusUpdate) { u.StatusDetails = long(51) },
		"additional 101":    func(u *postfach.StatusUpdate) { u.AdditionalInformation = long(101) },
		"reference 51":      func(u *postfach.StatusUpdate) { u.Reference = long(51) },
		"no application id": func(u *postfach.StatusUpdate) { u.ApplicationID = "" },
		"no date":           func(u *postfach.StatusUpdate) { u.CreatedDate = time.Time{} },
		"mailbox":           func(u *postfach.StatusUpdate) { u.MailboxUUID = "" },
	}
	for name, mut := range statusCases {
		t.Run("status/"+name, func(t *testing.T) {
			u := validStatus()
			mut(&u)
			require.ErrorIs(t, f.client.SendStatus(context.Background(), u), postfach.ErrLimit)
		})
	}
	// Boundary values pass.
	m := validMessage()
	m.Sender, m.Title, m.Service = long(255), long(1024), long(255)
	m.Attachments[0].Content = make([]byte, postfach.MaxAttachmentBytes)
	require.NoError(t, f.client.SendMessage(context.Background(), m))
	assert.Equal(t, 1, f.zbp.Requests(), "only the valid message reached the ZBP")
}

func TestChannel(t *testing.T) {
	f := setup(t)
	ch, err := postfach.NewChannel(postfach.ChannelConfig{Transport: f.client, Sender: "Stadt Saarbrücken", Service: "Wohngeld",
		StorkQaaLevel: postfach.LevelSubstantial})
	require.NoError(t, err)
	mbox := uuid.NewString()
	id, _ := notify.NewEventID()
	ev := notify.Event{ID: id, ApplicationID: "WG-7", Transition: "COMPLETED", Status: notify.StatusCompleted,
		PublicServiceName: "Wohngeld", SenderName: "Stadt Saarbrücken", OccurredAt: time.Now(),
		Message: notify.Message{Title: "Bescheid", Body: "Anbei.", Attachments: []notify.Attachment{{Filename: "b.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7\n")}}}}
	require.NoError(t, ch.Deliver(context.Background(), notify.Delivery{Event: ev, Target: mbox}))
	require.Len(t, f.zbp.Statuses(), 1)
	require.Len(t, f.zbp.Messages(), 1)
	assert.Equal(t, string(id), f.zbp.Statuses()[0].Reference)
	assert.Equal(t, string(id), f.zbp.Messages()[0].Reference)
	assert.Equal(t, mbox, f.zbp.Messages()[0].MailboxUUID)

	cases := []struct {
		name      string
		fault     notifytest.Fault
		class     notify.ErrorClass
		permanent bool
		ra        time.Duration
	}{
		{"unavailable", notifytest.Fault{Status: 503, RetryAfter: "120"}, notify.ClassUnavailable, false, 2 * time.Minute},
		{"throttled", notifytest.Fault{Status: 429, RetryAfter: "60"}, notify.ClassThrottled, false, time.Minute},
		{"server error", notifytest.Fault{Status: 500}, notify.ClassServer, false, 0},
		{"forbidden", notifytest.Fault{Status: 403}, notify.ClassConfig, false, 0},
		{"unprocessable", notifytest.Fault{Status: 422}, notify.ClassRejected, true, 0},
		{"gone", notifytest.Fault{Status: 410}, notify.ClassGone, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.zbp.Fail(tc.fault)
			err := ch.Deliver(context.Background(), notify.Delivery{Event: ev, Target: mbox})
			var de *notify.DeliveryError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.class, de.Class)
			assert.Equal(t, tc.permanent, de.Permanent)
			assert.Equal(t, tc.ra, de.RetryAfter)
		})
	}
	t.Run("unknown mailbox", func(t *testing.T) {
		gone := uuid.NewString()
		f.zbp.UnknownMailbox(gone)
		err := ch.Deliver(context.Background(), notify.Delivery{Event: ev, Target: gone})
		var de *notify.DeliveryError
		require.ErrorAs(t, err, &de)
		assert.True(t, de.Permanent)
		assert.Equal(t, http.StatusNotFound, de.StatusCode)
	})
	t.Run("limit violation is permanent", func(t *testing.T) {
		bad := ev
		bad.StatusDetails = strings.Repeat("x", 51)
		err := ch.Deliver(context.Background(), notify.Delivery{Event: bad, Target: mbox})
		var de *notify.DeliveryError
		require.ErrorAs(t, err, &de)
		assert.True(t, de.Permanent)
		assert.Equal(t, notify.ClassInvalid, de.Class)
	})
}

func TestConfig(t *testing.T) {
	for name, cfg := range map[string]postfach.Config{
		"http":        {BaseURL: "http://zbp.example"},
		"no key":      {BaseURL: "https://zbp.example"},
		"userinfo":    {BaseURL: "https://u:p@zbp.example"},
		"unparseable": {BaseURL: "https://[::1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := postfach.New(cfg)
			require.ErrorIs(t, err, postfach.ErrInvalidConfig)
		})
	}
}
