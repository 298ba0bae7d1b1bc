// Package sqlstore implements paystore.Store on SQLite (the embedded
// default, pure-Go driver) and PostgreSQL (several instances), with schema
// migrations embedded per dialect. Both pass
// paymenttest.StoreConformance.
//
// Timestamps are stored as Unix nanoseconds (UTC) so that both dialects
// compare them identically. Status changes are compare-and-set updates
// (UPDATE … WHERE status = from), so concurrent instances apply each
// transition once. Verified push claims that arrive before the pull
// confirms them (paystore.PushClaim) are kept in their own table
// (migration 002), first claim per transaction wins.
//
// Every table has a tenant column (migration 005; existing rows get
// tenant "", the single-tenant deployment) and keys per tenant: primary
// keys (tenant, request_id), (tenant, event_id), the transaction ID
// unique per (tenant, transaction_id). Every statement of a view
// (Store.ForTenant) binds its tenant, so no query of one tenant can
// return or change another's row. SQLite cannot change a primary key in
// place, so migration 005 rebuilds its tables (a one-off copy at start).
//
// # Security
//
// All statements use placeholders. The request JSON holds the payer's
// name and address when given; protect the database accordingly. No
// secrets are stored.
package sqlstore
