package hmacsig

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test vector of the Standard Webhooks reference library (libraries/go,
// webhook_test.go).
const (
	swSecret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	swTS     = "1614265330"
	swBody   = `{"test": 2432232314}`
	swSig    = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func swKey(t *testing.T) Key {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(swSecret)
	require.NoError(t, err)
	k, err := NewKey(b)
	require.NoError(t, err)
	return k
}

func TestStandardWebhooksVector(t *testing.T) {
	k := swKey(t)
	sig, err := StandardWebhooksV1.Sign(k, []string{swID, swTS}, []byte(swBody))
	require.NoError(t, err)
	assert.Equal(t, swSig, sig)

	v, err := NewVerifier(StandardWebhooksV1, k)
	require.NoError(t, err)
	m, err := v.Message([]string{swID, swTS}, []byte(swBody))
	require.NoError(t, err)
	assert.NoError(t, m.Check(swSig))
}

const fitVector = "42f4766183f0afd874f5c8fd64fcf6ee26c19c0183f14c3cf2e6f745d6d108fd66ec78cb888b674a2bd967176a616a161c96a686a5d0471838a19ac8807d3c37"

// fitVector was computed independently with
// `printf '%s' '1672527599.{"a":1}' | openssl dgst -sha512 -hmac 0123456789abcdef0123456789abcdef`.
func TestFITConnectVector(t *testing.T) {
	k, err := NewKey([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	sig, err := FITConnectCallback.Sign(k, []string{"1672527599"}, []byte(`{"a":1}`))
	require.NoError(t, err)
	assert.Equal(t, fitVector, sig)
	v, err := NewVerifier(FITConnectCallback, k)
	require.NoError(t, err)
	m, err := v.Message([]string{"1672527599"}, []byte(`{"a":1}`))
	require.NoError(t, err)
	assert.NoError(t, m.Check(sig))
	assert.NoError(t, m.Check(strings.ToUpper(sig)), "hex decoding accepts upper case")
}

func TestRefused(t *testing.T) {
	k := swKey(t)
	other, err := NewKey([]byte("another key of sufficient length!"))
	require.NoError(t, err)
	v, err := NewVerifier(StandardWebhooksV1, other, k)
	require.NoError(t, err)
	m, err := v.Message([]string{swID, swTS}, []byte(swBody))
	require.NoError(t, err)
	require.NoError(t, m.Check(swSig), "second key of a rotation matches")

	bad := []struct {
		name string
		sig  string
		want error
	}{
		{"empty", "", ErrMalformedSignature},
		{"unpadded", strings.TrimRight(swSig, "="), ErrMalformedSignature},
		{"truncated", swSig[:20], ErrMalformedSignature},
		{"not base64", strings.Repeat("!", len(swSig)), ErrMalformedSignature},
		{"hex instead of base64", strings.Repeat("a", 64), ErrMalformedSignature},
		{"flipped bit", "h" + swSig[1:], ErrNoMatch},
		{"other body", func() string { s, _ := StandardWebhooksV1.Sign(k, []string{swID, swTS}, []byte("x")); return s }(), ErrNoMatch},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, m.Check(tc.sig), tc.want)
		})
	}

	_, err = NewKey(nil)
	assert.ErrorIs(t, err, ErrEmptyKey)
	_, err = NewVerifier(StandardWebhooksV1)
	assert.ErrorIs(t, err, ErrEmptyKey)
	_, err = NewVerifier(StandardWebhooksV1, k, Key{})
	assert.ErrorIs(t, err, ErrEmptyKey)
	_, err = StandardWebhooksV1.Sign(Key{}, []string{swID, swTS}, nil)
	assert.ErrorIs(t, err, ErrEmptyKey)
	_, err = StandardWebhooksV1.Sign(k, []string{"a.b", swTS}, nil)
	assert.ErrorIs(t, err, ErrSeparatorInField, "id.ts.body must not be ambiguous")
	_, err = v.Message([]string{"a.b", swTS}, nil)
	assert.ErrorIs(t, err, ErrSeparatorInField)
}

func TestKeyRedacted(t *testing.T) {
	k := swKey(t)
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), slog.AnyValue(k).Resolve().String()} {
		assert.NotContains(t, s, "MfKQ")
		assert.Contains(t, s, "REDACTED")
	}
	b := k.Bytes()
	b[0] ^= 1
	assert.NotEqual(t, b, k.Bytes(), "Bytes returns a copy")
	assert.Equal(t, 24, k.Len())
}

func TestTimestamp(t *testing.T) {
	s, err := FormatUnix(time.Unix(1614265330, 0))
	require.NoError(t, err)
	assert.Equal(t, swTS, s)
	_, err = FormatUnix(time.Unix(-1, 0))
	assert.ErrorIs(t, err, ErrBadTimestamp)

	ts, err := ParseUnix(swTS)
	require.NoError(t, err)
	assert.Equal(t, int64(1614265330), ts.Unix())
	for _, bad := range []string{"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "12345678901234567890", "9223372036854775808", "１", "01614265330", "00"} {
		_, err := ParseUnix(bad)
		assert.ErrorIs(t, err, ErrBadTimestamp, "%q", bad)
	}

	now := time.Unix(1_000_000, 0)
	tol := DefaultTolerance
	assert.NoError(t, CheckWindow(now, now, tol))
	assert.NoError(t, CheckWindow(now.Add(-tol), now, tol))
	assert.NoError(t, CheckWindow(now.Add(tol), now, tol))
	assert.ErrorIs(t, CheckWindow(now.Add(-tol-time.Second), now, tol), ErrTooOld)
	assert.ErrorIs(t, CheckWindow(now.Add(tol+time.Second), now, tol), ErrTooNew)

	got, err := CheckTimestamp("1000000", now, tol)
	require.NoError(t, err)
	assert.True(t, got.Equal(now))
	_, err = CheckTimestamp("1000301", now, tol)
	assert.ErrorIs(t, err, ErrTooNew)
	_, err = CheckTimestamp("999699", now, tol)
	assert.ErrorIs(t, err, ErrTooOld)
	_, err = CheckTimestamp("+1000000", now, tol)
	assert.ErrorIs(t, err, ErrBadTimestamp)
}

func FuzzCheck(f *testing.F) {
	f.Add(swID, swTS, []byte(swBody), swSig)
	f.Add("a", "1", []byte{}, "")
	f.Add("a.b", "-1", []byte("."), strings.Repeat("A", 44))
	k, _ := NewKey([]byte(swSecret))
	v, _ := NewVerifier(StandardWebhooksV1, k)
	fv, _ := NewVerifier(FITConnectCallback, k)
	f.Fuzz(func(t *testing.T, id, ts string, body []byte, sig string) {
		_, _ = ParseUnix(ts)
		for _, vv := range []*Verifier{v, fv} {
			m, err := vv.Message([]string{id, ts}, body)
			if err != nil {
				continue
			}
			if m.Check(sig) == nil {
				// Only the genuine MAC may pass.
				want, err := vv.scheme.Sign(k, []string{id, ts}, body)
				if err != nil || !strings.EqualFold(want, sig) {
					t.Fatalf("accepted forged signature %q", sig)
				}
			}
		}
	})
}
