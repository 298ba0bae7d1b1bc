package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The application's own tables live in the same database as notify's
// outbox and payment's store, so a status change, its notifications and
// the payment's transition commit together. bauantrag_zustellung is the
// application's own outbox for the FIT-Connect submission: a row is
// written in the transaction that records the fee as paid and worked off
// after commit (handover.go).
const schema = `
CREATE TABLE IF NOT EXISTS bauantrag_antrag (
	id            TEXT PRIMARY KEY,
	aktenzeichen  TEXT NOT NULL UNIQUE,
	subject       TEXT NOT NULL,
	antragsteller TEXT NOT NULL,
	email         TEXT NOT NULL,
	postfach      TEXT NOT NULL,
	grundstueck   TEXT NOT NULL,
	vorhaben      TEXT NOT NULL,
	nachricht_uuid TEXT NOT NULL,
	nachricht     BLOB NOT NULL,
	baubeschreibung BLOB NOT NULL,
	status        TEXT NOT NULL,
	zahlung       TEXT NOT NULL DEFAULT '',
	zahlungsversuch INTEGER NOT NULL DEFAULT 1,
	kassenzeichen TEXT NOT NULL,
	bescheid      BLOB,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bauantrag_verlauf (
	antrag_id TEXT NOT NULL REFERENCES bauantrag_antrag(id),
	seq       INTEGER NOT NULL,
	status    TEXT NOT NULL,
	label     TEXT NOT NULL,
	at        INTEGER NOT NULL,
	event_id  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (antrag_id, seq)
);
CREATE TABLE IF NOT EXISTS bauantrag_zustellung (
	antrag_id  TEXT PRIMARY KEY REFERENCES bauantrag_antrag(id),
	sent       BLOB,
	done       INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);`

// Application states. SUBMITTED is internal (sent, fee not yet paid); the
// notified states are those of the ZBP Statusmonitor (notify.Status).
// PAID is no state of the application but a timeline entry: the fee was
// paid (notify's payment event "payment.paid"), the application is still
// SUBMITTED until the authority confirms receipt.
const (
	stSubmitted  = "SUBMITTED"
	stPaid       = "PAID"
	stReceived   = "RECEIVED"
	stProcessing = "PROCESSING"
	stCompleted  = "COMPLETED"
)

var statusLabel = map[string]string{
	stSubmitted:  "Antrag übermittelt, Gebühr offen",
	stPaid:       "Gebühr bezahlt, Übermittlung an die Bauaufsicht beauftragt",
	stReceived:   "Antrag eingegangen (Empfangsbestätigung der Bauaufsicht über FIT-Connect)",
	stProcessing: "Antrag in Bearbeitung",
	stCompleted:  "Bescheid erteilt",
}

// antrag is one row of bauantrag_antrag.
type antrag struct {
	ID, Aktenzeichen, Subject, Antragsteller, Email, Postfach string
	Grundstueck, Vorhaben, NachrichtUUID                      string
	Nachricht, Baubeschreibung, Bescheid                      []byte
	Status, Zahlung, Kassenzeichen                            string
	// Zahlungsversuch counts payment attempts; a new attempt after a
	// cancelled or failed one needs a new idempotency key.
	Zahlungsversuch      int
	CreatedAt, UpdatedAt time.Time
}

type verlauf struct {
	Status, Label string
	At            time.Time
	// EventID is the notify event that announced this status ("" for
	// SUBMITTED, which is not notified).
	EventID string
}

var errNotFound = errors.New("bauantrag: application not found")

func insertAntrag(ctx context.Context, db *sql.DB, a *antrag) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit a no-op
	_, err = tx.ExecContext(ctx, `INSERT INTO bauantrag_antrag (id, aktenzeichen, subject, antragsteller, email, postfach,
		grundstueck, vorhaben, nachricht_uuid, nachricht, baubeschreibung, status, kassenzeichen, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Aktenzeichen, a.Subject, a.Antragsteller, a.Email, a.Postfach, a.Grundstueck, a.Vorhaben,
		a.NachrichtUUID, a.Nachricht, a.Baubeschreibung, a.Status, a.Kassenzeichen, a.CreatedAt.UnixNano(), a.UpdatedAt.UnixNano())
	if err != nil {
		return err
	}
	if err := addVerlauf(ctx, tx, a.ID, a.Status, a.CreatedAt); err != nil {
		return err
	}
	return tx.Commit()
}

func addVerlauf(ctx context.Context, tx *sql.Tx, id, status string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO bauantrag_verlauf (antrag_id, seq, status, label, at)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM bauantrag_verlauf WHERE antrag_id = ?), ?, ?, ?)`,
		id, id, status, statusLabel[status], at.UnixNano())
	return err
}

// setStatus moves an application from one state to the next inside tx
// (compare-and-set). It reports false when the application was not in
// from, so repeated triggers (redirect and reconciliation) apply a
// transition once.
func setStatus(ctx context.Context, tx *sql.Tx, id, from, to string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE bauantrag_antrag SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		to, at.UnixNano(), id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	return true, addVerlauf(ctx, tx, id, to, at)
}

const antragColumns = `id, aktenzeichen, subject, antragsteller, email, postfach, grundstueck, vorhaben, nachricht_uuid,
	nachricht, baubeschreibung, COALESCE(bescheid, x''), status, zahlung, zahlungsversuch, kassenzeichen, created_at, updated_at`

// querier is *sql.DB or *sql.Tx: inside payment's transaction hook the
// application is read through that transaction (on SQLite the store's
// one connection is the transaction's).
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getAntrag(ctx context.Context, db querier, id string) (*antrag, error) {
	var a antrag
	var created, updated int64
	err := db.QueryRowContext(ctx, `SELECT `+antragColumns+` FROM bauantrag_antrag WHERE id = ?`, id).Scan(
		&a.ID, &a.Aktenzeichen, &a.Subject, &a.Antragsteller, &a.Email, &a.Postfach, &a.Grundstueck, &a.Vorhaben,
		&a.NachrichtUUID, &a.Nachricht, &a.Baubeschreibung, &a.Bescheid, &a.Status, &a.Zahlung, &a.Zahlungsversuch, &a.Kassenzeichen, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read application: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = time.Unix(0, created), time.Unix(0, updated)
	return &a, nil
}

func getVerlauf(ctx context.Context, db *sql.DB, id string) ([]verlauf, error) {
	rows, err := db.QueryContext(ctx, `SELECT status, label, at, event_id FROM bauantrag_verlauf WHERE antrag_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verlauf
	for rows.Next() {
		var v verlauf
		var at int64
		if err := rows.Scan(&v.Status, &v.Label, &at, &v.EventID); err != nil {
			return nil, err
		}
		v.At = time.Unix(0, at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// setEventID records which notify event announced a status.
func setEventID(ctx context.Context, tx *sql.Tx, id, status, eventID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE bauantrag_verlauf SET event_id = ? WHERE antrag_id = ? AND status = ?`, eventID, id, status)
	return err
}

// countAntraege counts the stored applications.
func countAntraege(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bauantrag_antrag`).Scan(&n)
	return n, err
}

// paymentKey is the idempotency key (XBezahldienste requestId) of the
// application's current payment attempt: the application ID, with
// "_<n>" from the second attempt on.
func (a *antrag) paymentKey() string {
	if a.Zahlungsversuch <= 1 {
		return a.ID
	}
	return fmt.Sprintf("%s_%d", a.ID, a.Zahlungsversuch)
}

// applicationOfPayment returns the application ID of a payment key.
func applicationOfPayment(requestID string) string {
	id, _, _ := strings.Cut(requestID, "_")
	return id
}

// newPaymentAttempt starts another attempt after a cancelled or failed
// payment; it reports false if the application is not in that state.
func newPaymentAttempt(ctx context.Context, db *sql.DB, id string) (bool, error) {
	res, err := db.ExecContext(ctx, `UPDATE bauantrag_antrag SET zahlungsversuch = zahlungsversuch + 1, zahlung = ''
		WHERE id = ? AND status = ? AND zahlung IN ('CANCELED', 'FAILED')`, id, stSubmitted)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
