package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/egosaar/ozg/notify/webhook"
)

// BenchmarkVerify1KB compares Verifier.Verify of a 1 KB body (with the
// in-memory replay check) with the anchor, a raw HMAC-SHA256 + base64 +
// hmac.Equal, and the Standard Webhooks reference library, in one run.
// ours_ratio_vs_raw is the figure the issue targets (≤ 1.3).
func BenchmarkVerify1KB(b *testing.B) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, _ := webhook.SecretFromBytes(key)
	body := make([]byte, 1024)
	_, _ = rand.Read(body)
	now := time.Now()
	h := http.Header{}
	h.Set(webhook.HeaderID, "msg_2Lx9ZcQfH1e")
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(webhook.HeaderSignature, mustSign(b, "msg_2Lx9ZcQfH1e", now, body, s))
	v, _ := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{s}})
	ref, _ := standardwebhooks.NewWebhookRaw(key)
	ctx := context.Background()

	raw := func() bool {
		id := h.Get(webhook.HeaderID)
		ts := h.Get(webhook.HeaderTimestamp)
		sig := h.Get(webhook.HeaderSignature)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(id + "." + ts + "."))
		m.Write(body)
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		return hmac.Equal([]byte(sig[3:]), []byte(want))
	}
	// Interleave the three in chunks so machine noise hits all alike.
	const chunk = 100
	var dRaw, dOurs, dRef time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range chunk {
			if !raw() {
				b.Fatal("raw mismatch")
			}
		}
		t1 := time.Now()
		for range chunk {
			if _, err := v.Verify(ctx, body, h); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		for range chunk {
			if err := ref.Verify(body, h); err != nil {
				b.Fatal(err)
			}
		}
		t3 := time.Now()
		dRaw, dOurs, dRef = dRaw+t1.Sub(t0), dOurs+t2.Sub(t1), dRef+t3.Sub(t2)
	}
	n := float64(b.N * chunk)
	b.ReportMetric(float64(dRaw.Nanoseconds())/n, "raw_ns/verify")
	b.ReportMetric(float64(dOurs.Nanoseconds())/n, "ours_ns/verify")
	b.ReportMetric(float64(dRef.Nanoseconds())/n, "reflib_ns/verify")
	b.ReportMetric(float64(dOurs)/float64(dRaw), "ours_ratio_vs_raw")
	b.ReportMetric(float64(dRef)/float64(dRaw), "reflib_ratio_vs_raw")
}
