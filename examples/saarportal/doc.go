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
//     LeiKa key and ARS (or the destination agreed with the authority, which
//     must then agree with any route), checked to offer the service with an
//     XBau schema before any fee is taken; XBau message with XÖV header
//     (xoev) signed with the tenant's key (signature/xmldsig); fee at the
//     tenant's Mandant (payment); after the pulled PAYED status, submission
//     through FIT-Connect; the authority's accept read from the verified
//     event log; the notice enqueued in the same transaction as the receipt
//     (notify's outbox) on the tenant's own e-mail channel.
//   - One SQLite database (database.OpenSQLite) shared by the session store,
//     the payment store, notify's outbox and the portal's application table.
//
// # What is modelled, and why
//
//   - fitconnecttest models one destination serving one LeiKa key (the
//     building permit, 99010003001006) in one ARS (Saarbrücken). The demo
//     runs one simulator per tenant: Saarbrücken's building application is
//     routed through the Routing API; Völklingen and Homburg use the
//     destination agreed in tenants.json; the second service (Bauvorbescheid,
//     an illustrative LeiKa key) has no destination and is refused before
//     any fee. A deployment has one Zustelldienst and one sender client.
//   - The authorities (the municipalities' Fachverfahren) run in-process:
//     each pins exactly its own tenant's signing certificate, so a message
//     signed with another tenant's key, or addressed to another authority,
//     is refused.
//   - Signing keys are generated at start; a deployment loads each tenant's
//     key from its own secret store (signature.LoadPKCS12 or an HSM signer).
//   - Notices go to e-mail pickup folders (notify/email PickupDir), one per
//     tenant; the Postfach sender name travels as the event's SenderName.
//   - Pending SAML requests are kept in memory: account/sqlstore opens its
//     own database by path and has no constructor on a shared *sql.DB.
//   - The payment simulators use the requestId as transactionId: each
//     simulator numbers its transactions from TX00000001, and the payment
//     store keeps transaction IDs unique across all Mandants, so two
//     Bezahldienst accounts with the same numbering collide in one store.
//
// Not in this cut: two portal processes on PostgreSQL with a SIGKILL test,
// OpenTelemetry, Prometheus metrics, the operator page. The portal runs no
// background payment reconciliation (payment.Client.Run): the store's Due
// query has no tenant, so one tenant's client would poll every tenant's
// open transactions at its own Bezahldienst.
//
// # What the packages still need for one deployment of many tenants
//
//   - payment: a tenant key on every stored transaction, and Get,
//     GetByTransactionID (push), Due (reconciliation), anomaly and operator
//     queries filtered by it; transaction IDs unique per tenant, not per
//     store.
//   - notify: a tenant key on events, delivery log, dead letters, replay
//     filters and endpoint state; a sender identity per tenant in one
//     channel (today: one channel per tenant, named by the portal).
//   - fitconnecttest: several destinations, each with its own services,
//     regions and Routing API entries, in one simulator.
//   - account/sqlstore: the SAML request store on a shared *sql.DB.
//
// # Security
//
//   - No step trusts the browser for a tenant: the tenant and service come
//     from the form, but every later step loads the application by ID and
//     the session's subject, and uses that row's ARS; another citizen's ID
//     is "not found".
//   - The redirect from the Bezahldienst is never trusted; the status is
//     pulled (payment.Client.Sync).
//   - Payment request IDs start with the tenant's slug, so tenants cannot
//     collide in the shared payment store (which has no tenant key).
//   - Logs carry IDs only; pages carry no technical error text.
package main
