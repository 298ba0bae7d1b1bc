package notify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/egosaar/ozg/notify"
)

// FuzzEventValidate: arbitrary event JSON never panics Validate, and a
// valid event survives a JSON round trip unchanged in validity.
func FuzzEventValidate(f *testing.F) {
	seed, _ := json.Marshal(testEvent("F-1"))
	f.Add(seed)
	f.Add([]byte(`{"application_id":"\u0000","transition":"x","status":"RECEIVED","recipients":{"email":"a"}}`))
	f.Add([]byte(`{"type":"a..b"}`))
	f.Add([]byte(`{"tenant":"100410000000","application_id":"A","transition":"x","status":"RECEIVED","recipients":{"email":"a"}}`))
	f.Add([]byte(`{"tenant":"a/b:c","application_id":"A","transition":"x","status":"RECEIVED","recipients":{"email":"a"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var ev notify.Event
		if json.Unmarshal(b, &ev) != nil {
			return
		}
		err := ev.Validate()
		if err != nil {
			return
		}
		// A valid tenant key never carries the separators of stored keys.
		if len(ev.Tenant) > notify.MaxTenantLen || strings.ContainsAny(ev.Tenant, "/:\x1f\x00 ") {
			t.Fatalf("tenant key %q accepted", ev.Tenant)
		}
		b2, _ := json.Marshal(ev)
		var ev2 notify.Event
		if err := json.Unmarshal(b2, &ev2); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if err := ev2.Validate(); err != nil {
			t.Fatalf("valid event invalid after round trip: %v", err)
		}
	})
}
