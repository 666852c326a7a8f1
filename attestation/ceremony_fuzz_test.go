package attestation_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

// recordedResponses returns the response objects of the module's recorded
// fixtures (../testdata/fixtures) of one ceremony, as seeds.
func recordedResponses(f *testing.F, ceremony string) [][]byte {
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

// honestBodies are registrations of each kind the authenticator makes.
func honestBodies(t testing.TB) [][]byte {
	var out [][]byte
	for _, kind := range []passkeytest.Attestation{passkeytest.AttestationNone, passkeytest.AttestationPackedSelf,
		passkeytest.AttestationPacked, passkeytest.AttestationFIDOU2F} {
		for _, alg := range []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256} {
			if kind == passkeytest.AttestationFIDOU2F && alg != passkeytest.AlgES256 {
				continue
			}
			a := newAuthenticator(t, passkeytest.Config{Attestation: kind})
			out = append(out, register(t, a, creation{algs: []int64{alg}}))
		}
	}
	return out
}

// FuzzParse feeds arbitrary bodies to Parse: it never panics, a rejection
// is a malformed-response or credential-id-mismatch verdict, and an
// accepted body's CredentialID is its rawId, decoded.
func FuzzParse(f *testing.F) {
	for _, b := range honestBodies(f) {
		f.Add(b)
	}
	for _, b := range recordedResponses(f, "registration") {
		f.Add(b)
	}
	f.Add([]byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"","attestationObject":""}}`))
	f.Add([]byte(`{"id":"AA==","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"},"clientExtensionResults":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := attestation.Parse(body)
		if err != nil {
			code := errcode.Code(err)
			var e *errcode.Error
			if !errors.As(err, &e) || e.Check == "" ||
				code != string(errcode.ErrMalformedResponse) && code != string(errcode.ErrCredentialIDMismatch) {
				t.Fatalf("Parse error %v (code %q)", err, code)
			}
			return
		}
		rawID, id := rawIDOf(t, body)
		if !bytes.Equal(r.CredentialID(), rawID) {
			t.Fatalf("CredentialID %x, rawId decodes to %x", r.CredentialID(), rawID)
		}
		if fromID, err := lenientB64(id); err != nil || !bytes.Equal(fromID, rawID) {
			t.Fatalf("accepted id %q for rawId %x", id, rawID)
		}
	})
}

// rawIDOf reads rawId and id the way encoding/json does (Parse's decoder:
// last duplicate wins, names matched case-insensitively).
func rawIDOf(t *testing.T, body []byte) ([]byte, string) {
	var j struct {
		ID    string `json:"id"`
		RawID string `json:"rawId"`
	}
	if err := json.Unmarshal(body, &j); err != nil {
		t.Fatalf("Parse accepted what encoding/json refuses: %v", err)
	}
	raw, err := lenientB64(j.RawID)
	if err != nil {
		t.Fatalf("Parse accepted rawId %q: %v", j.RawID, err)
	}
	return raw, j.ID
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

// fuzzTarget is one honest registration and what a mutation that verifies
// may change in it.
type fuzzTarget struct {
	body     []byte
	x        attestation.Expect
	orig     regMembers
	obj      attObject
	all      bool
	unsigned func(int) bool
}

var fuzzTargets = sync.OnceValues(func() ([]fuzzTarget, error) {
	var out []fuzzTarget
	for _, tc := range []struct {
		kind     passkeytest.Attestation
		anchored bool
		all      bool
		unsigned func(int) bool
	}{
		{passkeytest.AttestationPackedSelf, false, false, func(int) bool { return false }},
		{passkeytest.AttestationPacked, true, false, func(int) bool { return false }},
		{passkeytest.AttestationFIDOU2F, true, false, func(i int) bool { return i >= 32 && i < 53 }},
		{passkeytest.AttestationNone, false, true, nil},
	} {
		// A seed per kind: one kind's statement must not be another's
		// valid statement for the same credential.
		a, err := passkeytest.New(passkeytest.Config{Seed: []byte(fmt.Sprintf("fuzz %d", tc.kind)), Attestation: tc.kind, AAGUID: [16]byte{9: 9}})
		if err != nil {
			return nil, err
		}
		opts, err := json.Marshal(map[string]any{
			"rp":               map[string]any{"id": testRPID, "name": "Example"},
			"user":             map[string]any{"id": b64.EncodeToString(testUser), "name": "ada", "displayName": "Ada"},
			"challenge":        b64.EncodeToString(testChallenge),
			"pubKeyCredParams": []any{map[string]any{"type": "public-key", "alg": -7}},
			"attestation":      "direct",
		})
		if err != nil {
			return nil, err
		}
		body, err := a.Create(opts, testOrigin)
		if err != nil {
			return nil, err
		}
		var j struct {
			Response struct{ ClientDataJSON, AttestationObject, AuthenticatorData string }
		}
		if err := json.Unmarshal(body, &j); err != nil {
			return nil, err
		}
		var m regMembers
		for _, p := range []struct {
			dst *[]byte
			s   string
		}{{&m.clientDataJSON, j.Response.ClientDataJSON}, {&m.attestationObject, j.Response.AttestationObject}, {&m.authenticatorData, j.Response.AuthenticatorData}} {
			if *p.dst, err = b64.DecodeString(p.s); err != nil {
				return nil, err
			}
		}
		obj, err := decodeAttObjectExact(m.attestationObject)
		if err != nil {
			return nil, err
		}
		set, err := newOrigins()
		if err != nil {
			return nil, err
		}
		x := attestation.Expect{RPID: testRPID, Origins: set, Challenge: testChallenge, Algorithms: testAlgorithms, Now: testNow}
		if tc.anchored {
			x.TrustAnchors = anchors(a)
		}
		if _, err := verifyBody(body, x); err != nil {
			return nil, fmt.Errorf("kind %d: the honest registration is rejected: %w", tc.kind, err)
		}
		out = append(out, fuzzTarget{body: body, x: x, orig: m, obj: obj, all: tc.all, unsigned: tc.unsigned})
	}
	return out, nil
})

func newOrigins() (*origin.Set, error) { return origin.NewSet(testRPID, []string{testOrigin}) }

// FuzzVerify replaces the decoded clientDataJSON and attestationObject of
// honest registrations (packed self, packed x5c, fido-u2f, none; picked by
// kind) with fuzzed bytes, re-encoded into the JSON body, and verifies with
// fixed expectations. A body that verifies must obey the mutation property
// of TestMutationProperty.
func FuzzVerify(f *testing.F) {
	targets, err := fuzzTargets()
	if err != nil {
		f.Fatal(err)
	}
	for i, tg := range targets {
		f.Add(uint8(i), tg.orig.clientDataJSON, tg.orig.attestationObject)
		bad := bytes.Clone(tg.orig.attestationObject)
		bad[len(bad)/2] ^= 0x20
		f.Add(uint8(i), tg.orig.clientDataJSON, bad)
	}
	f.Fuzz(func(t *testing.T, kind uint8, cdj, attObj []byte) {
		tg := targets[int(kind)%len(targets)]
		body := replaceB64(t, tg.body, "clientDataJSON", tg.orig.clientDataJSON, cdj)
		body = replaceB64(t, body, "attestationObject", tg.orig.attestationObject, attObj)
		if !bytes.Equal(attObj, tg.orig.attestationObject) {
			// The authenticatorData copy must follow the attestation
			// object; drop it rather than keep a stale one.
			body = bytes.Replace(body, []byte(`"authenticatorData":"`+b64.EncodeToString(tg.orig.authenticatorData)+`",`), nil, 1)
		}
		res, err := verifyBody(body, tg.x)
		if err != nil {
			return
		}
		if !bytes.Equal(cdj, tg.orig.clientDataJSON) {
			if !tg.all {
				t.Fatalf("changed client data verifies: %q", cdj)
			}
			// none: only what no check reads may differ (member names
			// matched case-insensitively are the known deviation).
			if !sameClientData(tg.orig.clientDataJSON, cdj, true) {
				t.Fatalf("client data %q verifies", cdj)
			}
		}
		if bytes.Equal(attObj, tg.orig.attestationObject) {
			return
		}
		if err := judgeObject(tg.obj, attObj, res, tg.all, tg.unsigned); err != nil {
			if err2 := judgeObjectFolded(tg.obj, attObj, res, tg.all, tg.unsigned); err2 != nil {
				t.Fatalf("attestation object %x verifies: %v", attObj, err)
			}
		}
	})
}
