package bench

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// TestBothAccept checks that passkey, go-webauthn and the bare check all
// accept every benchmark input: a timing of a rejection would compare
// error paths, not verification.
func TestBothAccept(t *testing.T) {
	for _, c := range allCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if err := c.ours(); err != nil {
				t.Error(describe("passkey", c, err))
			}
			if err := c.theirs(); err != nil {
				t.Error(describe("go-webauthn", c, err))
			}
			if err := c.bare(); err != nil {
				t.Error(describe("the bare check", c, err))
			}
		})
	}
}

// TestBothReject checks that the harness really verifies: the same
// expectations reject a tampered copy of each input on both sides, so
// neither side's verifier is a no-op and both check the signature.
func TestBothReject(t *testing.T) {
	otherChallenge := b64.EncodeToString(bytes.Repeat([]byte{'x'}, len(benchChallenge)))
	tampers := []struct {
		name string
		// signedOnly marks an edit that only a signature catches: "none"
		// attestation has none, so both sides accept it there.
		signedOnly bool
		edit       func(t *testing.T, body []byte) []byte
	}{
		{name: "challenge", edit: func(t *testing.T, body []byte) []byte {
			return editMember(t, body, "clientDataJSON", func(cdj []byte) []byte {
				return bytes.Replace(cdj, []byte(b64.EncodeToString(benchChallenge)), []byte(otherChallenge), 1)
			})
		}},
		{name: "clientDataJSON after signing", signedOnly: true, edit: func(t *testing.T, body []byte) []byte {
			return editMember(t, body, "clientDataJSON", func(cdj []byte) []byte {
				return append(bytes.TrimSuffix(cdj, []byte("}")), []byte(`,"other":"x"}`)...)
			})
		}},
	}
	foreignRoot := otherRoot(t)
	for _, c := range allCases(t) {
		if c.withAnchor != nil {
			// The anchor decides: with another root, all three refuse the
			// untouched body, the bare check included.
			t.Run(c.name+"/another anchor", func(t *testing.T) {
				ours, theirs, bare := c.withAnchor(foreignRoot)
				if errOurs, errTheirs, errBare := ours(), theirs(), bare(); errOurs == nil || errTheirs == nil || errBare == nil {
					t.Errorf("passkey: %v; go-webauthn: %v; bare: %v; want rejected by all", errOurs, errTheirs, errBare)
				}
			})
		}
		for _, tm := range tampers {
			t.Run(c.name+"/"+tm.name, func(t *testing.T) {
				ours, theirs := c.with(tm.edit(t, c.body))
				errOurs, errTheirs := ours(), theirs()
				wantReject := !tm.signedOnly || c.name != "registration/none"
				if (errOurs != nil) != wantReject || (errTheirs != nil) != wantReject {
					t.Errorf("passkey: %v; go-webauthn: %v; want rejected %v by both", errOurs, errTheirs, wantReject)
				}
			})
		}
	}
}

// allCases are the benchmark inputs, named "assertion/ES256" and so on.
func allCases(tb testing.TB) []benchCase {
	var out []benchCase
	for _, c := range assertionCases(tb) {
		c.name = "assertion/" + c.name
		out = append(out, c)
	}
	for _, c := range registrationCases(tb) {
		c.name = "registration/" + c.name
		out = append(out, c)
	}
	return out
}

// editMember returns body with its response.<member> (base64url) replaced
// by f of its decoded value.
func editMember(t *testing.T, body []byte, member string, f func([]byte) []byte) []byte {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatal(err)
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(top["response"], &resp); err != nil {
		t.Fatal(err)
	}
	var enc string
	if err := json.Unmarshal(resp[member], &enc); err != nil {
		t.Fatal(err)
	}
	raw, err := b64.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	edited := f(raw)
	if bytes.Equal(edited, raw) {
		t.Fatalf("the edit of %s changed nothing", member)
	}
	resp[member], _ = json.Marshal(b64.EncodeToString(edited))
	top["response"], _ = json.Marshal(resp)
	out, err := json.Marshal(top)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// otherRoot is the attestation root of another passkeytest authenticator:
// a well-formed anchor that issued none of the inputs.
func otherRoot(t *testing.T) *x509.Certificate {
	t.Helper()
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("another root"), Attestation: passkeytest.AttestationPacked})
	if err != nil {
		t.Fatal(err)
	}
	return a.AttestationRoot()
}
