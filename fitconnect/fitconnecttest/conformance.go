package fitconnecttest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/fitconnect"
)

// StoreConformance checks a fitconnect.Store (SQLite or PostgreSQL) for
// the semantics Client.Process relies on: Begin claims once, Decide keeps
// the outcome, Release frees only a processing receipt, Done is final.
func StoreConformance(t *testing.T, newStore func(t *testing.T) *fitconnect.Store) {
	t.Helper()
	ctx := context.Background()
	st := newStore(t)
	ref := fitconnect.SubmissionRef{DestinationID: DestinationID, SubmissionID: uuid.NewString(), CaseID: uuid.NewString()}
	fail := func(format string, args ...any) { t.Helper(); t.Fatalf("store conformance: "+format, args...) }

	if r, err := st.Get(ctx, ref.SubmissionID); err != nil || r != nil {
		fail("Get of an unknown submission = %v, %v", r, err)
	}
	if _, err := st.Begin(ctx, ref); err != nil {
		fail("first Begin: %v", err)
	}
	r, err := st.Begin(ctx, ref)
	if !errors.Is(err, fitconnect.ErrReceiptExists) || r == nil || r.State != fitconnect.ReceiptProcessing {
		fail("second Begin = %v, %v; want the processing receipt and ErrReceiptExists", r, err)
	}
	if err := st.Decide(ctx, ref.SubmissionID, []byte(`{"event":"x"}`)); err != nil {
		fail("Decide: %v", err)
	}
	if err := st.Release(ctx, ref.SubmissionID); err != nil {
		fail("Release: %v", err)
	}
	r, err = st.Get(ctx, ref.SubmissionID)
	if err != nil || r == nil || r.State != fitconnect.ReceiptDecided || string(r.Outcome) != `{"event":"x"}` || r.CaseID != ref.CaseID {
		fail("a decided receipt must survive Release with its outcome: %v, %v", r, err)
	}
	if err := st.Done(ctx, ref.SubmissionID); err != nil {
		fail("Done: %v", err)
	}
	if r, _ = st.Get(ctx, ref.SubmissionID); r == nil || r.State != fitconnect.ReceiptDone {
		fail("state after Done = %v", r)
	}
	if err := st.Done(ctx, uuid.NewString()); err == nil {
		fail("Done of an unknown submission succeeded")
	}
	other := fitconnect.SubmissionRef{DestinationID: DestinationID, SubmissionID: uuid.NewString(), CaseID: uuid.NewString()}
	if _, err := st.Begin(ctx, other); err != nil {
		fail("Begin: %v", err)
	}
	if err := st.Release(ctx, other.SubmissionID); err != nil {
		fail("Release: %v", err)
	}
	if r, _ := st.Get(ctx, other.SubmissionID); r != nil {
		fail("a released processing receipt is still there")
	}
}
