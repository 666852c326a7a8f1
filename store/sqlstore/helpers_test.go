package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"
)

// postgresDSNVar names the environment variable with the DSN of a
// PostgreSQL database the tests may create schemas and roles in
// (testdata/pg.sh starts one).
const postgresDSNVar = "PASSKEY_POSTGRES_DSN"

// postgresDSN returns the test server's DSN. Without one the PostgreSQL
// tests skip, except in CI (CI set), where they fail: a CI run that
// silently tested only SQLite would pass a store that breaks many instances.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(postgresDSNVar)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: the PostgreSQL tests must run in CI (start a server with store/sqlstore/testdata/pg.sh)", postgresDSNVar)
		}
		t.Skipf("%s is not set (start a server with testdata/pg.sh)", postgresDSNVar)
	}
	return dsn
}

// backend is a database the tests run against.
type backend struct {
	name    string
	dialect Dialect
	// fresh creates an empty database (SQLite: a new file; PostgreSQL: a
	// new schema) and returns a function that opens a new *sql.DB on it, as
	// another instance of the relying party would. Everything is closed and
	// removed when t ends.
	fresh func(t testing.TB) (open func() *sql.DB)
}

// backends are SQLite, PostgreSQL, and PostgreSQL whose transactions
// default to SERIALIZABLE, where racing statements fail with serialization
// errors instead of waiting (see retryable).
var backends = []backend{
	{"sqlite", SQLite, freshSQLite},
	{"postgres", Postgres, func(t testing.TB) func() *sql.DB { return freshPostgres(t, "") }},
	{"postgres-serializable", Postgres, func(t testing.TB) func() *sql.DB {
		return freshPostgres(t, "serializable")
	}},
}

// sqliteDSN is the DSN of the database file at path.
func sqliteDSN(path string) string { return path + "?" + SQLitePragmas }

func freshSQLite(t testing.TB) func() *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	return func() *sql.DB { return openDB(t, "sqlite", sqliteDSN(path)) }
}

// freshPostgres creates a schema of its own and returns an opener of
// connections whose search_path is that schema, and whose transactions
// default to isolation if it is not empty.
func freshPostgres(t testing.TB, isolation string) func() *sql.DB {
	t.Helper()
	dsn := postgresDSN(t)
	admin := openDB(t, "pgx", dsn)
	schema := "passkey_test_" + randomHex(t, 8)
	mustExec(t, admin, "CREATE SCHEMA "+schema)
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	params := map[string]string{"search_path": schema}
	if isolation != "" {
		params["default_transaction_isolation"] = isolation
	}
	return func() *sql.DB { return openDB(t, "pgx", withParams(t, dsn, params)) }
}

// withParams adds run-time parameters to a PostgreSQL DSN, in URL or in
// keyword/value form.
func withParams(t testing.TB, dsn string, params map[string]string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", postgresDSNVar, err)
		}
		q := u.Query()
		for k, v := range params {
			if k == "user" {
				u.User = url.User(v)
				continue
			}
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	for k, v := range params {
		dsn += " " + k + "=" + v
	}
	return dsn
}

// openDB opens a pool that is closed when t ends. Its size stays well
// within a default PostgreSQL server's 100 connections, even with several
// instances open.
func openDB(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("sql.Open(%s): %v", driver, err)
	}
	db.SetMaxOpenConns(16)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// newStore returns a migrated store on db.
func newStore(t testing.TB, db *sql.DB, d Dialect) *Store {
	t.Helper()
	s, err := New(context.Background(), db, d, AutoMigrate())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// instances opens n stores on one fresh database of b, each with its own
// pool, as n relying party instances would.
func instances(t testing.TB, b backend, n int) []*Store {
	t.Helper()
	open := b.fresh(t)
	stores := make([]*Store, n)
	for i := range stores {
		stores[i] = newStore(t, open(), b.dialect)
	}
	return stores
}

func mustExec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// forEachBackend runs f as a subtest per backend.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// childVar, when set, makes the test binary run as a child of a test below
// and do what its value says.
const childVar = "PASSKEY_SQLSTORE_CHILD"

// runChild runs the test binary again, running only the test named run,
// with env added, and returns its combined output and error.
func runChild(t *testing.T, run string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+run+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
