// Package replay is the module's one in-process replay memory: keys (DPoP
// proof IDs, webhook message IDs) remembered until they expire, in bounded
// memory, built on [expiry.Map].
//
// # Security
//
// Keys are stored as SHA-256 hashes, so every entry has the same small
// size whatever an attacker puts into the key, and no key text stays in
// memory. The memory never holds more than its maximum. When it is full,
// a Memory either refuses new keys (fail closed: the caller rejects the
// request) or forgets the key that expires first, which the caller must
// accept as a weaker replay guarantee for the oldest keys; the caller
// picks the policy at construction. A key is a replay up to and including
// its expiry instant.
package replay
