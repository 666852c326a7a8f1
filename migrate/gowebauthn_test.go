package migrate_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/migrate"
	"github.com/gopasskey/passkey/passkeytest"
)

func TestFromGoWebAuthn(t *testing.T) {
	current := readFixture(t, "gowebauthn-v0.18.2-packed-self.json")
	legacy := readFixture(t, "gowebauthn-legacy-untagged.json")
	withKey := func(key []byte) []byte {
		return edit(t, current, func(m map[string]any) { m["publicKey"] = std.EncodeToString(key) })
	}

	cases := []struct {
		name string
		data []byte
		opts []migrate.Option
		want func(t *testing.T, r *credential.Record)
	}{
		{name: "v0.18.2 record", data: current, want: func(t *testing.T, r *credential.Record) {
			if !bytes.Equal(r.ID, fixtureCredentialID) {
				t.Errorf("ID %x", r.ID)
			}
			if !bytes.Equal(r.PublicKey, fixtureKey) {
				t.Errorf("public key not kept verbatim: %x", r.PublicKey)
			}
			if r.Alg != cose.ES256 || r.AAGUID != fixtureAAGUID || r.RPID != "example.com" {
				t.Errorf("alg %v, AAGUID %v, RP ID %q", r.Alg, r.AAGUID, r.RPID)
			}
			if r.BackupEligible != credential.True || !r.BackupState || !r.UVInitialized {
				t.Errorf("BE %v, BS %v, uvInitialized %v; want true, true, true", r.BackupEligible, r.BackupState, r.UVInitialized)
			}
			if r.AttestationFormat != "packed" || r.AttestationType != "self" {
				t.Errorf("attestation %q/%q, want packed/self", r.AttestationFormat, r.AttestationType)
			}
			if !slices.Equal(r.Transports, []string{"hybrid", "internal"}) || r.AuthenticatorAttachment != "platform" {
				t.Errorf("transports %q, attachment %q", r.Transports, r.AuthenticatorAttachment)
			}
			if r.SignCount != 0 || r.UserHandle != nil || r.Discoverable != credential.Unknown {
				t.Errorf("sign count %d, user handle %x, discoverable %v", r.SignCount, r.UserHandle, r.Discoverable)
			}
		}},
		{name: "untagged legacy record", data: legacy, want: func(t *testing.T, r *credential.Record) {
			if !bytes.Equal(r.ID, fixtureCredentialID) || !bytes.Equal(r.PublicKey, fixtureKey) || r.SignCount != 41 {
				t.Errorf("ID %x, key %x, sign count %d", r.ID, r.PublicKey, r.SignCount)
			}
			if r.AAGUID != fixtureAAGUID {
				t.Errorf("AAGUID %v", r.AAGUID)
			}
			if r.BackupEligible != credential.Unknown || r.BackupState || r.UVInitialized {
				t.Errorf("BE %v, BS %v, uvInitialized %v; want unknown, false, false", r.BackupEligible, r.BackupState, r.UVInitialized)
			}
			// The format was stored as the type; the type is unknown.
			if r.AttestationFormat != "packed" || r.AttestationType != "" {
				t.Errorf("attestation %q/%q, want packed/\"\"", r.AttestationFormat, r.AttestationType)
			}
		}},
		{name: "flags without backupEligible", data: edit(t, current, func(m map[string]any) {
			delete(sub(m, "flags"), "backupEligible")
			sub(m, "flags")["backupState"] = false
		}), want: func(t *testing.T, r *credential.Record) {
			if r.BackupEligible != credential.Unknown || !r.UVInitialized {
				t.Errorf("BE %v, uvInitialized %v; want unknown, true", r.BackupEligible, r.UVInitialized)
			}
		}},
		{name: "backupEligible false recorded", data: edit(t, current, func(m map[string]any) {
			sub(m, "flags")["backupEligible"], sub(m, "flags")["backupState"] = false, false
		}), want: func(t *testing.T, r *credential.Record) {
			if r.BackupEligible != credential.False {
				t.Errorf("BE %v, want false", r.BackupEligible)
			}
		}},
		{name: "BackupEligibilityUnknown overrides a recorded false", data: edit(t, current, func(m map[string]any) {
			sub(m, "flags")["backupEligible"], sub(m, "flags")["backupState"] = false, false
		}), opts: []migrate.Option{migrate.BackupEligibilityUnknown()}, want: func(t *testing.T, r *credential.Record) {
			if r.BackupEligible != credential.Unknown {
				t.Errorf("BE %v, want unknown", r.BackupEligible)
			}
		}},
		{name: "options", data: current, opts: []migrate.Option{
			migrate.WithUserHandle([]byte("user-1")), migrate.UVInitialized(false),
			migrate.WithAppID("https://example.com/u2f.json"), migrate.WithName("Ada's phone"), nil,
		}, want: func(t *testing.T, r *credential.Record) {
			if string(r.UserHandle) != "user-1" || r.UVInitialized || r.AppID != "https://example.com/u2f.json" || r.Name != "Ada's phone" {
				t.Errorf("user handle %q, uvInitialized %v, AppID %q, name %q", r.UserHandle, r.UVInitialized, r.AppID, r.Name)
			}
		}},
		{name: "attestation types", data: edit(t, current, func(m map[string]any) { m["attestationType"] = "basic_full" }),
			want: func(t *testing.T, r *credential.Record) {
				if r.AttestationType != "basic" {
					t.Errorf("type %q, want basic", r.AttestationType)
				}
			}},
		{name: "legacy none", data: edit(t, legacy, func(m map[string]any) { m["AttestationType"] = "none" }),
			want: func(t *testing.T, r *credential.Record) {
				if r.AttestationFormat != "none" || r.AttestationType != "none" {
					t.Errorf("attestation %q/%q, want none/none", r.AttestationFormat, r.AttestationType)
				}
			}},
		{name: "unknown attestation type", data: edit(t, current, func(m map[string]any) { m["attestationType"] = "ecdaa" }),
			want: func(t *testing.T, r *credential.Record) {
				if r.AttestationType != "" || r.AttestationFormat != "packed" {
					t.Errorf("attestation %q/%q, want packed/\"\"", r.AttestationFormat, r.AttestationType)
				}
			}},
		{name: "extensions", data: edit(t, current, func(m map[string]any) {
			m["extensions"] = map[string]any{"rk": true, "credProtect": "userVerificationRequired", "prfEnabled": true}
		}), want: func(t *testing.T, r *credential.Record) {
			if r.Discoverable != credential.True || r.CredProtect != 3 {
				t.Errorf("discoverable %v, credProtect %d", r.Discoverable, r.CredProtect)
			}
		}},
		{name: "rk false", data: edit(t, current, func(m map[string]any) { m["extensions"] = map[string]any{"rk": false} }),
			want: func(t *testing.T, r *credential.Record) {
				if r.Discoverable != credential.False {
					t.Errorf("discoverable %v, want false", r.Discoverable)
				}
			}},
		{name: "EdDSA key", data: withKey(credentialKey(t, passkeytest.AlgEdDSA)), want: func(t *testing.T, r *credential.Record) {
			if r.Alg != cose.EdDSA {
				t.Errorf("alg %v, want EdDSA", r.Alg)
			}
		}},
		{name: "RS256 key", data: withKey(credentialKey(t, passkeytest.AlgRS256)), want: func(t *testing.T, r *credential.Record) {
			if r.Alg != cose.RS256 {
				t.Errorf("alg %v, want RS256", r.Alg)
			}
		}},
		{name: "raw U2F point", data: withKey(u2fPoint(t, fixtureKey)), want: func(t *testing.T, r *credential.Record) {
			k, err := cose.ParseKey(r.PublicKey)
			if err != nil || r.Alg != cose.ES256 {
				t.Fatalf("alg %v, %v", r.Alg, err)
			}
			want, _ := cose.ParseKey(fixtureKey)
			if !k.Equal(want.Public()) {
				t.Error("the converted key is not the point's")
			}
		}},
		{name: "unknown members ignored", data: edit(t, current, func(m map[string]any) { m["futureField"] = []any{1, 2} }),
			want: func(t *testing.T, r *credential.Record) {
				if !bytes.Equal(r.ID, fixtureCredentialID) {
					t.Errorf("ID %x", r.ID)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := migrate.FromGoWebAuthn(tc.data, "example.com", tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			tc.want(t, r)
			// Whatever was imported, a store can keep it.
			var back credential.Record
			b, err := r.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := back.UnmarshalJSON(b); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// u2fPoint turns an EC2 P-256 COSE_Key into the raw 0x04 ‖ x ‖ y point a
// U2F registration carried.
func u2fPoint(t *testing.T, coseKey []byte) []byte {
	t.Helper()
	k, err := cose.ParseKey(coseKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := k.Public().(interface{ Bytes() ([]byte, error) })
	if !ok {
		t.Fatal("not an ECDSA key")
	}
	b, err := pub.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFromGoWebAuthnRejects(t *testing.T) {
	current := readFixture(t, "gowebauthn-v0.18.2-packed-self.json")
	set := func(key string, v any) []byte {
		return edit(t, current, func(m map[string]any) { m[key] = v })
	}
	// A P-256 key whose y is off the curve, and one of an algorithm the
	// cose package does not support (ES256K, -47).
	offCurve := bytes.Clone(fixtureKey)
	offCurve[len(offCurve)-1] ^= 1
	// fixtureKey is a5 01 02 03 26 20 01 21… ({1: 2, 3: -7, -1: 1, -2: …});
	// this is {1: 2, 3: -47, -1: 8, -2: …} with the same coordinates.
	es256k := append([]byte{0xa5, 0x01, 0x02, 0x03, 0x38, 0x2e, 0x20, 0x08}, fixtureKey[7:]...)
	offPoint := u2fPoint(t, fixtureKey)
	offPoint[64] ^= 1

	cases := []struct {
		name   string
		data   []byte
		opts   []migrate.Option
		code   string // errcode code, if the cose package decided
		detail string // a word the message must hold
	}{
		{name: "not JSON", data: []byte(`{"id":`), detail: "JSON"},
		{name: "trailing data", data: append(bytes.Clone(current), []byte(" {}")...), detail: "JSON"},
		{name: "null", data: []byte(`null`), detail: "id"},
		{name: "no id", data: edit(t, current, func(m map[string]any) { delete(m, "id") }), detail: "id"},
		{name: "empty id", data: set("id", ""), detail: "id"},
		{name: "id over 1023 bytes", data: set("id", std.EncodeToString(make([]byte, 1024))), detail: "1023"},
		{name: "id not base64", data: set("id", "!!!!"), detail: "id"},
		{name: "no public key", data: edit(t, current, func(m map[string]any) { delete(m, "publicKey") }), detail: "publicKey"},
		{name: "public key off the curve", data: set("publicKey", std.EncodeToString(offCurve)), code: "malformed-public-key"},
		{name: "public key truncated", data: set("publicKey", std.EncodeToString(fixtureKey[:40])), code: "malformed-public-key"},
		{name: "public key of an unsupported algorithm", data: set("publicKey", std.EncodeToString(es256k)), code: "unsupported-algorithm"},
		{name: "U2F point off the curve", data: set("publicKey", std.EncodeToString(offPoint)), detail: "publicKey"},
		{name: "AAGUID of 15 bytes", data: edit(t, current, func(m map[string]any) {
			sub(m, "authenticator")["AAGUID"] = std.EncodeToString(make([]byte, 15))
		}), detail: "AAGUID"},
		{name: "negative counter", data: edit(t, current, func(m map[string]any) { sub(m, "authenticator")["signCount"] = -1 }), detail: "JSON"},
		{name: "backed up but not eligible", data: edit(t, current, func(m map[string]any) {
			sub(m, "flags")["backupEligible"] = false
		}), detail: "backupState"},
		{name: "unknown credProtect", data: set("extensions", map[string]any{"credProtect": "sometimes"}), detail: "credProtect"},
		{name: "user handle over 64 bytes", data: current, opts: []migrate.Option{migrate.WithUserHandle(make([]byte, 65))}, detail: "userHandle"},
		{name: "empty user handle", data: current, opts: []migrate.Option{migrate.WithUserHandle([]byte{})}, detail: "userHandle"},
		{name: "65 transports", data: set("transport", make([]any, 65)), detail: "record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := migrate.FromGoWebAuthn(tc.data, "example.com", tc.opts...)
			if r != nil {
				t.Errorf("returned a record with the error")
			}
			wantErr(t, err, tc.code)
			if tc.detail != "" && !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("message %q does not name %q", err, tc.detail)
			}
			noSecrets(t, err, fixtureKey, fixtureCredentialID)
		})
	}
}

func TestRPIDIsAConfigError(t *testing.T) {
	current := readFixture(t, "gowebauthn-v0.18.2-packed-self.json")
	for _, rpID := range []string{"", "https://example.com", "Example.com", "192.0.2.1", "example.com/"} {
		t.Run(rpID, func(t *testing.T) {
			r, err := migrate.FromGoWebAuthn(current, rpID)
			var ce *errcode.ConfigError
			if r != nil || !errors.As(err, &ce) || ce.Field != "RPID" {
				t.Errorf("record %v, error %v; want a ConfigError on RPID", r != nil, err)
			}
			if errors.Is(err, migrate.ErrMalformed) {
				t.Error("a caller's mistake reported as malformed data")
			}
		})
	}
}
