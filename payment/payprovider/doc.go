// Package payprovider is the contract between package payment and a
// Bezahldienst adapter, the way database/sql/driver is for database/sql.
// Adapter authors implement [Provider] (create and pull), optionally
// [Recoverer] (find a create whose answer was lost) and [PushVerifier]
// (verify a push over its raw bytes), and return the sentinel errors of
// this package (wrapped in a [ProviderError] for an answer of the
// Bezahldienst) so that the Client can tell a refusal from an outage.
// Applications do not call these interfaces: they configure an adapter
// (payment/xbezahldienste, payment/pmpayment, payment/girocheckout) in
// payment.Config and use payment.Client. An adapter checks itself with
// paymenttest.ProviderConformance.
//
// [HMACVerifier] and [Secret] are the shared building blocks of push
// verification and adapter configuration.
//
// # Specifications
//
//   - XBezahldienste 1.0.0 (FITKO): initiate-payment-transaction,
//     get-payment-transaction, the functional error codes mapped to the
//     sentinels (PAYMENT_EXISTS → [ErrPaymentExists],
//     BOOKING_DATA_MISSING → [ErrBookingDataMissing],
//     NO_VALID_ORIGINATOR_OR_ENDPOINT → [ErrUnknownMandant],
//     VALIDATION_ERROR → [ErrValidation], FORBIDDEN → [ErrForbidden]).
//   - RFC 2104 (HMAC) for push signatures.
//
// # Security
//
//   - An adapter reports what the Bezahldienst said and decides nothing:
//     the Client compares every [ProviderTransaction] and every [Push]
//     with the stored request before a state changes. A push is only a
//     claim; [PushVerifier] authenticates it (signature, timestamp window,
//     tenant) and the Client still pulls.
//   - [HMACVerifier] compares with hmac.Equal over the raw body, accepts
//     several secrets for rotation and refuses HMAC-MD5 unless
//     InsecureAllowMD5 is set ([ErrAlgorithmNotAllowed]).
//   - A TLS certificate failure is a [CertificateError] (wrapping
//     [ErrCertificate]) and is never retried.
//   - [Secret] prints as REDACTED in fmt, log/slog and text marshalling.
//   - [ProviderError] carries the functional code and HTTP status, never
//     the request body or personal data.
package payprovider
