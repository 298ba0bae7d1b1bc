package postfach_test

import (
	"encoding/json"
	"testing"

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
