// Package database opens the SDK's databases once, so that one *sql.DB (the
// embedded SQLite default) or one *pgxpool.Pool (PostgreSQL, for several
// instances) can be shared by every package of the module and by the
// application's own tables.
//
// Every store of the module follows one pattern:
//
//	store, err := pkgstore.OpenSQLite(ctx, path)    // opens its own SQLite file
//	store, err := pkgstore.NewSQLite(ctx, db)       // shares db from database.OpenSQLite
//	store, err := pkgstore.NewPostgres(ctx, pool)   // shares pool from database.OpenPostgres
//
// The New… constructors run the store's own migrations (idempotent, safe
// when several instances start at once) and never close what they were
// given. Share one database between packages like this:
//
//	db, err := database.OpenSQLite(ctx, "/var/lib/service/ozg.db")
//	sessions, err := sqlstore.NewSQLite(ctx, db)      // account/sqlstore
//	payments, err := paysqlstore.NewSQLite(ctx, db)   // payment/sqlstore
//	outbox, err := notify.NewSQLite(db, notify.Config{…})
//
// An application's own transactions on db may then include the SDK's
// writes (notify.Client.EnqueueTx, payment's transactional status hook).
//
// # SQLite settings
//
// OpenSQLite sets WAL journal, synchronous NORMAL, a 10 s busy timeout,
// foreign keys, BEGIN IMMEDIATE for write transactions and exactly one open
// connection: SQLite allows one writer, and one connection removes
// SQLITE_BUSY between the process's own goroutines (river's SQLite driver
// recommends the same). With one connection, every statement inside a
// transaction must use that transaction; a statement on db while a
// transaction is open waits for it.
//
// # Security
//
// The DSN given to OpenPostgres may carry a password; it is never logged
// or returned in an error. SQLite files are created with the process's
// umask; keep them in a directory only the service can read, since they
// hold personal data (sessions, payment references, notification targets).
package database
