// Package expiry is the module's one map of entries that expire: every
// entry also sits in a min-heap ordered by expiry, so expired entries are
// found and removed in O(expired · log n) without scanning the live ones.
// The SAML login store (pending requests, assertion IDs) and the replay
// memory of DPoP proofs and webhook IDs are built on it.
//
// # Security
//
// A Map has no bound of its own: callers cap its length before they add
// (fail closed, or by removing the entry that expires first), so an
// attacker who can create entries cannot grow it without limit. An entry
// is expired at its expiry instant; a caller that must remember a key up
// to and including an instant stores the next nanosecond.
package expiry
