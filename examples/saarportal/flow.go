package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/payment/paytype"
)

// The application's state machine after the citizen's action. Every
// state is in the shared database; every step is done by whoever holds
// the application's lease (lease_owner, lease_until): the citizen's own
// request or the resumer of any instance. A step that outlives its lease
// cannot write (every write names the owner), and the FIT-Connect send
// is bounded by half the lease, so two instances never both submit.
//
//	ZAHLUNG ──PAYED pulled──▶ BEZAHLT ──claim──▶ WIRD_EINGEREICHT ──PUT done──▶ EINGEREICHT ──accept/reject──▶ EINGEGANGEN / ZURUECKGEWIESEN
//	   └──canceled/failed/expired──▶ ABGEBROCHEN
//
// WIRD_EINGEREICHT stores the submission and case ID before anything is
// uploaded (fitconnect.Submission.Announced). Whoever takes over such an
// application reads the case's event log: "incomplete" means the old
// attempt never submitted and it sends again (the orphan announcement
// expires at the Zustelldienst); any later state means it was submitted.

// Further application states.
const (
	StatePaid     = "BEZAHLT"     // fee paid, submission not yet started
	StateAborted  = "ABGEBROCHEN" // fee canceled, failed or expired
	leaseFree     = ""
	claimAttempts = 250 // a citizen's request waits up to 250 × 20 ms for a busy lease
)

// active are the states the resumer works on.
var active = []any{StatePayment, StatePaid, StateSending, StateSubmitted}

// errLeaseLost: the application's lease passed to another owner while
// this one worked; its result is not written.
var errLeaseLost = errors.New("saarportal: lease lost")

func (p *Portal) newOwner() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return p.instance + ":" + hex.EncodeToString(b[:])
}

func nowMS() int64 { return time.Now().UnixMilli() }

// claim takes the application's lease when it is free (or expired) and
// the application is active.
func (p *Portal) claim(ctx context.Context, id, owner string) (bool, error) {
	now := nowMS()
	n, err := p.db.exec(ctx, `UPDATE saarportal_applications SET lease_owner = ?, lease_until = ?
		WHERE id = ? AND lease_until < ? AND status IN (?,?,?,?)`,
		append([]any{owner, now + p.cfg.Ha.Lease.Milliseconds(), id, now}, active...)...)
	return n == 1, err
}

// release frees the lease and schedules the resumer's next look.
func (p *Portal) release(ctx context.Context, a *Application, owner string, next time.Duration) {
	if _, err := p.db.exec(context.WithoutCancel(ctx), `UPDATE saarportal_applications SET lease_owner = '', lease_until = 0,
		next_at = ?, attempts = attempts + 1 WHERE id = ? AND lease_owner = ?`, time.Now().Add(next).UnixMilli(), a.ID, owner); err != nil {
		p.log.Warn("release lease", "application", a.ID, "err", err)
	}
}

// renew gives the lease holder a full lease again before a step, unless
// the lease has already run out (then another instance may hold it): a
// resumer works through its batch one application after the other, and
// each step — above all a send, bounded by half the lease — must start
// with the whole lease ahead of it.
func (p *Portal) renew(ctx context.Context, a *Application, owner string) error {
	now := nowMS()
	n, err := p.db.exec(ctx, `UPDATE saarportal_applications SET lease_until = ? WHERE id = ? AND lease_owner = ? AND lease_until >= ?`,
		now+p.cfg.Ha.Lease.Milliseconds(), a.ID, owner, now)
	if err == nil && n != 1 {
		err = errLeaseLost
	}
	return err
}

// move writes a state change of the lease holder.
func (p *Portal) move(ctx context.Context, a *Application, owner, to string, set string, args ...any) error {
	q := `UPDATE saarportal_applications SET status = ?` + set + ` WHERE id = ? AND lease_owner = ? AND status = ?`
	n, err := p.db.exec(ctx, q, append(append([]any{to}, args...), a.ID, owner, a.Status)...)
	if err == nil && n != 1 {
		err = errLeaseLost
	}
	if err == nil {
		a.Status = to
	}
	return err
}

// advance moves a claimed application on as far as it can go now and
// reports when the resumer should look again (0: nothing left to do).
func (p *Portal) advance(ctx context.Context, rt *tenantRuntime, a *Application, owner string) (time.Duration, error) {
	for {
		if !isActive(a.Status) {
			return 0, nil
		}
		if err := p.renew(ctx, a, owner); err != nil {
			return 0, err
		}
		switch a.Status {
		case StatePayment:
			tx, err := p.paymentStatus(ctx, rt, a)
			if err != nil {
				return p.cfg.Ha.ResumeEvery, err
			}
			switch tx.Status {
			case paytype.StatusPaid:
				if err := p.move(ctx, a, owner, StatePaid, ""); err != nil {
					return 0, err
				}
			case paytype.StatusCanceled, paytype.StatusFailed:
				return 0, p.move(ctx, a, owner, StateAborted, "")
			default:
				return p.paymentBackoff(a), ErrNotPaid
			}
		case StatePaid, StateSending:
			if err := p.submit(ctx, rt, a, owner); err != nil {
				if !errors.Is(err, errLeaseLost) {
					// A failed attempt; the resumer tries again.
					p.metrics.application(ctx, rt.ARS, a.Leika, "failed")
				}
				return p.cfg.Ha.ResumeEvery, err
			}
			// Just submitted: the authority's accept is read on the next
			// look, not in the same breath (it saves an event-log read).
			if a.Status == StateSubmitted && a.sent != nil {
				return p.cfg.Ha.ResumeEvery, nil
			}
		case StateSubmitted:
			done, err := p.receipt(ctx, rt, a)
			if err != nil || !done {
				return p.cfg.Ha.ResumeEvery, err
			}
		default:
			return 0, nil
		}
	}
}

// paymentStatus is the fee's status: as stored when it is final there
// (the tenant's payment.Client.Run reconciles in the background), else
// pulled from the tenant's Bezahldienst now (payment.Client.Sync; the
// redirect is never trusted).
func (p *Portal) paymentStatus(ctx context.Context, rt *tenantRuntime, a *Application) (*paytype.Transaction, error) {
	if tx, err := rt.pay.Get(ctx, a.PaymentKey); err == nil && tx.Status.Terminal() {
		return tx, nil
	}
	tx, err := rt.pay.Sync(ctx, a.PaymentKey)
	if err != nil {
		return nil, fmt.Errorf("payment: %w", err)
	}
	return tx, nil
}

// paymentBackoff spaces the resumer's polls of an unpaid fee: ResumeEvery
// doubling per attempt, at most a minute.
func (p *Portal) paymentBackoff(a *Application) time.Duration {
	d := p.cfg.Ha.ResumeEvery << min(a.attempts, 6)
	return min(d, time.Minute)
}

// submit sends the signed message through FIT-Connect exactly once: the
// submission's IDs are stored before anything is uploaded; a stored
// submission is looked up in the event log, not sent again.
func (p *Portal) submit(ctx context.Context, rt *tenantRuntime, a *Application, owner string) error {
	if a.Status == StateSending && a.SubmissionID != "" {
		st, err := rt.fc.Status(ctx, a.sentSubmission())
		if err != nil {
			return fmt.Errorf("fitconnect: %w", err)
		}
		if st.State != "incomplete" {
			return p.move(ctx, a, owner, StateSubmitted, "")
		}
		// The previous attempt died before submitting: send again.
	}
	if a.Status == StatePaid {
		if err := p.move(ctx, a, owner, StateSending, ""); err != nil {
			return err
		}
	}
	tx, err := rt.pay.Get(ctx, a.PaymentKey)
	if err != nil {
		return fmt.Errorf("payment: %w", err)
	}
	// Half the lease: a send that is still running when the lease ends
	// would race the instance that takes over.
	sendCtx, cancel := context.WithTimeout(ctx, p.cfg.Ha.Lease/2)
	defer cancel()
	sent, err := rt.fc.Send(sendCtx, p.submission(rt, a, tx, func(ctx context.Context, s *fitconnect.SentSubmission) error {
		n, err := p.db.exec(ctx, `UPDATE saarportal_applications SET submission_id = ?, case_id = ?, tags = ?
			WHERE id = ? AND lease_owner = ? AND status = ?`,
			s.SubmissionID, s.CaseID, encodeTags(s.AuthenticationTags), a.ID, owner, StateSending)
		if err == nil && n != 1 {
			err = errLeaseLost
		}
		return err
	}))
	if err != nil {
		return fmt.Errorf("fitconnect: %w", err)
	}
	a.SubmissionID, a.CaseID, a.tags, a.sent = sent.SubmissionID, sent.CaseID, encodeTags(sent.AuthenticationTags), sent
	if err := p.move(ctx, a, owner, StateSubmitted, ""); err != nil {
		return err
	}
	p.metrics.application(ctx, a.ARS, a.Leika, "submitted")
	return nil
}

// submission is the application as FIT-Connect submission; announced
// stores its IDs before anything is uploaded.
func (p *Portal) submission(rt *tenantRuntime, a *Application, tx *paytype.Transaction, announced func(context.Context, *fitconnect.SentSubmission) error) fitconnect.Submission {
	svc, _ := rt.Service(a.Leika)
	gross := s2f(tx.Request.Total)
	return fitconnect.Submission{
		DestinationID: a.Destination, ServiceName: svc.Name,
		ServiceIdentifier: "urn:de:fim:leika:leistung:" + svc.Leika, Region: rt.ARS,
		Data: a.message, DataMimeType: "application/xml", DataSchemaURI: a.schemaURI,
		Payment: &fitconnect.PaymentInformation{TransactionID: tx.TransactionID, TransactionReference: a.Kassenzeichen,
			PaymentMethod: "OTHER", Status: "BOOKED", GrossAmount: &gross},
		AdditionalReferenceInfo: &fitconnect.AdditionalReferenceInfo{SenderReference: a.ID},
		Announced:               announced,
	}
}

// receipt reads the submission's event log; when the authority accepted
// (or rejected), it records the receipt and, in the same transaction,
// enqueues the notice in the tenant's name (notify's transactional
// outbox). The update is conditional on the state, so of two readers one
// records it; notify's unique application/transition/channel key would
// drop a second notice anyway.
func (p *Portal) receipt(ctx context.Context, rt *tenantRuntime, a *Application) (bool, error) {
	st, err := rt.fc.Status(ctx, a.sentSubmission())
	if err != nil {
		return false, fmt.Errorf("fitconnect: %w", err)
	}
	var at time.Time
	to := StateReceived
	switch st.State {
	case "accepted":
		at = st.Events[len(st.Events)-1].IssuedAt
	case "rejected":
		to = StateRejected
	default:
		return false, nil
	}
	ev := p.notice(rt, a, to)
	changed, err := p.notify.commit(ctx, p.db.q(`UPDATE saarportal_applications SET status = ?, receipt_at = ?, lease_owner = '', lease_until = 0
		WHERE id = ? AND status = ?`), []any{to, formatTime(at), a.ID, StateSubmitted}, ev)
	if err != nil {
		return false, err
	}
	// Unchanged: another reader recorded the decision first.
	a.Status = to
	if changed {
		a.ReceiptAt = at
		p.metrics.application(ctx, a.ARS, a.Leika, map[string]string{StateReceived: "received", StateRejected: "rejected"}[to])
	}
	return true, nil
}

// notice is the notification of the authority's decision in the
// tenant's name; nil when the citizen gave no e-mail address.
func (p *Portal) notice(rt *tenantRuntime, a *Application, state string) *notify.Event {
	if a.email == "" {
		return nil
	}
	svc, _ := rt.Service(a.Leika)
	ev := notify.Event{Tenant: a.ARS, ApplicationID: a.ID, Transition: state, Status: notify.StatusReceived,
		PublicServiceName: svc.Name, SenderName: rt.Sender.PostfachSender,
		Message: notify.Message{Title: svc.Name + ": Antrag eingegangen",
			Body: "Ihr Antrag " + a.ID + " ist bei " + rt.Authority.Name + " eingegangen. Kassenzeichen der Gebühr: " + a.Kassenzeichen + "."},
		Recipients: notify.Recipients{Custom: []notify.Route{{Channel: rt.mail, Target: a.email}}},
	}
	if state == StateRejected {
		ev.Status = notify.StatusCompleted
		ev.Message.Title = svc.Name + ": Antrag zurückgewiesen"
		ev.Message.Body = "Ihr Antrag " + a.ID + " wurde von " + rt.Authority.Name + " nicht angenommen."
	}
	return &ev
}

// Finish is called when the citizen is back from the pay page or reloads
// the status page: it takes the application's lease (waiting briefly if
// a resumer holds it) and moves it on as far as it can — pull the
// payment status, submit, read the receipt. The application as it then
// stands is returned; ErrNotPaid when the fee is still open.
func (p *Portal) Finish(ctx context.Context, subject, appID string) (*Application, error) {
	owner := p.newOwner()
	for range claimAttempts {
		a, _, err := p.load(ctx, subject, appID)
		if err != nil || !isActive(a.Status) {
			return a, err
		}
		ok, err := p.claim(ctx, a.ID, owner)
		if err != nil {
			return nil, err
		}
		if !ok {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		// Read again under the lease: another instance may have moved it
		// on between the read and the claim.
		a, rt, err := p.load(ctx, subject, appID)
		if err != nil {
			return nil, err
		}
		next, err := p.advance(ctx, rt, a, owner)
		p.release(ctx, a, owner, next)
		if errors.Is(err, errLeaseLost) {
			a, _, err = p.load(ctx, subject, appID)
		}
		return a, err
	}
	a, _, err := p.load(ctx, subject, appID)
	return a, err
}

// Receipt moves a paid application on like Finish — above all it reads
// the authority's decision of a submitted one and records it with its
// notice — and returns it as it then stands; an unpaid fee is no error
// here.
func (p *Portal) Receipt(ctx context.Context, subject, appID string) (*Application, error) {
	a, err := p.Finish(ctx, subject, appID)
	if errors.Is(err, ErrNotPaid) {
		err = nil
	}
	return a, err
}

func isActive(state string) bool {
	for _, s := range active {
		if s == state {
			return true
		}
	}
	return false
}
