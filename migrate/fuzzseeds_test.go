package migrate_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/migrate"
)

// seedKey is a valid ES256 COSE key (the key of the go-webauthn fixture), as
// base64url; seedES256K is {kty: EC2, alg: ES256K}, a key of an algorithm
// the library does not verify.
const (
	seedKey    = "pQECAyYgASFYICxVRyyFiAc5YaTmrXbc3dO_sfSwtmZOfP_yW0W3LOOyIlggtCG77C0oNdQkD19l_Ip-0JlFWOucDAY32Y5WnoeygyA"
	seedES256K = "ogECAzgu"
)

// u2fOffCurve is a 65-byte uncompressed point that is not on P-256, the
// shape of a U2F-era public key.
var u2fOffCurve = base64.RawURLEncoding.EncodeToString(append([]byte{4}, make([]byte, 64)...))

// goWebAuthnSeeds are FuzzFromGoWebAuthn's seeds: the recorded credentials
// and one credential for each refusal of the importer.
func goWebAuthnSeeds(t testing.TB) [][]byte {
	t.Helper()
	out := [][]byte{
		readFixture(t, "gowebauthn-v0.18.2-packed-self.json"),
		readFixture(t, "gowebauthn-legacy-untagged.json"),
	}
	for _, s := range []string{
		`{"id":"AQ","publicKey":{"0":4},"flags":{"backupEligible":null}}`,
		`{"id":"AQ","publicKey":"` + seedKey + `"`,
		`{"id":"A-+B","publicKey":"` + seedKey + `"}`,
		`{"id":"A===","publicKey":"` + seedKey + `"}`,
		`{"id":[256],"publicKey":"` + seedKey + `"}`,
		`{"id":{"1":1},"publicKey":"` + seedKey + `"}`,
		`{"id":true,"publicKey":"` + seedKey + `"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","authenticator":{"AAGUID":"AQ"}}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","extensions":{"rk":true,"credProtect":"always"}}`,
		`{"publicKey":"` + seedKey + `"}`,
		`{"id":"` + strings.Repeat("A", 1366) + `","publicKey":"` + seedKey + `"}`,
		`{"id":"AQ"}`,
		`{"id":"AQ","publicKey":"` + seedES256K + `"}`,
		`{"id":"AQ","publicKey":"` + u2fOffCurve + `"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","flags":{"backupEligible":false,"backupState":true}}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","transport":[` + strings.Repeat(`"usb",`, 64) + `"nfc"]}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// simpleWebAuthnSeeds are FuzzFromSimpleWebAuthnJSON's seeds: credentials in
// the shapes SimpleWebAuthn stores and one for each refusal of the importer.
func simpleWebAuthnSeeds() [][]byte {
	var out [][]byte
	for _, s := range []string{
		`{"id":"BXu7T55P9n-NBgE6rY-C-87jIhCKO_UuTE1wAa6MuYs","publicKey":"` + seedKey + `","counter":1,"deviceType":"multiDevice","backedUp":true}`,
		`{"credentialID":{"0":1},"credentialPublicKey":{"type":"Buffer","data":[165]},"credentialDeviceType":"singleDevice"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","webauthnUserID":"dXNlcg","transports":["internal"]}`,
		`{"id":"AQ","publicKey":"` + seedKey + `"`,
		`{"id":"AQ","credentialID":"AQ","publicKey":"` + seedKey + `"}`,
		`{"id":"A+","publicKey":"` + seedKey + `"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","deviceType":"oneDevice"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","webauthnUserID":"!"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","webauthnUserID":"` + strings.Repeat("A", 88) + `"}`,
		`{"id":"","publicKey":"` + seedKey + `"}`,
		`{"id":"AQ"}`,
		`{"id":"AQ","publicKey":[1,2,300]}`,
		`{"id":"AQ","publicKey":"` + seedES256K + `"}`,
		`{"id":"AQ","publicKey":"` + u2fOffCurve + `"}`,
		`{"id":"AQ","publicKey":"` + seedKey + `","deviceType":"singleDevice","backedUp":true}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// importRefusal names why an importer refused a credential: the error code
// it carries from package cose, or else the message after the ErrMalformed
// prefix, which starts with the field at fault.
func importRefusal(t *testing.T, err error) string {
	t.Helper()
	if !errors.Is(err, migrate.ErrMalformed) {
		t.Fatalf("import error %v does not wrap ErrMalformed", err)
	}
	if code := errcode.Code(err); code != "" {
		return code
	}
	msg, ok := strings.CutPrefix(err.Error(), migrate.ErrMalformed.Error()+": ")
	if !ok {
		t.Fatalf("import error %q does not start with ErrMalformed", err)
	}
	return msg
}

// TestFuzzSeedsReachCodes holds the importers' seeds to reaching acceptance
// and each refusal: the codes of a bad key (malformed-public-key,
// unsupported-algorithm), and the other refusals, which carry no code and
// are named by their message. The RP ID is fixed in the targets, so its
// configuration error cannot occur, and the user-handle refusals of
// WithUserHandle need an option the targets do not pass.
func TestFuzzSeedsReachCodes(t *testing.T) {
	common := []string{
		string(errcode.ErrMalformedPublicKey),
		string(errcode.ErrUnsupportedAlgorithm),
		"id: missing or empty",
		"publicKey: missing or empty",
		"publicKey: P256 point not on curve",
		"backupState: backed up but not backup eligible",
	}
	for _, c := range []struct {
		name     string
		seeds    [][]byte
		run      func([]byte) (*credential.Record, error)
		refusals []string
	}{
		{"FuzzFromGoWebAuthn", goWebAuthnSeeds(t),
			func(b []byte) (*credential.Record, error) { return migrate.FromGoWebAuthn(b, "example.com") },
			append([]string{
				"go-webauthn credential JSON",
				"id: mixes the standard and URL base64 alphabets",
				"id: has misplaced base64 padding",
				"id: holds a number that is not a byte",
				"id: is an object that is neither a Buffer nor",
				"id: is neither a string, an array of bytes nor a byte object",
				"authenticator.AAGUID: not 16 bytes",
				"extensions.credProtect: not a credProtect policy name",
				"id: longer than 1023 bytes",
				"record: ",
			}, common...)},
		{"FuzzFromSimpleWebAuthnJSON", simpleWebAuthnSeeds(),
			func(b []byte) (*credential.Record, error) { return migrate.FromSimpleWebAuthnJSON(b, "example.com") },
			append([]string{
				"SimpleWebAuthn credential JSON",
				"id: given together with credentialID",
				"id: not a base64url string",
				"deviceType: neither",
				"webauthnUserID: not a base64url string",
				"userHandle: not 1 to 64 bytes",
				"publicKey: holds a number that is not a byte",
			}, common...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			accepted := 0
			var got []string
			for _, s := range c.seeds {
				rec, err := c.run(s)
				if err == nil {
					checkImport(t, rec, err)
					accepted++
					continue
				}
				got = append(got, importRefusal(t, err))
			}
			if accepted == 0 {
				t.Error("no seed is accepted")
			}
			for _, want := range c.refusals {
				n := 0
				for _, g := range got {
					if strings.HasPrefix(g, want) {
						n++
					}
				}
				if n == 0 {
					t.Errorf("no seed is refused with %q; refusals:\n%s", want, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// goWebAuthnJSON writes rec as go-webauthn's webauthn.Credential JSON, the
// tagged form: byte fields in standard base64, as encoding/json writes a
// []byte.
func goWebAuthnJSON(t *testing.T, rec *credential.Record) []byte {
	t.Helper()
	attType := map[string]string{"none": "none", "basic": "basic_full", "self": "basic_surrogate", "attca": "attca", "anonca": "anonca"}
	flags := map[string]any{"userVerified": rec.UVInitialized, "backupState": rec.BackupState}
	if rec.BackupEligible.Known() {
		flags["backupEligible"] = rec.BackupEligible.Bool()
	}
	authenticator := map[string]any{"signCount": rec.SignCount, "attachment": rec.AuthenticatorAttachment}
	if !rec.AAGUID.IsZero() {
		authenticator["AAGUID"] = rec.AAGUID[:]
	}
	ext := map[string]any{}
	if rec.Discoverable.Known() {
		ext["rk"] = rec.Discoverable.Bool()
	}
	if rec.CredProtect != 0 {
		ext["credProtect"] = map[uint8]string{1: "userVerificationOptional", 2: "userVerificationOptionalWithCredentialIDList", 3: "userVerificationRequired"}[rec.CredProtect]
	}
	b, err := json.Marshal(map[string]any{
		"id": rec.ID, "publicKey": rec.PublicKey,
		"attestationType": attType[rec.AttestationType], "attestationFormat": rec.AttestationFormat,
		"transport": rec.Transports, "flags": flags, "authenticator": authenticator, "extensions": ext,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// simpleWebAuthnJSON writes rec as SimpleWebAuthn's WebAuthnCredential
// JSON: base64url strings, deviceType from BE.
func simpleWebAuthnJSON(t *testing.T, rec *credential.Record) []byte {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	m := map[string]any{
		"id": enc(rec.ID), "publicKey": enc(rec.PublicKey), "counter": rec.SignCount,
		"transports": rec.Transports, "backedUp": rec.BackupState,
	}
	if rec.BackupEligible.Known() {
		m["deviceType"] = map[bool]string{false: "singleDevice", true: "multiDevice"}[rec.BackupEligible.Bool()]
	}
	if rec.UserHandle != nil {
		m["webauthnUserID"] = enc(rec.UserHandle)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkReimport writes an imported record back in the format it came from
// and imports that again: nothing the importer keeps may change on the way.
func checkReimport(t *testing.T, rec *credential.Record, export func(*testing.T, *credential.Record) []byte,
	importer func([]byte, string, ...migrate.Option) (*credential.Record, error)) {
	t.Helper()
	data := export(t, rec)
	again, err := importer(data, rec.RPID)
	if err != nil {
		t.Fatalf("the record written back is refused: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(again, rec) {
		t.Fatalf("the record changed on the way back:\n%+v\n%+v", rec, again)
	}
}
