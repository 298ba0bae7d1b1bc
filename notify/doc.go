// Package notify announces status changes of applications (Antraege) —
// received, in progress, action required, completed, a fee paid — to the
// applicant and to connected systems, and never loses one.
//
// A notification is an [Event] with a stable [EventID] (UUIDv7, RFC 9562
// §5.7) reused on every retry, every channel and every replay: it is the
// Standard Webhooks webhook-id, the seed of the e-mail Message-ID, the
// Postfach reference and the jti of the audit Security Event Token.
// Statuses use the ZBP Statusmonitor vocabulary (INITIATED, SUBMITTED,
// RECEIVED, PROCESSING, ACTION_REQUIRED, COMPLETED; status-update schema
// 0.9.0) plus payment events.
//
// # Outbox on river
//
// The queue is river (github.com/riverqueue/river v0.51.2): the embedded
// default is SQLite ([NewSQLite], riversqlite on modernc.org/sqlite), the
// store for several instances is PostgreSQL ([NewPostgres], riverpgxv5).
// [Client.EnqueueTx] inserts one delivery job per recipient channel inside
// the caller's transaction (river InsertTx, the fan-out to further
// targets in one InsertManyTx): a rolled-back state change sends
// nothing, a committed one is delivered at least once. Jobs are
// unique per (application, transition, channel, target), so enqueueing
// a transition twice is a no-op. A worker that dies mid-delivery is
// recovered by river's rescuer; [Config.RescueAfter] must be at least four
// times [Config.AttemptTimeout] (checked by New) so a live attempt is never
// rescued and sent twice while it still runs.
//
// # Refused at enqueue
//
// [Client.EnqueueTx] validates the event ([Event.Validate]) and then each
// route against its channel's own rules ([RouteValidator]: Statusmonitor
// and message limits, attachment allow-list, e-mail address syntax,
// known webhook endpoint with https URL and non-zero secrets). A route a
// channel would refuse returns a [RouteError] naming channel and field,
// and nothing of the event is stored, while the caller can still react.
// Channels apply the same rules again in Deliver. A process that only
// enqueues needs the same channel configuration (endpoint IDs included).
//
// # Order
//
// EnqueueTx assigns each event a per-application [Event.Sequence] in the
// caller's transaction (a row per tenant and application in
// notify_tenant_sequences, so concurrent enqueues of one application
// serialise and sequence order is commit order). With [OrderLatest], the
// default of every built-in channel, a status never goes backwards at a
// target: an attempt waits while an older event's attempt to the same
// target runs, and an event a newer one has overtaken is dropped (outcome
// "superseded"), across retries, restarts and instances (the claim is one
// statement on the shared store, held until the attempt's job ends or its
// lease of two attempt timeouts runs out). The ZBP Statusmonitor and
// e-mail show the latest state; a superseded event with a Message (a
// Bescheid) is still delivered, and postfach then leaves out the stale
// status update. Webhook payloads carry "sequence"; a consumer that wants
// every transition sets [OrderNone] for the webhook channel and orders by
// it. Status and payment events are ordered as two separate streams.
//
// # Delivery policy
//
// Each channel has a [Policy]: by default the Svix / Standard Webhooks
// schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) with
// ±10 % jitter; a receiver's Retry-After is honoured when longer. HTTP 410
// disables the endpoint; an endpoint failing for Policy.DisableAfter (5
// days) is disabled and reported through [Config.OnEndpointDisabled] and,
// if configured, on the [Config.DisabledNotice] channels. Exhausted,
// permanently failed and disabled deliveries, and jobs river discarded
// after worker crashes ([Client.Reconcile]), become dead letters
// ([Config.OnExhausted], [Client.DeadLetters]); [Client.Replay] re-sends
// them with the original EventID and body. Policy.Concurrency caps
// in-flight attempts per endpoint in each process.
//
// A 429 or 503 answer with Retry-After holds the whole endpoint, not only
// the refused job: its "not before" time (capped by Policy.MaxRetryAfter)
// is stored with the endpoint ([EndpointStatus].NotBefore), and every job
// to it is snoozed until then — a snooze, not an attempt. Other instances
// see the hold within two seconds (their endpoint health cache); other
// endpoints are unaffected. 429 is logged as "throttled", 502/503/504 as
// "unavailable".
//
// # Tenancy
//
// One Client (one river queue, one store) can serve several tenants —
// the municipalities of a shared portal. [Event.Tenant] is an opaque key
// the caller chooses (the ARS is the natural one; "" is the default
// tenant of a single-tenant deployment, and of every row written before
// tenancy). It is part of everything notify stores for the event: the
// job's unique key (two tenants may use the same application ID), the
// per-application sequence, the delivery log, dead letters, endpoint
// state and the audit record.
//
// Sender identities are configuration data per channel: email.Config,
// postfach.ChannelConfig and webhook.SenderConfig each have a Tenants map
// (e-mail From, Postfach sender and transport, webhook endpoints with
// their signing secrets). A channel serves the tenants it has an identity
// for ([TenantChannel]); EnqueueTx refuses an event a route's channel
// does not serve with a [*TenantError] (ErrUnknownTenant) before anything
// is stored, so a notice is never accepted and then refused at delivery,
// and never sent in another tenant's name. A channel without Tenants
// serves only the default tenant; one with Tenants serves the default
// tenant only if its default identity (From, Sender, Endpoints) is set.
//
// Every query and operator action takes a [Scope]: [ForTenant] reads and
// changes one tenant's rows, [AllTenants] is the explicit cross-tenant
// operator view; the zero Scope is refused with a [*ScopeError]
// (ErrTenantRequired). This covers [Client.Attempts],
// [Client.EventAttempts], [Client.DeadLetters], [Client.Replay] (via
// [ReplayFilter].Scope), [Client.Endpoint], [Client.DisabledEndpoints],
// [Client.EnableEndpoint] and [Client.AuditToken]. A replayed job keeps
// the tenant it was enqueued with. Endpoint state — health, disabling
// and the Retry-After hold — is kept per (tenant, channel, target), as
// are the per-process concurrency cap and the order claims: one tenant's
// 429 or 410 never holds or disables another tenant's deliveries, even to
// an endpoint of the same ID. [Config.DisabledNotice] is the operator's
// and goes out under the default tenant. Spans and metrics carry a
// tenant's key as the attribute ozg.tenant (none for the default tenant).
//
// # Delivery log and audit
//
// Every attempt is logged (time, channel, target ID or fingerprint,
// status code and class, latency, error class, outcome) and queryable per
// application ([Client.Attempts]); no bodies, addresses or personal data.
// Successful attempts carry the receiver's code too (HTTP 2xx, SMTP 250;
// channels report it with [ReportStatus]). The log is written in batches
// and lags an attempt by up to 50 ms plus one write; [Client.FlushLog]
// writes everything that has ended, so tests need not poll.
// With [Config.Audit] each enqueued status change is signed as a Security
// Event Token (RFC 8417; JWS PS512, typ secevent+jwt, claims iss, iat,
// jti = EventID, sub = "application:<application>" — FIT-Connect uses
// "submission:<id>", see [AuditRecord] —, txn = "case:<application>",
// events), stored in the same
// transaction ([Client.AuditToken]); RFC 8935 push delivery of SETs is not
// implemented.
//
// Channels live in sub-packages: webhook (Standard Webhooks v1 and the
// FIT-Connect callback profile, with the receiver-side Verifier), email
// (SMTP via go-mail) and postfach (ZBP REST and a FIT-Connect bridge
// interface). notifytest has simulators for all of them.
//
// # Security
//
// Tenancy is enforced by notify, not by the caller's discipline: a
// tenant key selects a sender identity only through the channel's
// configured map (no fallback to a default or to another tenant), and no
// read or replay runs without a Scope. Tenant keys are restricted to
// [A-Za-z0-9._-]{0,64}, so they cannot forge the separators of stored
// keys, and appear in logs and error messages (they are identifiers, not
// personal data). The isolation is logical, in one database: anyone with
// access to the store sees every tenant's rows.
//
// Delivery is at-least-once, never exactly-once: receivers must
// deduplicate on the EventID. Job rows hold the event (including e-mail
// address and Postkorb-Handle of its one target, and attachments) and must
// be protected like the application's own data; webhook secrets are never
// stored in jobs (endpoints are resolved by ID). Logs and the delivery log
// carry endpoint IDs or fingerprints, error classes and status codes only.
// The per-endpoint concurrency cap is per process. Jobs carry one spare
// attempt so a crash during the last scheduled attempt is retried once
// more. Whatever river gives up on without a verdict of the worker (a job
// discarded after repeated crashes, or because the store failed on its
// last attempt) is dead-lettered by [Client.Reconcile], which every
// started Client runs on Start and every [Config.ReconcileInterval]: one
// dead letter per job (its river job ID is unique in the dead-letter
// table), [Config.OnExhausted] called once, or again after RescueAfter if
// the process died before the call was recorded (at-least-once).
package notify
