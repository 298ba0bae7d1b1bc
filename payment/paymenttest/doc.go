// Package paymenttest provides test doubles of real Bezahldienste for SDK
// users and for payment's own tests:
//
//   - Start(t) / StartWith(t, cfg): a running XBezahldienste simulator
//     closed with the test; Sim.Config() is a ready payment.Config wired
//     to it (explicit in-memory store, InsecureDevelopment, short polls).
//   - XBezahldienste: an httptest server speaking XBezahldienste 1.0.0
//     (create, get, status, problem+json errors, PAYMENT_EXISTS on a repeated
//     requestId), with a hosted pay page that can be paid, cancelled or left
//     to time out, optional HTTP Basic or OAuth2 client-credentials
//     protection, and fault injection: 5xx, delay, lost response after the
//     server committed, wrong amount in the pulled result, arbitrary
//     (illegal or unknown) status strings.
//   - PMPayment: an httptest pmPayment server (HMAC-SHA256 init hash check,
//     status pull, signed notification push) whose notifications can be
//     forged, replayed or redirected to another tenant.
//   - FakeProvider: an in-memory payprovider.Provider without network, usable
//     inside testing/synctest bubbles.
//   - StoreConformance: the shared test suite every paystore.Store
//     implementation must pass.
//   - ProviderConformance: the suite a provider adapter author runs
//     against their adapter (create, get, amounts reported or not, push
//     verification, error mapping); xbezahldienste, pmpayment and
//     girocheckout pass it.
//
// # Security
//
// Fault injection covers the amount checks: XBezahldienste.ReportAmount
// (wrong amount), XBezahldienste.OmitEcho (no paymentRequest echo, or
// without grosAmount or currency) and FakeProvider.Unreport.
//
// Which wire details are from an official specification and which are
// modelled is listed in SOURCES.md next to this file.
//
// The simulators are for tests only: they hold secrets in memory, accept
// plain HTTP on loopback and perform no rate limiting.
package paymenttest
