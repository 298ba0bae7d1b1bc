// Package transport classifies the transport failures of payment's
// adapters the same way: the caller's context error as is, a failed
// certificate check as a *payprovider.CertificateError (never retried, no
// create sent again), anything else as payprovider.ErrUnavailable.
//
// Specifications: RFC 9110 (HTTP Semantics) §9.2.2 idempotent methods;
// RFC 8446 (TLS 1.3) §6.2 alerts for the certificate failures.
//
// # Security
//
// A certificate failure is permanent (internal/httpx.IsCertificateError):
// reporting it as "unavailable" would make callers retry against a server
// that cannot prove its identity. Errors carry the operation name only,
// never URLs with credentials, request bodies or personal data.
package transport
