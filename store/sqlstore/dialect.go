package sqlstore

import (
	"regexp"
	"strconv"
)

// Dialect names the SQL database behind a *sql.DB. The package needs it for
// the schema, the few statements that differ, and the errors it recognises;
// it never imports a driver.
type Dialect int

const (
	// SQLite is SQLite 3.35 or newer (for RETURNING), for example through
	// the pure-Go driver modernc.org/sqlite. Open it with [SQLitePragmas].
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL 12 or newer, for example through
	// github.com/jackc/pgx/v5/stdlib.
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

// SQLitePragmas is the DSN query string that modernc.org/sqlite needs for a
// store: WAL, so that readers never wait for the writer; a busy timeout, so
// that writers from several connections or processes queue instead of
// failing at once with SQLITE_BUSY; and synchronous FULL, so that a commit
// that returned survives a power cut (in WAL mode, NORMAL can lose the last
// commits, which for a sign counter means a rolled-back counter). Append it
// to the database path:
//
//	sql.Open("sqlite", "/var/lib/app/passkey.db?"+sqlstore.SQLitePragmas)
//
// The driver runs the pragmas on every connection it opens. [New] checks
// them on one connection and refuses other settings unless told otherwise
// ([SkipSQLiteCheck]). If the application also runs its own transactions
// through [Credentials.WithTx], adding "&_txlock=immediate" makes them take
// the write lock at BEGIN, so that a transaction that reads before it writes
// waits for other writers instead of failing with SQLITE_BUSY.
const SQLitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"

// queries holds the statements of one dialect. The tables of both are built
// once from one text per statement and never written afterwards.
type queries struct {
	insertCred string
	getCred    string
	listCred   string
	casCred    string
	existsCred string
	renameCred string
	deleteCred string

	putSession   string
	takeSession  string
	sweepSession string

	schemaExists  string
	schemaVersion string
}

// sweepBatch is how many sessions one Sweep statement deletes at most, so
// that a sweep after a flood of abandoned ceremonies holds the write lock
// for short statements rather than one long one.
const sweepBatch = 1000

// The statements are written once, with PostgreSQL's $N parameters, and
// rewritten for SQLite (see sqliteParams). A few differ in text: NULL-safe
// equality (IS in SQLite, IS NOT DISTINCT FROM in PostgreSQL) and how to ask
// whether a table exists.
var (
	postgresQueries = queries{
		insertCred: `INSERT INTO passkey_credentials (id, user_handle, sign_count, last_used, name, created_at, record)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
		getCred:  `SELECT record FROM passkey_credentials WHERE id = $1`,
		listCred: `SELECT record FROM passkey_credentials WHERE user_handle = $1 ORDER BY created_at, seq`,
		casCred: `UPDATE passkey_credentials
SET user_handle = $2, sign_count = $3, last_used = $4, name = $5, created_at = $6, record = $7
WHERE id = $1 AND sign_count = $8 AND last_used IS NOT DISTINCT FROM $9 AND name = $10`,
		existsCred: `SELECT 1 FROM passkey_credentials WHERE id = $1`,
		renameCred: `UPDATE passkey_credentials SET name = $2, record = $3 WHERE id = $1 AND record = $4`,
		deleteCred: `DELETE FROM passkey_credentials WHERE id = $1`,

		putSession: `INSERT INTO passkey_sessions (id, state, expires) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires = excluded.expires`,
		takeSession: `DELETE FROM passkey_sessions WHERE id = $1 RETURNING state`,
		sweepSession: `DELETE FROM passkey_sessions WHERE id IN
(SELECT id FROM passkey_sessions WHERE expires < $1 LIMIT ` + strconv.Itoa(sweepBatch) + `)`,

		// The schema that CREATE TABLE writes to: the first of search_path.
		schemaExists: `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
WHERE schemaname = current_schema() AND tablename = 'passkey_schema')`,
		schemaVersion: `SELECT coalesce(max(version), 0) FROM passkey_schema`,
	}

	sqliteQueries = func() queries {
		q := postgresQueries
		q.casCred = `UPDATE passkey_credentials
SET user_handle = $2, sign_count = $3, last_used = $4, name = $5, created_at = $6, record = $7
WHERE id = $1 AND sign_count = $8 AND last_used IS $9 AND name = $10`
		q.schemaExists = `SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'passkey_schema'`
		for _, s := range []*string{
			&q.insertCred, &q.getCred, &q.listCred, &q.casCred, &q.existsCred, &q.renameCred, &q.deleteCred,
			&q.putSession, &q.takeSession, &q.sweepSession, &q.schemaExists, &q.schemaVersion,
		} {
			*s = sqliteParams(*s)
		}
		return q
	}()
)

// pgParam matches a PostgreSQL parameter. The statements hold no string
// literal with a dollar sign, so a plain rewrite is safe.
var pgParam = regexp.MustCompile(`\$([0-9]+)`)

// sqliteParams rewrites $N parameters as ?N, SQLite's own numbered form,
// which every SQLite driver binds by number. ($N is an SQLite named
// parameter; some drivers bind those by position of first use.)
func sqliteParams(s string) string {
	return pgParam.ReplaceAllString(s, "?$1")
}

// queriesFor returns the statements of d, or nil for an unknown dialect.
func queriesFor(d Dialect) *queries {
	switch d {
	case SQLite:
		return &sqliteQueries
	case Postgres:
		return &postgresQueries
	}
	return nil
}
