package fitconnect_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

func TestSenderFaults(t *testing.T) {
	t.Parallel()
	const announce = "POST /submission-api/v2/submissions"
	cases := []struct {
		name   string
		faults []fitconnecttest.Fault
		check  func(t *testing.T, sim *fitconnecttest.Sim, sent *fitconnect.SentSubmission, err error)
	}{
		{"5xx on a GET is retried", []fitconnecttest.Fault{fitconnecttest.Fault5xx}, func(t *testing.T, _ *fitconnecttest.Sim, _ *fitconnect.SentSubmission, err error) {
			require.NoError(t, err)
		}},
		{"429 with RateLimit-Reset is retried", []fitconnecttest.Fault{fitconnecttest.Fault429}, func(t *testing.T, _ *fitconnecttest.Sim, _ *fitconnect.SentSubmission, err error) {
			require.NoError(t, err)
		}},
		{"lost announce answer is not retried", []fitconnecttest.Fault{fitconnecttest.FaultLostAnnounce}, func(t *testing.T, sim *fitconnecttest.Sim, _ *fitconnect.SentSubmission, err error) {
			require.ErrorIs(t, err, fitconnect.ErrAnnounceUnknown)
			var ae *fitconnect.AnnounceUnknownError
			require.ErrorAs(t, err, &ae)
			assert.Len(t, ae.AttachmentIDs, 2)
			assert.Equal(t, 1, sim.Requests(announce))
			assert.Equal(t, 1, sim.Submissions())
		}},
		{"expired token is renewed", []fitconnecttest.Fault{fitconnecttest.FaultExpireTokens}, func(t *testing.T, _ *fitconnecttest.Sim, _ *fitconnect.SentSubmission, err error) {
			require.NoError(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := fitconnecttest.Start(t)
			c := newClient(t, sim)
			// Take a token first so that the faults hit API calls.
			_, err := c.Destination(context.Background(), fitconnecttest.DestinationID)
			require.NoError(t, err)
			sim.Inject(tc.faults...)
			sent, err := c.Send(context.Background(), bauantrag())
			tc.check(t, sim, sent, err)
		})
	}
}

func TestAnnounceProblemIsTyped(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	s := bauantrag()
	s.DestinationID = "00000000-0000-4000-8000-000000000000"
	_, err := c.Send(context.Background(), s)
	var pe *fitconnect.ProblemError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, http.StatusNotFound, pe.Status)
	assert.Equal(t, "https://schema.fitko.de/fit-connect/submission-api/problems/destination-not-found", pe.Type)
}

func TestSenderRefusesDestination(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	cases := map[string]func(*fitconnect.Submission){
		"service not offered":  func(s *fitconnect.Submission) { s.ServiceIdentifier = "urn:de:fim:leika:leistung:99000000000000" },
		"schema not accepted":  func(s *fitconnect.Submission) { s.DataSchemaURI = "urn:other" },
		"bad data mime type":   func(s *fitconnect.Submission) { s.DataMimeType = "text/plain" },
		"destination not uuid": func(s *fitconnect.Submission) { s.DestinationID = "../keys" },
		"attachment mime":      func(s *fitconnect.Submission) { s.Attachments[0].MimeType = "" },
		"schema violation":     func(s *fitconnect.Submission) { s.ReplyChannel.EMail.Address = "" },
	}
	for name, mod := range cases {
		s := bauantrag()
		mod(&s)
		_, err := c.Send(context.Background(), s)
		require.Error(t, err, name)
	}
	assert.Equal(t, 0, sim.Submissions(), "nothing announced")
}

func TestStatusRefusesBadSETs(t *testing.T) {
	t.Parallel()
	for _, f := range []fitconnecttest.Fault{fitconnecttest.FaultSETWrongAlg, fitconnecttest.FaultSETWrongTyp, fitconnecttest.FaultSETWrongKid, fitconnecttest.FaultSETTwoEvents} {
		sim := fitconnecttest.Start(t)
		c := newClient(t, sim)
		sim.Inject(f)
		sent, err := c.Send(context.Background(), bauantrag())
		require.NoError(t, err)
		_, err = c.Status(context.Background(), sent)
		require.ErrorIs(t, err, fitconnect.ErrEventLog, "fault %d", f)
	}
}

func TestReceiveRefusesBadSubmissions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fault   fitconnecttest.Fault
		problem string
	}{
		{fitconnecttest.FaultTamperAttachment, fitconnect.ProblemEncryption},
		{fitconnecttest.FaultHashMismatch, fitconnect.ProblemHashMismatch},
	} {
		sim := fitconnecttest.Start(t)
		c := newClient(t, sim)
		sim.Inject(tc.fault)
		sent, err := c.Send(context.Background(), bauantrag())
		require.NoError(t, err)
		ref := fitconnect.SubmissionRef{DestinationID: sent.DestinationID, SubmissionID: sent.SubmissionID, CaseID: sent.CaseID}
		_, err = c.Receive(context.Background(), ref)
		var se *fitconnect.SubmissionError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, tc.problem, se.Problem.Type)
		// Nothing was sent; the submission is still there and can be rejected.
		page, err := c.ListSubmissions(context.Background(), fitconnecttest.DestinationID, 0, 10)
		require.NoError(t, err)
		assert.Len(t, page.Submissions, 1)
		require.NoError(t, c.Reject(context.Background(), ref, se.Problem))
		st, err := c.Status(context.Background(), sent)
		require.NoError(t, err)
		assert.Equal(t, "rejected", st.State)
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	before, err := c.Send(context.Background(), bauantrag())
	require.NoError(t, err)
	sim.RotateKey()
	after, err := c.Send(context.Background(), bauantrag())
	require.NoError(t, err)
	for _, s := range []*fitconnect.SentSubmission{before, after} {
		_, err := c.Receive(context.Background(), fitconnect.SubmissionRef{DestinationID: s.DestinationID, SubmissionID: s.SubmissionID, CaseID: s.CaseID})
		require.NoError(t, err)
	}
	// A subscriber that only has the old key cannot read the new one.
	old := newClient(t, sim, func(cfg *fitconnect.Config) { cfg.DecryptionKeys = cfg.DecryptionKeys[:1] })
	_, err = old.Receive(context.Background(), fitconnect.SubmissionRef{DestinationID: after.DestinationID, SubmissionID: after.SubmissionID, CaseID: after.CaseID})
	require.ErrorIs(t, err, fitconnect.ErrInvalidSubmission)
}

func TestUntrustedDestinationKey(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim, func(cfg *fitconnect.Config) { cfg.TrustStore = untrustedStore(t) })
	_, err := c.Send(context.Background(), bauantrag())
	require.ErrorIs(t, err, fitconnect.ErrUntrustedKey)
	assert.Equal(t, 0, sim.Submissions())
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	cases := map[string]func(*fitconnect.Config){
		"no client id":             func(c *fitconnect.Config) { c.ClientID = "" },
		"http without development": func(c *fitconnect.Config) { c.InsecureDevelopment = false },
		"no trust store":           func(c *fitconnect.Config) { c.TrustStore = nil },
		"insecure in production":   func(c *fitconnect.Config) { c.Environment.Production = true },
		"signing key without kid":  func(c *fitconnect.Config) { c.SigningKeyID = "" },
		"unknown api version":      func(c *fitconnect.Config) { c.APIVersion = 7 },
		"token url not a url":      func(c *fitconnect.Config) { c.Environment.TokenURL = "::" },
		"production test keys": func(c *fitconnect.Config) {
			c.Environment = fitconnect.PROD
			c.InsecureDevelopment = false
			c.InsecureTestKeys = true
		},
	}
	for name, mod := range cases {
		cfg := sim.Config()
		mod(&cfg)
		_, err := fitconnect.New(cfg)
		require.ErrorIs(t, err, fitconnect.ErrInvalidConfig, name)
	}
	_, err := fitconnect.New(sim.Config())
	require.NoError(t, err)
	require.False(t, errors.Is(err, fitconnect.ErrInvalidConfig))
}

func TestDestinationKeyChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		fault     fitconnecttest.Fault
		testKeys  bool
		wantError bool
	}{
		{"self-signed key without anchor", fitconnecttest.FaultSelfSignedKey, false, true},
		{"self-signed key with InsecureTestKeys", fitconnecttest.FaultSelfSignedKey, true, false},
		{"RSA-2048 key", fitconnecttest.FaultWeakKey, false, true},
		{"RSA-2048 key even with InsecureTestKeys", fitconnecttest.FaultWeakKey, true, true},
		{"alg PS512 on the encryption key", fitconnecttest.FaultKeyWrongAlg, false, true},
		{"alg PS512 with InsecureTestKeys", fitconnecttest.FaultKeyWrongAlg, true, true},
		{"x5c of another key", fitconnecttest.FaultKeyMismatch, false, true},
		{"x5c of another key with InsecureTestKeys", fitconnecttest.FaultKeyMismatch, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := fitconnecttest.Start(t)
			c := newClient(t, sim, func(cfg *fitconnect.Config) {
				if tc.testKeys {
					cfg.TrustStore, cfg.InsecureTestKeys = nil, true
				}
			})
			sim.Inject(tc.fault)
			_, err := c.Send(context.Background(), bauantrag())
			if !tc.wantError {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, fitconnect.ErrUntrustedKey)
			assert.Equal(t, 0, sim.Submissions(), "nothing announced")
		})
	}
}

func TestTokenCachedUntilExpiryMinusSkew(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	c := newClient(t, sim, func(cfg *fitconnect.Config) { cfg.Now = func() time.Time { return now } })
	ctx := context.Background()
	get := func() {
		_, err := c.Destination(ctx, fitconnecttest.DestinationID)
		require.NoError(t, err)
	}
	get()
	get()
	assert.Equal(t, 1, sim.Requests("POST /token"), "cached")
	now = now.Add(28 * time.Minute) // 30 min lifetime, 1 min skew: still valid
	get()
	assert.Equal(t, 1, sim.Requests("POST /token"))
	now = now.Add(90 * time.Second) // within the skew: renewed
	get()
	assert.Equal(t, 2, sim.Requests("POST /token"))
}

// TestSendAnnouncedHook: Announced sees the IDs and tags before anything
// is uploaded; its error stops Send with nothing submitted (the event log
// shows the submission incomplete), so a sender that stored the IDs can
// tell after a crash whether to send again.
func TestSendAnnouncedHook(t *testing.T) {
	t.Parallel()
	errStore := errors.New("store down")
	cases := []struct {
		name      string
		hookErr   error
		wantState string
	}{
		{"hook error stops before any upload", errStore, "incomplete"},
		{"hook ok, submission submitted", nil, "submitted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := fitconnecttest.Start(t)
			c := newClient(t, sim)
			s := bauantrag()
			var seen *fitconnect.SentSubmission
			s.Announced = func(_ context.Context, a *fitconnect.SentSubmission) error {
				seen = &fitconnect.SentSubmission{SubmissionID: a.SubmissionID, CaseID: a.CaseID, DestinationID: a.DestinationID,
					AuthenticationTags: a.AuthenticationTags}
				return tc.hookErr
			}
			sent, err := c.Send(context.Background(), s)
			require.ErrorIs(t, err, tc.hookErr)
			require.NotNil(t, seen)
			require.NotNil(t, sent)
			assert.Equal(t, sent.SubmissionID, seen.SubmissionID)
			assert.NotEmpty(t, seen.AuthenticationTags.Data)
			st, err := c.Status(context.Background(), seen)
			require.NoError(t, err)
			assert.Equal(t, tc.wantState, st.State)
		})
	}
}
