package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/trace"
)

// Handler is the caller's process for a received and checked submission
// (e.g. starting the case in the Fachverfahren). A [*SubmissionError]
// (see [NewProblem]) rejects the submission with its problem; any other
// error means the process did not take the submission; it is offered
// again later.
type Handler func(ctx context.Context, s *ReceivedSubmission) error

// Outcome is what [Client.Process] did.
type Outcome string

const (
	// Accepted: the handler ran (now or before a crash) and the accept
	// event was delivered.
	Accepted Outcome = "accepted"
	// Rejected: the submission failed a check and the reject event with
	// its problem was delivered; the handler did not run.
	Rejected Outcome = "rejected"
	// AlreadyDone: an earlier call delivered the event.
	AlreadyDone Outcome = "already-done"
)

type decision struct {
	Event              string              `json:"event"`
	AuthenticationTags *AuthenticationTags `json:"authenticationTags,omitempty"`
	Problems           []Problem           `json:"problems,omitempty"`
}

// Process receives ref exactly once per store: it records "processing"
// before h runs and the decided event after it, then delivers the event.
// On redelivery (callback or list again, another instance, a restart)
//   - a delivered decision is not repeated (AlreadyDone);
//   - a decided but undelivered event is delivered, h is not called;
//   - a receipt still "processing" (a crash during or right after h)
//     means the process started: the submission is accepted without
//     calling h again, as the FIT-Connect receivers do.
//
// A submission failing a check is rejected with its problem and h is not
// called. A transport error leaves no record, so the call can be repeated.
func (c *Client) Process(ctx context.Context, store *Store, ref SubmissionRef, h Handler) (out Outcome, err error) {
	ctx, op := c.startOp(ctx, opProcess, trace.SpanKindInternal, "")
	defer func() { processOutcome(op, out); op.End(&err) }()
	if store == nil || h == nil {
		return "", fmt.Errorf("%w: Process needs a store and a handler", ErrInvalidConfig)
	}
	rec, err := store.Get(ctx, ref.SubmissionID)
	if err != nil {
		return "", err
	}
	if rec != nil {
		return c.resume(ctx, store, rec)
	}
	rs, err := c.Receive(ctx, ref)
	var se *SubmissionError
	if errors.As(err, &se) {
		if _, err := store.Begin(ctx, ref); err != nil {
			return "", err
		}
		return c.decide(ctx, store, ref, decision{Event: EventRejectSubmission, Problems: []Problem{se.Problem}})
	}
	if err != nil {
		return "", err
	}
	if _, err := store.Begin(ctx, rs.SubmissionRef); err != nil {
		return "", err
	}
	if err := h(ctx, rs); err != nil {
		if errors.As(err, &se) {
			// The handler found the content invalid (e.g. the XML
			// signature): reject it with the handler's problem.
			return c.decide(ctx, store, rs.SubmissionRef, decision{Event: EventRejectSubmission, Problems: []Problem{se.Problem}})
		}
		if rerr := store.Release(ctx, ref.SubmissionID); rerr != nil {
			return "", errors.Join(err, rerr)
		}
		return "", err
	}
	tags := rs.AuthenticationTags
	return c.decide(ctx, store, rs.SubmissionRef, decision{Event: EventAcceptSubmission, AuthenticationTags: &tags})
}

func (c *Client) resume(ctx context.Context, store *Store, rec *Receipt) (Outcome, error) {
	switch rec.State {
	case ReceiptDone:
		return AlreadyDone, nil
	case ReceiptDecided:
		var d decision
		if err := json.Unmarshal(rec.Outcome, &d); err != nil {
			return "", fmt.Errorf("fitconnect: store: unreadable decision: %w", err)
		}
		return c.deliver(ctx, store, rec.SubmissionRef, d)
	}
	// Processing: the handler started before a crash; accept without it.
	rs, err := c.Receive(ctx, rec.SubmissionRef)
	if err != nil {
		return "", err
	}
	tags := rs.AuthenticationTags
	return c.decide(ctx, store, rec.SubmissionRef, decision{Event: EventAcceptSubmission, AuthenticationTags: &tags})
}

func (c *Client) decide(ctx context.Context, store *Store, ref SubmissionRef, d decision) (Outcome, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("fitconnect: encode decision: %w", err)
	}
	if err := store.Decide(ctx, ref.SubmissionID, raw); err != nil {
		return "", err
	}
	return c.deliver(ctx, store, ref, d)
}

func (c *Client) deliver(ctx context.Context, store *Store, ref SubmissionRef, d decision) (Outcome, error) {
	var err error
	out := Accepted
	if d.Event == EventRejectSubmission {
		out = Rejected
		err = c.postEvent(ctx, ref, d.Event, map[string]any{"problems": d.Problems})
	} else {
		if d.AuthenticationTags == nil {
			return "", fmt.Errorf("%w: store: accept without authentication tags", ErrInvalidArgument)
		}
		err = c.postEvent(ctx, ref, d.Event, map[string]any{"authenticationTags": d.AuthenticationTags})
	}
	if err != nil {
		return "", err
	}
	return out, store.Done(ctx, ref.SubmissionID)
}
