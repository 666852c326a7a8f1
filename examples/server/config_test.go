package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		rpID    string
		origins []string
		secure  bool
	}{
		{"default", nil, "localhost", []string{"http://localhost:8080"}, false},
		{"IPv4 address means localhost", []string{"-addr", "127.0.0.1:9000"}, "localhost", []string{"http://localhost:9000"}, false},
		{"IPv6 address means localhost", []string{"-addr", "[::1]:9000"}, "localhost", []string{"http://localhost:9000"}, false},
		{"any address means localhost", []string{"-addr", ":9000"}, "localhost", []string{"http://localhost:9000"}, false},
		{"unspecified address", []string{"-addr", "0.0.0.0:9000"}, "localhost", []string{"http://localhost:9000"}, false},
		{"host name", []string{"-addr", "Passkeys.Example.test:8443", "-tls-cert", "c.pem", "-tls-key", "k.pem"}, "passkeys.example.test", []string{"https://passkeys.example.test:8443"}, true},
		{"https default port", []string{"-addr", "example.test:443", "-tls-cert", "c", "-tls-key", "k"}, "example.test", []string{"https://example.test"}, true},
		{"overrides behind a proxy", []string{"-addr", "127.0.0.1:8080", "-rpid", "example.com", "-origin", "https://example.com, https://login.example.com/"}, "example.com", []string{"https://example.com", "https://login.example.com"}, true},
		{"port 0 waits for the listener", []string{"-addr", "127.0.0.1:0"}, "localhost", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseSettings(tc.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if s.rpID != tc.rpID || !slices.Equal(s.origins, tc.origins) || s.secure() != tc.secure {
				t.Fatalf("rpID %q origins %q secure %v, want %q %q %v", s.rpID, s.origins, s.secure(), tc.rpID, tc.origins, tc.secure)
			}
		})
	}

	t.Run("listener port fills the origin", func(t *testing.T) {
		s, err := parseSettings([]string{"-addr", "127.0.0.1:0"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s.defaultOrigins("41234")
		if !slices.Equal(s.origins, []string{"http://localhost:41234"}) {
			t.Fatalf("origins %q", s.origins)
		}
		s.defaultOrigins("1") // an explicit or earlier origin stays
		if !slices.Equal(s.origins, []string{"http://localhost:41234"}) {
			t.Fatalf("origins %q after a second call", s.origins)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad address", []string{"-addr", "8080"}, "-addr"},
		{"origin with a path", []string{"-origin", "https://example.com/login"}, "nothing after it"},
		{"origin without scheme", []string{"-origin", "example.com"}, "http:// or https://"},
		{"empty origin list", []string{"-origin", " , "}, "no origin"},
		{"cert without key", []string{"-tls-cert", "c.pem"}, "go together"},
		{"stray argument", []string{"extra"}, "unexpected argument"},
		{"unknown flag", []string{"-nope"}, "not defined"},
	} {
		t.Run("error: "+tc.name, func(t *testing.T) {
			_, err := parseSettings(tc.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestParseDB(t *testing.T) {
	for _, tc := range []struct {
		in, kind, dsn string
	}{
		{"memory", "memory", ""},
		{"passkey.db", "sqlite", "passkey.db"},
		{"/var/lib/app/passkey.db", "sqlite", "/var/lib/app/passkey.db"},
		{"sqlite:data/x.db", "sqlite", "data/x.db"},
		{"postgres://app@db/app", "postgres", "postgres://app@db/app"},
		{"postgresql://app:pw@db/app?sslmode=require", "postgres", "postgresql://app:pw@db/app?sslmode=require"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDB(tc.in)
			if err != nil || got.kind != tc.kind || got.dsn != tc.dsn {
				t.Fatalf("parseDB(%q) = %+v, %v; want %s %q", tc.in, got, err, tc.kind, tc.dsn)
			}
		})
	}
	for _, bad := range []string{"", "sqlite:", "mysql://u:secret@h/db"} {
		t.Run("error "+bad, func(t *testing.T) {
			_, err := parseDB(bad)
			if err == nil {
				t.Fatalf("parseDB(%q) accepted", bad)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error %q shows the password", err)
			}
		})
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://app:hunter2@db:5432/app": "postgres://app:xxxxx@db:5432/app",
		"postgres://app@db/app":              "postgres://app@db/app",
		"postgres://db/app":                  "postgres://db/app",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSQLPlaceholders(t *testing.T) {
	sqlite := &sqlAccounts{}
	pg := &sqlAccounts{postgres: true}
	q := `SELECT a FROM t WHERE b = ? AND c = ? AND d IN (?, ?, ?, ?, ?, ?, ?, ?)`
	if got := sqlite.q(q); got != q {
		t.Errorf("SQLite query rewritten: %q", got)
	}
	if got, want := pg.q(q), `SELECT a FROM t WHERE b = $1 AND c = $2 AND d IN ($3, $4, $5, $6, $7, $8, $9, $10)`; got != want {
		t.Errorf("PostgreSQL query %q, want %q", got, want)
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"ada", "ada", true},
		{"  Ada Lovelace ", "Ada Lovelace", true},
		{strings.Repeat("é", 64), strings.Repeat("é", 64), true},
		{strings.Repeat("é", 65), "", false},
		{"", "", false},
		{"   ", "", false},
		{"a\x00b", "", false},
		{"a\u0085b", "", false},
		{"\xff", "", false},
	} {
		got, ok := cleanName(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("cleanName(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
