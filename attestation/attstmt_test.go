package attestation

import (
	"encoding/hex"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// TestCheckStmtText covers the text kind, which packed and fido-u2f do not
// use (tpm's ver does).
func TestCheckStmtText(t *testing.T) {
	const check = "test-anchor"
	members := []member{{name: "ver", kind: kindText, required: true}}
	cases := []struct {
		name   string
		hex    string // a1 63 766572: a map of one pair with the key "ver"
		code   errcode.Sentinel
		detail string
	}{
		{"text", "a16376657263322e30", "", ""},
		{"empty text", "a16376657260", "", ""},
		{"bytes", "a16376657241ff", errcode.ErrAttestationInvalid, "ver has the wrong type"},
		{"integer", "a16376657202", errcode.ErrAttestationInvalid, "ver has the wrong type"},
		{"invalid UTF-8", "a16376657261ff", errcode.ErrMalformedAttestationObject, "ver is not valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := hex.DecodeString(c.hex)
			if err != nil {
				t.Fatal(err)
			}
			present, err := checkStmt(raw, check, members, nil)
			if c.code == "" {
				if err != nil || !present[0] {
					t.Fatalf("got %v, present %v; want ver accepted", err, present[0])
				}
				return
			}
			wantError(t, err, c.code, check, c.detail)
		})
	}
}
