// Package sqlstore keeps credential records and ceremony sessions in an SQL
// database through database/sql: SQLite as the embedded default, PostgreSQL
// when several instances of a relying party share one database.
// [Store.Credentials] and [Store.Sessions] satisfy [store.Credentials] and
// [store.Sessions].
//
// The package imports no driver; the application does, and passes its
// *sql.DB and the [Dialect] to [New]:
//
//	import _ "modernc.org/sqlite" // pure Go
//	db, err := sql.Open("sqlite", "/var/lib/app/passkey.db?"+sqlstore.SQLitePragmas)
//	st, err := sqlstore.New(ctx, db, sqlstore.SQLite, sqlstore.AutoMigrate())
//
//	import _ "github.com/jackc/pgx/v5/stdlib"
//	db, err := sql.Open("pgx", "postgres://app@db.internal/app")
//	st, err := sqlstore.New(ctx, db, sqlstore.Postgres)
//
// # SQLite
//
// Open the database file with [SQLitePragmas]: WAL, a busy timeout and
// synchronous FULL, which [New] checks. Make one [Store] per database in a
// process: its writes queue in the order they come (see [Store]). Several
// processes may share the file on one machine (not over a network file
// system); between them, the busy timeout decides who writes next.
//
// # Schema and privileges
//
// The schema is versioned SQL embedded in the package, one set per dialect:
// three tables, passkey_credentials, passkey_sessions and passkey_schema
// (PostgreSQL: in the first schema of search_path). Choose who applies it:
//
//   - a migration tool: [Migrations] returns the files;
//   - a deployment step: [Migrate], with a user allowed to create tables;
//   - the application at start-up: [New] with [AutoMigrate].
//
// Without AutoMigrate, New runs no DDL and only checks the schema version
// (a [*SchemaError] if it is too old), so the application's database user
// needs no more than this (PostgreSQL):
//
//	GRANT SELECT ON passkey_schema TO app;
//	GRANT SELECT, INSERT, UPDATE, DELETE ON passkey_credentials, passkey_sessions TO app;
//
// Migrate is safe when several instances start at once (an advisory lock on
// PostgreSQL, BEGIN IMMEDIATE on SQLite).
//
// # Storage
//
// A credential record is stored whole in its binary encoding
// ([credential.Record.MarshalBinary]), with copies of the fields that the
// statements need beside it: the credential ID (unique index), the user
// handle (index with the creation time and a sequence number, for
// [Credentials.ListByUser]), the sign count, the last use and creation time
// as Unix nanoseconds, and the name. Credential IDs, user handles and names
// are stored as bytes, so they compare exactly. A session is its key, its
// opaque state and its expiry in Unix nanoseconds.
//
// # Several instances
//
// Every change is one atomic statement (Rename: a guarded one, repeated if
// the record changed in between), so instances need no lock of their own
// and no clock in common:
//
//   - [Credentials.Create] is INSERT … ON CONFLICT DO NOTHING: of racing
//     registrations of one credential ID exactly one succeeds, the others
//     get [store.ErrExists] (#reg-ceremony-create-credential-record);
//   - [Credentials.CompareAndSwap] is an UPDATE whose WHERE clause compares
//     the sign count, last use and name that the login read, so each
//     counter value is consumed once (#sctn-sign-counter,
//     #authn-ceremony-update-credential-record);
//   - [Sessions.Take] is DELETE … RETURNING: of racing Finish calls for one
//     session exactly one gets it;
//   - [Sessions.Sweep] deletes by the caller's clock, never the database's.
//
// On PostgreSQL this holds at the default READ COMMITTED isolation and at
// the stricter levels, where a statement that fails with a serialization
// failure is retried (see [Credentials.WithTx] for statements inside the
// application's transaction).
//
// # Transactions
//
// [Credentials.WithTx] binds the credential store to an application's
// *sql.Tx, so that an account and its first credential are committed
// together.
package sqlstore
