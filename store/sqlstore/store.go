package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Store is the SQL store: [Store.Credentials] and [Store.Sessions] on one
// database. Any number of Store values, in one process or many, may share
// a database: the database decides every race.
//
// On SQLite, a Store lets one of its statements write at a time, in the
// order they come, since SQLite has one writer anyway and its own waiting
// (the busy timeout) polls and can starve a writer under load. Use one
// Store per SQLite database in a process, so that all its writes queue in
// that order.
type Store struct {
	credentials *Credentials
	sessions    *Sessions
}

// Option configures [New].
type Option func(*config)

// config is what the options set.
type config struct {
	autoMigrate     bool
	skipSQLiteCheck bool
}

// AutoMigrate makes [New] call [Migrate] first, for applications that
// create their own schema at start-up. Without it, New runs no DDL, so
// the database user needs only the privileges listed in the package
// documentation.
func AutoMigrate() Option {
	return func(c *config) { c.autoMigrate = true }
}

// SkipSQLiteCheck makes [New] accept an SQLite connection whatever its
// journal mode, busy timeout and synchronous setting. Use it for a
// throwaway database (tests, a single connection to ":memory:") where
// concurrency and durability do not matter; a store for real credentials
// should open the database with [SQLitePragmas] instead.
func SkipSQLiteCheck() Option {
	return func(c *config) { c.skipSQLiteCheck = true }
}

// New returns the store on db, which the caller opened with the driver of
// dialect d and keeps: New does not take ownership, and the caller closes
// db after its last use of the store.
//
// New checks, on one connection, that an SQLite database was opened with
// [SQLitePragmas] (unless [SkipSQLiteCheck]), runs [Migrate] if
// [AutoMigrate] is given, and checks that the schema is at the version this
// package needs, returning a [*SchemaError] if it is older. It runs nothing
// else; a nil db or an unknown dialect is an [*errcode.ConfigError].
func New(ctx context.Context, db *sql.DB, d Dialect, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, configError("sqlstore.New db", "is nil", "pass the *sql.DB opened with the database's driver")
	}
	q := queriesFor(d)
	if q == nil {
		return nil, configError("sqlstore.New dialect", "is "+d.String(), "use sqlstore.SQLite or sqlstore.Postgres")
	}
	var cfg config
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if d == SQLite && !cfg.skipSQLiteCheck {
		if err := checkSQLite(ctx, db); err != nil {
			return nil, err
		}
	}
	if cfg.autoMigrate {
		if err := Migrate(ctx, db, d); err != nil {
			return nil, err
		}
	}
	have, err := currentVersion(ctx, db, q)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if have < schemaVersion {
		return nil, &SchemaError{Dialect: d, Have: have, Want: schemaVersion}
	}
	gate := newWriteGate(d)
	return &Store{
		credentials: &Credentials{q: db, d: d, sql: q, gate: gate},
		sessions:    &Sessions{db: db, d: d, sql: q, gate: gate},
	}, nil
}

// Credentials returns the credential store. For statements inside the
// application's own transaction, see [Credentials.WithTx].
func (s *Store) Credentials() *Credentials { return s.credentials }

// Sessions returns the session store.
func (s *Store) Sessions() *Sessions { return s.sessions }

// checkSQLite reads the settings of one pooled connection, which the
// driver opened like every other, and reports those that break the
// store's guarantees: without WAL, readers and the writer block each other;
// without a busy timeout, concurrent writers fail at once with SQLITE_BUSY;
// below synchronous FULL, a commit that returned can be lost in a power cut.
func checkSQLite(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	defer conn.Close()
	var (
		journal     string
		busyTimeout int64
		synchronous int64
	)
	for _, p := range []struct {
		pragma string
		dst    any
	}{
		{"PRAGMA journal_mode", &journal},
		{"PRAGMA busy_timeout", &busyTimeout},
		{"PRAGMA synchronous", &synchronous},
	} {
		if err := conn.QueryRowContext(ctx, p.pragma).Scan(p.dst); err != nil {
			return fmt.Errorf("sqlstore: %s: %w", p.pragma, err)
		}
	}
	var problems []string
	if !strings.EqualFold(journal, "wal") {
		problems = append(problems, "journal_mode is "+journal+", want wal")
	}
	if busyTimeout <= 0 {
		problems = append(problems, "busy_timeout is "+strconv.FormatInt(busyTimeout, 10)+", want some seconds")
	}
	if synchronous < 2 {
		problems = append(problems, "synchronous is "+strconv.FormatInt(synchronous, 10)+", want 2 (FULL) or 3 (EXTRA)")
	}
	if len(problems) > 0 {
		return configError("SQLite connection", strings.Join(problems, "; "),
			"open the database with ?"+SQLitePragmas+", or pass sqlstore.SkipSQLiteCheck() for a throwaway database")
	}
	return nil
}
