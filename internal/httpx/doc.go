// Package httpx holds the module's one implementation of HTTP retry with
// jittered exponential backoff, Retry-After handling (RFC 9110 §10.2.3)
// and bounded body reads, and its one rule for which endpoint URLs may
// receive sensitive requests (AllowedEndpoint).
//
// # Security
//
//   - Limits: ReadBody reads at most the given limit (DefaultMaxBody, 1 MiB,
//     when zero) through boundedio; DrainAndClose discards at most 64 KiB.
//     A server's Retry-After is capped (Retrier.MaxRetryAfter, default 60 s)
//     so a hostile server cannot park a client; the caller's context
//     cancels every wait.
//   - Retries: Retrier repeats only what ShouldRetry allows (by default
//     transport errors and 408, 425, 429, 500, 502, 503, 504) and must only
//     be used for idempotent requests or ones carrying an idempotency key.
//   - Endpoints: AllowedEndpoint accepts https, and plain http only for
//     loopback hosts (local simulators) in development mode, never URLs
//     with user info.
//   - Certificates: a failed certificate check (IsCertificateError) is
//     permanent and never retried, so a create is never re-sent because
//     of it.
//   - Logging: this package logs nothing; callers log endpoints through
//     redact.URL.
package httpx
