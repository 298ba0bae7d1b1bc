package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify/webhook"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func mustSecret(t testing.TB) webhook.Secret {
	t.Helper()
	s, err := webhook.NewSecret()
	require.NoError(t, err)
	return s
}

func signed(id string, ts time.Time, body []byte, secrets ...webhook.Secret) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, id)
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	sig, err := webhook.Sign(id, ts, body, secrets...)
	if err != nil {
		panic(err)
	}
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func newVerifier(t testing.TB, now time.Time, secrets ...webhook.Secret) *webhook.Verifier {
	t.Helper()
	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: secrets, Now: func() time.Time { return now }})
	require.NoError(t, err)
	return v
}

func TestVerify(t *testing.T) {
	s := mustSecret(t)
	body := []byte(`{"type":"application.status.received"}`)
	v := newVerifier(t, t0, s)
	msg, err := v.Verify(context.Background(), body, signed("msg_1", t0, body, s))
	require.NoError(t, err)
	assert.Equal(t, "msg_1", msg.ID)
	assert.Equal(t, body, msg.Body)
	assert.Equal(t, t0.Unix(), msg.Timestamp.Unix())
}

func TestVerifyRejects(t *testing.T) {
	s, other := mustSecret(t), mustSecret(t)
	body := []byte(`{"a":1}`)
	good := func() http.Header { return signed("msg_1", t0, body, s) }
	cases := []struct {
		name string
		h    func() http.Header
		body []byte
		want error
	}{
		{"wrong secret", func() http.Header { return signed("msg_1", t0, body, other) }, body, webhook.ErrNoMatchingSignature},
		{"tampered body", good, []byte(`{"a":2}`), webhook.ErrNoMatchingSignature},
		{"trailing newline", good, append(append([]byte{}, body...), '\n'), webhook.ErrNoMatchingSignature},
		{"too old", func() http.Header { return signed("msg_1", t0.Add(-5*time.Minute-time.Second), body, s) }, body, webhook.ErrTimestampTooOld},
		{"too new", func() http.Header { return signed("msg_1", t0.Add(5*time.Minute+time.Second), body, s) }, body, webhook.ErrTimestampTooNew},
		{"missing id", func() http.Header { h := good(); h.Del(webhook.HeaderID); return h }, body, webhook.ErrMissingHeaders},
		{"missing ts", func() http.Header { h := good(); h.Del(webhook.HeaderTimestamp); return h }, body, webhook.ErrMissingHeaders},
		{"missing sig", func() http.Header { h := good(); h.Del(webhook.HeaderSignature); return h }, body, webhook.ErrMissingHeaders},
		{"ts not int", func() http.Header { h := good(); h.Set(webhook.HeaderTimestamp, "12a"); return h }, body, webhook.ErrInvalidHeaders},
		{"ts negative", func() http.Header { h := good(); h.Set(webhook.HeaderTimestamp, "-1"); return h }, body, webhook.ErrInvalidHeaders},
		{"ts plus", func() http.Header {
			h := good()
			h.Set(webhook.HeaderTimestamp, "+"+strconv.FormatInt(t0.Unix(), 10))
			return h
		}, body, webhook.ErrInvalidHeaders},
		{"ts leading zero", func() http.Header {
			h := good()
			h.Set(webhook.HeaderTimestamp, "0"+strconv.FormatInt(t0.Unix(), 10))
			return h
		}, body, webhook.ErrInvalidHeaders},
		{"id twice", func() http.Header { h := good(); h.Add(webhook.HeaderID, "msg_2"); return h }, body, webhook.ErrMissingHeaders},
		{"ts huge", func() http.Header { h := good(); h.Set(webhook.HeaderTimestamp, "99999999999999999999"); return h }, body, webhook.ErrInvalidHeaders},
		{"id with dot", func() http.Header { h := good(); h.Set(webhook.HeaderID, "a.b"); return h }, body, webhook.ErrInvalidHeaders},
		{"id changed", func() http.Header { h := good(); h.Set(webhook.HeaderID, "msg_2"); return h }, body, webhook.ErrNoMatchingSignature},
		{"ts changed", func() http.Header {
			h := good()
			h.Set(webhook.HeaderTimestamp, strconv.FormatInt(t0.Unix()+1, 10))
			return h
		}, body, webhook.ErrNoMatchingSignature},
		{"v1a only", func() http.Header {
			h := good()
			h.Set(webhook.HeaderSignature, strings.Replace(h.Get(webhook.HeaderSignature), "v1,", "v1a,", 1))
			return h
		}, body, webhook.ErrNoMatchingSignature},
		{"v2 scheme", func() http.Header {
			h := good()
			h.Set(webhook.HeaderSignature, strings.Replace(h.Get(webhook.HeaderSignature), "v1,", "v2,", 1))
			return h
		}, body, webhook.ErrNoMatchingSignature},
		{"truncated sig", func() http.Header {
			h := good()
			sig := h.Get(webhook.HeaderSignature)
			h.Set(webhook.HeaderSignature, sig[:len(sig)-4])
			return h
		}, body, webhook.ErrNoMatchingSignature},
		{"garbage sig", func() http.Header { h := good(); h.Set(webhook.HeaderSignature, "v1,!!!"); return h }, body, webhook.ErrNoMatchingSignature},
		{"duplicate id header", func() http.Header { h := good(); h.Add(webhook.HeaderID, "msg_2"); return h }, body, webhook.ErrMissingHeaders},
		{"overlong sig header", func() http.Header {
			h := good()
			h.Set(webhook.HeaderSignature, strings.Repeat("v1,AAAA ", 2000))
			return h
		}, body, webhook.ErrInvalidHeaders},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := newVerifier(t, t0, s)
			_, err := v.Verify(context.Background(), tc.body, tc.h())
			require.ErrorIs(t, err, tc.want)
			var ve *webhook.VerifyError
			require.ErrorAs(t, err, &ve)
			assert.NotContains(t, err.Error(), string(tc.body))
		})
	}
}

func TestVerifyToleranceEdges(t *testing.T) {
	s := mustSecret(t)
	body := []byte("x")
	for _, d := range []time.Duration{-5 * time.Minute, 5 * time.Minute, 0} {
		v := newVerifier(t, t0, s)
		_, err := v.Verify(context.Background(), body, signed("m", t0.Add(d), body, s))
		require.NoError(t, err, "offset %s is inside the tolerance", d)
	}
}

func TestVerifyRotation(t *testing.T) {
	oldS, newS := mustSecret(t), mustSecret(t)
	body := []byte("rotate")
	// Sender signs with both; receivers with either secret accept.
	h := signed("m", t0, body, newS, oldS)
	assert.Len(t, strings.Fields(h.Get(webhook.HeaderSignature)), 2)
	for _, s := range []webhook.Secret{oldS, newS} {
		_, err := newVerifier(t, t0, s).Verify(context.Background(), body, h)
		require.NoError(t, err)
	}
	// Receiver accepting both verifies a sender that already switched.
	_, err := newVerifier(t, t0, oldS, newS).Verify(context.Background(), body, signed("m", t0, body, newS))
	require.NoError(t, err)
}

func TestVerifyReplay(t *testing.T) {
	s := mustSecret(t)
	body := []byte("x")
	v := newVerifier(t, t0, s)
	msg, err := v.Verify(context.Background(), body, signed("m1", t0, body, s))
	require.NoError(t, err)
	// Not processed yet: a retry is still accepted.
	_, err = v.Verify(context.Background(), body, signed("m1", t0.Add(time.Second), body, s))
	require.NoError(t, err)
	require.NoError(t, v.MarkProcessed(context.Background(), msg))
	_, err = v.Verify(context.Background(), body, signed("m1", t0.Add(2*time.Second), body, s))
	require.ErrorIs(t, err, webhook.ErrReplay)
}

func TestSecretParsing(t *testing.T) {
	s := mustSecret(t)
	p, err := webhook.ParseSecret(s.Encode())
	require.NoError(t, err)
	assert.Equal(t, s.Encode(), p.Encode())
	for name, in := range map[string]string{
		"short":       "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 23)),
		"long":        "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65)),
		"not base64":  "whsec_***",
		"empty":       "",
		"url-safe":    "whsec_" + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff}, 16)),
		"newline":     "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 32))[:20] + "\n" + base64.StdEncoding.EncodeToString(make([]byte, 32))[20:],
		"space":       "whsec_ " + base64.StdEncoding.EncodeToString(make([]byte, 32)),
		"bad padding": "whsec_" + base64.RawStdEncoding.EncodeToString(make([]byte, 31)) + "=",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := webhook.ParseSecret(in)
			require.ErrorIs(t, err, webhook.ErrInvalidSecret)
		})
	}
	// Unpadded base64 (as some secret generators print it) is accepted.
	unpadded, err := webhook.ParseSecret(strings.TrimRight(s.Encode(), "="))
	require.NoError(t, err)
	assert.Equal(t, s.Encode(), unpadded.Encode())
	noPrefix, err := webhook.ParseSecret(strings.TrimPrefix(s.Encode(), webhook.SecretPrefix))
	require.NoError(t, err)
	assert.Equal(t, s.Encode(), noPrefix.Encode())
	assert.Equal(t, "REDACTED", s.String())
	var buf bytes.Buffer
	buf.WriteString(strings.TrimSpace(strings.Join([]string{s.String()}, "")))
	assert.NotContains(t, buf.String(), s.Encode()[6:])
	_, err = webhook.NewVerifier(webhook.VerifierConfig{})
	require.ErrorIs(t, err, webhook.ErrInvalidSecret)
}

// The Standard Webhooks reference library must accept our signatures and
// we must accept its signatures, for the same secret.
func TestAgreementWithReferenceLibrary(t *testing.T) {
	now := time.Now()
	for i, body := range [][]byte{[]byte(`{}`), []byte("plain text \u00e4\u00f6\u00fc"), bytes.Repeat([]byte("x"), 4096), {}} {
		s := mustSecret(t)
		ref, err := standardwebhooks.NewWebhook(s.Encode())
		require.NoError(t, err)
		id := "msg_" + strconv.Itoa(i)

		// ours → reference
		h := signed(id, now, body, s)
		require.NoError(t, ref.Verify(body, h))

		// reference → ours
		sig, err := ref.Sign(id, now, body)
		require.NoError(t, err)
		assert.Equal(t, mustSign(t, id, now, body, s), sig, "byte-identical signature")
		h2 := http.Header{}
		h2.Set(standardwebhooks.HeaderWebhookID, id)
		h2.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
		h2.Set(standardwebhooks.HeaderWebhookSignature, sig)
		_, err = newVerifier(t, now, s).Verify(context.Background(), body, h2)
		require.NoError(t, err)

		// Both reject the same tampering and the same stale timestamp.
		bad := append([]byte("!"), body...)
		require.ErrorIs(t, ref.Verify(bad, h), standardwebhooks.ErrNoMatchingSignature)
		_, err = newVerifier(t, now, s).Verify(context.Background(), bad, h)
		require.ErrorIs(t, err, webhook.ErrNoMatchingSignature)
		old := signed(id, now.Add(-6*time.Minute), body, s)
		require.ErrorIs(t, ref.Verify(body, old), standardwebhooks.ErrMessageTooOld)
		_, err = newVerifier(t, now, s).Verify(context.Background(), body, old)
		require.ErrorIs(t, err, webhook.ErrTimestampTooOld)
		future := signed(id, now.Add(6*time.Minute), body, s)
		require.ErrorIs(t, ref.Verify(body, future), standardwebhooks.ErrMessageTooNew)
		_, err = newVerifier(t, now, s).Verify(context.Background(), body, future)
		require.ErrorIs(t, err, webhook.ErrTimestampTooNew)
	}
}

func TestFITConnectProfile(t *testing.T) {
	secret, err := webhook.FITConnectSecret("a-callback-secret-of-32-characters")
	require.NoError(t, err)
	body := []byte(`{"type":"https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions","submissions":[]}`)
	sig, err := webhook.SignFITConnect(t0, body, secret)
	require.NoError(t, err)
	// Independent computation: hex HMAC-SHA512 over "timestamp.body".
	m := hmac.New(sha512.New, []byte("a-callback-secret-of-32-characters"))
	m.Write([]byte(strconv.FormatInt(t0.Unix(), 10) + "." + string(body)))
	assert.Equal(t, hex.EncodeToString(m.Sum(nil)), sig)
	assert.Len(t, sig, 128)

	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{secret}, Profile: webhook.FITConnect,
		Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	h := http.Header{}
	h.Set(webhook.HeaderCallbackTimestamp, strconv.FormatInt(t0.Unix(), 10))
	h.Set(webhook.HeaderCallbackAuthentication, sig)
	msg, err := v.Verify(context.Background(), body, h)
	require.NoError(t, err)
	assert.Equal(t, webhook.FITConnect, msg.Profile)

	for name, tc := range map[string]struct {
		mut  func(http.Header)
		want error
	}{
		"uppercase garbage": {func(h http.Header) { h.Set(webhook.HeaderCallbackAuthentication, strings.Repeat("Z", 128)) }, webhook.ErrInvalidHeaders},
		"short":             {func(h http.Header) { h.Set(webhook.HeaderCallbackAuthentication, sig[:64]) }, webhook.ErrInvalidHeaders},
		"wrong hex":         {func(h http.Header) { h.Set(webhook.HeaderCallbackAuthentication, strings.Repeat("a", 128)) }, webhook.ErrNoMatchingSignature},
		"old":               {func(h http.Header) { h.Set(webhook.HeaderCallbackTimestamp, strconv.FormatInt(t0.Unix()-301, 10)) }, webhook.ErrTimestampTooOld},
		"future":            {func(h http.Header) { h.Set(webhook.HeaderCallbackTimestamp, strconv.FormatInt(t0.Unix()+301, 10)) }, webhook.ErrTimestampTooNew},
		"missing":           {func(h http.Header) { h.Del(webhook.HeaderCallbackAuthentication) }, webhook.ErrMissingHeaders},
	} {
		t.Run(name, func(t *testing.T) {
			h2 := h.Clone()
			tc.mut(h2)
			_, err := v.Verify(context.Background(), body, h2)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestMiddleware(t *testing.T) {
	s := mustSecret(t)
	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{s}, MaxBodyBytes: 64})
	require.NoError(t, err)
	calls := 0
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		msg, ok := webhook.MessageFromContext(r.Context())
		require.True(t, ok)
		assert.Equal(t, "m1", msg.ID)
		w.WriteHeader(http.StatusNoContent)
	}))
	do := func(body []byte, hdr http.Header, method string) int {
		req := httptest.NewRequest(method, "/hook", bytes.NewReader(body))
		for k, vs := range hdr {
			req.Header[k] = vs
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	body := []byte(`{"ok":true}`)
	now := time.Now()
	assert.Equal(t, 204, do(body, signed("m1", now, body, s), http.MethodPost))
	assert.Equal(t, 200, do(body, signed("m1", now, body, s), http.MethodPost), "processed duplicate acknowledged")
	assert.Equal(t, 1, calls)
	assert.Equal(t, 401, do(body, signed("m2", now, body, mustSecret(t)), http.MethodPost))
	assert.Equal(t, 400, do(body, http.Header{}, http.MethodPost))
	assert.Equal(t, 401, do(body, signed("m3", now.Add(-time.Hour), body, s), http.MethodPost))
	big := bytes.Repeat([]byte("x"), 65)
	assert.Equal(t, 413, do(big, signed("m4", now, big, s), http.MethodPost))
	assert.Equal(t, 405, do(body, signed("m5", now, body, s), http.MethodGet))
	assert.Equal(t, 1, calls)
}

// failingRemember is a replay cache whose writes fail.
type failingRemember struct{ webhook.ReplayCache }

func (failingRemember) Remember(context.Context, string, time.Time) error {
	return errors.New("cache down")
}

// A replay-cache write that fails after the handler ran cannot undo the
// delivery; the middleware still answers with the handler's status and
// reports that replay protection is missing for that message.
func TestMiddlewareReplayCacheWriteFailure(t *testing.T) {
	s := mustSecret(t)
	var logs bytes.Buffer
	v, err := webhook.NewVerifier(webhook.VerifierConfig{
		Secrets: []webhook.Secret{s},
		Replay:  failingRemember{webhook.NewMemoryReplayCache(10)},
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	})
	require.NoError(t, err)
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	body := []byte(`{"ok":true}`)
	req := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
	for k, vs := range signed("m9", time.Now(), body, s) {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusNoContent, rec.Code)
	assert.Contains(t, logs.String(), "replay cache write failed")
	assert.Contains(t, logs.String(), "webhook_id=m9")
	assert.NotContains(t, logs.String(), `"ok"`, "no body in logs")
}

// The default cache forgets an ID after Retention, and a full cache makes
// room by forgetting the ID that expires first.
func TestMemoryReplayCache(t *testing.T) {
	s := mustSecret(t)
	body := []byte("x")
	now := t0
	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: []webhook.Secret{s}, Now: func() time.Time { return now }, Retention: time.Hour})
	require.NoError(t, err)
	msg, err := v.Verify(context.Background(), body, signed("m1", now, body, s))
	require.NoError(t, err)
	require.NoError(t, v.MarkProcessed(context.Background(), msg))
	require.NoError(t, v.MarkProcessed(context.Background(), msg), "remembering twice is no error")
	now = now.Add(time.Hour)
	_, err = v.Verify(context.Background(), body, signed("m1", now, body, s))
	require.ErrorIs(t, err, webhook.ErrReplay, "remembered up to its expiry")
	now = now.Add(time.Second)
	_, err = v.Verify(context.Background(), body, signed("m1", now, body, s))
	require.NoError(t, err, "forgotten after Retention")

	ctx := context.Background()
	c := webhook.NewMemoryReplayCache(2)
	until := time.Now().Add(time.Hour)
	for _, id := range []string{"a", "b", "c"} {
		require.NoError(t, c.Remember(ctx, id, until))
	}
	assert.Equal(t, 2, c.Len())
	for id, want := range map[string]bool{"a": false, "b": true, "c": true, "d": false} {
		seen, err := c.Seen(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, want, seen, id)
	}
}
