// Package payment lets an OZG online service (Onlinedienst) take fees
// through the state's payment service (*Bezahldienst*: ePayBL
// installations, pmPayment, ePay21 …) and hand the municipal treasury
// (*Kasse*) correct booking data.
//
// The package is provider-neutral. Adapters implement [payprovider.Provider]:
// payment/xbezahldienste (the FITKO standard XBezahldienste, the reference
// adapter) and payment/pmpayment (pmPayment's native push-based interface).
// payment/paymenttest holds simulators of both, an in-memory FakeProvider
// and the Store conformance suite; payment/sqlstore stores on SQLite (the
// embedded default) or PostgreSQL.
//
// # Package layout: three audiences
//
// The payment API is split the way database/sql is split from
// database/sql/driver, so that each reader sees only the contract meant
// for them:
//
//   - Applications use this package: [New], [Config], [Client] with
//     Create, Sync, Get, HandlePush/PushHandler, Run/ReconcileOnce, the
//     operator listings, the hooks [Config.OnStatusChange] and
//     [Config.OnStatusChangeTx], [Profile] and the errors the Client itself
//     decides ([ErrOutcomeUnknown], [ErrCreateEnded], [ErrMismatch] …).
//   - Adapter authors implement payment/payprovider: Provider, Recoverer,
//     PushVerifier, their request and answer types and the sentinel
//     errors an adapter returns (ErrPaymentExists, ErrUnavailable …), and
//     run paymenttest.ProviderConformance.
//   - Store authors implement payment/paystore: Store, TxStore, the list
//     filters and anomalies, and run paymenttest.StoreConformance.
//
// The value types all three share (Amount, Currency, Status,
// CreateRequest with its items and booking data, Transaction) live in
// payment/paytype, which imports none of the others. Errors from any of
// the packages reach the application unchanged in the chain, so an
// application tests errors.Is(err, payprovider.ErrUnavailable) or
// errors.Is(err, paytype.ErrInvalidRequest) next to this package's own
// sentinels.
//
// # Specifications
//
//   - XBezahldienste 1.0.0 (FITKO): PaymentRequest, PaymentItem, Requestor,
//     PaymentTransaction, the status model INITIAL → PAYED | CANCELED |
//     FAILED ("Statusmodell"), functional error codes. Limits enforced by
//     [paytype.CreateRequest.Validate]: requestId/item id ≤ 36 of [A-Za-z0-9_-],
//     purpose ≤ 27, description ≤ 250, redirectUrl ≤ 2082, 1 … 99 items,
//     amounts ≤ 999999.00 EUR, currency EUR only.
//   - RFC 9457 (problem+json) for error answers, RFC 6749 §4.4 (client
//     credentials) and RFC 9449 (DPoP) for caller authentication — see
//     payment/xbezahldienste.
//
// # Model
//
// Money is [paytype.Amount], an int64 number of euro cents; [paytype.ParseEUR] and
// [paytype.Amount.String] convert to and from the wire's decimal form with exactly
// two decimals. No float is used anywhere. [paytype.CreateRequest] carries items
// with a net/tax split ([paytype.TaxRate] in hundredths of a percent) and typed
// [paytype.Booking] data: *Kassenzeichen* (payment reference the Kasse books
// against; ePayBL kassenzeichen, XBezahldienste transactionReference),
// *Haushaltsstelle* (budget line), *Objektnummer* (cost object),
// *Buchungstext* (booking text, ≤ 27), *Belegnummer* (voucher number,
// ≤ 30, unique per Kassenzeichen; AKDB ePayBL), *Faelligkeitsdatum* (due
// date), plus a free map for Bezahldienst-specific bookingData agreed per
// *Mandant* (the authority/tenant, identified by originatorId and
// endPointId). Nothing is truncated, cleaned or clamped: a value beyond a
// limit is refused with a [*FieldError].
//
// # Flow
//
//	c, _ := payment.New(payment.Config{Provider: p, Store: s, OnStatusChange: notify}) // Store required
//	tx, err := c.Create(ctx, req)    // stored first, then POSTed; idempotent by req.IdempotencyKey
//	// redirect the user to tx.PayURL; on return:
//	tx, err = c.Sync(ctx, requestID) // pulls; the redirect itself proves nothing
//	go c.Run(ctx)                    // background reconciliation with backoff and expiry
//	http.Handle("/payment/notify", c.PushHandler()) // push-based providers
//
// [Client.Create] persists the request under its idempotency key (the
// requestId) before the provider call, sends the same requestId on every
// retry, makes one provider call for concurrent callers with the same key,
// refuses a different body under a used key ([ErrIdempotencyConflict]) and
// recovers a transaction whose create answer was lost ([payprovider.Recoverer]).
//
// # Several instances, faults
//
// Instances sharing one store (PostgreSQL, or one SQLite file) never both
// send a create: the one that holds the store's create lease
// ([paystore.Store.LeaseCreate], [Config.CreateLease]) sends it, the others wait for
// its outcome. A definite refusal by the Bezahldienst (a 4xx other than
// PAYMENT_EXISTS, 401/403 and 408/425/429) ends the request
// ([paystore.AnomalyRefused], [ErrCreateEnded] for the same key later); nothing else
// does. Store failures are [*StoreError]s, network failures
// [payprovider.ErrUnavailable], certificate failures [*CertificateError] (never
// retried): [Client.Run] logs them, backs off and keeps going until its
// context ends, because the citizen may have paid.
//
// # Tenancy: several municipalities on one store
//
// One deployment may serve several tenants (municipalities, Mandanten),
// each keyed by an opaque tenant key the caller chooses
// ([paystore.CheckTenant]; the official regional key, ARS, is the natural
// one): one [Client] per Mandant per tenant ([Config.Tenant]), each with
// its own Provider (Bezahldienst account) and its own push URL, all on
// one Store:
//
//	for _, m := range municipalities {
//		c, _ := payment.New(payment.Config{Tenant: m.ARS, Provider: m.Provider, Store: shared})
//		mux.Handle("/payment/notify/"+m.ARS, c.PushHandler())
//		go c.Run(ctx)
//	}
//
// A Client holds only its tenant's view of the store
// ([paystore.Store.ForTenant]): every row it writes carries the tenant
// ([paytype.Transaction].Tenant, [paystore.Anomaly].Tenant), and every
// read — Get, Sync, the push lookup by transaction ID, seen push events,
// push claims, the create lease, the reconciliation's due list, the
// operator listings — sees that tenant's rows only. Request IDs and
// transaction IDs are unique per tenant, not per store: two Bezahldienst
// accounts that number their transactions alike (TX00000001) coexist. A
// verified push to tenant A's handler that names B's transaction finds
// nothing (404, [paystore.ErrNotFound]) and changes nothing; Get or Sync
// of B's request ID through A's Client is ErrNotFound; A's Run never
// polls B's transactions nor calls B's Bezahldienst. The hooks receive
// the tenant ([StatusChange].Tenant), and log lines carry it.
//
// Tenant "" (the zero value) is the single-tenant deployment; the store
// migration gives every existing row tenant "", so such a deployment
// keeps working unchanged.
//
// # Operators and the treasury
//
// [Client.ListAnomalies] and [Client.ListOpen] list what needs a human
// among the Client's tenant's transactions (paged, by kind, status and
// age); a filter naming another tenant, or all tenants, is refused with
// [paystore.ErrForeignTenant]. The state-wide operator lists on the Store
// itself: [paystore.ListFilter].Tenant selects one tenant, and only the
// explicit [paystore.ListFilter].AllTenants lists across tenants (each
// entry names its tenant); the zero filter never does. A [Profile] carries a
// Mandant's own rules (required booking fields, ePayBL's 27 characters for
// Kassenzeichen + "/" + Buchungstext), checked before anything is sent.
// [Config.OnStatusChangeTx] hands a transition to the application inside
// the store's database transaction.
//
// # Security
//
//   - Results are pulled. Neither the user's redirect nor a push body sets a
//     state: both only trigger [Client.Sync]. A pulled result whose amount,
//     currency, requestId, transactionId or reference differs from the stored
//     request is refused ([ErrMismatch]) and recorded as an [paystore.Anomaly].
//   - A PAYED is never applied without comparing its amount and currency
//     (anti-pattern 9.5 in payment/paymenttest/SOURCES.md). A pull that reports PAYED without them (e.g. no
//     paymentRequest echo) is refused as a [*MismatchError] with
//     NotReported and recorded as an AnomalyMismatch, unless a verified push
//     claiming PAYED reported matching ones (GiroCheckout gcAmount and
//     gcCurrency, pmPayment amount). Where the protocol's pull never carries
//     the amount (pmPayment, marked [payprovider.ProviderTransaction].AmountByPush),
//     Sync and Run leave the transaction INITIAL and the signed push applies
//     it; without that push it ends in AnomalyExpired. The only way around
//     is the explicit [Config].InsecureAcceptUnreportedAmount (logged at
//     Warn on every use). CANCELED and FAILED move no money and need no
//     amount.
//   - Nothing is dropped silently: a final state in the create answer that
//     cannot be applied is recorded as an anomaly (refused) or logged at
//     Error with the request ID (store failure); Create still returns the
//     created transaction and reconciliation pulls it again.
//   - The status machine refuses every transition but INITIAL → terminal
//     ([paystore.ErrIllegalTransition], recorded as an anomaly); unknown status
//     strings are errors ([paytype.ErrUnknownStatus]) and never mean paid. The
//     store applies transitions by compare-and-set, so [Config.OnStatusChange]
//     fires once per applied transition even with several instances.
//   - Pushes are verified over the raw body bytes with [payprovider.HMACVerifier]
//     (HMAC-SHA256, hmac.Equal, several secrets for rotation; HMAC-MD5 only
//     with InsecureAllowMD5), checked for timestamp tolerance and tenant,
//     and deduplicated by event ID.
//   - A verified push claiming PAYED whose amount and currency matched is
//     never lost when it arrives before the pulled status confirms it
//     (the provider's notification can overtake its status API). Its
//     claim is stored durably ([paystore.Store.RecordClaim], [paystore.PushClaim]) before the
//     pull, and a later pull that reports PAYED (Sync, Run) is applied
//     with it as the amount report; the claim alone never sets a state.
//     The push is then answered per its provider's documented delivery
//     ([payprovider.Push].Redelivers): GiroCheckout repeats a notification until it
//     gets 200 or 400, so it gets 503 with Retry-After ([ErrClaimPending])
//     and is not marked seen; pmPayment documents no resending, so it gets
//     200 and is marked seen once its claim is stored. A pull that reports
//     FAILED or CANCELED against such a claim is applied and recorded as
//     an AnomalyPushMismatch; an expiry names the claim in its anomaly.
//   - Secrets are [payprovider.Secret] values that print as REDACTED. Logs carry
//     request IDs, transaction IDs, amounts and states, never secrets,
//     tokens, names, addresses or bodies; error texts name fields, not
//     values.
//   - Zero values are the secure ones: a nil Store is [ErrInvalidConfig]
//     (never a silent in-memory store), redirect URLs must be https unless
//     [Config].InsecureDevelopment allows plain http to loopback, which a
//     Production [Profile] refuses.
//   - Tenants never cross: a Client reads and writes only its
//     [Config.Tenant]'s rows, and another tenant's transaction is not
//     found rather than refused, so one tenant's Client cannot even learn
//     whether an ID exists in another. Tenant keys are validated
//     ([paystore.CheckTenant]); the cross-tenant operator view exists only
//     on the Store and only by explicit choice (AllTenants). Each tenant's
//     pushes must reach its own Client's handler, verified with that
//     tenant's secrets: a push signed for A but delivered to B's handler
//     fails B's verification.
//   - GiroCheckout's unseparated hash input is bound to the stored
//     transaction: every field the push reports (requestId, transaction
//     ID, amount, currency) is compared before a claim is recorded.
//   - The caller must still: serve the redirect and notify URLs over
//     HTTPS, authorise who may call Sync for which requestId, and act on
//     anomalies (they need a human).
//
// [Config.OnStatusChange] runs after the transition is stored; if the
// process dies between the two, the change is stored but the hook is not
// repeated. Use [Config.OnStatusChangeTx] (with a transactional outbox such
// as notify's EnqueueTx) when the hand-over must survive crashes.
package payment
