package notify

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The delivery log is written in batches, like river's own job
// completions: one multi-row INSERT per flushInterval or flushRows rows
// instead of one write transaction per attempt (on SQLite every write
// serialises on the one connection). The log therefore lags deliveries by
// up to flushInterval plus one write; Client.FlushLog waits for it. A hard crash can lose the last
// interval's rows — together with river's unflushed completions, whose
// jobs are then worked (and logged) again.
const (
	flushInterval = 50 * time.Millisecond
	flushRows     = 256
	logBuffer     = 4096
)

type logBuf struct {
	st      *store
	log     *slog.Logger
	ch      chan Attempt
	flushRq chan chan error
	done    chan struct{}
	once    sync.Once
	running atomic.Bool
}

func newLogBuf(st *store, log *slog.Logger) *logBuf {
	return &logBuf{st: st, log: log, ch: make(chan Attempt, logBuffer), flushRq: make(chan chan error),
		done: make(chan struct{})}
}

// flushNow writes every row queued before the call. Without a running
// writer (Client not started, or stopped) it drains the queue itself.
func (l *logBuf) flushNow(ctx context.Context) error {
	if l.running.Load() {
		res := make(chan error, 1)
		select {
		case l.flushRq <- res:
			select {
			case err := <-res:
				return err
			case <-ctx.Done():
				return ctx.Err()
			}
		case <-l.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var batch []Attempt
	for {
		select {
		case a := <-l.ch:
			batch = append(batch, a)
		default:
			if len(batch) == 0 {
				return nil
			}
			return l.st.insertAttempts(ctx, batch)
		}
	}
}

// run flushes until stop is closed, then drains and returns.
func (l *logBuf) run(stop <-chan struct{}) {
	l.running.Store(true)
	defer close(l.done)
	defer l.running.Store(false)
	batch := make([]Attempt, 0, flushRows)
	t := time.NewTicker(flushInterval)
	defer t.Stop()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := l.st.insertAttempts(ctx, batch)
		if err != nil {
			l.log.ErrorContext(ctx, "notify: delivery log write failed", slog.Int("rows", len(batch)))
		}
		cancel()
		batch = batch[:0]
		return err
	}
	for {
		select {
		case res := <-l.flushRq:
			for drained := false; !drained; {
				select {
				case a := <-l.ch:
					batch = append(batch, a)
				default:
					drained = true
				}
			}
			res <- flush()
		case a := <-l.ch:
			batch = append(batch, a)
			if len(batch) >= flushRows {
				flush()
			}
		case <-t.C:
			flush()
		case <-stop:
			for {
				select {
				case a := <-l.ch:
					batch = append(batch, a)
					if len(batch) >= flushRows {
						flush()
					}
				default:
					flush()
					return
				}
			}
		}
	}
}

// add queues a row, or writes it directly when the buffer is full.
func (l *logBuf) add(ctx context.Context, a Attempt) error {
	select {
	case l.ch <- a:
		return nil
	default:
		return l.st.insertAttempts(ctx, []Attempt{a})
	}
}

// attemptCols are the delivery log's columns in insert order.
var attemptCols = []string{"id", "tenant", "event_id", "application_id", "channel", "target_ref", "attempt", "started_at",
	"latency_us", "status_code", "status_class", "outcome", "error_class"}

func attemptRow(a *Attempt) []any {
	return []any{a.ID, a.Tenant, string(a.EventID), a.ApplicationID, a.Channel, a.Target, a.Number, micros(a.StartedAt),
		a.Latency.Microseconds(), a.StatusCode, a.StatusClass, string(a.Outcome), string(a.ErrorClass)}
}

func (s *store) insertAttempts(ctx context.Context, as []Attempt) error {
	if s.copyRows != nil && len(as) > 1 {
		// PostgreSQL: COPY instead of a multi-row INSERT with 13 bind
		// parameters per row, which the server parses and plans per flush.
		rows := make([][]any, len(as))
		for i := range as {
			rows[i] = attemptRow(&as[i])
		}
		return s.copyRows(ctx, "notify_attempts", attemptCols, rows)
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO notify_attempts (id, tenant, event_id, application_id, channel, target_ref, attempt, started_at,
		latency_us, status_code, status_class, outcome, error_class) VALUES `)
	args := make([]any, 0, len(as)*len(attemptCols))
	for i, a := range as {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, attemptRow(&a)...)
	}
	_, err := s.db.ExecContext(ctx, s.d.Rebind(b.String()), args...)
	return err
}
