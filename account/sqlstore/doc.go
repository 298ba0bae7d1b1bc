// Package sqlstore is a persistent [saml.Store] on SQLite (the embedded
// default, pure Go) or PostgreSQL (for several service provider instances
// behind a load balancer). It keeps pending AuthnRequests, keyed by
// RelayState, and the assertion-ID replay cache in two tables created by
// its own migrations (component "account", tables ozg_account_saml_*).
//
// Open a database of its own with OpenSQLite or OpenPostgres, or share the
// application's database (opened with package database) with NewSQLite or
// NewPostgres; NewSessionsSQLite and NewSessionsPostgres put the session
// store on the same database. Both backends run the same conformance suite
// (accounttest.TestStore).
//
// # Security
//
// Consuming a request and recording an assertion ID are single atomic
// statements (DELETE … / INSERT … ON CONFLICT … DO UPDATE … WHERE
// expired), so two instances receiving the same response cannot both
// accept it. The store holds request IDs, hashes of the binding cookie and
// the local return path; no personal data.
//
// Anyone can start a login, and every start inserts a row. Expired rows
// are therefore removed without operator action: every PruneEvery-th
// write of a Store (and its first) deletes up to PruneBatch expired rows
// per table before writing, so the tables stay bounded by the login rate
// times the request lifetime (saml.Config.RequestTTL) at a bounded cost
// per call. The delete re-checks expiry on the row it removes (and skips
// rows locked by another instance on PostgreSQL), so a replay-cache entry
// is never removed while it is valid. DeleteExpired remains for an
// explicit clean-up, e.g. after a long downtime. Rate-limit the login
// start endpoint at the edge all the same.
package sqlstore
