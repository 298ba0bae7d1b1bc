// One portal for many municipalities (issue "examples/saarportal"): the
// state's base components run once for all its towns.
//
// # What it shows
//
//   - Tenants are data (tenants.json, embedded; LoadTenants refuses a bad
//     table with a *TenantError): name, 12-digit Amtlicher
//     Regionalschlüssel (ARS, Destatis Gemeindeverzeichnis: Land 2,
//     Regierungsbezirk 1, Kreis 2, Gemeindeverband 4, Gemeinde 3 digits),
//     payment Mandant (XBezahldienste originatorId/endpointId), its booking
//     profile (required bookingData keys) and Kassenzeichen range, the
//     notice sender (e-mail From, Postfach senderName), the authority that
//     reads the XÖV messages, and two services (LeiKa key, XBau 2.6 message
//     root, fee). The ARS is the tenant key everywhere in the portal.
//   - One BundID login (account/saml, account sessions) for all tenants.
//   - Per application: destination through the FIT-Connect Routing API by
//     LeiKa key and ARS (a destination agreed with the authority in
//     tenants.json, optional, must agree with the route), checked to offer the service with an
//     XBau schema before any fee is taken; XBau message with XÖV header
//     (xoev) signed with the tenant's key (signature/xmldsig); fee at the
//     tenant's Mandant (payment); after the pulled PAYED status, submission
//     through FIT-Connect; the authority's accept read from the verified
//     event log; the notice enqueued in the same transaction as the receipt
//     (notify's outbox) on the tenant's own e-mail channel.
//   - One SQLite database (database.OpenSQLite) shared by the session store,
//     the SAML request store (pending AuthnRequests and the assertion replay
//     cache, account/sqlstore.NewSQLite), the payment store, notify's outbox
//     and the portal's application table — or, with -postgres DSN
//     (Config.Postgres), one PostgreSQL pool (database.OpenPostgres) shared
//     the same way by every instance of the portal (river on PostgreSQL).
//
// # What is modelled, and why
//
//   - One FIT-Connect Zustelldienst (fitconnecttest with one destination
//     per tenant and service, SimConfig.Destinations) serves every
//     tenant: the Routing API lists each destination for exactly its
//     LeiKa key and its tenant's ARS, so both services of every tenant
//     are routed; the portal sends with one sender client. Each
//     authority receives with its own subscriber client and keys per
//     destination and cannot see another destination's submissions. The
//     Bauvorbescheid's LeiKa key is illustrative.
//   - The authorities (the municipalities' Fachverfahren) run in-process:
//     each pins exactly its own tenant's signing certificate, so a message
//     signed with another tenant's key, or addressed to another authority,
//     is refused.
//   - Signing keys are generated at start (GenerateKeys; the simulator
//     process writes them as PEM for the instances); a deployment loads
//     each tenant's key from its own secret store (signature.LoadPKCS12 or
//     an HSM signer) into HaConfig.Keys.
//   - Notices go to e-mail pickup folders (notify/email PickupDir; in the
//     process tests by SMTP to the simulator's mail server,
//     Counterparts.MailRelay), one
//     channel per tenant whose sender serves exactly that tenant
//     (email.Config Tenants, Event.Tenant = ARS); the Postfach sender name
//     travels as the event's SenderName.
//   - Each tenant's payment client is scoped to its tenant
//     (payment.Config.Tenant = ARS) on the one payment store; every
//     simulated Bezahldienst numbers its transactions from TX00000001.
//   - The operator page (/operator, operator.go) has its own login: a
//     state-wide operator sees every tenant together and each alone, a
//     municipality's operator only its own (generated logins in the demo,
//     printed by -serve). Login refusals are counted portal-wide by reason
//     in the shared database. Every list is paged (50 rows) with a
//     next-page link (operator_paging.go).
//   - Prometheus metrics (metrics.go): one OpenTelemetry MeterProvider,
//     passed to account (saml, sessions), fitconnect, payment and notify
//     (and river through notify), exported
//     on a loopback listener of its own; portal counters
//     saarportal_applications_total{tenant,service,outcome} and
//     saarportal_login_refusals_total{reason}.
//
// # Several instances
//
// Every step after the citizen's action is resumable by any instance
// (flow.go, resumer.go). The application's state is a row in the shared
// database: ZAHLUNG → BEZAHLT → WIRD_EINGEREICHT → EINGEREICHT →
// EINGEGANGEN or ZURUECKGEWIESEN (ABGEBROCHEN for a canceled fee). Whoever
// works on an application holds its lease (lease_owner with a random
// token, lease_until): the citizen's own request, or the resumer every
// instance runs, which claims due applications in batches (UPDATE … WHERE
// id IN (SELECT … FOR UPDATE SKIP LOCKED) AND lease_until < now). Each
// step renews the lease first and every write names the owner and the
// expected state, so a step that outlived its lease writes nothing. The
// fee is created after the row, with the application ID as request ID
// (payment's idempotent create); every instance runs each tenant's
// payment.Client.Run (reconciliation scoped to the tenant), and the
// resumer pulls the status of an application whose turn came
// (payment.Client.Sync) unless the store already has it final. The
// FIT-Connect send is bounded by half the lease, and the submission and
// case IDs are stored before anything is uploaded (fitconnect.Submission.Announced): whoever takes over reads
// the event log — "incomplete" means nothing was submitted and it sends
// again (the orphan announcement expires at the Zustelldienst), anything
// else means it was. The receipt and its notice commit in one transaction
// conditional on EINGEREICHT (notify's outbox), so the notice is enqueued
// exactly once; a delivery that died with its instance is redelivered
// after HaConfig.RescueAfter (notify.Config.RescueAfter). The SAML and XÖV
// keys must be the same in every instance (HaConfig.Keys).
//
// TestTwoInstancesSIGKILL runs it: the counterparts in a process of their
// own (-simulators, which also writes the shared keys), two portal
// processes (-instance) on one PostgreSQL database behind a load
// balancer, one killed with SIGKILL while applications are in flight; the
// counterparts' records then show every paid application submitted
// once, every fee created and paid once and one committed notice per
// application, every delivery counted (a redelivery of the same notice
// is reported, not failed).
// README.md has the benchmark and load figures.
//
// Not in this cut: traces (every package takes a TracerProvider; the
// portal installs none).
//
// # Security
//
//   - No step trusts the browser for a tenant: the tenant and service come
//     from the form, but every later step loads the application by ID and
//     the session's subject, and uses that row's ARS; another citizen's ID
//     is "not found".
//   - The redirect from the Bezahldienst is never trusted; the status is
//     pulled (payment.Client.Sync).
//   - The shared stores are tenant-scoped: a payment client and notify's
//     operator queries (Scope) see one tenant; the cross-tenant views
//     (paystore ListFilter.AllTenants, notify.AllTenants) serve only the
//     state-wide operator. The operator page checks the operator's tenant
//     before every view and replay; replay is a POST behind
//     http.CrossOriginProtection and a per-session CSRF token. A page link
//     carries the list's position sealed with an HMAC-SHA256 keyed from
//     the operator session over list, view and position; one forged, of
//     another session or view, positioned in another tenant, or used
//     without login is refused (400) and shows no rows.
//   - Metrics and the refusal counts carry tenant, service, outcome and
//     reason only; no IDs or personal data.
//   - Logs carry IDs only; pages carry no technical error text.
//   - Several instances share the SAML and XÖV signing keys
//     (HaConfig.Keys); the simulator process writes throw-away keys as
//     PEM (0600) into its state directory, a deployment keeps them in its
//     secret store. A lease is no lock against a paused instance: every
//     write of a step names the lease's owner and the expected state, so
//     a late instance writes nothing, and a send is bounded by half the
//     lease. What remains is a send whose final request was already on
//     the wire when its instance stalled past the whole lease: the
//     FIT-Connect Submission API has no idempotent submit to close that.
package main
