package attestation

import (
	"encoding/hex"
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
)

func TestVerifyNone(t *testing.T) {
	k := newCredKey(t, testKeys(t).p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("credential-1"), k.cose)

	t.Run("empty map", func(t *testing.T) {
		v, err := verifyNone(newStatement(t, authData, []byte{0xa0}))
		if err != nil {
			t.Fatal(err)
		}
		if v.typ != TypeNone || len(v.trustPath) != 0 {
			t.Fatalf("got %+v, want none with no trust path", v)
		}
	})

	cases := []struct {
		name   string
		hex    string
		code   errcode.Sentinel
		detail string
	}{
		{"non-empty map", "a163666f6f01", errcode.ErrAttestationInvalid, "does not define"}, // {"foo": 1}
		{"packed leftovers", "a263616c672663736967410a", errcode.ErrAttestationInvalid, "does not define"},
		{"array", "80", errcode.ErrAttestationInvalid, "not a map"},
		{"null", "f6", errcode.ErrAttestationInvalid, "not a map"},
		{"empty input", "", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"truncated map", "a1", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"indefinite map", "bfff", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"tagged map", "d818a0", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"trailing bytes", "a000", errcode.ErrMalformedAttestationObject, "trailing bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := hex.DecodeString(c.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = verifyNone(newStatement(t, authData, raw))
			wantError(t, err, c.code, checkNone, c.detail)
		})
	}
}
