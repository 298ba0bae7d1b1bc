package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrMigrationFile reports a migration folder whose file names break the
// NNN_description.sql rule or repeat a version.
var ErrMigrationFile = errors.New("sqldb: bad migration file")

// Migrate applies the migrations in dir of fsys that component has not yet
// applied. Files are named NNN_description.sql (NNN a positive integer);
// each runs in its own transaction together with its row in
// ozg_schema_migrations(component, version, name, applied_at).
//
// Instances may start at the same time on the same database. On
// PostgreSQL, the bookkeeping table is created inside a transaction that
// first takes a transaction-scoped advisory lock shared by all components
// (two concurrent CREATE TABLE IF NOT EXISTS would otherwise race on the
// catalog), and each migration runs under a transaction-scoped advisory
// lock per component. On SQLite the write lock of the transaction
// serialises (BEGIN IMMEDIATE with OpenSQLite).
func Migrate(ctx context.Context, db *sql.DB, d Dialect, component string, fsys fs.FS, dir string) error {
	migs, err := readMigrations(fsys, dir)
	if err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", component, err)
	}
	if err := createMigrationsTable(ctx, db, d); err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", component, err)
	}
	for _, m := range migs {
		if err := applyOne(ctx, db, d, component, m); err != nil {
			return fmt.Errorf("sqldb: migrate %s to version %d: %w", component, m.version, err)
		}
	}
	return nil
}

// migrateLock is the advisory lock key (hashed by PostgreSQL's hashtext)
// that serialises creating ozg_schema_migrations across components.
const migrateLock = "ozg_migrate"

func createMigrationsTable(ctx context.Context, db *sql.DB, d Dialect) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if d == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, migrateLock); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ozg_schema_migrations (
		component TEXT NOT NULL,
		version INTEGER NOT NULL,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL,
		PRIMARY KEY (component, version))`); err != nil {
		return err
	}
	return tx.Commit()
}

type migration struct {
	version int
	name    string
	sql     string
}

func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var migs []migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("%w %q: name must be NNN_description.sql", ErrMigrationFile, e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("%w: version %d twice: %q and %q", ErrMigrationFile, v, prev, e.Name())
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		migs = append(migs, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	return migs, nil
}

func applyOne(ctx context.Context, db *sql.DB, d Dialect, component string, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if d == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, migrateLock+"_"+component); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, d.Rebind(`SELECT COUNT(*) FROM ozg_schema_migrations WHERE component = ? AND version = ?`), component, m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind(`INSERT INTO ozg_schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)`),
		component, m.version, m.name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	return tx.Commit()
}
