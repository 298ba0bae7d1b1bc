// Package sqlstore is a persistent [saml.Store] on SQLite (the embedded
// default, pure Go) or PostgreSQL (for several service provider instances
// behind a load balancer). It keeps pending AuthnRequests, keyed by
// RelayState, and the assertion-ID replay cache in two tables created by
// its own migrations (component "account", tables ozg_account_saml_*).
//
// Both backends run the same conformance suite
// (accounttest.TestStore).
//
// # Security
//
// Consuming a request and recording an assertion ID are single atomic
// statements (DELETE … / INSERT … ON CONFLICT … DO UPDATE … WHERE
// expired), so two instances receiving the same response cannot both
// accept it. The store holds request IDs, hashes of the binding cookie and
// the local return path; no personal data.
package sqlstore
