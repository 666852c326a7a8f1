package sqlstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/gopasskey/passkey/errcode"
)

// Argument errors: the caller broke a precondition of the interface, which
// no retry fixes, so they are not [store.Error] outcomes.
var (
	errNilRecord  = errors.New("sqlstore: record is nil")
	errIDMismatch = errors.New("sqlstore: compare-and-swap: updated.ID differs from old.ID")
	errNilTx      = errors.New("sqlstore: WithTx was given a nil *sql.Tx")
)

// SchemaError reports that the database's schema is older than this version
// of the package needs: [New] returns it instead of running statements that
// would fail later, or running DDL nobody asked for.
type SchemaError struct {
	// Dialect is the database's dialect.
	Dialect Dialect
	// Have is the schema version found in the database; 0 means no
	// passkey_schema table, a database never migrated.
	Have int
	// Want is the version this package needs.
	Want int
}

// Error says which version was found, which is needed, and how to migrate.
func (e *SchemaError) Error() string {
	return "sqlstore: " + e.Dialect.String() + " schema is at version " + strconv.Itoa(e.Have) +
		", this package needs " + strconv.Itoa(e.Want) +
		" (run sqlstore.Migrate, apply sqlstore.Migrations, or pass sqlstore.AutoMigrate to New)"
}

// configError reports a mistake in what the caller passed to [New] or
// [Migrate].
func configError(field, problem, fix string) error {
	return &errcode.ConfigError{Field: field, Problem: problem, Fix: fix}
}

// maxRetries bounds how often one statement is retried after a PostgreSQL
// serialization failure or deadlock (see retryable).
const maxRetries = 10

// retryable reports whether err means that a statement the store ran on its
// own, outside any transaction of the caller, failed as a whole because of a
// concurrent transaction, so that running it again is safe and correct.
//
// That happens only on PostgreSQL, when the server's default isolation
// level is REPEATABLE READ or SERIALIZABLE (default_transaction_isolation):
// an UPDATE or DELETE of a row that a concurrent transaction changed then
// fails with SQLSTATE 40001 rather than re-reading the row as READ COMMITTED
// does. Every store statement is one atomic statement, so a retry sees the
// other transaction's result and reports ErrConflict, ErrNotFound or
// ErrExists as READ COMMITTED would. Deadlocks (40P01) cannot arise between
// the store's own single-row statements, but can with an application's
// transactions on the same rows; they are retried the same way.
//
// The SQLSTATE comes from the error's SQLState method, which the errors of
// github.com/jackc/pgx (*pgconn.PgError) and github.com/lib/pq (*pq.Error)
// both have, so the package imports no driver. SQLite needs no retry here:
// its writers queue on the busy timeout (see [SQLitePragmas]).
func retryable(d Dialect, err error) bool {
	if d != Postgres {
		return false
	}
	switch sqlState(err) {
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return true
	}
	return false
}

// retry runs the statement f, and runs it again, up to maxRetries times,
// while it fails in a way that retryable says a rerun fixes; never inside
// the caller's transaction (inTx), which such a failure has aborted, and
// not once ctx has ended.
func retry(ctx context.Context, d Dialect, inTx bool, f func() error) error {
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || inTx || attempt >= maxRetries || !retryable(d, err) || ctx.Err() != nil {
			return err
		}
	}
}

// sqlState returns the SQLSTATE code carried by err, or "" if none of the
// errors it wraps has one.
func sqlState(err error) string {
	var withState interface{ SQLState() string }
	if errors.As(err, &withState) {
		return withState.SQLState()
	}
	return ""
}
