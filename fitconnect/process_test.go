package fitconnect_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

func sendOne(t *testing.T, sim *fitconnecttest.Sim, c *fitconnect.Client, faults ...fitconnecttest.Fault) fitconnect.SubmissionRef {
	t.Helper()
	sim.Inject(faults...)
	s, err := c.Send(context.Background(), bauantrag())
	require.NoError(t, err)
	return fitconnect.SubmissionRef{DestinationID: s.DestinationID, SubmissionID: s.SubmissionID, CaseID: s.CaseID}
}

func openStore(t *testing.T) *fitconnect.Store {
	t.Helper()
	st, err := fitconnect.OpenSQLite(context.Background(), ":memory:")
	require.NoError(t, err)
	return st
}

func TestProcessOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	st := openStore(t)
	ref := sendOne(t, sim, c)
	calls := 0
	h := func(context.Context, *fitconnect.ReceivedSubmission) error { calls++; return nil }
	out, err := c.Process(ctx, st, ref, h)
	require.NoError(t, err)
	assert.Equal(t, fitconnect.Accepted, out)
	out, err = c.Process(ctx, st, ref, h)
	require.NoError(t, err)
	assert.Equal(t, fitconnect.AlreadyDone, out)
	assert.Equal(t, 1, calls)
}

func TestProcessCrashBetweenHandlerAndAccept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	st := openStore(t)
	ref := sendOne(t, sim, c)
	calls := 0
	h := func(context.Context, *fitconnect.ReceivedSubmission) error {
		calls++
		// The Zustelldienst fails every try of the accept POST.
		sim.Inject(fitconnecttest.Fault5xx, fitconnecttest.Fault5xx, fitconnecttest.Fault5xx, fitconnecttest.Fault5xx)
		return nil
	}
	_, err := c.Process(ctx, st, ref, h)
	var pe *fitconnect.ProblemError
	require.ErrorAs(t, err, &pe)
	rec, err := st.Get(ctx, ref.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, fitconnect.ReceiptDecided, rec.State, "the accept is recorded, not lost")

	out, err := c.Process(ctx, st, ref, h)
	require.NoError(t, err)
	assert.Equal(t, fitconnect.Accepted, out)
	assert.Equal(t, 1, calls, "the process never starts twice")
}

func TestProcessCrashDuringHandler(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	st := openStore(t)
	ref := sendOne(t, sim, c)
	_, err := st.Begin(ctx, ref) // a crashed instance had started the handler
	require.NoError(t, err)
	out, err := c.Process(ctx, st, ref, func(context.Context, *fitconnect.ReceivedSubmission) error {
		t.Fatal("handler started twice")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, fitconnect.Accepted, out)
}

func TestProcessHandlerErrorReleases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	st := openStore(t)
	ref := sendOne(t, sim, c)
	boom := errors.New("fachverfahren down")
	_, err := c.Process(ctx, st, ref, func(context.Context, *fitconnect.ReceivedSubmission) error { return boom })
	require.ErrorIs(t, err, boom)
	rec, err := st.Get(ctx, ref.SubmissionID)
	require.NoError(t, err)
	assert.Nil(t, rec)
	out, err := c.Process(ctx, st, ref, func(context.Context, *fitconnect.ReceivedSubmission) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, fitconnect.Accepted, out)
}

func TestProcessRejectsBadSubmission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	st := openStore(t)
	ref := sendOne(t, sim, c, fitconnecttest.FaultHashMismatch)
	out, err := c.Process(ctx, st, ref, func(context.Context, *fitconnect.ReceivedSubmission) error {
		t.Fatal("handler called for an invalid submission")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, fitconnect.Rejected, out)
	_, err = fitconnect.NewSQLite(ctx, nil)
	require.ErrorIs(t, err, fitconnect.ErrInvalidConfig)
}
