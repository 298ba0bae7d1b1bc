package postfach_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/postfach"
)

type nopTransport struct{ sent int }

func (n *nopTransport) SendMessage(context.Context, postfach.Message) error     { n.sent++; return nil }
func (n *nopTransport) SendStatus(context.Context, postfach.StatusUpdate) error { n.sent++; return nil }

var (
	pdf  = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	png  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	jpeg = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	xml  = []byte(`<?xml version="1.0"?><a/>`)
	exe  = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")
)

func routeEvent() notify.Event {
	return notify.Event{ID: "01950a6e-0000-7000-8000-000000000001", ApplicationID: "WG-7", Transition: "COMPLETED",
		Status: notify.StatusCompleted, PublicServiceName: "Wohngeld", SenderName: "Stadt Saarbrücken", OccurredAt: time.Now(),
		Message: notify.Message{Title: "Bescheid", Body: "Anbei.", Attachments: []notify.Attachment{{Filename: "Bescheid.PDF", ContentType: "application/pdf", Data: pdf}}}}
}

func TestValidateRoute(t *testing.T) {
	tr := &nopTransport{}
	ch, err := postfach.NewChannel(postfach.ChannelConfig{Transport: tr, Sender: "Stadt", Service: "Wohngeld", StorkQaaLevel: postfach.LevelHigh})
	require.NoError(t, err)
	mbox := uuid.NewString()
	ctx := context.Background()
	require.NoError(t, ch.ValidateRoute(ctx, routeEvent(), mbox))

	ok := map[string]notify.Attachment{
		"png":            {Filename: "plan.png", ContentType: "image/png", Data: png},
		"jpeg":           {Filename: "foto.jpeg", ContentType: "image/jpeg", Data: jpeg},
		"jpg upper":      {Filename: "FOTO.JPG", ContentType: "image/jpeg", Data: jpeg},
		"xml":            {Filename: "antrag.xml", ContentType: "application/xml", Data: xml},
		"text":           {Filename: "notiz.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("Hallo")},
		"type with case": {Filename: "a.pdf", ContentType: "Application/PDF", Data: pdf},
	}
	for name, a := range ok {
		t.Run("ok "+name, func(t *testing.T) {
			ev := routeEvent()
			ev.Message.Attachments = []notify.Attachment{a}
			assert.NoError(t, ch.ValidateRoute(ctx, ev, mbox))
		})
	}

	bad := []struct {
		name, field string
		mut         func(*notify.Event)
		target      string
	}{
		{"status details 60", "statusDetails", func(e *notify.Event) { e.StatusDetails = strings.Repeat("x", 60) }, ""},
		{"additional info 101", "additionalInformation", func(e *notify.Event) { e.AdditionalInformation = strings.Repeat("x", 101) }, ""},
		{"title 2000", "title", func(e *notify.Event) { e.Message.Title = strings.Repeat("x", 2000) }, ""},
		{"no public service", "publicServiceName", func(e *notify.Event) { e.PublicServiceName = "" }, ""},
		{"no sender name", "senderName", func(e *notify.Event) { e.SenderName = "" }, ""},
		{"body without title", "title", func(e *notify.Event) { e.Message.Title = "" }, ""},
		{"mailbox not uuid", "mailboxUuid", func(*notify.Event) {}, "not-a-uuid"},
		{"colon in name", "attachments[0].filename", func(e *notify.Event) { e.Message.Attachments[0].Filename = "bescheid:2026.pdf" }, ""},
		{"exe labelled pdf", "attachments[0].filename", func(e *notify.Event) { e.Message.Attachments[0].Filename = "virus.exe" }, ""},
		{"exe content as pdf", "attachments[0].content", func(e *notify.Event) { e.Message.Attachments[0].Data = exe }, ""},
		{"png content as pdf", "attachments[0].content", func(e *notify.Event) { e.Message.Attachments[0].Data = png }, ""},
		{"exe type", "attachments[0].contentType", func(e *notify.Event) {
			e.Message.Attachments[0] = notify.Attachment{Filename: "a.exe", ContentType: "application/x-msdownload", Data: exe}
		}, ""},
		{"no type", "attachments[0].contentType", func(e *notify.Event) { e.Message.Attachments[0].ContentType = "" }, ""},
		{"png named jpg", "attachments[0].filename", func(e *notify.Event) {
			e.Message.Attachments[0] = notify.Attachment{Filename: "a.jpg", ContentType: "image/png", Data: png}
		}, ""},
		{"html as text", "attachments[0].content", func(e *notify.Event) {
			e.Message.Attachments[0] = notify.Attachment{Filename: "a.txt", ContentType: "text/plain", Data: []byte("<html><script>")}
		}, ""},
		{"empty attachment", "attachments[0].content", func(e *notify.Event) { e.Message.Attachments[0].Data = nil }, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			ev := routeEvent()
			tc.mut(&ev)
			target := mbox
			if tc.target != "" {
				target = tc.target
			}
			err := ch.ValidateRoute(ctx, ev, target)
			var fe *notify.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			// Deliver applies the same rules: nothing reaches the transport.
			derr := ch.Deliver(ctx, notify.Delivery{Event: ev, Target: target})
			var de *notify.DeliveryError
			require.ErrorAs(t, derr, &de)
			assert.True(t, de.Permanent)
			assert.Equal(t, notify.ClassInvalid, de.Class)
		})
	}
	assert.Zero(t, tr.sent, "no invalid event reached the transport")
}

func TestChannelConfig(t *testing.T) {
	tr := &nopTransport{}
	for name, cfg := range map[string]postfach.ChannelConfig{
		"no transport":    {StorkQaaLevel: postfach.LevelBasic},
		"no level":        {Transport: tr},
		"unknown level":   {Transport: tr, StorkQaaLevel: "LOW"},
		"bad type":        {Transport: tr, StorkQaaLevel: postfach.LevelBasic, Attachments: []postfach.FileType{{MediaType: "", Extensions: []string{".x"}}}},
		"no extension":    {Transport: tr, StorkQaaLevel: postfach.LevelBasic, Attachments: []postfach.FileType{{MediaType: "image/gif"}}},
		"upper extension": {Transport: tr, StorkQaaLevel: postfach.LevelBasic, Attachments: []postfach.FileType{{MediaType: "image/gif", Extensions: []string{".GIF"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := postfach.NewChannel(cfg)
			assert.ErrorIs(t, err, postfach.ErrInvalidConfig)
		})
	}
	// A custom allow-list replaces the default.
	ch, err := postfach.NewChannel(postfach.ChannelConfig{Transport: tr, Sender: "S", Service: "W", StorkQaaLevel: postfach.LevelBasic,
		Attachments: []postfach.FileType{{MediaType: "image/gif", Extensions: []string{".gif"}}}})
	require.NoError(t, err)
	ev := routeEvent()
	err = ch.ValidateRoute(context.Background(), ev, uuid.NewString())
	var fe *notify.FieldError
	require.ErrorAs(t, err, &fe, "PDF is not on a GIF-only list")
	assert.Equal(t, "attachments[0].contentType", fe.Field)
	ev.Message.Attachments[0] = notify.Attachment{Filename: "a.gif", ContentType: "image/gif", Data: []byte("GIF89a\x01\x00")}
	assert.NoError(t, ch.ValidateRoute(context.Background(), ev, uuid.NewString()))
}

func TestSanitizeFilename(t *testing.T) {
	for in, want := range map[string]string{
		"Bescheid 2026.pdf":   "Bescheid 2026.pdf",
		"bescheid:2026.pdf":   "bescheid_2026.pdf",
		`a\b/c*d?e"f<g|h>i`:   "a_b_c_d_e_f_g_h_i",
		"tab\tnul\x00del\x7f": "tab_nul_del_",
		"":                    "attachment",
		"Übersicht.pdf":       "Übersicht.pdf",
	} {
		assert.Equal(t, want, postfach.SanitizeFilename(in), in)
	}
}
