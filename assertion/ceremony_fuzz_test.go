package assertion_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

// recordedResponses returns the response objects of the module's recorded
// fixtures (../testdata/fixtures) of one ceremony, as seeds.
func recordedResponses(f testing.TB, ceremony string) [][]byte {
	f.Helper()
	var out [][]byte
	root := filepath.Join("..", "testdata", "fixtures")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var c struct {
			Ceremony string          `json:"ceremony"`
			Response json.RawMessage `json:"response"`
		}
		if json.Unmarshal(data, &c) == nil && c.Ceremony == ceremony && len(c.Response) > 0 {
			out = append(out, c.Response)
		}
		return nil
	})
	if err != nil {
		f.Fatalf("reading the recorded fixtures: %v", err)
	}
	if len(out) == 0 {
		f.Fatal("no recorded fixtures found")
	}
	return out
}

// FuzzParse feeds arbitrary bodies to Parse: it never panics, a rejection
// is a malformed-response or credential-id-mismatch verdict, and an
// accepted body's CredentialID is its rawId, decoded. (FuzzParseReadsLikePlainTypes
// compares every member with plain encoding/json types and re-encodes them.)
//
// The seeds are parseSeeds; TestFuzzSeedsReachCodes checks that they reach
// every verdict.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds(f) {
		f.Add(s.body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := assertion.Parse(body)
		if err != nil {
			code := errcode.Code(err)
			var e *errcode.Error
			if !errors.As(err, &e) || e.Check == "" ||
				code != string(errcode.ErrMalformedResponse) && code != string(errcode.ErrCredentialIDMismatch) {
				t.Fatalf("Parse error %v (code %q)", err, code)
			}
			return
		}
		var j struct {
			ID       string `json:"id"`
			RawID    string `json:"rawId"`
			Response struct {
				UserHandle *string `json:"userHandle"`
			} `json:"response"`
		}
		if err := json.Unmarshal(body, &j); err != nil {
			t.Fatalf("Parse accepted what encoding/json refuses: %v", err)
		}
		rawID, err := lenientB64(j.RawID)
		if err != nil {
			t.Fatalf("Parse accepted rawId %q: %v", j.RawID, err)
		}
		if !bytes.Equal(r.CredentialID(), rawID) {
			t.Fatalf("CredentialID %x, rawId decodes to %x", r.CredentialID(), rawID)
		}
		if fromID, err := lenientB64(j.ID); err != nil || !bytes.Equal(fromID, rawID) {
			t.Fatalf("accepted id %q for rawId %x", j.ID, rawID)
		}
		var uh []byte
		if j.Response.UserHandle != nil {
			if uh, err = lenientB64(*j.Response.UserHandle); err != nil {
				t.Fatalf("Parse accepted userHandle %q", *j.Response.UserHandle)
			}
		}
		if len(uh) == 0 && r.UserHandle() != nil || !bytes.Equal(r.UserHandle(), uh) {
			t.Fatalf("UserHandle %x, the body says %x", r.UserHandle(), uh)
		}
	})
}

// lenientB64 decodes base64url as the JSON members may spell it: no
// padding, or the correct padding.
func lenientB64(s string) ([]byte, error) {
	if strings.HasSuffix(s, "=") {
		if len(s)%4 != 0 {
			return nil, fmt.Errorf("wrong padding")
		}
		s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("line break")
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// assertionTarget is one honest assertion with its record and expectations.
type assertionTarget struct {
	body []byte
	rec  *credential.Record
	x    assertion.Expect
	orig members
	// replay is the credential's previous assertion, as honest but with a
	// counter the record already holds.
	replay members
	// ecdsa marks an ECDSA credential, whose (r, s) may verify as (r, n−s).
	ecdsa bool
}

var assertionTargets = sync.OnceValues(func() ([]assertionTarget, error) {
	var out []assertionTarget
	for _, alg := range []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256} {
		a, err := passkeytest.New(passkeytest.Config{Seed: []byte(fmt.Sprintf("fuzz %d", alg))})
		if err != nil {
			return nil, err
		}
		opts, _ := json.Marshal(map[string]any{
			"rp":                     map[string]any{"id": testRPID, "name": "Example"},
			"user":                   map[string]any{"id": b64.EncodeToString(testUser), "name": "ada", "displayName": "Ada"},
			"challenge":              b64.EncodeToString([]byte("registration-challenge-01234567")),
			"pubKeyCredParams":       []any{map[string]any{"type": "public-key", "alg": alg}},
			"authenticatorSelection": map[string]any{"residentKey": "required"},
		})
		if _, err := a.Create(opts, testOrigin); err != nil {
			return nil, err
		}
		e := &env{auth: a, cred: a.Credentials()[0]}
		req, _ := json.Marshal(map[string]any{"challenge": b64.EncodeToString(testChallenge), "rpId": testRPID, "userVerification": "required"})
		// Two logins: the record holds the first one's counter, so the
		// second one verifies and the first one is a replay.
		var bodies [2][]byte
		var m [2]members
		for i := range bodies {
			if bodies[i], err = a.Get(req, testOrigin); err != nil {
				return nil, err
			}
			if m[i], err = responseMembers(bodies[i]); err != nil {
				return nil, err
			}
		}
		set, err := origin.NewSet(testRPID, []string{testOrigin})
		if err != nil {
			return nil, err
		}
		x := assertion.Expect{RPID: testRPID, Origins: set, Challenge: testChallenge, UserHandle: testUser, RequireUserVerification: true}
		rec := e.record()
		rec.SignCount = binary.BigEndian.Uint32(m[0].authenticatorData[33:37])
		if _, err := verifyBody(bodies[1], rec, x); err != nil {
			return nil, fmt.Errorf("alg %d: the honest assertion is rejected: %w", alg, err)
		}
		out = append(out, assertionTarget{body: bodies[1], rec: rec, x: x, orig: m[1], replay: m[0], ecdsa: alg == passkeytest.AlgES256})
	}
	return out, nil
})

// responseMembers decodes the binary members of an
// AuthenticationResponseJSON.
func responseMembers(body []byte) (members, error) {
	var j struct {
		Response struct{ ClientDataJSON, AuthenticatorData, Signature string }
	}
	if err := json.Unmarshal(body, &j); err != nil {
		return members{}, err
	}
	var m members
	var err error
	for _, p := range []struct {
		dst *[]byte
		s   string
	}{{&m.clientDataJSON, j.Response.ClientDataJSON}, {&m.authenticatorData, j.Response.AuthenticatorData}, {&m.signature, j.Response.Signature}} {
		if *p.dst, err = b64.DecodeString(p.s); err != nil {
			return members{}, err
		}
	}
	return m, nil
}

// FuzzVerify replaces the decoded clientDataJSON, authenticatorData and
// signature of honest assertions (ES256, EdDSA, RS256; picked by alg) with
// fuzzed bytes, re-encoded into the JSON body, and verifies with fixed
// expectations. A body that verifies must carry the same client data and
// authenticator data, and the same signature or, for ECDSA, (r, n−s): the
// fuzzer cannot sign, so anything else that verifies is a check that let
// unsigned or altered data through.
//
// The seeds are verifySeeds; TestFuzzSeedsReachCodes checks that they reach
// every verdict the fuzzed members can lead to.
func FuzzVerify(f *testing.F) {
	targets, err := assertionTargets()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range verifySeeds(targets) {
		f.Add(s.alg, s.m.clientDataJSON, s.m.authenticatorData, s.m.signature)
	}
	f.Fuzz(func(t *testing.T, alg uint8, cdj, authData, sig []byte) {
		tg := targets[int(alg)%len(targets)]
		if _, err := verifyMembers(t, tg, members{cdj, authData, sig}); err != nil {
			return
		}
		if !bytes.Equal(cdj, tg.orig.clientDataJSON) || !bytes.Equal(authData, tg.orig.authenticatorData) {
			t.Fatalf("changed signed data verifies: clientDataJSON %q authenticatorData %x", cdj, authData)
		}
		if !bytes.Equal(sig, tg.orig.signature) && !(tg.ecdsa && isNegatedS(tg.orig.signature, sig)) {
			t.Fatalf("signature %x verifies in place of %x", sig, tg.orig.signature)
		}
	})
}

// verifyMembers verifies tg's body with its binary members replaced by m.
func verifyMembers(t testing.TB, tg assertionTarget, m members) (*assertion.Result, error) {
	body := tg.body
	for _, r := range []struct {
		name     string
		old, new []byte
	}{{"clientDataJSON", tg.orig.clientDataJSON, m.clientDataJSON}, {"authenticatorData", tg.orig.authenticatorData, m.authenticatorData}, {"signature", tg.orig.signature, m.signature}} {
		body = replaceMember(t, body, r.name, r.old, r.new)
	}
	return verifyBody(body, tg.rec, tg.x)
}

// replaceMember swaps the value of response.<name> in body; the old value
// must occur exactly once.
func replaceMember(t testing.TB, body []byte, name string, old, new []byte) []byte {
	o := []byte(`"` + name + `":"` + b64.EncodeToString(old) + `"`)
	if bytes.Count(body, o) != 1 {
		t.Fatalf("member %s occurs %d times in the body", name, bytes.Count(body, o))
	}
	return bytes.Replace(body, o, []byte(`"`+name+`":"`+b64.EncodeToString(new)+`"`), 1)
}
