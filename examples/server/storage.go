package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	// The drivers are the application's choice, not the library's: package
	// sqlstore imports none.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
	"github.com/gopasskey/passkey/store/sqlstore"
)

// storage is everything the server keeps: the library's credential records
// and ceremony sessions, and the example's own accounts.
type storage struct {
	kind        string // "memory", "sqlite" or "postgres", for the log
	credentials store.Credentials
	sessions    store.Sessions
	accounts    accounts
	close       func() error
}

// dbSpec is -db parsed: which backend and where.
type dbSpec struct {
	kind string // "memory", "sqlite" or "postgres"
	dsn  string // file path or URL; empty for memory
}

// parseDB reads -db: "memory", "sqlite:PATH", "postgres://…" or
// "postgresql://…", and any other value is a SQLite file path. Adding a
// backend is one more case here and one in openStorage.
func parseDB(v string) (dbSpec, error) {
	switch {
	case v == "memory":
		return dbSpec{kind: "memory"}, nil
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		return dbSpec{kind: "postgres", dsn: v}, nil
	case strings.HasPrefix(v, "sqlite:"):
		v = strings.TrimPrefix(v, "sqlite:")
		if v == "" {
			return dbSpec{}, errors.New("-db sqlite: needs a file path, such as sqlite:passkey.db")
		}
		return dbSpec{kind: "sqlite", dsn: v}, nil
	case v == "":
		return dbSpec{}, errors.New("-db is empty: use memory, a SQLite file or a postgres:// URL")
	case strings.Contains(v, "://"):
		return dbSpec{}, fmt.Errorf("-db: unknown scheme in %q: use memory, sqlite:PATH or postgres://", redactDSN(v))
	default:
		return dbSpec{kind: "sqlite", dsn: v}, nil
	}
}

// openStorage opens the backend -db names. SQL backends get their schema
// applied at start (sqlstore.AutoMigrate), which suits an example; a real
// deployment may run sqlstore.Migrate from a deployment step instead.
func openStorage(ctx context.Context, spec dbSpec) (*storage, error) {
	switch spec.kind {
	case "memory":
		return &storage{
			kind:        "memory",
			credentials: memory.NewCredentials(),
			sessions:    memory.NewSessions(),
			accounts:    newMemoryAccounts(),
			close:       func() error { return nil },
		}, nil
	case "sqlite":
		if strings.Contains(spec.dsn, "?") {
			return nil, errors.New("-db: give the SQLite path without ?parameters; the server adds the pragmas the store needs")
		}
		db, err := sql.Open("sqlite", spec.dsn+"?"+sqlstore.SQLitePragmas)
		if err != nil {
			return nil, err
		}
		return openSQL(ctx, db, sqlstore.SQLite, "sqlite")
	case "postgres":
		db, err := sql.Open("pgx", spec.dsn)
		if err != nil {
			return nil, err
		}
		return openSQL(ctx, db, sqlstore.Postgres, "postgres")
	}
	return nil, fmt.Errorf("-db: unknown backend %q", spec.kind)
}

func openSQL(ctx context.Context, db *sql.DB, d sqlstore.Dialect, kind string) (*storage, error) {
	st, err := sqlstore.New(ctx, db, d, sqlstore.AutoMigrate())
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening the %s store: %w", kind, err)
	}
	acc, err := newSQLAccounts(ctx, db, d == sqlstore.Postgres)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("creating the accounts table: %w", err)
	}
	return &storage{
		kind:        kind,
		credentials: st.Credentials(),
		sessions:    st.Sessions(),
		accounts:    acc,
		close:       db.Close,
	}, nil
}

// redactDSN hides a password in a database URL before it is printed.
func redactDSN(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
