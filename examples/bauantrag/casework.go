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
// channel. A transition that was already applied is a no-op.
func (s *service) advance(ctx context.Context, a *antrag, from, to string, edit func(*notify.Event), extra func(context.Context, *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	ok, err := setStatus(ctx, tx, a.ID, from, to, time.Now())
	if err != nil || !ok {
		return err
	}
	if extra != nil {
		if err := extra(ctx, tx); err != nil {
			return err
		}
	}
	ev := notify.Event{
		ApplicationID:         a.ID,
		Transition:            to,
		Status:                notify.Status(to),
		PublicServiceName:     "Bauantrag online",
		SenderName:            "Stadt Musterstadt – Bauaufsicht",
		StatusDetails:         statusLabel[to],
		AdditionalInformation: "Aktenzeichen " + a.Aktenzeichen,
		Recipients:            s.out.recipients(a),
	}
	if edit != nil {
		edit(&ev)
	}
	enq, err := s.out.client.EnqueueTx(ctx, tx, ev)
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := setEventID(ctx, tx, a.ID, to, string(enq.EventID)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	var chans []string
	for _, j := range enq.Jobs {
		chans = append(chans, channelLabel(j.Channel))
	}
	s.cfg.Say("notify: Status %s → %s und %d Zustellaufträge (%s) in derselben SQLite-Transaktion gespeichert (Ereignis %s)",
		from, to, len(enq.Jobs), strings.Join(chans, ", "), enq.EventID)
	return nil
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
	if err := s.advance(ctx, a, stReceived, stProcessing, func(ev *notify.Event) {
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
	return s.advance(ctx, a, stProcessing, stCompleted, func(ev *notify.Event) {
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
}
