package attestation_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
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
	"time"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
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

// parseSeeds is FuzzParse's seed corpus: honest registrations, the
// recorded ones, and a few broken bodies.
func parseSeeds(t testing.TB) [][]byte {
	out := honestBodies(t)
	out = append(out, recordedResponses(t, "registration")...)
	return append(out,
		[]byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"","attestationObject":""}}`),
		[]byte(`{"id":"AA==","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"},"clientExtensionResults":null}`),
		[]byte(`{"id":"AQ","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}`),
		[]byte(`{}`),
	)
}

// checkParse is FuzzParse's property: Parse never panics, a rejection is a
// malformed-response or credential-id-mismatch verdict, and an accepted
// body's CredentialID is its rawId, decoded.
func checkParse(t testing.TB, body []byte) string {
	t.Helper()
	r, err := attestation.Parse(body)
	if err != nil {
		code := errcode.Code(err)
		var e *errcode.Error
		if !errors.As(err, &e) || e.Check == "" ||
			code != string(errcode.ErrMalformedResponse) && code != string(errcode.ErrCredentialIDMismatch) {
			t.Fatalf("Parse error %v (code %q)", err, code)
		}
		return code
	}
	rawID, id := rawIDOf(t, body)
	if !bytes.Equal(r.CredentialID(), rawID) {
		t.Fatalf("CredentialID %x, rawId decodes to %x", r.CredentialID(), rawID)
	}
	if fromID, err := lenientB64(id); err != nil || !bytes.Equal(fromID, rawID) {
		t.Fatalf("accepted id %q for rawId %x", id, rawID)
	}
	return verdictOK
}

// FuzzParse feeds arbitrary bodies to Parse; see checkParse.
func FuzzParse(f *testing.F) {
	for _, b := range parseSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkParse(t, body) })
}

// rawIDOf reads rawId and id the way encoding/json does (Parse's decoder:
// last duplicate wins, names matched case-insensitively).
func rawIDOf(t testing.TB, body []byte) ([]byte, string) {
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

// fuzzConfig is the authenticator of the fuzz target of kind. A seed per
// kind: one kind's statement must not be another's valid statement for the
// same credential.
func fuzzConfig(kind passkeytest.Attestation) passkeytest.Config {
	return passkeytest.Config{Seed: []byte(fmt.Sprintf("fuzz %d", kind)), Attestation: kind, AAGUID: [16]byte{9: 9}}
}

// fuzzRegistration is cfg's authenticator and its registration for the
// fuzz targets' options.
func fuzzRegistration(cfg passkeytest.Config) (*passkeytest.Authenticator, []byte, error) {
	a, err := passkeytest.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	opts, err := json.Marshal(map[string]any{
		"rp":               map[string]any{"id": testRPID, "name": "Example"},
		"user":             map[string]any{"id": b64.EncodeToString(testUser), "name": "ada", "displayName": "Ada"},
		"challenge":        b64.EncodeToString(testChallenge),
		"pubKeyCredParams": []any{map[string]any{"type": "public-key", "alg": -7}},
		"attestation":      "direct",
	})
	if err != nil {
		return nil, nil, err
	}
	body, err := a.Create(opts, testOrigin)
	return a, body, err
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
		a, body, err := fuzzRegistration(fuzzConfig(tc.kind))
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

// verifySeed is one input of FuzzVerify: a target (by index) and the
// clientDataJSON and attestationObject put in its body.
type verifySeed struct {
	kind        uint8
	cdj, attObj []byte
}

// Indexes of fuzzTargets.
const (
	fuzzPackedSelf = iota
	fuzzPackedX5C
	fuzzFIDOU2F
	fuzzNone
)

// verifySeeds is FuzzVerify's seed corpus: each target's honest
// registration and one with a byte of its attestation object flipped, and
// one registration failing each check that the fixed expectations let an
// input fail. Most are made on the none target, whose statement signs
// nothing, so that everything but the check in question stays valid.
func verifySeeds(t testing.TB, targets []fuzzTarget) []verifySeed {
	var out []verifySeed
	for i, tg := range targets {
		out = append(out, verifySeed{uint8(i), tg.orig.clientDataJSON, tg.orig.attestationObject})
		bad := bytes.Clone(tg.orig.attestationObject)
		bad[len(bad)/2] ^= 0x20
		out = append(out, verifySeed{uint8(i), tg.orig.clientDataJSON, bad})
	}
	none := targets[fuzzNone]
	cdj := func(typ, challenge, origin, extra string) []byte {
		return []byte(`{"type":"` + typ + `","challenge":"` + challenge + `","origin":"` + origin + `"` + extra + `}`)
	}
	challenge := b64.EncodeToString(testChallenge)
	for _, c := range [][]byte{
		[]byte(`not JSON`), // malformed-client-data
		cdj("webauthn.get", challenge, testOrigin, ""),                                          // type-mismatch
		cdj("webauthn.create", b64.EncodeToString([]byte("another challenge")), testOrigin, ""), // challenge-mismatch
		cdj("webauthn.create", challenge, "https://evil.example", ""),                           // origin-mismatch
		cdj("webauthn.create", challenge, testOrigin, `,"crossOrigin":true`),                    // cross-origin-not-allowed
	} {
		out = append(out, verifySeed{fuzzNone, c, none.orig.attestationObject})
	}

	// Attestation objects: none's, with one thing changed.
	ad := none.obj.AuthData
	const flags, credIDLen = 32, 53
	keyAt := credIDLen + 2 + int(ad[credIDLen])<<8 + int(ad[credIDLen+1])
	object := func(fmt string, stmt []byte, authData []byte) []byte {
		return mustCBOR(t, map[string]any{"fmt": fmt, "attStmt": cbor.RawMessage(stmt), "authData": authData})
	}
	edit := func(f func(ad []byte) []byte) []byte { return object("none", []byte{0xa0}, f(bytes.Clone(ad))) }
	withKey := func(key []byte) []byte {
		return edit(func(ad []byte) []byte { return append(ad[:keyAt], key...) })
	}
	p256, err := cose.Marshal(fuzzECKey(t, elliptic.P256(), 3).Public(), cose.ES256)
	if err != nil {
		t.Fatal(err)
	}
	offCurve := bytes.Clone(p256)
	offCurve[len(offCurve)-1] ^= 0x01 // the last byte of y
	p384, err := cose.Marshal(fuzzECKey(t, elliptic.P384(), 4).Public(), cose.ES384)
	if err != nil {
		t.Fatal(err)
	}
	ed, err := cose.Marshal(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range [][]byte{
		{0xa0}, // malformed-attestation-object
		edit(func(ad []byte) []byte { return ad[:36] }),                                // malformed-authenticator-data
		edit(func(ad []byte) []byte { ad[flags] &^= 0x40; return ad[:37] }),            // missing-credential-data
		edit(func(ad []byte) []byte { ad[credIDLen+2] ^= 0x01; return ad }),            // credential-id-mismatch
		edit(func(ad []byte) []byte { ad[0] ^= 0x01; return ad }),                      // rp-id-mismatch
		edit(func(ad []byte) []byte { ad[flags] &^= 0x01; return ad }),                 // user-not-present
		edit(func(ad []byte) []byte { ad[flags] = ad[flags]&^0x08 | 0x10; return ad }), // backup-flags-invalid
		withKey(p384),                         // unsupported-algorithm
		withKey(offCurve),                     // malformed-public-key
		withKey(ed),                           // malformed-response: publicKeyAlgorithm says ES256
		object("x-unknown", []byte{0xa0}, ad), // unsupported-attestation-format
		object("none", []byte{0xa1, 0x61, 0x61, 0x00}, ad), // attestation-invalid
	} {
		out = append(out, verifySeed{fuzzNone, none.orig.clientDataJSON, obj})
	}
	// attestation-type-not-allowed: none where trust is required.
	x5c := targets[fuzzPackedX5C]
	out = append(out, verifySeed{fuzzPackedX5C, x5c.orig.clientDataJSON, object("none", []byte{0xa0}, x5c.obj.AuthData)})
	// attestation-untrusted: the same authenticator, so the same credential
	// and CA key, with certificates valid only from 2090.
	cfg := fuzzConfig(passkeytest.AttestationPacked)
	cfg.CertNotBefore, cfg.CertNotAfter = time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	_, later, err := fuzzRegistration(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeRegMembers(t, later)
	return append(out, verifySeed{fuzzPackedX5C, m.clientDataJSON, m.attestationObject})
}

// fuzzECKey derives a fixed EC key on curve.
func fuzzECKey(t testing.TB, curve elliptic.Curve, label byte) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(curve, bytes.Repeat([]byte{label}, (curve.Params().BitSize+7)/8))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// checkVerify is FuzzVerify's property. It replaces the decoded
// clientDataJSON and attestationObject of one target's honest registration
// with cdj and attObj, re-encoded into the JSON body, and verifies with
// the target's fixed expectations: a rejection must be a verdict (a code
// and a check anchor, never a configuration error), and a body that
// verifies must obey the mutation property of TestMutationProperty.
func checkVerify(t testing.TB, targets []fuzzTarget, kind uint8, cdj, attObj []byte) string {
	t.Helper()
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
		var e *errcode.Error
		if !errors.As(err, &e) || e.Check == "" || e.Code == "" || !errors.Is(err, errcode.Sentinel(e.Code)) {
			t.Fatalf("rejection is not a verdict: %v", err)
		}
		return e.Code
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
		return verdictOK
	}
	if err := judgeObject(tg.obj, attObj, res, tg.all, tg.unsigned); err != nil {
		if err2 := judgeObjectFolded(tg.obj, attObj, res, tg.all, tg.unsigned); err2 != nil {
			t.Fatalf("attestation object %x verifies: %v", attObj, err)
		}
	}
	return verdictOK
}

// FuzzVerify: arbitrary clientDataJSON and attestationObject in the bodies
// of honest registrations (packed self, packed x5c, fido-u2f, none; picked
// by kind); see checkVerify.
func FuzzVerify(f *testing.F) {
	targets, err := fuzzTargets()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range verifySeeds(f, targets) {
		f.Add(s.kind, s.cdj, s.attObj)
	}
	f.Fuzz(func(t *testing.T, kind uint8, cdj, attObj []byte) { checkVerify(t, targets, kind, cdj, attObj) })
}
