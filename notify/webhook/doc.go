// Package webhook sends and verifies signed webhooks.
//
// Sending ([Sender], the "webhook" channel of notify) implements Standard
// Webhooks v1.0.0 (spec/standard-webhooks.md): headers webhook-id (the
// notify EventID, constant across retries), webhook-timestamp (Unix
// seconds, per attempt) and webhook-signature, a space-separated list of
// "v1,"+base64(HMAC-SHA256(secret, id "." timestamp "." body)), one per
// secret so a secret can be rotated without downtime. Secrets are whsec_
// base64 of 24 to 64 random bytes, one set per endpoint. The FIT-Connect
// callback profile (docs.fitko.de details/callbacks, Zustelldienst API
// 1.x) is available per endpoint: callback-timestamp and
// callback-authentication = hex(HMAC-SHA512(secret, timestamp "." body)).
// Both schemes share one implementation of HMAC, comparison and time
// window with the module's other signature checks.
// Bodies are thin JSON envelopes {type, timestamp, data} that depend only
// on the event, so every retry sends identical bytes.
//
// Receiving ([Verifier], [Verifier.Middleware]) checks the raw body
// against the headers with a ±5 minute tolerance, constant-time
// comparison, any of several secrets, and a replay cache keyed by message
// ID. [DecodeNotification] decodes a verified body of this SDK's sender.
//
// Every message this package signs verifies with the Standard Webhooks
// reference library (github.com/standard-webhooks/standard-webhooks,
// libraries/go v0.0.1) and the reverse, byte for byte (tested). The
// Verifier is stricter than that library in exactly these points; it
// refuses:
//   - a webhook-id containing '.', space or tab, or longer than 255 bytes
//     (the library accepts any id; a '.' would make "id.timestamp.body"
//     ambiguous);
//   - a webhook-timestamp other than 1–19 ASCII digits without leading
//     zero: "+1614265330", "-1", "01614265330" and " 1614265330" (the
//     library parses them with strconv.ParseInt and signs the normalised
//     number);
//   - a header sent more than once (the library takes the first value);
//   - a webhook-signature header longer than 8192 bytes;
//   - secrets shorter than 24 bytes, at NewVerifier (the library takes any
//     key);
//   - a message ID already processed (ErrReplay; the library keeps no
//     state).
//
// [ParseSecret] is more lenient than the library in one point: it also
// takes unpadded base64.
//
// Several tenants (municipalities) share one Sender:
// [SenderConfig].Tenants maps each tenant key to its own EndpointSource,
// so an event names endpoints of its tenant only and is signed with their
// secrets; an event of a tenant without a source is refused at enqueue
// (see notify, "Tenancy").
//
// # Security
//
// The default HTTP client of a Sender dials through [Guard], a
// net.Dialer Control that refuses loopback, RFC 1918, link-local
// (including 169.254.169.254), CGNAT, unspecified, multicast, IPv4-mapped
// and NAT64 IPv6, documentation and other IANA special-purpose ranges at
// connect time — after DNS resolution, so DNS rebinding is caught — unless
// a range is listed in Guard.Allow. No proxy is used, redirects are never
// followed (3xx is a failed attempt), and endpoint URLs must be https
// (plain http only to loopback with InsecureDevelopment). A caller-supplied HTTPClient bypasses the
// guard. Signatures authenticate, they do not encrypt: use HTTPS. Secrets
// print as REDACTED. Verify errors are safe to return to the sender; they
// never contain the body. Receivers must still treat webhook-id as an
// idempotency key across the replay cache's retention.
package webhook
