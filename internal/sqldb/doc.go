// Package sqldb opens the module's two SQL stores, embedded SQLite (pure
// Go, modernc.org/sqlite) and PostgreSQL (pgx), with the settings every
// package needs, and runs schema migrations (Migrate, bookkeeping table
// ozg_schema_migrations). It is the one place where these settings live.
//
// # Security
//
//   - DSNs hold credentials. They must not appear in logs or errors:
//     errors of OpenPostgres carry pgx's text, in which pgx replaces the
//     password by "xxxxx" (host, user and database name remain); callers
//     must not add the DSN themselves, and should log only its host.
//   - All statements use placeholders (Dialect.Rebind); no value is ever
//     formatted into SQL.
//   - Migrate serialises concurrent instances (transaction-scoped advisory
//     locks on PostgreSQL, the SQLite write lock), so two instances
//     starting together on an empty database cannot half-apply a schema.
//   - An SQLite file is created with the process umask; put it in a
//     directory only the service account can read.
package sqldb
