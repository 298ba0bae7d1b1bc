// Package girocheckout verifies GiroCheckout-style payment notifications
// (GiroSolution; also the software behind pmPayment): a GET to urlNotify
// with gcReference, gcMerchantTxId, gcBackendTxId, gcAmount (cents),
// gcCurrency, gcResultPayment and gcHash = HMAC-MD5(project passphrase,
// the six values concatenated without separators).
//
// HMAC-MD5 is a legacy construction. The verifier refuses to run unless
// InsecureAllowMD5 is set, and it is meant only for Bezahldienste that
// offer nothing better. Combine it with the provider that creates and
// pulls the transactions through payprovider.WithPushVerifier.
//
// # Security
//
// Values are taken from the raw query exactly as received; every field
// must occur once; the hash is compared in constant time against every
// configured passphrase (rotation). GiroCheckout sends no timestamp, so
// replays are caught only by payment.Client's event deduplication — and
// are harmless because the push only triggers a pull. gcResultPayment 4000
// is a claim of success, never applied without that pull. gcAmount and
// gcCurrency (EUR only) are reported: payment.Client refuses a notification
// for another amount, and a matching success notification counts as the
// amount report when the composed pull reports PAYED without one.
//
// GiroCheckout repeats a notification "no more than 10 times every 30
// minutes until the shop returns the status code 200 or 400" (GiroCheckout API
// documentation, giropay functions), so VerifyPush sets payprovider.Push.Redelivers: a success
// notification that arrives before the composed pull confirms it is
// answered 503 with Retry-After (payment.ErrClaimPending) and not marked
// seen, so the next delivery pulls again. payment.Client stores its claim
// (amount matched) durably as well, so a confirming pull after the last
// delivery still has its amount report.
package girocheckout
