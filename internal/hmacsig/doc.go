// Package hmacsig is the module's one implementation of symmetric webhook
// and callback signatures: an HMAC over fields joined by a defined
// separator, constant-time comparison against several keys (rotation), and
// a timestamp window checked in both directions.
//
// Two schemes are predefined:
//
//   - [StandardWebhooksV1]: Standard Webhooks v1.0.0, "Signature scheme"
//     (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md):
//     base64(HMAC-SHA256(key, id "." timestamp "." body)).
//   - [FITConnectCallback]: FIT-Connect Zustelldienst API, "Callbacks"
//     (docs.fitko.de/fit-connect/docs/details/callbacks): lowercase
//     hex(HMAC-SHA512(key, timestamp "." body)), timestamp not older than
//     5 minutes.
//
// # Security
//
// Input is length-safe: every field but the last (the body) must not
// contain the separator, so no two different field lists produce the same
// MAC input ([ErrSeparatorInField] otherwise). Timestamps are decimal
// Unix seconds without sign or leading '+'; negative ones are refused both
// when signing and when verifying. Signatures are compared with
// hmac.Equal. A [Key] never prints its bytes, and a zero or empty key is
// refused everywhere ([ErrEmptyKey]), so nothing is ever signed with an
// empty key.
package hmacsig
