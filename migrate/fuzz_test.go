package migrate_test

import (
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/migrate"
)

// FuzzFromGoWebAuthn checks that no input makes the importer panic, that
// whatever it accepts is a record a store can keep, and that the record
// written back as go-webauthn JSON imports as the same record.
//
// The seeds are goWebAuthnSeeds; TestFuzzSeedsReachCodes checks that they
// reach every refusal.
func FuzzFromGoWebAuthn(f *testing.F) {
	for _, s := range goWebAuthnSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := migrate.FromGoWebAuthn(data, "example.com")
		checkImport(t, rec, err)
		if err == nil {
			checkReimport(t, rec, goWebAuthnJSON, migrate.FromGoWebAuthn)
		}
	})
}

// FuzzFromSimpleWebAuthnJSON is FuzzFromGoWebAuthn for SimpleWebAuthn.
func FuzzFromSimpleWebAuthnJSON(f *testing.F) {
	for _, s := range simpleWebAuthnSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := migrate.FromSimpleWebAuthnJSON(data, "example.com")
		checkImport(t, rec, err)
		if err == nil {
			checkReimport(t, rec, simpleWebAuthnJSON, migrate.FromSimpleWebAuthnJSON)
		}
	})
}

// checkImport checks an importer's result: a record or an error, never
// both, and a record that a store can keep, whose key parses as the
// algorithm the record names.
func checkImport(t *testing.T, rec *credential.Record, err error) {
	t.Helper()
	if err != nil {
		if rec != nil {
			t.Fatal("a record with the error")
		}
		return
	}
	if _, err := rec.MarshalBinary(); err != nil {
		t.Fatalf("accepted a record that cannot be stored: %v", err)
	}
	if rec.Alg == 0 || len(rec.ID) == 0 || rec.RPID != "example.com" {
		t.Fatalf("accepted an incomplete record: alg %v, %d-byte ID, RP ID %q", rec.Alg, len(rec.ID), rec.RPID)
	}
	key, err := cose.ParseKey(rec.PublicKey)
	if err != nil || key.Algorithm() != rec.Alg {
		t.Fatalf("accepted a record whose key is not a %v key: %v", rec.Alg, err)
	}
}
