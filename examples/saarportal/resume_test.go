package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/internal/testenv"
)

// backends are the shared databases the portal runs on: embedded SQLite
// and PostgreSQL (a fresh database per test; skipped locally without
// OZG_TEST_POSTGRES_DSN, failing in CI).
var backends = []struct {
	name string
	opt  func(t *testing.T) func(*Config)
}{
	{"sqlite", func(*testing.T) func(*Config) { return func(*Config) {} }},
	{"postgres", func(t *testing.T) func(*Config) {
		dsn := testenv.PostgresDatabase(t)
		return func(c *Config) { c.Postgres = dsn }
	}},
}

// manual lets the test drive the resumer (one pass at start, then an
// hour's wait) with a short lease.
func manual(c *Config) { c.Ha.ResumeEvery, c.Ha.PaymentPoll = time.Hour, time.Hour }

// due makes every active application due for the resumer now.
func due(t *testing.T, s *site) {
	_, err := s.db.exec(t.Context(), `UPDATE saarportal_applications SET next_at = 0`)
	require.NoError(t, err)
}

// paid starts an application of tenant 0 for the citizen and pays it at
// the Bezahldienst; the citizen does not come back.
func paid(t *testing.T, s *site, ts []Tenant) *Started {
	id := &account.Identity{Subject: "bpk2-resume", Person: &account.Person{
		GivenNames: account.Claim[string]{Value: "ANNA"}, FamilyName: account.Claim[string]{Value: "MUSTER"},
		Email: account.Claim[string]{Value: "anna@example.org"}}}
	st, err := s.Start(t.Context(), id, ts[0].ARS, ts[0].Services[0].Leika)
	require.NoError(t, err)
	require.NoError(t, s.world.Pay[ts[0].ARS].Pay(st.TransactionID))
	return st
}

// crashedSend is an instance that claimed the paid application, stored
// the announced submission and died: before uploading anything
// (crashErr) or after the submission went through but before it wrote
// EINGEREICHT (nil). Its lease has expired.
func crashedSend(t *testing.T, s *site, appID string, crashErr error) {
	ctx := t.Context()
	a, rt, err := s.loadApp(ctx, appID)
	require.NoError(t, err)
	tx, err := rt.pay.Sync(ctx, a.PaymentKey)
	require.NoError(t, err)
	const dead = "dead-instance:1"
	ok, err := s.claim(ctx, a.ID, dead)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.move(ctx, a, dead, StatePaid, ""))
	require.NoError(t, s.move(ctx, a, dead, StateSending, ""))
	_, err = rt.fc.Send(ctx, s.submission(rt, a, tx, func(ctx context.Context, sub *fitconnect.SentSubmission) error {
		_, err := s.db.exec(ctx, `UPDATE saarportal_applications SET submission_id = ?, case_id = ?, tags = ? WHERE id = ?`,
			sub.SubmissionID, sub.CaseID, encodeTags(sub.AuthenticationTags), a.ID)
		require.NoError(t, err)
		return crashErr
	}))
	require.ErrorIs(t, err, crashErr)
	_, err = s.db.exec(ctx, `UPDATE saarportal_applications SET lease_until = 1 WHERE id = ?`, a.ID)
	require.NoError(t, err)
}

// TestResumeAfterCrash: whatever step an instance died in, the resumer of
// any instance finishes the application — submitted exactly once (the
// authority accepts it once), the notice enqueued once — and never takes
// a live lease.
func TestResumeAfterCrash(t *testing.T) {
	errCrash := errors.New("SIGKILL")
	cases := []struct {
		name string
		// crash leaves the application as the dead instance did.
		crash func(t *testing.T, s *site, appID string)
		// announced is how many submissions the Zustelldienst saw
		// announced in the end (an orphan of an attempt that died
		// before submitting is one more).
		announced int
	}{
		{"paid, citizen never came back", func(*testing.T, *site, string) {}, 1},
		{"died after announcing, before uploading", func(t *testing.T, s *site, id string) { crashedSend(t, s, id, errCrash) }, 2},
		{"died after submitting, before recording it", func(t *testing.T, s *site, id string) { crashedSend(t, s, id, nil) }, 1},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					ts := defaults(t)
					s := startPortal(t, ts, b.opt(t), manual)
					ctx := t.Context()
					a := paid(t, s, ts)
					c.crash(t, s, a.ID)
					due(t, s)
					n, err := s.ResumeOnce(ctx)
					require.NoError(t, err)
					assert.Equal(t, 1, n)
					got, _, err := s.loadApp(ctx, a.ID)
					require.NoError(t, err)
					require.Equal(t, StateSubmitted, got.Status)
					_, err = s.auth[ts[0].ARS].poll(ctx)
					require.NoError(t, err)
					due(t, s)
					_, err = s.ResumeOnce(ctx)
					require.NoError(t, err)
					got, _, err = s.loadApp(ctx, a.ID)
					require.NoError(t, err)
					assert.Equal(t, StateReceived, got.Status)
					assert.Equal(t, []string{a.ID}, s.auth[ts[0].ARS].Received(), "submitted exactly once")
					assert.Equal(t, c.announced, s.world.announced(ts[0].ARS))
					assert.Equal(t, []string{a.TransactionID}, s.world.Pay[ts[0].ARS].TransactionIDs(), "one fee")
					_, err = s.waitNotice(ctx, ts[0].ARS, a.ID)
					require.NoError(t, err)
					// Nothing is left to do.
					due(t, s)
					n, err = s.ResumeOnce(ctx)
					require.NoError(t, err)
					assert.Zero(t, n)
				})
			}
			t.Run("a live lease is not taken", func(t *testing.T) {
				ts := defaults(t)
				s := startPortal(t, ts, b.opt(t), manual)
				ctx := t.Context()
				a := paid(t, s, ts)
				ok, err := s.claim(ctx, a.ID, "other-instance:1")
				require.NoError(t, err)
				require.True(t, ok)
				due(t, s)
				n, err := s.ResumeOnce(ctx)
				require.NoError(t, err)
				assert.Zero(t, n)
				ok, err = s.claim(ctx, a.ID, "third-instance:1")
				require.NoError(t, err)
				assert.False(t, ok)
				assert.Zero(t, s.world.announced(ts[0].ARS))
			})
			t.Run("a lost lease writes nothing", func(t *testing.T) {
				ts := defaults(t)
				s := startPortal(t, ts, b.opt(t), manual)
				ctx := t.Context()
				a := paid(t, s, ts)
				ok, err := s.claim(ctx, a.ID, "slow-instance:1")
				require.NoError(t, err)
				require.True(t, ok)
				_, err = s.db.exec(ctx, `UPDATE saarportal_applications SET lease_owner = 'new-instance:1'`)
				require.NoError(t, err)
				require.ErrorIs(t, s.move(ctx, a.Application, "slow-instance:1", StatePaid, ""), errLeaseLost)
				got, _, err := s.loadApp(ctx, a.ID)
				require.NoError(t, err)
				assert.Equal(t, StatePayment, got.Status)
			})
		})
	}
}

// TestTourPostgres: the tour of a citizen of each municipality with every
// store on one PostgreSQL pool (sessions, pending SAML requests,
// payments, river, the application table).
func TestTourPostgres(t *testing.T) {
	ts := defaults(t)
	s := startPortal(t, ts, backends[1].opt(t))
	results, err := s.tour(t.Context(), t.Logf, citizens(ts))
	require.NoError(t, err)
	require.Len(t, results, len(ts))
	for i, r := range results {
		assert.Equal(t, ts[i].Sender.EmailFrom, r.From)
		assert.Equal(t, []string{r.AppID}, s.auth[ts[i].ARS].Received())
	}
}
