// Package redact keeps secrets and personal data out of logs and errors.
// Every package of the module logs through these helpers when a value could
// be sensitive: Secret (a string that never prints), URL (an endpoint
// without user info, query and fragment), ReplaceAttr (a safety net for
// slog handlers) and the fingerprints that let log lines about one value
// correlate without holding it.
//
// # Security
//
// A fingerprint is only as private as the set of candidate values is
// large. Fingerprint is an unkeyed SHA-256 prefix: stable everywhere, and
// reversible by dictionary for e-mail addresses, phone numbers,
// Kassenzeichen and other guessable values; use it for high-entropy values
// or where a keyless stable tag is unavoidable. LogFingerprint keys
// HMAC-SHA-256 (RFC 2104) with a per-process random key (correlation
// within one process only), and Fingerprinter with a configured secret
// key (correlation across instances, persistable). All tags are 48 bits:
// enough to correlate, too short to serve as a unique identifier.
//
// ReplaceAttr matches attribute keys, not values; it cannot find personal
// data logged under an innocent key, so code must not log such values in
// the first place.
package redact
