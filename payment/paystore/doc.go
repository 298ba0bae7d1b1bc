// Package paystore is the contract between package payment and the
// storage of transactions: [Store] (transactions, create leases,
// compare-and-set transitions, reconciliation schedule, anomalies, seen
// pushes, push claims, operator listings) and [TxStore] (a transition
// and the application's own change in one SQL transaction). Store authors
// implement it and check it with paymenttest.StoreConformance;
// payment/sqlstore implements it on SQLite and PostgreSQL, and
// [NewMemoryStore] is the explicit in-memory choice for tests and single
// short-lived processes. Applications pass a Store to payment.Config and
// read anomalies and listings ([ListFilter], [Anomaly]) through
// payment.Client.
//
// # Security
//
//   - [Store.Transition] is a compare-and-set: it applies a change only
//     from the expected status ([ErrConcurrentUpdate] otherwise) and only
//     if the status machine allows it ([TransitionError] wrapping
//     [ErrIllegalTransition]), so two instances never both apply a state
//     and a paid transaction never goes back.
//   - Tenancy: a view of one tenant ([Store.ForTenant]) reads and writes
//     only that tenant's rows; another tenant's transaction is
//     [ErrNotFound], and a listing of another tenant or of all tenants
//     through a view is [ErrForeignTenant]. Across tenants lists only the
//     store as opened, and only with the explicit [ListFilter].AllTenants;
//     the zero filter lists tenant "" (the single-tenant deployment).
//     paymenttest.StoreConformance tries to cross the boundary with every
//     method.
//     A view scopes what the code holding it does (a payment.Client never
//     leaves its tenant); it is no access control against other code in
//     the same process, which can call ForTenant itself.
//   - [Anomaly].Detail and [StoreError] texts never hold secrets or
//     personal data.
//   - Listing cursors ([EncodeCursor], [DecodeCursor]) are opaque but not
//     secret; a malformed cursor is refused with a typed error, never
//     guessed.
//   - [MemoryStore] forgets everything on restart; payment.New refuses a
//     nil Store instead of falling back to it.
package paystore
