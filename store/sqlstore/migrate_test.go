package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// The files of each dialect are numbered 1..schemaVersion without gaps,
// both dialects have the same versions, and each file records its version.
func TestMigrationFiles(t *testing.T) {
	var versions [][]int
	for _, d := range []Dialect{SQLite, Postgres} {
		steps, err := migrationsOf(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		var vs []int
		for i, step := range steps {
			vs = append(vs, step.version)
			if step.version != i+1 {
				t.Errorf("%s: file %d is %s, want version %d", d, i, step.name, i+1)
			}
			record := fmt.Sprintf("INSERT INTO passkey_schema (version) VALUES (%d);", step.version)
			if !strings.Contains(step.sql, record) {
				t.Errorf("%s: %s does not record its version with %q", d, step.name, record)
			}
		}
		if len(steps) == 0 || steps[len(steps)-1].version != schemaVersion {
			t.Errorf("%s: the last migration is not schemaVersion %d", d, schemaVersion)
		}
		versions = append(versions, vs)
	}
	if !slices.Equal(versions[0], versions[1]) {
		t.Errorf("SQLite has versions %v, PostgreSQL %v", versions[0], versions[1])
	}
	for _, d := range []Dialect{0, Dialect(99)} {
		if entries, err := fs.ReadDir(Migrations(d), "."); err == nil || len(entries) > 0 {
			t.Errorf("Migrations(%s) lists %d files, err %v; want none", d, len(entries), err)
		}
	}
}

// A migration tool that runs the files in order, each in a transaction,
// gives a schema that New accepts without migrating.
func TestMigrationsByHand(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t)()
		files := Migrations(b.dialect)
		names, err := fs.Glob(files, "*.sql")
		if err != nil || len(names) == 0 {
			t.Fatalf("Glob: %v, %d files", err, len(names))
		}
		for _, name := range names {
			text, err := fs.ReadFile(files, name)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(string(text)); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		s, err := New(context.Background(), db, b.dialect)
		if err != nil {
			t.Fatalf("New after the files ran: %v", err)
		}
		if err := s.Credentials().Create(context.Background(), testRecord("a", "ada")); err != nil {
			t.Errorf("Create: %v", err)
		}
		// Migrate finds nothing to do.
		if err := Migrate(context.Background(), db, b.dialect); err != nil {
			t.Errorf("Migrate after the files ran: %v", err)
		}
	})
}

// Without AutoMigrate, New runs no DDL: on an empty database it reports the
// missing schema and leaves the database empty.
func TestNewWithoutMigration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t)()
		_, err := New(context.Background(), db, b.dialect)
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != 0 || se.Want != schemaVersion || se.Dialect != b.dialect {
			t.Fatalf("New on an empty database: err = %v, want a SchemaError with Have 0", err)
		}
		if !strings.Contains(err.Error(), "Migrate") {
			t.Errorf("SchemaError %q does not say how to migrate", err)
		}
		if n := tableCount(t, db, b.dialect); n != 0 {
			t.Errorf("New without AutoMigrate left %d tables, want 0", n)
		}
		if err := Migrate(context.Background(), db, b.dialect); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		if _, err := New(context.Background(), db, b.dialect); err != nil {
			t.Errorf("New after Migrate: %v", err)
		}
	})
}

// A schema newer than this package (a later release migrated it during a
// rolling upgrade) is accepted, and Migrate leaves it alone.
func TestNewerSchema(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t)()
		newStore(t, db, b.dialect)
		mustExec(t, db, fmt.Sprintf("INSERT INTO passkey_schema (version) VALUES (%d)", schemaVersion+1))
		if err := Migrate(context.Background(), db, b.dialect); err != nil {
			t.Errorf("Migrate of a newer schema: %v", err)
		}
		if _, err := New(context.Background(), db, b.dialect); err != nil {
			t.Errorf("New on a newer schema: %v", err)
		}
	})
}

// Migrate applies all pending files in one transaction: if one fails,
// those before it are rolled back too, and a file that does not record its
// version is an error.
func TestMigrateAllOrNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		steps, err := migrationsOf(b.dialect)
		if err != nil {
			t.Fatal(err)
		}
		broken := migration{version: len(steps) + 1, name: "9999_broken.sql", sql: "CREATE TABLE passkey_x (a INTEGER); SELECT no_such_column FROM passkey_x;"}
		silent := migration{version: len(steps) + 1, name: "9999_silent.sql", sql: "CREATE TABLE passkey_x (a INTEGER);"}
		for _, c := range []struct {
			name  string
			steps []migration
			want  string
		}{
			{"failing file", append(slices.Clip(steps), broken), "9999_broken.sql"},
			{"file that records no version", append(slices.Clip(steps), silent), "left the schema at version"},
		} {
			t.Run(c.name, func(t *testing.T) {
				db := b.fresh(t)()
				var err error
				switch b.dialect {
				case SQLite:
					err = migrateSQLite(context.Background(), db, queriesFor(b.dialect), c.steps)
				case Postgres:
					err = migratePostgres(context.Background(), db, queriesFor(b.dialect), c.steps)
				}
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("migrate: err = %v, want one naming %q", err, c.want)
				}
				if n := tableCount(t, db, b.dialect); n != 0 {
					t.Errorf("a failed migration left %d tables, want 0", n)
				}
				// The connection that ran it went back to the pool usable.
				if err := Migrate(context.Background(), db, b.dialect); err != nil {
					t.Errorf("Migrate after the failure: %v", err)
				}
			})
		}
	})
}

// A least-privileged PostgreSQL user, with only the grants the package
// documentation lists, runs the whole contract suite; it cannot migrate.
func TestPostgresLeastPrivilege(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	admin := openDB(t, "pgx", dsn)
	schema := "passkey_test_" + randomHex(t, 8)
	role := "passkey_app_" + randomHex(t, 8)
	mustExec(t, admin, "CREATE SCHEMA "+schema)
	mustExec(t, admin, "CREATE ROLE "+role+" LOGIN")
	t.Cleanup(func() {
		for _, q := range []string{"DROP SCHEMA " + schema + " CASCADE", "DROP OWNED BY " + role, "DROP ROLE " + role} {
			if _, err := admin.Exec(q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	mustExec(t, admin, "GRANT USAGE ON SCHEMA "+schema+" TO "+role)
	owner := openDB(t, "pgx", withParams(t, dsn, map[string]string{"search_path": schema}))
	app := openDB(t, "pgx", withParams(t, dsn, map[string]string{"search_path": schema, "user": role}))

	if _, err := New(ctx, app, Postgres, AutoMigrate()); err == nil || sqlState(err) != "42501" {
		t.Fatalf("New with AutoMigrate as a user without CREATE: err = %v, want permission denied (42501)", err)
	}
	if err := Migrate(ctx, owner, Postgres); err != nil {
		t.Fatal(err)
	}
	mustExec(t, owner, "GRANT SELECT ON passkey_schema TO "+role)
	mustExec(t, owner, "GRANT SELECT, INSERT, UPDATE, DELETE ON passkey_credentials, passkey_sessions TO "+role)

	s, err := New(ctx, app, Postgres)
	if err != nil {
		t.Fatalf("New as the least-privileged user: %v", err)
	}
	rec := testRecord("a", "ada")
	c := s.Credentials()
	if err := c.Create(ctx, rec); err != nil {
		t.Fatalf("Create: %v", err)
	}
	old, err := c.Get(ctx, rec.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	next := old.Clone()
	next.SignCount++
	for _, op := range []struct {
		name string
		err  error
	}{
		{"CompareAndSwap", c.CompareAndSwap(ctx, old, next)},
		{"Rename", c.Rename(ctx, rec.ID, "renamed")},
		{"Delete", c.Delete(ctx, rec.ID)},
		{"Put", s.Sessions().Put(ctx, [32]byte{1}, []byte("x"), old.CreatedAt)},
		{"Sweep", s.Sessions().Sweep(ctx, old.LastUsedAt)},
	} {
		if op.err != nil {
			t.Errorf("%s as the least-privileged user: %v", op.name, op.err)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	db := openDB(t, "sqlite", sqliteDSN(t.TempDir()+"/store.db"))
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		err   error
		field string
	}{
		{"New with a nil db", func() error { _, err := New(ctx, nil, SQLite); return err }(), "sqlstore.New db"},
		{"New with dialect 0", func() error { _, err := New(ctx, db, 0); return err }(), "sqlstore.New dialect"},
		{"New with dialect 99", func() error { _, err := New(ctx, db, Dialect(99)); return err }(), "sqlstore.New dialect"},
		{"Migrate with a nil db", Migrate(ctx, nil, Postgres), "sqlstore.Migrate db"},
		{"Migrate with dialect 0", Migrate(ctx, db, 0), "sqlstore.Migrate dialect"},
	} {
		var ce *errcode.ConfigError
		if !errors.As(c.err, &ce) || ce.Field != c.field {
			t.Errorf("%s: err = %v, want a ConfigError for %s", c.name, c.err, c.field)
		}
	}
	if n := tableCount(t, db, SQLite); n != 0 {
		t.Errorf("rejected calls left %d tables", n)
	}
}

// New refuses an SQLite connection without WAL, busy timeout or durable
// commits, naming each setting, unless told to skip the check.
func TestSQLiteSettingsCheck(t *testing.T) {
	const (
		wal  = "_pragma=journal_mode(WAL)"
		busy = "_pragma=busy_timeout(5000)"
		full = "_pragma=synchronous(FULL)"
	)
	for _, c := range []struct {
		name   string
		params []string
		want   []string // problems named; none: accepted
	}{
		{"all three", []string{wal, busy, full}, nil},
		{"SQLitePragmas", []string{SQLitePragmas}, nil},
		{"synchronous EXTRA", []string{wal, busy, "_pragma=synchronous(EXTRA)"}, nil},
		{"rollback journal", []string{busy, full}, []string{"journal_mode is delete"}},
		{"no busy timeout", []string{wal, full}, []string{"busy_timeout is 0"}},
		{"synchronous NORMAL", []string{wal, busy, "_pragma=synchronous(NORMAL)"}, []string{"synchronous is 1"}},
		{"nothing", nil, []string{"journal_mode is delete", "busy_timeout is 0"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dsn := t.TempDir() + "/store.db?" + strings.Join(c.params, "&")
			want := c.want
			_, err := New(context.Background(), openDB(t, "sqlite", dsn), SQLite, AutoMigrate())
			if len(want) == 0 {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("New: err = %v, want a ConfigError", err)
			}
			for _, p := range want {
				if !strings.Contains(ce.Problem, p) {
					t.Errorf("problem %q does not mention %q", ce.Problem, p)
				}
			}
			if !strings.Contains(ce.Fix, SQLitePragmas) {
				t.Errorf("fix %q does not name SQLitePragmas", ce.Fix)
			}
			if _, err := New(context.Background(), openDB(t, "sqlite", dsn), SQLite, AutoMigrate(), SkipSQLiteCheck()); err != nil {
				t.Errorf("New with SkipSQLiteCheck: %v", err)
			}
		})
	}
}

// tableCount counts the tables of the store's schema.
func tableCount(t *testing.T, db *sql.DB, d Dialect) int {
	t.Helper()
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table'`
	if d == Postgres {
		q = `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`
	}
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
