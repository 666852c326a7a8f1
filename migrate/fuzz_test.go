package migrate_test

import (
	"testing"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/migrate"
)

// FuzzFromGoWebAuthn checks that no input makes the importer panic, and
// that whatever it accepts is a record a store can keep.
func FuzzFromGoWebAuthn(f *testing.F) {
	for _, name := range []string{"gowebauthn-v0.18.2-packed-self.json", "gowebauthn-legacy-untagged.json"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`{"id":"AQ","publicKey":{"0":4},"flags":{"backupEligible":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := migrate.FromGoWebAuthn(data, "example.com")
		checkImport(t, rec, err)
	})
}

// FuzzFromSimpleWebAuthnJSON is FuzzFromGoWebAuthn for SimpleWebAuthn.
func FuzzFromSimpleWebAuthnJSON(f *testing.F) {
	f.Add([]byte(`{"id":"BXu7T55P9n-NBgE6rY-C-87jIhCKO_UuTE1wAa6MuYs","publicKey":"pQECAyYgASFYICxVRyyFiAc5YaTmrXbc3dO_sfSwtmZOfP_yW0W3LOOyIlggtCG77C0oNdQkD19l_Ip-0JlFWOucDAY32Y5WnoeygyA","counter":1,"deviceType":"multiDevice","backedUp":true}`))
	f.Add([]byte(`{"credentialID":{"0":1},"credentialPublicKey":{"type":"Buffer","data":[165]},"credentialDeviceType":"singleDevice"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := migrate.FromSimpleWebAuthnJSON(data, "example.com")
		checkImport(t, rec, err)
	})
}

// checkImport checks an importer's result: a record or an error, never
// both, and a record that a store can keep.
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
}
