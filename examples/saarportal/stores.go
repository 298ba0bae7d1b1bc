package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/database"
	"github.com/egosaar/ozg/notify"
	paysql "github.com/egosaar/ozg/payment/sqlstore"
)

// appDB is the shared database as the portal's own code uses it: a
// database/sql handle on SQLite (the embedded default) or on the
// PostgreSQL pool every store shares.
type appDB struct {
	*sql.DB
	pool *pgxpool.Pool // nil on SQLite
}

// q rewrites the portal's queries, written with ? placeholders, for the
// database: $1, $2, … on PostgreSQL.
func (d *appDB) q(query string) string {
	if d.pool == nil {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ExecContext, QueryContext and QueryRowContext take queries written
// with ? placeholders on either database.
func (d *appDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, d.q(query), args...)
}

func (d *appDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, d.q(query), args...)
}

func (d *appDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, d.q(query), args...)
}

// exec runs a statement and returns the number of rows it changed.
func (d *appDB) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := d.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// openStores opens the shared database — PostgreSQL when cfg.Postgres is
// set (one pool for every instance of the portal), else SQLite in
// cfg.Dir — and every store on it: the portal's table, sessions, pending
// SAML requests, payments and notify's outbox (river).
func (p *Portal) openStores(ctx context.Context, channels []notify.Channel, policies map[string]notify.Policy) (saml.Store, error) {
	ncfg := notify.Config{
		Channels: channels, Policies: policies, Logger: p.log, MeterProvider: p.metrics.provider,
		// Demo latency: pick up a notice within 100 ms, not river's 1 s.
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 100 * time.Millisecond,
		RescueAfter: p.cfg.Ha.RescueAfter, AttemptTimeout: p.cfg.Ha.RescueAfter / 4,
	}
	if p.cfg.Postgres == "" {
		db, err := database.OpenSQLite(ctx, filepath.Join(p.cfg.Dir, "saarportal.db"))
		if err != nil {
			return nil, err
		}
		p.db = &appDB{DB: db}
		if _, err = db.ExecContext(ctx, schemaSQLite); err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		if p.sessionStore, err = sqlstore.NewSessionsSQLite(ctx, db); err != nil {
			return nil, err
		}
		if p.payStore, err = paysql.NewSQLite(ctx, db); err != nil {
			return nil, err
		}
		c, err := notify.NewSQLite(db, ncfg)
		if err != nil {
			return nil, err
		}
		p.notify = sqliteOutbox{c}
		return sqlstore.NewSQLite(ctx, db)
	}
	pool, err := database.OpenPostgres(ctx, p.cfg.Postgres)
	if err != nil {
		return nil, err
	}
	p.db = &appDB{DB: stdlib.OpenDBFromPool(pool), pool: pool}
	if _, err = pool.Exec(ctx, schemaPostgres); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if p.sessionStore, err = sqlstore.NewSessionsPostgres(ctx, pool); err != nil {
		return nil, err
	}
	if p.payStore, err = paysql.NewPostgres(ctx, pool); err != nil {
		return nil, err
	}
	c, err := notify.NewPostgres(pool, ncfg)
	if err != nil {
		return nil, err
	}
	p.notify = pgOutbox{c}
	// A login started at one instance may finish at another.
	return sqlstore.NewPostgres(ctx, pool)
}

// outbox is notify's client on the shared database, whichever it is: the
// receipt and its notice commit in one transaction.
type outbox interface {
	Migrate(ctx context.Context) error
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	FlushLog(ctx context.Context) error
	Attempts(ctx context.Context, s notify.Scope, applicationID string, limit int) ([]notify.Attempt, error)
	DeadLetters(ctx context.Context, f notify.ReplayFilter) ([]notify.DeadLetter, error)
	Replay(ctx context.Context, f notify.ReplayFilter) (int, error)
	// commit runs the conditional update and, when it changed exactly one
	// row and ev is not nil, enqueues ev — in one transaction.
	commit(ctx context.Context, update string, args []any, ev *notify.Event) (bool, error)
}

type sqliteOutbox struct{ *notify.Client[*sql.Tx] }

func (o sqliteOutbox) commit(ctx context.Context, update string, args []any, ev *notify.Event) (changed bool, err error) {
	err = o.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n != 1 {
			return err
		}
		changed = true
		if ev == nil {
			return nil
		}
		_, err = o.EnqueueTx(ctx, tx, *ev)
		return err
	})
	return changed && err == nil, err
}

type pgOutbox struct{ *notify.Client[pgx.Tx] }

func (o pgOutbox) commit(ctx context.Context, update string, args []any, ev *notify.Event) (changed bool, err error) {
	err = o.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, update, args...)
		if err != nil || tag.RowsAffected() != 1 {
			return err
		}
		changed = true
		if ev == nil {
			return nil
		}
		_, err = o.EnqueueTx(ctx, tx, *ev)
		return err
	})
	return changed && err == nil, err
}
