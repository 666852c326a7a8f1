package migrate_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/migrate"
)

var b64url = base64.RawURLEncoding

// uint8ArrayJSON is JSON.stringify of a Uint8Array: {"0":165,"1":1,...}.
func uint8ArrayJSON(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, v := range b {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Quote(strconv.Itoa(i)) + ":" + strconv.Itoa(int(v)))
	}
	sb.WriteByte('}')
	return sb.String()
}

func numbersJSON(b []byte) string {
	nums := make([]int, len(b))
	for i, v := range b {
		nums[i] = int(v)
	}
	out, _ := json.Marshal(nums)
	return string(out)
}

func TestFromSimpleWebAuthnJSON(t *testing.T) {
	id := b64url.EncodeToString(fixtureCredentialID)
	quoted := func(s string) string { return strconv.Quote(s) }
	passkey := func(publicKey string, extra string) []byte {
		return []byte(`{"id":` + quoted(id) + `,"publicKey":` + publicKey + `,"counter":12,"transports":["internal","hybrid"]` +
			`,"user":{"id":"u1","username":"ada"},"webauthnUserID":"dXNlci0x"` + extra + `}`)
	}

	cases := []struct {
		name string
		data []byte
		opts []migrate.Option
		want func(t *testing.T, r *credential.Record)
	}{
		{name: "guide's Passkey, multiDevice, key as base64url",
			data: passkey(quoted(b64url.EncodeToString(fixtureKey)), `,"deviceType":"multiDevice","backedUp":true`),
			want: func(t *testing.T, r *credential.Record) {
				if !bytes.Equal(r.ID, fixtureCredentialID) || !bytes.Equal(r.PublicKey, fixtureKey) || r.Alg != cose.ES256 {
					t.Errorf("ID %x, key %x, alg %v", r.ID, r.PublicKey, r.Alg)
				}
				if r.SignCount != 12 || !slices.Equal(r.Transports, []string{"internal", "hybrid"}) {
					t.Errorf("counter %d, transports %q", r.SignCount, r.Transports)
				}
				if r.BackupEligible != credential.True || !r.BackupState {
					t.Errorf("BE %v, BS %v; want true, true", r.BackupEligible, r.BackupState)
				}
				if string(r.UserHandle) != "user-1" || r.UVInitialized || r.RPID != "example.com" {
					t.Errorf("user handle %q, uvInitialized %v, RP ID %q", r.UserHandle, r.UVInitialized, r.RPID)
				}
			}},
		{name: "singleDevice, key as Uint8Array",
			data: passkey(uint8ArrayJSON(fixtureKey), `,"deviceType":"singleDevice","backedUp":false`),
			want: func(t *testing.T, r *credential.Record) {
				if r.BackupEligible != credential.False || r.BackupState || !bytes.Equal(r.PublicKey, fixtureKey) {
					t.Errorf("BE %v, BS %v, key %x", r.BackupEligible, r.BackupState, r.PublicKey)
				}
			}},
		{name: "no deviceType, key as a number array",
			data: passkey(numbersJSON(fixtureKey), ``),
			want: func(t *testing.T, r *credential.Record) {
				if r.BackupEligible != credential.Unknown || !bytes.Equal(r.PublicKey, fixtureKey) {
					t.Errorf("BE %v, key %x", r.BackupEligible, r.PublicKey)
				}
			}},
		{name: "key as a Node.js Buffer",
			data: passkey(`{"type":"Buffer","data":`+numbersJSON(fixtureKey)+`}`, `,"deviceType":"multiDevice","backedUp":false`),
			want: func(t *testing.T, r *credential.Record) {
				if !bytes.Equal(r.PublicKey, fixtureKey) || r.BackupEligible != credential.True || r.BackupState {
					t.Errorf("key %x, BE %v, BS %v", r.PublicKey, r.BackupEligible, r.BackupState)
				}
			}},
		{name: "key as PostgreSQL bytea hex",
			data: passkey(quoted(`\x`+strings.ToUpper(hex.EncodeToString(fixtureKey))), ``),
			want: func(t *testing.T, r *credential.Record) {
				if !bytes.Equal(r.PublicKey, fixtureKey) {
					t.Errorf("key %x", r.PublicKey)
				}
			}},
		{name: "key as padded standard base64",
			data: passkey(quoted(std.EncodeToString(fixtureKey)), ``),
			want: func(t *testing.T, r *credential.Record) {
				if !bytes.Equal(r.PublicKey, fixtureKey) {
					t.Errorf("key %x", r.PublicKey)
				}
			}},
		{name: "before version 10: credentialID bytes, credentialDeviceType",
			data: []byte(`{"credentialID":` + uint8ArrayJSON(fixtureCredentialID) + `,"credentialPublicKey":` + uint8ArrayJSON(fixtureKey) +
				`,"counter":3,"credentialDeviceType":"multiDevice","credentialBackedUp":true}`),
			want: func(t *testing.T, r *credential.Record) {
				if !bytes.Equal(r.ID, fixtureCredentialID) || !bytes.Equal(r.PublicKey, fixtureKey) || r.SignCount != 3 {
					t.Errorf("ID %x, key %x, counter %d", r.ID, r.PublicKey, r.SignCount)
				}
				if r.BackupEligible != credential.True || !r.BackupState || r.UserHandle != nil {
					t.Errorf("BE %v, BS %v, user handle %x", r.BackupEligible, r.BackupState, r.UserHandle)
				}
			}},
		{name: "options", data: passkey(quoted(b64url.EncodeToString(fixtureKey)), `,"deviceType":"singleDevice"`),
			opts: []migrate.Option{migrate.UVInitialized(true), migrate.BackupEligibilityUnknown(), migrate.WithUserHandle([]byte("user-1"))},
			want: func(t *testing.T, r *credential.Record) {
				if !r.UVInitialized || r.BackupEligible != credential.Unknown || string(r.UserHandle) != "user-1" {
					t.Errorf("uvInitialized %v, BE %v, user handle %q", r.UVInitialized, r.BackupEligible, r.UserHandle)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := migrate.FromSimpleWebAuthnJSON(tc.data, "example.com", tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			tc.want(t, r)
		})
	}
}

func TestFromSimpleWebAuthnRejects(t *testing.T) {
	id := b64url.EncodeToString(fixtureCredentialID)
	key := b64url.EncodeToString(fixtureKey)
	base := storedWith(id, key)
	cases := []struct {
		name   string
		data   string
		opts   []migrate.Option
		code   string
		detail string
	}{
		{name: "not JSON", data: `{"id":`, detail: "JSON"},
		{name: "deviceType unknown", data: base(`"deviceType":"cloud"`), detail: "deviceType"},
		{name: "backed up singleDevice", data: base(`"deviceType":"singleDevice","backedUp":true`), detail: "backupState"},
		{name: "id and credentialID", data: base(`"credentialID":"AAAA"`), detail: "credentialID"},
		{name: "publicKey and credentialPublicKey", data: base(`"credentialPublicKey":"AAAA"`), detail: "credentialPublicKey"},
		{name: "deviceType twice", data: base(`"deviceType":"singleDevice","credentialDeviceType":"singleDevice"`), detail: "credentialDeviceType"},
		{name: "id in the standard alphabet", data: `{"id":"ab+/","publicKey":"` + key + `"}`, detail: "id"},
		{name: "id missing", data: `{"publicKey":"` + key + `"}`, detail: "id"},
		{name: "publicKey missing", data: `{"id":"` + id + `"}`, detail: "publicKey"},
		{name: "publicKey not bytes", data: `{"id":"` + id + `","publicKey":true}`, detail: "publicKey"},
		{name: "publicKey with a byte over 255", data: `{"id":"` + id + `","publicKey":[165,256]}`, detail: "publicKey"},
		{name: "publicKey Uint8Array with a gap", data: `{"id":"` + id + `","publicKey":{"0":165,"2":1}}`, detail: "publicKey"},
		{name: "publicKey of an unknown algorithm", data: `{"id":"` + id + `","publicKey":"` +
			b64url.EncodeToString(append([]byte{0xa5, 0x01, 0x02, 0x03, 0x38, 0x2e, 0x20, 0x08}, fixtureKey[7:]...)) + `"}`,
			code: "unsupported-algorithm"},
		{name: "negative counter", data: base(`"counter":-1`), detail: "JSON"},
		{name: "counter over 32 bits", data: base(`"counter":4294967296`), detail: "JSON"},
		{name: "webauthnUserID not base64url", data: base(`"webauthnUserID":"a b"`), detail: "webauthnUserID"},
		{name: "webauthnUserID over 64 bytes", data: base(`"webauthnUserID":"` + b64url.EncodeToString(make([]byte, 65)) + `"`), detail: "userHandle"},
		{name: "webauthnUserID differs from WithUserHandle", data: base(`"webauthnUserID":"dXNlci0x"`),
			opts: []migrate.Option{migrate.WithUserHandle([]byte("user-2"))}, detail: "userHandle"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := migrate.FromSimpleWebAuthnJSON([]byte(tc.data), "example.com", tc.opts...)
			if r != nil {
				t.Error("returned a record with the error")
			}
			wantErr(t, err, tc.code)
			if tc.detail != "" && !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("message %q does not name %q", err, tc.detail)
			}
			if strings.Count(err.Error(), "malformed credential") != 1 {
				t.Errorf("message %q repeats the sentinel", err)
			}
			noSecrets(t, err, fixtureKey, fixtureCredentialID)
		})
	}
}

// storedWith returns a function that writes a stored
// credential with id and key and the extra members given.
func storedWith(id, key string) func(extra string) string {
	return func(extra string) string {
		return `{"id":"` + id + `","publicKey":"` + key + `",` + extra + `}`
	}
}

// TestFromSimpleWebAuthnStruct imports the struct directly, as a Go
// program that read its own columns would.
func TestFromSimpleWebAuthnStruct(t *testing.T) {
	c := migrate.SimpleWebAuthnCredential{
		ID:         b64url.EncodeToString(fixtureCredentialID),
		PublicKey:  bytes.Clone(fixtureKey),
		Counter:    7,
		Transports: []string{"usb"},
		DeviceType: "singleDevice",
	}
	r, err := migrate.FromSimpleWebAuthn(c, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.SignCount != 7 || r.BackupEligible != credential.False || r.Alg != cose.ES256 {
		t.Errorf("counter %d, BE %v, alg %v", r.SignCount, r.BackupEligible, r.Alg)
	}
	// The record owns its bytes.
	c.PublicKey[10] ^= 1
	c.Transports[0] = "nfc"
	if !bytes.Equal(r.PublicKey, fixtureKey) || r.Transports[0] != "usb" {
		t.Error("the record shares memory with the input")
	}
}
