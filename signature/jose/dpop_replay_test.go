package jose_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/jose"
)

// clock is a settable test clock shared by prover and verifier.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// signedProof signs a DPoP proof for GET url with the given jti and iat
// (the DPoP prover always picks a fresh jti).
func signedProof(t *testing.T, key ed25519.PrivateKey, url, jti string, iat time.Time) string {
	t.Helper()
	pub, err := jwk.FromRaw(key.Public())
	require.NoError(t, err)
	h := jws.NewHeaders()
	require.NoError(t, h.Set(jws.TypeKey, "dpop+jwt"))
	require.NoError(t, h.Set(jws.JWKKey, pub))
	payload, err := json.Marshal(map[string]any{"jti": jti, "htm": "GET", "htu": url, "iat": iat.Unix()})
	require.NoError(t, err)
	tok, err := jws.Sign(payload, jws.WithKey(jwa.EdDSA, key, jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	return string(tok)
}

// TestDPoPReplayMemory covers the bounded jti memory (RFC 9449 §11.1):
// replays and a full memory are refused, entries are forgotten only after
// MaxAge+Leeway (defaults: 5 min + 1 min) on the configured clock.
func TestDPoPReplayMemory(t *testing.T) {
	t.Parallel()
	const url = "https://rs.example/x"
	want := jose.DPoPExpect{Method: "GET", URL: url}
	type step struct {
		at     time.Duration // verifier clock, offset from t0
		iat    time.Duration // proof iat, offset from t0
		key    int           // 0 = key A, 1 = key B
		jti    string
		target error // nil = accepted
	}
	const window = 6 * time.Minute
	cases := []struct {
		name  string
		max   int
		steps []step
	}{
		{"replay refused", 0, []step{{0, 0, 0, "a", nil}, {0, 0, 0, "a", jose.ErrReplay}}},
		{"replay refused at the end of the iat window", 0, []step{{0, 0, 0, "a", nil}, {5 * time.Minute, 0, 0, "a", jose.ErrReplay}}},
		{"replay with a future iat refused", 0, []step{{0, time.Minute, 0, "a", nil}, {window, time.Minute, 0, "a", jose.ErrReplay}}},
		{"replay after the window is too old anyway", 0, []step{{0, 0, 0, "a", nil}, {window + time.Second, 0, 0, "a", jose.ErrExpired}}},
		{"full memory refuses a new proof", 2, []step{{0, 0, 0, "a", nil}, {0, 0, 0, "b", nil}, {0, 0, 0, "c", jose.ErrLimit}, {0, 0, 1, "c", jose.ErrLimit}}},
		{"full memory reports a replay as replay", 1, []step{{0, 0, 0, "a", nil}, {0, 0, 0, "a", jose.ErrReplay}}},
		{"full memory with the clock set back keeps refusing", 1, []step{{time.Minute, time.Minute, 0, "a", nil}, {0, 0, 0, "b", jose.ErrLimit}}},
		{"full memory just before expiry keeps refusing", 1, []step{{0, 0, 0, "a", nil}, {window, window, 0, "b", jose.ErrLimit}}},
		{"refused proof is not remembered and passes once there is room", 1, []step{{0, 0, 0, "a", nil}, {time.Minute, time.Minute, 0, "b", jose.ErrLimit}, {window + time.Nanosecond, time.Minute + time.Second, 0, "b", nil}}},
		{"same jti under another key is another proof", 0, []step{{0, 0, 0, "a", nil}, {0, 0, 1, "a", nil}, {0, 0, 1, "a", jose.ErrReplay}}},
		{"jti usable again after the window", 0, []step{{0, 0, 0, "a", nil}, {window + time.Nanosecond, window, 0, "a", nil}, {window, window, 0, "a", jose.ErrReplay}}},
	}
	keys := make([]ed25519.PrivateKey, 2)
	for i := range keys {
		var err error
		_, keys[i], err = ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: t0}
			v, err := jose.NewDPoPVerifier(jose.DPoPVerifierConfig{Now: c.Now, MaxEntries: tc.max})
			require.NoError(t, err)
			for i, s := range tc.steps {
				c.set(t0.Add(s.at))
				_, err := v.Verify(signedProof(t, keys[s.key], url, s.jti, t0.Add(s.iat)), want)
				if s.target == nil {
					require.NoError(t, err, "step %d", i)
					continue
				}
				require.ErrorIs(t, err, s.target, "step %d", i)
				if errors.Is(s.target, jose.ErrLimit) {
					var le *jose.LimitError
					require.ErrorAs(t, err, &le)
					assert.Equal(t, "MaxEntries", le.Limit)
					assert.Equal(t, tc.max, le.Max)
				}
			}
		})
	}
	_, err := jose.NewDPoPVerifier(jose.DPoPVerifierConfig{MaxEntries: -1})
	require.Error(t, err)
}
