package main

import (
	"fmt"
	"io"
	"strings"
)

// -addr on an IP address serves RP ID localhost on http://localhost:PORT,
// since browsers refuse WebAuthn on IP-address origins.
func Example_settings() {
	for _, args := range [][]string{
		{"-addr", "127.0.0.1:9000"},
		{"-addr", "127.0.0.1:8080", "-rpid", "example.com", "-origin", "https://example.com"},
	} {
		s, err := parseSettings(args, io.Discard)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s.rpID, s.origins, s.secure())
	}
	// Output:
	// localhost [http://localhost:9000] false
	// example.com [https://example.com] true
}

// -db picks the store: memory, a SQLite file, or PostgreSQL.
func Example_parseDB() {
	for _, v := range []string{"memory", "passkey.db", "sqlite:/var/lib/app/passkey.db", "postgres://app@db.internal/app"} {
		spec, err := parseDB(v)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(strings.TrimSpace(spec.kind + " " + spec.dsn))
	}
	// Output:
	// memory
	// sqlite passkey.db
	// sqlite /var/lib/app/passkey.db
	// postgres postgres://app@db.internal/app
}
