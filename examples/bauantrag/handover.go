package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paytype"
)

// The hand-over from payment to the application, in two steps.
//
//  1. paymentChangedTx is payment.Config.OnStatusChangeTx: it runs inside
//     the payment store's transaction that applies the transition, on the
//     service's one SQLite database. For PAYED it records the fee at the
//     application, adds PAID to the timeline, enqueues the payment
//     notification (notify.Client.EnqueueTx on the same transaction) and
//     writes the FIT-Connect submission order into bauantrag_zustellung.
//     Either all of that and the payment's PAYED commit, or none: if any
//     step fails, payment stores nothing and pulls the transaction again
//     later (Sync on the next return, Run in the background).
//  2. After commit, the order is worked off: paymentChanged
//     (Config.OnStatusChange) delivers right away so that the citizen's
//     return page already shows RECEIVED, and the delivery loop works off
//     whatever is left (FIT-Connect down, process crashed after commit) on
//     start and then periodically. The submission is recorded (its IDs
//     and authentication tags) before the authority's accept is awaited,
//     so a resumed order never submits twice; RECEIVED, its notification
//     and the order's completion commit together (advance).
//
// One mutex serialises the work of all orders: this service runs as one
// instance on SQLite. Several instances would claim an order with a lease
// column instead.
//
// What remains is the short window inside fitconnect.Client.Send between
// the final PUT and the row update: a crash there submits a second time on
// resume, with the same signed XBau message (same nachrichtenUUID), which
// the authority recognises as a duplicate.

// deliveryRetry is how often the delivery loop looks for open orders.
const deliveryRetry = 2 * time.Second

// paymentChangedTx is payment.Config.OnStatusChangeTx.
func (s *service) paymentChangedTx(ctx context.Context, tx *sql.Tx, c payment.StatusChange) error {
	a, err := getAntrag(ctx, tx, applicationOfPayment(c.RequestID))
	if errors.Is(err, errNotFound) {
		// Not a fee of this service: nothing to hand over, let payment
		// store the status.
		s.log.Error("payment for unknown application", "request_id", c.RequestID)
		return nil
	}
	if err != nil {
		return err
	}
	if c.Transaction.Request.Total != fee || c.Transaction.Request.Items[0].Booking.Kassenzeichen != a.Kassenzeichen {
		// Permanent: retrying would not help. The payment's status is
		// stored, the application is left alone for an operator.
		s.log.Error("payment does not match application", "application", a.ID)
		return nil
	}
	switch c.To {
	case paytype.StatusPaid:
		if _, err := tx.ExecContext(ctx, `UPDATE bauantrag_antrag SET zahlung = ?, updated_at = ? WHERE id = ?`,
			string(c.To), c.At.UnixNano(), a.ID); err != nil {
			return err
		}
		if err := addVerlauf(ctx, tx, a.ID, stPaid, c.At); err != nil {
			return err
		}
		ev := s.statusEvent(a, stPaid)
		ev.Status, ev.StatusDetails = "", "Gebühr bezahlt"
		ev.Payment = &notify.Payment{Status: notify.PaymentPaid, Kassenzeichen: a.Kassenzeichen,
			AmountCents: int64(c.Transaction.Request.Total), Currency: string(c.Transaction.Request.Currency)}
		ev.Message = notify.Message{
			Title: "Gebühr für Ihren Bauantrag bezahlt (" + a.Aktenzeichen + ")",
			Body: "Guten Tag " + a.Antragsteller + ",\n\ndie Gebühr von " + euro(fee) + " für Ihren Antrag auf Baugenehmigung ist bezahlt (Kassenzeichen " +
				a.Kassenzeichen + "). Der Antrag wird jetzt an die Bauaufsicht übermittelt.\n\nAktenzeichen: " + a.Aktenzeichen + "\n",
		}
		enq, err := s.out.client.EnqueueTx(ctx, tx, ev)
		if err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		if err := setEventID(ctx, tx, a.ID, stPaid, string(enq.EventID)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO bauantrag_zustellung (antrag_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			a.ID, c.At.UnixNano())
		return err
	case paytype.StatusCanceled, paytype.StatusFailed:
		_, err := tx.ExecContext(ctx, `UPDATE bauantrag_antrag SET zahlung = ?, updated_at = ? WHERE id = ?`, string(c.To), c.At.UnixNano(), a.ID)
		return err
	}
	return nil
}

// paymentChanged is payment.Config.OnStatusChange: it runs after the
// transition and paymentChangedTx's writes committed, once per applied
// transition (Sync on the citizen's return or the background Run).
func (s *service) paymentChanged(ctx context.Context, c payment.StatusChange) {
	if c.To != paytype.StatusPaid {
		return
	}
	s.cfg.Say("payment: Ergebnis %s übernommen; Betrag %s, Währung %s und requestId %s entsprechen dem gespeicherten Auftrag (sonst ErrMismatch)",
		c.To, euro(c.Transaction.Request.Total), c.Transaction.Request.Currency, c.RequestID)
	s.cfg.Say("payment.Config.OnStatusChangeTx: Zahlungsstatus %s, Gebührenvermerk am Antrag, Benachrichtigung %s (notify.EnqueueTx, %d Zustellaufträge) und FIT-Connect-Auftrag in einer SQLite-Transaktion gespeichert",
		c.To, stPaid, len(s.out.channels))
	if err := s.deliverOrder(ctx, applicationOfPayment(c.RequestID)); err != nil {
		s.log.Warn("fitconnect delivery deferred", "application", applicationOfPayment(c.RequestID), "err", err)
	}
}

// deliveryLoop works off open submission orders until ctx ends: at once
// (orders a crash left behind), then every deliveryRetry.
func (s *service) deliveryLoop(ctx context.Context) {
	for {
		if err := s.deliverOpen(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("fitconnect delivery deferred", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(deliveryRetry):
		}
	}
}

// deliverOpen works off every open order, oldest first.
func (s *service) deliverOpen(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT antrag_id FROM bauantrag_zustellung WHERE done = 0 ORDER BY created_at`)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if err := s.deliverOrder(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// deliverOrder works off the open order of application id, from where it
// stands: submit (recorded at once), await the accept, then RECEIVED.
func (s *service) deliverOrder(ctx context.Context, id string) error {
	s.deliveryMu.Lock()
	defer s.deliveryMu.Unlock()
	var sentJSON []byte
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(sent, x'') FROM bauantrag_zustellung WHERE antrag_id = ? AND done = 0`, id).Scan(&sentJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // done already (the loop and the return page raced)
	}
	if err != nil {
		return err
	}
	a, err := getAntrag(ctx, s.db, id)
	if err != nil {
		return err
	}
	var sent *fitconnect.SentSubmission
	if len(sentJSON) > 0 {
		sent = new(fitconnect.SentSubmission)
		if err := json.Unmarshal(sentJSON, sent); err != nil {
			return fmt.Errorf("stored submission: %w", err)
		}
	} else {
		if sent, err = s.fit.send(ctx, a); err != nil {
			return err
		}
		b, err := json.Marshal(sent)
		if err != nil {
			return err
		}
		// Use a context that outlives the caller's: the submission
		// exists now and must not be sent again.
		if _, err := s.db.ExecContext(context.WithoutCancel(ctx), `UPDATE bauantrag_zustellung SET sent = ? WHERE antrag_id = ?`, b, id); err != nil {
			return fmt.Errorf("record submission %s: %w", sent.SubmissionID, err)
		}
	}
	if err := s.fit.confirm(ctx, sent); err != nil {
		return err
	}
	done := func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE bauantrag_zustellung SET done = 1 WHERE antrag_id = ?`, id)
		return err
	}
	moved, err := s.advance(ctx, a, stSubmitted, stReceived, func(ev *notify.Event) {
		ev.StatusDetails = "Eingang über FIT-Connect bestätigt" // ZBP: at most 50 characters
		ev.Message = notify.Message{
			Title: "Ihr Bauantrag ist eingegangen (" + a.Aktenzeichen + ")",
			Body: "Guten Tag " + a.Antragsteller + ",\n\nIhr Antrag auf Baugenehmigung ist bei der Bauaufsicht eingegangen.\n\nAktenzeichen: " +
				a.Aktenzeichen + "\n",
		}
	}, done)
	if err != nil {
		return err
	}
	if !moved {
		// Not SUBMITTED any more (cannot happen under deliveryMu); close
		// the order so that it is not worked again.
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // no-op after Commit
		if err := done(ctx, tx); err != nil {
			return err
		}
		return tx.Commit()
	}
	s.startCaseWork(a.ID)
	return nil
}
