package notify

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/internal/sqldb"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// Outcome is the result of one attempt in the delivery log.
type Outcome string

// Attempt outcomes.
const (
	OutcomeDelivered Outcome = "delivered" // 2xx / accepted
	OutcomeRetry     Outcome = "retry"     // failed, another attempt is scheduled
	OutcomeDead      Outcome = "dead"      // failed for good, dead-lettered
	// OutcomeSuperseded: not sent, because a newer event of the same
	// application had already been delivered to the target (OrderLatest).
	OutcomeSuperseded Outcome = "superseded"
)

// Attempt is one row of the delivery log. It holds no bodies, addresses
// or personal data: Target is an endpoint ID or a fingerprint.
type Attempt struct {
	ID            string
	Tenant        string
	EventID       EventID
	ApplicationID string
	Channel       string
	Target        string
	Number        int
	StartedAt     time.Time
	Latency       time.Duration
	StatusCode    int
	StatusClass   string // "2xx", "4xx", "5xx", "none"
	Outcome       Outcome
	ErrorClass    ErrorClass
}

// EndpointStatus is the health of one channel target.
type EndpointStatus struct {
	// Tenant: the state (health, disabling, Retry-After hold) is kept
	// per tenant and target, so one tenant's 429 never holds another's
	// deliveries to the same receiver.
	Tenant         string
	Channel        string
	Target         string // endpoint ID or fingerprint
	FailingSince   time.Time
	LastSuccessAt  time.Time
	DisabledAt     time.Time
	DisabledReason string // "gone" or "failing"
	// NotBefore: no attempt goes to the endpoint before this time, set
	// from the Retry-After of a 429 or 503 answer (zero: not throttled).
	NotBefore time.Time
}

// Disabled reports whether the endpoint is disabled.
func (s EndpointStatus) Disabled() bool { return !s.DisabledAt.IsZero() }

// DeadLetter is an event/target whose delivery was given up.
type DeadLetter struct {
	ID            string
	Tenant        string
	EventID       EventID
	ApplicationID string
	Channel       string
	Target        string // endpoint ID or fingerprint
	// Reason is "exhausted", "permanent", "gone", "disabled", or
	// "discarded": river gave the job up without a verdict of the channel
	// (its worker crashed on the last attempt river allowed, or the store
	// failed then); found by reconciliation (see [Client.Reconcile]).
	Reason     string
	ErrorClass ErrorClass
	Attempts   int
	DeadAt     time.Time
	ReplayedAt time.Time
	// JobID is the river job that was given up (0 for dead letters
	// written before notify migration 002).
	JobID int64
}

type store struct {
	db *sql.DB
	d  sqldb.Dialect
	// copyRows bulk-loads rows where the database has a faster path than
	// INSERT (PostgreSQL COPY); nil elsewhere.
	copyRows func(ctx context.Context, table string, cols []string, rows [][]any) error
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func (s *store) migrate(ctx context.Context) error {
	return sqldb.Migrate(ctx, s.db, s.d, "notify", migrationsFS, "migrations")
}

func (s *store) attempts(ctx context.Context, sc Scope, where string, arg any, limit int) ([]Attempt, error) {
	tc, targs := sc.cond()
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT id, tenant, event_id, application_id, channel, target_ref, attempt,
		started_at, latency_us, status_code, status_class, outcome, error_class
		FROM notify_attempts WHERE `+tc+` AND `+where+` ORDER BY started_at, attempt LIMIT ?`), append(targs, arg, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var started, lat int64
		var ev, outcome, class string
		if err := rows.Scan(&a.ID, &a.Tenant, &ev, &a.ApplicationID, &a.Channel, &a.Target, &a.Number, &started, &lat,
			&a.StatusCode, &a.StatusClass, &outcome, &class); err != nil {
			return nil, err
		}
		a.EventID, a.Outcome, a.ErrorClass = EventID(ev), Outcome(outcome), ErrorClass(class)
		a.StartedAt = time.UnixMicro(started).UTC()
		a.Latency = time.Duration(lat) * time.Microsecond
		out = append(out, a)
	}
	return out, rows.Err()
}

const endpointCols = `tenant, channel, target_ref, failing_since, last_success_at, disabled_at, disabled_reason, not_before`

func scanEndpoint(sc interface{ Scan(...any) error }) (EndpointStatus, error) {
	var st EndpointStatus
	var fs, ls, da, nb sql.NullInt64
	err := sc.Scan(&st.Tenant, &st.Channel, &st.Target, &fs, &ls, &da, &st.DisabledReason, &nb)
	st.FailingSince, st.LastSuccessAt, st.DisabledAt, st.NotBefore = fromMicros(fs), fromMicros(ls), fromMicros(da), fromMicros(nb)
	return st, err
}

// throttle holds the endpoint until notBefore (never shortening an
// earlier, longer hold) and returns the hold now in force.
func (s *store) throttle(ctx context.Context, ep endpointRef, notBefore time.Time) (time.Time, error) {
	var nb sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`INSERT INTO notify_endpoints (endpoint_key, tenant, channel, target_ref, not_before)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint_key) DO UPDATE SET not_before = CASE
		WHEN notify_endpoints.not_before IS NULL OR notify_endpoints.not_before < excluded.not_before
		THEN excluded.not_before ELSE notify_endpoints.not_before END
		RETURNING not_before`), ep.key, ep.tenant, ep.channel, ep.ref, micros(notBefore)).Scan(&nb)
	return fromMicros(nb), err
}

func (s *store) endpoint(ctx context.Context, key string) (EndpointStatus, bool, error) {
	row := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT `+endpointCols+` FROM notify_endpoints WHERE endpoint_key = ?`), key)
	st, err := scanEndpoint(row)
	if errors.Is(err, sql.ErrNoRows) {
		return EndpointStatus{}, false, nil
	}
	return st, err == nil, err
}

func (s *store) endpoints(ctx context.Context, sc Scope, onlyDisabled bool) ([]EndpointStatus, error) {
	tc, args := sc.cond()
	q := `SELECT ` + endpointCols + ` FROM notify_endpoints WHERE ` + tc
	if onlyDisabled {
		q += ` AND disabled_at IS NOT NULL`
	}
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q+` ORDER BY endpoint_key`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EndpointStatus
	for rows.Next() {
		st, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

func (s *store) markSuccess(ctx context.Context, ep endpointRef, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO notify_endpoints (endpoint_key, tenant, channel, target_ref, last_success_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint_key) DO UPDATE SET failing_since = NULL, last_success_at = excluded.last_success_at`),
		ep.key, ep.tenant, ep.channel, ep.ref, micros(now))
	return err
}

// markFailure records a failure and returns since when the endpoint has
// been failing, in one statement (a concurrent success may reset the
// clock at any time).
func (s *store) markFailure(ctx context.Context, ep endpointRef, now time.Time) (time.Time, error) {
	var fs sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`INSERT INTO notify_endpoints (endpoint_key, tenant, channel, target_ref, failing_since)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint_key) DO UPDATE SET
		failing_since = COALESCE(notify_endpoints.failing_since, excluded.failing_since)
		RETURNING failing_since`), ep.key, ep.tenant, ep.channel, ep.ref, micros(now)).Scan(&fs)
	if err != nil {
		return time.Time{}, err
	}
	if !fs.Valid {
		return now, nil
	}
	return fromMicros(fs), nil
}

// disable marks the endpoint disabled and reports whether this call did
// it (false if it already was).
func (s *store) disable(ctx context.Context, ep endpointRef, reason string, now time.Time) (bool, error) {
	if _, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO notify_endpoints (endpoint_key, tenant, channel, target_ref)
		VALUES (?, ?, ?, ?) ON CONFLICT (endpoint_key) DO NOTHING`), ep.key, ep.tenant, ep.channel, ep.ref); err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE notify_endpoints SET disabled_at = ?, disabled_reason = ?
		WHERE endpoint_key = ? AND disabled_at IS NULL`), micros(now), reason, ep.key)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// endpointRef names the stored state of one (tenant, channel, target).
type endpointRef struct {
	key     string // primary key: tenantKey(tenant, channel+":"+ref)
	tenant  string
	channel string
	ref     string // target ID or fingerprint
}

func (s *store) enable(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE notify_endpoints SET disabled_at = NULL, disabled_reason = '',
		failing_since = NULL WHERE endpoint_key = ?`), key)
	return err
}

// insertDeadLetter records a dead letter unless its job already has one
// (a crash after the insert and before river recorded the cancellation
// runs the job again). It reports whether this call inserted the row.
// With notified false the row waits for markNotified.
func (s *store) insertDeadLetter(ctx context.Context, dl DeadLetter, args []byte, notified bool) (bool, error) {
	var nt sql.NullInt64
	if notified {
		nt = sql.NullInt64{Int64: micros(dl.DeadAt), Valid: true}
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO notify_dead_letters
		(id, tenant, event_id, application_id, channel, target_ref, reason, error_class, attempts, dead_at, args, job_id, notified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING`),
		dl.ID, dl.Tenant, string(dl.EventID), dl.ApplicationID, dl.Channel, dl.Target, dl.Reason, string(dl.ErrorClass),
		dl.Attempts, micros(dl.DeadAt), string(args), dl.JobID, nt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// markNotified records that OnExhausted returned for a dead letter.
func (s *store) markNotified(ctx context.Context, id string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE notify_dead_letters SET notified_at = ? WHERE id = ?`), micros(now), id)
	return err
}

// ReplayFilter selects dead letters. Scope is required: ForTenant(key)
// selects one tenant's dead letters, AllTenants() every tenant's; the zero
// Scope is refused with a *ScopeError. Other empty fields match
// everything; for Replay at least one of ApplicationID, EventID or Since
// must be set too, so a replay is never accidentally global.
type ReplayFilter struct {
	Scope         Scope
	ApplicationID string
	EventID       EventID
	Channel       string
	Since         time.Time // dead at or after
	Until         time.Time // dead before (zero: no bound)
	// IncludeReplayed also selects dead letters replayed before.
	IncludeReplayed bool
	Limit           int // default 1000
}

func (f ReplayFilter) where() (string, []any) {
	tc, args := f.Scope.cond()
	conds := []string{tc}
	if f.ApplicationID != "" {
		conds, args = append(conds, "application_id = ?"), append(args, f.ApplicationID)
	}
	if f.EventID != "" {
		conds, args = append(conds, "event_id = ?"), append(args, string(f.EventID))
	}
	if f.Channel != "" {
		conds, args = append(conds, "channel = ?"), append(args, f.Channel)
	}
	if !f.Since.IsZero() {
		conds, args = append(conds, "dead_at >= ?"), append(args, micros(f.Since))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, "dead_at < ?"), append(args, micros(f.Until))
	}
	if !f.IncludeReplayed {
		conds = append(conds, "replayed_at IS NULL")
	}
	return strings.Join(conds, " AND "), args
}

type deadRow struct {
	DeadLetter
	args []byte
}

func (s *store) deadLetters(ctx context.Context, f ReplayFilter) ([]deadRow, error) {
	where, args := f.where()
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	return s.scanDeadLetters(ctx, where, append(args, limit))
}

// unnotified lists dead letters whose OnExhausted call was not recorded
// and that died before horizon.
func (s *store) unnotified(ctx context.Context, horizon time.Time, limit int) ([]deadRow, error) {
	return s.scanDeadLetters(ctx, "notified_at IS NULL AND dead_at < ?", []any{micros(horizon), limit})
}

func (s *store) scanDeadLetters(ctx context.Context, where string, args []any) ([]deadRow, error) {
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT id, tenant, event_id, application_id, channel, target_ref, reason,
		error_class, attempts, dead_at, replayed_at, args, job_id FROM notify_dead_letters WHERE `+where+
		` ORDER BY dead_at, id LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("notify: list dead letters: %w", err)
	}
	defer rows.Close()
	var out []deadRow
	for rows.Next() {
		var r deadRow
		var ev, class, a string
		var dead int64
		var replayed, job sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Tenant, &ev, &r.ApplicationID, &r.Channel, &r.Target, &r.Reason, &class,
			&r.Attempts, &dead, &replayed, &a, &job); err != nil {
			return nil, err
		}
		r.JobID = job.Int64
		r.EventID, r.ErrorClass, r.args = EventID(ev), ErrorClass(class), []byte(a)
		r.DeadAt, r.ReplayedAt = time.UnixMicro(dead).UTC(), fromMicros(replayed)
		out = append(out, r)
	}
	return out, rows.Err()
}
