package postfach_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/postfach"
)

// FuzzValidate: arbitrary message/status JSON never panics the limit
// checks.
func FuzzValidate(f *testing.F) {
	m, _ := json.Marshal(validMessage())
	f.Add(m)
	s, _ := json.Marshal(validStatus())
	f.Add(s)
	f.Add([]byte(`{"mailboxUuid":"x","attachments":[{"filename":"a/b"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var msg postfach.Message
		if json.Unmarshal(b, &msg) == nil {
			_ = msg.Validate()
		}
		var u postfach.StatusUpdate
		if json.Unmarshal(b, &u) == nil {
			_ = u.Validate()
		}
	})
}

// FuzzAttachmentCheck: the allow-list check never panics, and what it
// accepts has a sanitised name and an allowed type whose extension and
// content signature agree.
func FuzzAttachmentCheck(f *testing.F) {
	f.Add("Bescheid.pdf", "application/pdf", []byte("%PDF-1.7\n"))
	f.Add("virus.exe", "application/pdf", []byte("MZ\x90\x00"))
	f.Add("a:b.png", "image/png", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("", "text/plain; charset=utf-8", []byte{})
	ch, err := postfach.NewChannel(postfach.ChannelConfig{Transport: &nopTransport{}, Sender: "S", Service: "W", StorkQaaLevel: postfach.LevelBasic})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, ctype string, data []byte) {
		ev := routeEvent()
		ev.Message.Attachments = []notify.Attachment{{Filename: name, ContentType: ctype, Data: data}}
		if ch.ValidateRoute(context.Background(), ev, "01950a6e-0000-7000-8000-000000000001") != nil {
			return
		}
		if postfach.SanitizeFilename(name) != name {
			t.Fatalf("accepted unsanitised name %q", name)
		}
		if len(data) == 0 {
			t.Fatal("accepted empty attachment")
		}
	})
}
