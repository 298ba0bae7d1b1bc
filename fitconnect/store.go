package fitconnect

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/egosaar/ozg/internal/sqldb"
)

// ReceiptState is the state of a received submission in a [Store].
type ReceiptState string

const (
	// ReceiptProcessing: the handler was started (recorded before it runs).
	ReceiptProcessing ReceiptState = "processing"
	// ReceiptDecided: the outcome (accept or reject) is recorded but the
	// event may not have reached the Zustelldienst yet.
	ReceiptDecided ReceiptState = "decided"
	// ReceiptDone: the accept or reject event was delivered.
	ReceiptDone ReceiptState = "done"
)

// Receipt is a store row.
type Receipt struct {
	SubmissionRef
	State ReceiptState
	// Outcome is the JSON of the decided event (accept tags or reject
	// problems); empty while processing.
	Outcome   []byte
	UpdatedAt time.Time
}

// ErrReceiptExists reports that Begin found an existing receipt.
var ErrReceiptExists = errors.New("fitconnect: submission already being processed")

// Store records received submissions so that a redelivered submission
// never starts the caller's process twice and a decided accept or reject
// is never lost. Open it with [OpenSQLite], [NewSQLite] or
// [NewPostgres] (several instances share PostgreSQL).
type Store struct {
	owned bool
	db    *sql.DB
	d     sqldb.Dialect
	now   func() time.Time
}

//go:embed migrations/*.sql
var migrations embed.FS

// OpenSQLite opens (creating if needed) an SQLite database file and
// returns a migrated Store on it; ":memory:" is a private in-memory
// database (tests only: a crash loses it).
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	db, err := sqldb.OpenSQLite(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: open store: %w", err)
	}
	s, err := NewSQLite(ctx, db)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// NewSQLite migrates and returns a Store on db (opened with
// database.OpenSQLite).
func NewSQLite(ctx context.Context, db *sql.DB) (*Store, error) {
	return newStore(ctx, db, sqldb.SQLite)
}

// NewPostgres migrates and returns a Store on pool (opened with
// database.OpenPostgres).
func NewPostgres(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("%w: nil pool", ErrInvalidConfig)
	}
	return newStore(ctx, sqldb.PostgresDB(pool), sqldb.Postgres)
}

func newStore(ctx context.Context, db *sql.DB, d sqldb.Dialect) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalidConfig)
	}
	if err := sqldb.Migrate(ctx, db, d, "fitconnect", migrations, "migrations"); err != nil {
		return nil, fmt.Errorf("fitconnect: migrate store: %w", err)
	}
	return &Store{db: db, d: d, now: time.Now}, nil
}

// Begin records ref as processing. If a receipt exists it is returned
// with [ErrReceiptExists] and nothing changes.
func (s *Store) Begin(ctx context.Context, ref SubmissionRef) (*Receipt, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO fitconnect_receipts
		(submission_id, case_id, destination_id, state, outcome, updated_at) VALUES (?, ?, ?, ?, '', ?)
		ON CONFLICT (submission_id) DO NOTHING`),
		ref.SubmissionID, ref.CaseID, ref.DestinationID, string(ReceiptProcessing), s.now().UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("fitconnect: store: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		r, gerr := s.Get(ctx, ref.SubmissionID)
		if gerr != nil {
			return nil, gerr
		}
		return r, ErrReceiptExists
	}
	return &Receipt{SubmissionRef: ref, State: ReceiptProcessing}, nil
}

// Decide records the outcome (event JSON) and sets state decided.
func (s *Store) Decide(ctx context.Context, submissionID string, outcome []byte) error {
	return s.update(ctx, submissionID, ReceiptDecided, outcome)
}

// Done marks the event as delivered.
func (s *Store) Done(ctx context.Context, submissionID string) error {
	return s.update(ctx, submissionID, ReceiptDone, nil)
}

func (s *Store) update(ctx context.Context, id string, st ReceiptState, outcome []byte) error {
	q := `UPDATE fitconnect_receipts SET state = ?, updated_at = ? WHERE submission_id = ?`
	args := []any{string(st), s.now().UnixMicro(), id}
	if outcome != nil {
		q = `UPDATE fitconnect_receipts SET state = ?, updated_at = ?, outcome = ? WHERE submission_id = ?`
		args = []any{string(st), s.now().UnixMicro(), string(outcome), id}
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("fitconnect: store: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("fitconnect: store: no receipt for the submission")
	}
	return nil
}

// Release removes a processing receipt after the handler failed, so the
// submission is processed again later.
func (s *Store) Release(ctx context.Context, submissionID string) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`DELETE FROM fitconnect_receipts WHERE submission_id = ? AND state = ?`), submissionID, string(ReceiptProcessing))
	if err != nil {
		return fmt.Errorf("fitconnect: store: %w", err)
	}
	return nil
}

// Get returns the receipt of a submission, or nil when there is none.
func (s *Store) Get(ctx context.Context, submissionID string) (*Receipt, error) {
	var r Receipt
	var st, outcome string
	var at int64
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT submission_id, case_id, destination_id, state, outcome, updated_at
		FROM fitconnect_receipts WHERE submission_id = ?`), submissionID).Scan(&r.SubmissionID, &r.CaseID, &r.DestinationID, &st, &outcome, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fitconnect: store: %w", err)
	}
	r.State, r.UpdatedAt = ReceiptState(st), time.UnixMicro(at)
	if outcome != "" {
		r.Outcome = []byte(outcome)
	}
	return &r, nil
}

// Close closes the database when the Store opened it (OpenSQLite); a
// database passed to NewSQLite or NewPostgres stays open.
func (s *Store) Close() error {
	if s.owned {
		return s.db.Close()
	}
	return nil
}
