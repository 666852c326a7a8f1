package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopasskey/passkey/passkeytest"
)

// postgresDSNVar names the PostgreSQL database the tests may use, as in
// store/sqlstore (store/sqlstore/testdata/pg.sh starts one). Without it
// the PostgreSQL case skips; the store itself is tested in sqlstore.
const postgresDSNVar = "PASSKEY_POSTGRES_DSN"

// backends are the -db values the storage tests run against.
func backends(t *testing.T) map[string]dbSpec {
	t.Helper()
	m := map[string]dbSpec{
		"memory": {kind: "memory"},
		"sqlite": {kind: "sqlite", dsn: filepath.Join(t.TempDir(), "passkey.db")},
	}
	if dsn := os.Getenv(postgresDSNVar); dsn != "" {
		m["postgres"] = dbSpec{kind: "postgres", dsn: freshSchema(t, dsn)}
	}
	return m
}

// freshSchema creates an empty schema for one test and returns a DSN whose
// search_path selects it.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "example_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating a schema in %s: %v", redactDSN(dsn), err)
	}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestAccounts(t *testing.T) {
	for name, spec := range backends(t) {
		t.Run(name, func(t *testing.T) {
			st, err := openStorage(t.Context(), spec)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.close() })
			acc := st.accounts
			ctx := t.Context()
			ada := &account{Handle: []byte{1, 2, 3}, Name: "Ada", DisplayName: "Ada L.", CreatedAt: time.Unix(1700000000, 5)}
			if err := acc.Create(ctx, ada); err != nil {
				t.Fatal(err)
			}
			for _, dup := range []*account{
				{Handle: []byte{9}, Name: "ADA"},         // same name, other case
				{Handle: []byte{1, 2, 3}, Name: "other"}, // same handle
			} {
				if err := acc.Create(ctx, dup); !errors.Is(err, errNameTaken) {
					t.Errorf("Create(%+v) = %v, want errNameTaken", dup, err)
				}
			}
			got, err := acc.ByName(ctx, "aDa")
			if err != nil || string(got.Handle) != string(ada.Handle) || got.Name != "Ada" || got.DisplayName != "Ada L." || !got.CreatedAt.Equal(ada.CreatedAt) {
				t.Fatalf("ByName = %+v, %v", got, err)
			}
			got.Handle[0] = 42 // a copy: the store is unchanged
			if got, err := acc.ByHandle(ctx, []byte{1, 2, 3}); err != nil || got.Name != "Ada" {
				t.Fatalf("ByHandle = %+v, %v", got, err)
			}
			if _, err := acc.ByHandle(ctx, []byte{1, 2}); !errors.Is(err, errAccountNotFound) {
				t.Fatalf("ByHandle(prefix) = %v, want errAccountNotFound", err)
			}
			if err := acc.Delete(ctx, ada.Handle); err != nil {
				t.Fatal(err)
			}
			if _, err := acc.ByName(ctx, "ada"); !errors.Is(err, errAccountNotFound) {
				t.Fatalf("ByName after Delete = %v", err)
			}
			if err := acc.Delete(ctx, ada.Handle); !errors.Is(err, errAccountNotFound) {
				t.Fatalf("second Delete = %v", err)
			}
			// The name is free again.
			if err := acc.Create(ctx, &account{Handle: []byte{7}, Name: "ada"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRestart signs up on one server, stops it, and signs in on a new one
// over the same database: what -db sqlite (the default) and postgres keep.
func TestRestart(t *testing.T) {
	for name, spec := range backends(t) {
		if spec.kind == "memory" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			auth, err := passkeytest.New(passkeytest.Config{Seed: []byte("restart " + name)})
			if err != nil {
				t.Fatal(err)
			}
			start := func() *testServer {
				st, err := openStorage(t.Context(), spec)
				if err != nil {
					t.Fatal(err)
				}
				s := &settings{rpID: "localhost", rpName: "t", origins: []string{"http://localhost:8080"}}
				a, err := newApp(s, st, discardLogger())
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(a.handler())
				t.Cleanup(func() { srv.Close(); _ = st.close() })
				return &testServer{url: srv.URL, app: a, logs: &logBuffer{}, srv: srv}
			}
			u := &user{t: t, auth: auth, origin: "http://localhost:8080"}

			first := start()
			u.c = newAPIClient(t, first)
			if st, body := u.register("ada"); st != http.StatusOK {
				t.Fatalf("registration: %d %s", st, body)
			}
			first.srv.Close()

			second := start()
			u.c = newAPIClient(t, second)
			if st, body := u.login("ada"); st != http.StatusOK {
				t.Fatalf("login after a restart: %d %s", st, body)
			}
			if m := u.me(); m.Username != "ada" || len(m.Passkeys) != 1 || m.Passkeys[0].LastUsedAt == nil {
				t.Fatalf("account after a restart: %+v", m)
			}
			// A ceremony begun before a restart finishes after it: the
			// sessions are in the database too.
			opts := u.c.post("/api/login/begin", map[string]string{"username": "ada"}, http.StatusOK)
			second.srv.Close()
			third := start()
			cookies := u.c.http.Jar.Cookies(mustURL(t, second.url+"/api/"))
			u.c = newAPIClient(t, third)
			u.c.http.Jar.SetCookies(mustURL(t, third.url+"/api/"), cookies)
			body, err := auth.Get(opts, u.origin)
			if err != nil {
				t.Fatal(err)
			}
			u.c.postRaw("/api/login/finish", body, http.StatusOK)
		})
	}
}

func TestOpenStorageErrors(t *testing.T) {
	for _, spec := range []dbSpec{
		{kind: "sqlite", dsn: "x.db?_pragma=foo"},
		{kind: "sqlite", dsn: filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")},
		{kind: "oracle"},
	} {
		if st, err := openStorage(t.Context(), spec); err == nil {
			_ = st.close()
			t.Errorf("openStorage(%+v) succeeded", spec)
		}
	}
}
