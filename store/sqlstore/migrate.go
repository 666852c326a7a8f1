package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// migrationFiles holds the schema of each dialect as numbered SQL files,
// migrations/<dialect>/NNNN_what.sql, applied in version order.
//
//go:embed migrations
var migrationFiles embed.FS

// schemaVersion is the schema version this package needs: that of its last
// migration file (a test keeps the two equal).
const schemaVersion = 1

// advisoryLockKey is the PostgreSQL advisory lock that [Migrate] holds for
// its transaction: "pkSQLst1" in ASCII. pg_locks shows it as an advisory
// lock with classid 1886081873 and objid 1282634801.
const advisoryLockKey int64 = 0x706b53514c737431

// Migrations returns the schema of d as SQL files, for those who apply
// migrations with their own tool: NNNN_what.sql, to be run in the order of
// NNNN, each in one transaction. Every file records its version in the
// passkey_schema table, which [New] reads, so the store works whichever tool
// ran them. Files are never changed once released; a new version adds a
// file. For a value that is neither [SQLite] nor [Postgres], the returned
// FS has no files.
func Migrations(d Dialect) fs.FS {
	if queriesFor(d) == nil {
		return emptyFS{}
	}
	sub, err := fs.Sub(migrationFiles, "migrations/"+d.String())
	if err != nil { // unreachable: the path is valid
		return emptyFS{}
	}
	return sub
}

// emptyFS is a file system without files.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// migration is one schema file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationsOf lists the migration files of d in version order.
func migrationsOf(d Dialect) ([]migration, error) {
	files := Migrations(d)
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	var steps []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version < 1 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %q is not named NNNN_what.sql", e.Name())
		}
		text, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, err
		}
		steps = append(steps, migration{version: version, name: e.Name(), sql: string(text)})
	}
	slices.SortFunc(steps, func(a, b migration) int { return a.version - b.version })
	return steps, nil
}

// Migrate brings the schema of d in db up to the version this package
// needs, applying the files of [Migrations] that the database lacks, all in
// one transaction: after an error nothing is applied. A database at that
// version or newer is left alone, so that instances of an older release
// keep running during a rolling upgrade (migrations only add).
//
// It is safe to call from several instances at once: on PostgreSQL the
// transaction first takes an advisory lock (pg_advisory_xact_lock), on
// SQLite it begins with BEGIN IMMEDIATE, which takes the write lock (the
// busy timeout of [SQLitePragmas] makes the others wait for it). Whoever
// comes second finds the schema current and does nothing.
//
// Migrate runs DDL, so db needs a user allowed to create tables; the store
// itself does not (see [New]).
func Migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	if db == nil {
		return configError("sqlstore.Migrate db", "is nil", "pass the *sql.DB of the database to migrate")
	}
	q := queriesFor(d)
	if q == nil {
		return configError("sqlstore.Migrate dialect", "is "+d.String(), "use sqlstore.SQLite or sqlstore.Postgres")
	}
	steps, err := migrationsOf(d)
	if err == nil {
		switch d {
		case SQLite:
			err = migrateSQLite(ctx, db, q, steps)
		case Postgres:
			err = migratePostgres(ctx, db, q, steps)
		}
	}
	if err != nil {
		return fmt.Errorf("sqlstore: migrate %s: %w", d, err)
	}
	return nil
}

// migratePostgres applies steps in a READ COMMITTED transaction that holds
// the advisory lock. The isolation level matters: at REPEATABLE READ the
// snapshot would be taken before the lock is granted, and a migrator that
// waited would not see the tables its predecessor committed.
func migratePostgres(ctx context.Context, db *sql.DB, q *queries, steps []migration) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryLockKey); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	if err := applyMigrations(ctx, tx, q, steps); err != nil {
		return err
	}
	return tx.Commit()
}

// migrateSQLite applies steps in a transaction begun with BEGIN IMMEDIATE,
// on a connection of its own: database/sql's BeginTx begins a deferred
// transaction, which takes the write lock only at its first write, and a
// migrator that read the version first could then fail with SQLITE_BUSY.
func migrateSQLite(ctx context.Context, db *sql.DB, q *queries, steps []migration) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err = applyMigrations(ctx, conn, q, steps)
	if err == nil {
		if _, err = conn.ExecContext(ctx, "COMMIT"); err == nil {
			return nil
		}
	}
	// Roll back even if ctx has ended. A connection that may still be inside
	// the transaction must not go back to the pool: it is discarded.
	if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

// applyMigrations runs the steps newer than the database's version, and
// checks that each recorded its version.
func applyMigrations(ctx context.Context, qr querier, q *queries, steps []migration) error {
	have, err := currentVersion(ctx, qr, q)
	if err != nil {
		return err
	}
	for _, step := range steps {
		if step.version <= have {
			continue
		}
		if _, err := qr.ExecContext(ctx, step.sql); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		got, err := currentVersion(ctx, qr, q)
		if err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		if got != step.version {
			return fmt.Errorf("%s left the schema at version %d, want %d", step.name, got, step.version)
		}
		have = got
	}
	return nil
}

// currentVersion returns the schema version of the database, 0 if it has no
// passkey_schema table. Looking the table up first, rather than reading it
// and parsing a "no such table" error, keeps the check free of driver
// error formats.
func currentVersion(ctx context.Context, qr querier, q *queries) (int, error) {
	var exists bool
	if err := qr.QueryRowContext(ctx, q.schemaExists).Scan(&exists); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var version int
	if err := qr.QueryRowContext(ctx, q.schemaVersion).Scan(&version); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return version, nil
}
