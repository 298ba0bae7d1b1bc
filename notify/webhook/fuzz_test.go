package webhook_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/egosaar/ozg/notify/webhook"
)

// FuzzVerify: arbitrary header values and bodies never panic, and a
// mutated signed message never verifies.
func FuzzVerify(f *testing.F) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	s, _ := webhook.SecretFromBytes(key)
	body := []byte(`{"type":"application.status.received"}`)
	good := mustSign(f, "msg_1", t0, body, s)
	f.Add("msg_1", "1772445600", good, body)
	f.Add("msg_1", "1772445600", "v1,"+base64.StdEncoding.EncodeToString(make([]byte, 32)), body)
	f.Add("", "", "", []byte{})
	f.Add("a b", "-0", "v1, v1,,", []byte("x"))
	v, _ := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{s}, Now: func() time.Time { return t0 },
		Replay: noReplay{}})
	f.Fuzz(func(t *testing.T, id, ts, sig string, b []byte) {
		h := http.Header{}
		h.Set(webhook.HeaderID, id)
		h.Set(webhook.HeaderTimestamp, ts)
		h.Set(webhook.HeaderSignature, sig)
		msg, err := v.Verify(context.Background(), b, h)
		if err != nil {
			return
		}
		// Only the exact signed triple may verify.
		if msg.ID != "msg_1" || string(b) != string(body) {
			t.Fatalf("forged message verified: id=%q body=%q", id, b)
		}
	})
}

type noReplay struct{}

func (noReplay) Seen(context.Context, string) (bool, error)        { return false, nil }
func (noReplay) Remember(context.Context, string, time.Time) error { return nil }
