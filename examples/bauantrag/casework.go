package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/notify"
)

// advance moves an application from one state to the next and enqueues
// its status notification in the same SQLite transaction
// (notify.Client.EnqueueTx): either both are stored or neither, and once
// committed the notification is delivered at least once on every
// channel. It reports false, and changes nothing, when the application
// was not in from (the transition was applied already).
func (s *service) advance(ctx context.Context, a *antrag, from, to string, edit func(*notify.Event), extra func(context.Context, *sql.Tx) error) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	ok, err := setStatus(ctx, tx, a.ID, from, to, time.Now())
	if err != nil || !ok {
		return false, err
	}
	if extra != nil {
		if err := extra(ctx, tx); err != nil {
			return false, err
		}
	}
	ev := s.statusEvent(a, to)
	if edit != nil {
		edit(&ev)
	}
	enq, err := s.out.client.EnqueueTx(ctx, tx, ev)
	if err != nil {
		return false, fmt.Errorf("enqueue: %w", err)
	}
	if err := setEventID(ctx, tx, a.ID, to, string(enq.EventID)); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	var chans []string
	for _, j := range enq.Jobs {
		chans = append(chans, channelLabel(j.Channel))
	}
	s.cfg.Say("notify: Status %s → %s und %d Zustellaufträge (%s) in derselben SQLite-Transaktion gespeichert (Ereignis %s)",
		from, to, len(enq.Jobs), strings.Join(chans, ", "), enq.EventID)
	return true, nil
}

// statusEvent is the notification of a's transition to status.
func (s *service) statusEvent(a *antrag, status string) notify.Event {
	return notify.Event{
		ApplicationID:         a.ID,
		Transition:            status,
		Status:                notify.Status(status),
		PublicServiceName:     "Bauantrag online",
		SenderName:            "Stadt Musterstadt – Bauaufsicht",
		StatusDetails:         statusLabel[status],
		AdditionalInformation: "Aktenzeichen " + a.Aktenzeichen,
		Recipients:            s.out.recipients(a),
	}
}

// startCaseWork simulates the case worker at the building authority: after
// a while the application is PROCESSING, then the permit is granted and
// the notice (Bescheid) goes out as a PDF attachment with COMPLETED.
func (s *service) startCaseWork(id string) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.caseWork(s.ctx, id); err != nil && s.ctx.Err() == nil {
			s.log.Error("case work", "application", id, "err", err)
		}
	}()
}

func (s *service) caseWork(ctx context.Context, id string) error {
	wait := func() error {
		select {
		case <-time.After(s.cfg.Step):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := wait(); err != nil {
		return err
	}
	a, err := getAntrag(ctx, s.db, id)
	if err != nil {
		return err
	}
	if _, err := s.advance(ctx, a, stReceived, stProcessing, func(ev *notify.Event) {
		ev.Message = notify.Message{
			Title: "Ihr Bauantrag wird bearbeitet (" + a.Aktenzeichen + ")",
			Body:  "Guten Tag " + a.Antragsteller + ",\n\nIhr Antrag auf Baugenehmigung ist vollständig und wird jetzt bearbeitet.\n\nAktenzeichen: " + a.Aktenzeichen + "\n",
		}
	}, nil); err != nil {
		return err
	}
	if err := wait(); err != nil {
		return err
	}
	issued := time.Now()
	pdf := bescheidPDF(a.Aktenzeichen, a.Antragsteller, a.Grundstueck, issued)
	_, err = s.advance(ctx, a, stProcessing, stCompleted, func(ev *notify.Event) {
		ev.StatusDetails = "Baugenehmigung erteilt"
		ev.Message = notify.Message{
			Title: "Ihre Baugenehmigung (" + a.Aktenzeichen + ")",
			Body: "Guten Tag " + a.Antragsteller + ",\n\ndie beantragte Baugenehmigung wird erteilt. Den Bescheid finden Sie im Anhang.\n\nAktenzeichen: " +
				a.Aktenzeichen + "\n",
			Attachments: []notify.Attachment{{Filename: "bescheid-" + a.Aktenzeichen + ".pdf", ContentType: "application/pdf", Data: pdf}},
		}
	}, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE bauantrag_antrag SET bescheid = ? WHERE id = ?`, pdf, a.ID)
		return err
	})
	return err
}
