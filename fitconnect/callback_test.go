package fitconnect_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

var cbNow = time.Unix(1_800_000_000, 0)

const cbSecret = "callback-secret-of-the-destination"

func cbSign(ts, body string) string {
	m := hmac.New(sha512.New, []byte(cbSecret))
	m.Write([]byte(ts + "." + body))
	return hex.EncodeToString(m.Sum(nil))
}

func TestCallbackHandler(t *testing.T) {
	t.Parallel()
	dest := fitconnecttest.DestinationID
	good := `{"type":"` + fitconnect.CallbackNewSubmissions + `","submissions":[{"destinationId":"` + dest + `","submissionId":"1b4e28ba-2fa1-4d2b-883f-0016d3cca427","caseId":"2b4e28ba-2fa1-4d2b-883f-0016d3cca427"}]}`
	now := strconv.FormatInt(cbNow.Unix(), 10)
	old := strconv.FormatInt(cbNow.Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(cbNow.Add(6*time.Minute).Unix(), 10)
	cases := []struct {
		name, ts, sig, body string
		status, handled     int
	}{
		{"valid", now, cbSign(now, good), good, http.StatusOK, 1},
		{"valid with CRLF body", now, cbSign(now, good+"\r\n"), good + "\r\n", http.StatusOK, 1},
		{"signature over re-serialised body", now, cbSign(now, good), good + "\n", http.StatusUnauthorized, 0},
		{"wrong secret", now, strings.Repeat("a", 128), good, http.StatusUnauthorized, 0},
		{"too old", old, cbSign(old, good), good, http.StatusUnauthorized, 0},
		{"too far in the future", future, cbSign(future, good), good, http.StatusUnauthorized, 0},
		{"timestamp not a number", "x", cbSign("x", good), good, http.StatusUnauthorized, 0},
		{"no signature", now, "", good, http.StatusUnauthorized, 0},
		{"base64 instead of hex", now, "AAAA", good, http.StatusUnauthorized, 0},
		{"other destination", now, cbSign(now, strings.ReplaceAll(good, dest, "00000000-0000-4000-8000-000000000000")), strings.ReplaceAll(good, dest, "00000000-0000-4000-8000-000000000000"), http.StatusUnauthorized, 0},
		{"unknown type ignored", now, cbSign(now, `{"type":"urn:other"}`), `{"type":"urn:other"}`, http.StatusOK, 0},
		{"not json", now, cbSign(now, `nope`), `nope`, http.StatusUnauthorized, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			handled := 0
			h, err := fitconnect.NewCallbackHandler(fitconnect.CallbackConfig{
				Secret: []byte(cbSecret), DestinationID: dest, Now: func() time.Time { return cbNow },
				Handle: func(_ context.Context, refs []fitconnect.SubmissionRef) error { handled += len(refs); return nil },
			})
			require.NoError(t, err)
			req := httptest.NewRequest(http.MethodPost, "/callbacks/fit-connect", strings.NewReader(tc.body))
			req.Header.Set("callback-timestamp", tc.ts)
			req.Header.Set("callback-authentication", tc.sig)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, tc.status, rec.Code)
			assert.Equal(t, tc.handled, handled)
		})
	}
	_, err := fitconnect.NewCallbackHandler(fitconnect.CallbackConfig{Secret: []byte("short"), DestinationID: dest, Handle: func(context.Context, []fitconnect.SubmissionRef) error { return nil }})
	require.ErrorIs(t, err, fitconnect.ErrInvalidConfig)
}

// The simulator's callback reaches the handler, which processes the
// submission exactly once.
func TestCallbackFromSimulator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	st := openStore(t)
	outcomes := make(chan fitconnect.Outcome, 1)
	h, err := fitconnect.NewCallbackHandler(fitconnect.CallbackConfig{
		Secret: []byte(cbSecret), DestinationID: fitconnecttest.DestinationID,
		Handle: func(ctx context.Context, refs []fitconnect.SubmissionRef) error {
			for _, ref := range refs {
				out, err := c.Process(ctx, st, ref, func(context.Context, *fitconnect.ReceivedSubmission) error { return nil })
				if err != nil {
					return err
				}
				outcomes <- out
			}
			return nil
		},
	})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	sim.SetCallback(srv.URL, []byte(cbSecret))
	sent, err := c.Send(ctx, bauantrag())
	require.NoError(t, err)
	assert.Equal(t, fitconnect.Accepted, <-outcomes)
	status, err := c.Status(ctx, sent)
	require.NoError(t, err)
	assert.Equal(t, "accepted", status.State)
}
