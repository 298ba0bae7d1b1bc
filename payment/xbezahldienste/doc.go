// Package xbezahldienste is the payprovider.Provider for XBezahldienste 1.0.0
// (FITKO), the REST/JSON interface between OZG online services and the
// states' Bezahldienste.
//
// Endpoints (XBezahldienste 1.0.0, initiate-payment-transaction and
// get-status-by-ids):
//
//	POST {base}/paymenttransaction/{originatorId}/{endPointId}                  create (PaymentRequest → PaymentTransaction)
//	GET  {base}/paymenttransaction/{originatorId}/{endPointId}/{transactionId}  pull
//	GET  {base}/status/{originatorId}/{endPointId}                              configuration check
//
// Amounts travel as JSON numbers with exactly two decimals, written and read
// without float. Error answers are application/problem+json (RFC 9457) with
// the XBezahldienste member functionalCode; [ProblemError] maps
// PAYMENT_EXISTS, CALCULATION_ERROR, BOOKING_DATA_MISSING,
// NO_VALID_ORIGINATOR_OR_ENDPOINT (and its deprecated predecessor
// …_OR_DESTINATION), VALIDATION_ERROR and FORBIDDEN to payment's
// sentinels and keeps unknown codes verbatim in
// payprovider.ProviderError.FunctionalCode.
//
// Caller authentication is pluggable ([Auth]): [NewOAuth2] (RFC 6749 §4.4
// client credentials via golang.org/x/oauth2/clientcredentials, one token
// refresh after a 401, optional DPoP proofs per RFC 9449 with server nonces,
// e.g. signature/jose's DPoP), [BasicAuth], and mTLS through
// Config.ClientCertificate ([LoadClientCertificate] reads PKCS#12 via
// package signature).
//
// GETs are retried with jittered exponential backoff honouring
// Retry-After; a POST is sent once — payment.Client repeats it with the same
// requestId, which is safe because the Bezahldienst answers PAYMENT_EXISTS.
// [Provider.Recover] finds a transaction by requestId for Bezahldienste
// that use it as transactionId.
//
// # Security
//
//   - Credentials are sent only to Config.BaseURL: the transactionUrl a
//     Bezahldienst returns is never followed.
//   - https is required (plain http only for loopback test servers);
//     BaseURL must not carry credentials.
//   - Response bodies are read with a bound (1 MiB, errors 64 KiB).
//   - Amount and currency of a transaction are read only from the echoed
//     paymentRequest (grosAmount, currency). A Bezahldienst that leaves the
//     echo out reports no amount (AmountReported false, Currency ""), and
//     payment.Client refuses a PAYED from it as a mismatch unless the
//     caller opts out with payment.Config.InsecureAcceptUnreportedAmount.
//   - Client secrets and passwords are payprovider.Secret values and do not
//     appear in errors or logs; token endpoint errors are reduced to
//     status and error code.
package xbezahldienste
