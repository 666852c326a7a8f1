package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// stateError stands for a driver error with an SQLSTATE, as
// *pgconn.PgError and *pq.Error are.
type stateError string

func (e stateError) Error() string    { return "driver error " + string(e) }
func (e stateError) SQLState() string { return string(e) }

func TestRetryable(t *testing.T) {
	for _, c := range []struct {
		name    string
		dialect Dialect
		err     error
		want    bool
	}{
		{"serialization failure", Postgres, stateError("40001"), true},
		{"deadlock", Postgres, stateError("40P01"), true},
		{"wrapped serialization failure", Postgres, fmt.Errorf("exec: %w", stateError("40001")), true},
		{"unique violation", Postgres, stateError("23505"), false},
		{"undefined table", Postgres, stateError("42P01"), false},
		{"no SQLSTATE", Postgres, errors.New("40001"), false},
		{"nil", Postgres, nil, false},
		{"SQLite never", SQLite, stateError("40001"), false},
	} {
		if got := retryable(c.dialect, c.err); got != c.want {
			t.Errorf("%s: retryable = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRetryBounds(t *testing.T) {
	failing := stateError("40001")
	for _, c := range []struct {
		name      string
		ctx       func() context.Context
		inTx      bool
		failures  int // the first this many calls fail
		wantCalls int
		wantErr   bool
	}{
		{"succeeds after failures", context.Background, false, 3, 4, false},
		{"gives up", context.Background, false, 100, maxRetries + 1, true},
		{"never in a transaction", context.Background, true, 1, 1, true},
		{"stops when the context ends", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, false, 5, 1, true},
	} {
		calls := 0
		err := retry(c.ctx(), Postgres, c.inTx, func() error {
			calls++
			if calls <= c.failures {
				return failing
			}
			return nil
		})
		if calls != c.wantCalls || (err != nil) != c.wantErr {
			t.Errorf("%s: %d calls, err %v; want %d calls, error %v", c.name, calls, err, c.wantCalls, c.wantErr)
		}
	}
}

func TestSchemaErrorMessage(t *testing.T) {
	msg := (&SchemaError{Dialect: Postgres, Have: 0, Want: 1}).Error()
	for _, want := range []string{"postgres", "version 0", "needs 1", "Migrate", "AutoMigrate"} {
		if !strings.Contains(msg, want) {
			t.Errorf("SchemaError %q lacks %q", msg, want)
		}
	}
}

func TestDialectString(t *testing.T) {
	for d, want := range map[Dialect]string{SQLite: "sqlite", Postgres: "postgres", 0: "Dialect(0)", 7: "Dialect(7)"} {
		if got := d.String(); got != want {
			t.Errorf("Dialect(%d).String() = %q, want %q", int(d), got, want)
		}
	}
}

// The SQLite statements carry numbered ?N parameters only, each $N of the
// PostgreSQL text rewritten.
func TestSQLiteParams(t *testing.T) {
	pg, lite := postgresQueries, sqliteQueries
	pairs := [][2]string{
		{pg.insertCred, lite.insertCred}, {pg.getCred, lite.getCred}, {pg.putSession, lite.putSession},
		{pg.sweepSession, lite.sweepSession}, {pg.takeSession, lite.takeSession},
	}
	for _, p := range pairs {
		if strings.Contains(p[1], "$") || strings.Count(p[1], "?") != strings.Count(p[0], "$") {
			t.Errorf("SQLite statement %q does not match %q", p[1], p[0])
		}
	}
	if !strings.Contains(lite.casCred, "last_used IS ?9") || !strings.Contains(pg.casCred, "last_used IS NOT DISTINCT FROM $9") {
		t.Errorf("compare-and-swap statements lack NULL-safe comparison:\n%s\n%s", lite.casCred, pg.casCred)
	}
}
