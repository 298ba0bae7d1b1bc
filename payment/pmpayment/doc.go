// Package pmpayment is the payprovider.Provider for pmPayment's native
// interface (govconnect / itebo), a push-based Bezahldienst:
//
//	POST {base}/payment/secure                  init: form with ags, amount (cents), procedure, desc,
//	                                            accountingRecord, txid, notifyURL, redirectURL and
//	                                            hash = HMAC-SHA256(salt, ags|amount|…|redirectURL)
//	POST {notifyURL}                            notification: ags, txid, amount, desc, status,
//	                                            payment_method, created_at, hash =
//	                                            HMAC-SHA256(secret, ags|txid|amount|desc|status|payment_method|created_at)
//	GET  {base}/payment/status/{ags}/{txid}     pull: {"status": 1 | 0 | -1}
//
// The txid is the caller's requestId, so a retried init is recognised and
// [Provider.Recover] can find a transaction whose init answer was lost. The
// typed booking data travels in accountingRecord ("Generischer Buchungssatz
// für Stadtkasse") as a JSON array with one bookingData object per item.
//
// # Security
//
//   - [Provider.VerifyPush] requires the hash (unsigned notifications are
//     refused), verifies it over the raw form fields with
//     payprovider.HMACVerifier (constant time, several secrets for rotation),
//     refuses another Mandant's AGS (payprovider.ErrForeignTenant) and a
//     created_at outside the tolerance window (default 4 h back, 5 min
//     ahead). payment.Client then deduplicates and pulls; the notification
//     never sets the state.
//   - pmPayment's status pull carries no amount; only the signed
//     notification does (euro cents, so currency EUR). Every pulled result
//     is marked payprovider.ProviderTransaction.AmountByPush: payment.Client
//     applies a pulled PAYED only together with a signed notification
//     claiming paid whose amount matched the request, received now
//     (HandlePush) or stored earlier (below). Without one, Sync
//     (redirect) and Run wait and record no anomaly; without any
//     notification the transaction expires with an anomaly.
//   - A signed notification claiming paid can arrive while the status
//     pull still says -1 (in progress). pmPayment documents no
//     resending of notifications by pmPayment (its Koha client even notes
//     that the hash is not always sent), so the adapter does not rely on a second
//     delivery (payprovider.Push.Redelivers is false): payment.Client stores
//     the verified claim (amount matched) durably before it pulls, answers
//     200 and marks the notification seen, and applies the pull that later
//     reports 1 with the stored claim as its amount report. Deployments
//     whose pmPayment sends no signed notification must opt out with
//     payment.Config.InsecureAcceptUnreportedAmount (the amount is then
//     bound only by the hashed init form).
//   - The notify URL is configuration, never derived from the redirect URL.
//   - desc must use pmPayment's SEPA character set; other characters are
//     refused, not replaced.
package pmpayment
