package attestation

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
)

// safetyNetNow is the verification time of the SafetyNet tests: the clock
// newStatement sets.
var safetyNetNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// safetyNetLeafTemplate is the SafetyNet service's signing certificate.
func safetyNetLeafTemplate(dnsNames ...string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(50),
		Subject:      pkix.Name{CommonName: "attest.android.com"},
		DNSNames:     dnsNames,
		NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

// safetyNetInputs is one android-safetynet statement in the making.
type safetyNetInputs struct {
	alg      jose.SignatureAlgorithm
	signKey  any              // what signs the JWS
	leafKey  crypto.PublicKey // the key x5c[0] certifies
	dnsNames []string         // x5c[0]'s SAN; attest.android.com by default
	x5c      [][]byte         // built from the above when nil
	noX5C    bool
	payload  map[string]any // modified by mod after the defaults are set
	mod      func(p map[string]any)
	jws      string // the response; built from the above when ""
	ver      any
	extra    map[string]any
}

func (in *safetyNetInputs) build(t testing.TB, authData []byte) []byte {
	t.Helper()
	if in.jws == "" {
		in.jws = in.sign(t, authData)
	}
	ver := in.ver
	if ver == nil {
		ver = "252037029"
	}
	m := map[string]any{"ver": ver, "response": []byte(in.jws)}
	for k, v := range in.extra {
		m[k] = v
	}
	return encode(t, m)
}

func (in *safetyNetInputs) sign(t testing.TB, authData []byte) string {
	t.Helper()
	if in.x5c == nil {
		names := in.dnsNames
		if names == nil {
			names = []string{safetyNetHost}
		}
		ca := newTestCA(t)
		in.x5c = [][]byte{ca.issue(t, safetyNetLeafTemplate(names...), in.leafKey), ca.cert.Raw}
	}
	nonce := sha256.Sum256(signedData(authData))
	in.payload = map[string]any{
		"nonce":           base64.StdEncoding.EncodeToString(nonce[:]),
		"timestampMs":     safetyNetNow.UnixMilli(),
		"apkPackageName":  "com.google.android.gms",
		"ctsProfileMatch": true,
		"basicIntegrity":  true,
	}
	if in.mod != nil {
		in.mod(in.payload)
	}
	body, err := json.Marshal(in.payload)
	if err != nil {
		t.Fatal(err)
	}
	opts := &jose.SignerOptions{}
	if !in.noX5C {
		certs := make([]string, len(in.x5c))
		for i, c := range in.x5c {
			certs[i] = base64.StdEncoding.EncodeToString(c)
		}
		opts = opts.WithHeader("x5c", certs)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: in.alg, Key: in.signKey}, opts)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := signer.Sign(body)
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func defaultSafetyNetInputs(ks *keys) *safetyNetInputs {
	return &safetyNetInputs{alg: jose.RS256, signKey: ks.rsa, leafKey: ks.rsa.Public()}
}

// safetyNetStatement is the statement the tests verify: any credential
// key (SafetyNet does not attest it), at safetyNetNow.
func safetyNetStatement(t testing.TB, authData, raw []byte) *statement {
	s := newStatement(t, authData, raw)
	s.now = safetyNetNow
	return s
}

func TestVerifySafetyNet(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("safetynet"), k.cose)
	for _, c := range []struct {
		name string
		in   *safetyNetInputs
	}{
		{"RS256", defaultSafetyNetInputs(ks)},
		{"ES256", &safetyNetInputs{alg: jose.ES256, signKey: ks.p256b, leafKey: ks.p256b.Public()}},
		{"host name in upper case", &safetyNetInputs{alg: jose.RS256, signKey: ks.rsa, leafKey: ks.rsa.Public(),
			dnsNames: []string{"www.example.com", "ATTEST.ANDROID.COM"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := verifySafetyNet(safetyNetStatement(t, authData, c.in.build(t, authData)))
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeBasic || len(v.trustPath) != 2 || string(v.trustPath[0].Raw) != string(c.in.x5c[0]) ||
				string(v.trustPath[1].Raw) != string(c.in.x5c[1]) {
				t.Fatalf("got type %s with %d certificates, want basic with the JWS x5c", v.typ, len(v.trustPath))
			}
		})
	}
}

// TestVerifySafetyNetRejects breaks one rule at a time; each case fails
// when its rule is removed, because everything else is valid.
func TestVerifySafetyNetRejects(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("safetynet"), k.cose)
	nonce := sha256.Sum256(signedData(authData))
	ca := newTestCA(t)

	// A JWS whose header and signature are chosen by hand.
	handMade := func(header string) string {
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(header)) + "." + enc([]byte(`{"nonce":"x"}`)) + "." + enc([]byte("sig"))
	}
	leafB64 := base64.StdEncoding.EncodeToString(ca.issue(t, safetyNetLeafTemplate(safetyNetHost), ks.rsa.Public()))

	cases := []struct {
		name   string
		mod    func(*safetyNetInputs)
		detail string
	}{
		{"ver empty", func(in *safetyNetInputs) { in.ver = "" }, "ver is empty"},
		{"response not a JWS", func(in *safetyNetInputs) { in.jws = "not a JWS" }, "not a compact JWS"},
		{"response in JSON serialization", func(in *safetyNetInputs) { in.jws = `{"payload":"e30","signatures":[]}` }, "not a compact JWS"},
		{"line break in the payload", func(in *safetyNetInputs) {
			parts := strings.Split(in.sign(t, authData), ".")
			in.jws = parts[0] + "." + parts[1][:8] + "\r\n" + parts[1][8:] + "." + parts[2]
		}, "not a compact JWS"},
		{"alg none", func(in *safetyNetInputs) {
			in.jws = handMade(`{"alg":"none","x5c":["` + leafB64 + `"]}`)
		}, "not a compact JWS"},
		{"alg HS256", func(in *safetyNetInputs) { in.alg, in.signKey = jose.HS256, []byte("0123456789abcdef0123456789abcdef") }, "not a compact JWS"},
		{"alg PS256", func(in *safetyNetInputs) { in.alg = jose.PS256 }, "not a compact JWS"},
		{"alg RS512", func(in *safetyNetInputs) { in.alg = jose.RS512 }, "not a compact JWS"},
		{"no x5c", func(in *safetyNetInputs) { in.noX5C = true }, "has no x5c"},
		{"six certificates", func(in *safetyNetInputs) {
			leaf := ca.issue(t, safetyNetLeafTemplate(safetyNetHost), ks.rsa.Public())
			in.x5c = [][]byte{leaf, ca.cert.Raw, ca.cert.Raw, ca.cert.Raw, ca.cert.Raw, ca.cert.Raw}
		}, "too many certificates"},
		{"signed by another key", func(in *safetyNetInputs) {
			in.leafKey = ks.p256b.Public()
			in.x5c = nil
		}, "signature does not verify"},
		{"signature of another payload", func(in *safetyNetInputs) {
			other := defaultSafetyNetInputs(ks)
			other.mod = func(p map[string]any) { p["ctsProfileMatch"] = false }
			parts := strings.Split(other.sign(t, authData), ".")
			mine := strings.Split(in.sign(t, authData), ".")
			in.jws = mine[0] + "." + mine[1] + "." + parts[2]
		}, "signature does not verify"},
		{"payload not JSON", func(in *safetyNetInputs) {
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: ks.rsa},
				(&jose.SignerOptions{}).WithHeader("x5c", []string{leafB64}))
			if err != nil {
				t.Fatal(err)
			}
			obj, err := signer.Sign([]byte("nonce=1"))
			if err != nil {
				t.Fatal(err)
			}
			in.jws, _ = obj.CompactSerialize()
		}, "not the JSON object"},
		{"timestampMs as text", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["timestampMs"] = "1748736000000" }
		}, "not the JSON object"},
		{"timestampMs fractional", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["timestampMs"] = 1748736000000.5 }
		}, "not the JSON object"},
		{"ctsProfileMatch as text", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["ctsProfileMatch"] = "true" }
		}, "not the JSON object"},
		{"no nonce", func(in *safetyNetInputs) { in.mod = func(p map[string]any) { delete(p, "nonce") } }, "lacks a member"},
		{"nonce null", func(in *safetyNetInputs) { in.mod = func(p map[string]any) { p["nonce"] = nil } }, "lacks a member"},
		{"no timestampMs", func(in *safetyNetInputs) { in.mod = func(p map[string]any) { delete(p, "timestampMs") } }, "lacks a member"},
		{"no ctsProfileMatch", func(in *safetyNetInputs) { in.mod = func(p map[string]any) { delete(p, "ctsProfileMatch") } }, "lacks a member"},
		{"nonce of other data", func(in *safetyNetInputs) {
			other := sha256.Sum256(append(signedData(authData), 0))
			in.mod = func(p map[string]any) { p["nonce"] = base64.StdEncoding.EncodeToString(other[:]) }
		}, "nonce is not"},
		{"nonce of clientDataHash alone", func(in *safetyNetInputs) {
			other := sha256.Sum256(testClientDataHash)
			in.mod = func(p map[string]any) { p["nonce"] = base64.StdEncoding.EncodeToString(other[:]) }
		}, "nonce is not"},
		{"nonce in base64url", func(in *safetyNetInputs) {
			// Unpadded, so it differs from the standard spelling even when
			// the digest happens to need neither "+" nor "/".
			in.mod = func(p map[string]any) { p["nonce"] = base64.RawURLEncoding.EncodeToString(nonce[:]) }
		}, "nonce is not"},
		{"nonce without padding", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["nonce"] = base64.RawStdEncoding.EncodeToString(nonce[:]) }
		}, "nonce is not"},
		{"nonce as raw bytes", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["nonce"] = string(nonce[:]) }
		}, "nonce is not"},
		{"61 s old", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["timestampMs"] = safetyNetNow.Add(-61 * time.Second).UnixMilli() }
		}, "too old"},
		{"6 s in the future", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["timestampMs"] = safetyNetNow.Add(6 * time.Second).UnixMilli() }
		}, "in the future"},
		{"timestamp in seconds", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["timestampMs"] = safetyNetNow.Unix() }
		}, "too old"},
		{"host name absent (CN only)", func(in *safetyNetInputs) { in.dnsNames = []string{} }, "not issued to the SafetyNet service"},
		{"another host", func(in *safetyNetInputs) { in.dnsNames = []string{"attest.android.com.example"} }, "not issued to the SafetyNet service"},
		{"wildcard host", func(in *safetyNetInputs) { in.dnsNames = []string{"*.android.com"} }, "not issued to the SafetyNet service"},
		{"host of the same length", func(in *safetyNetInputs) { in.dnsNames = []string{"attest.android.net"} }, "not issued to the SafetyNet service"},
		{"ctsProfileMatch false", func(in *safetyNetInputs) {
			in.mod = func(p map[string]any) { p["ctsProfileMatch"] = false }
		}, "ctsProfileMatch"},
		{"member sig", func(in *safetyNetInputs) { in.extra = map[string]any{"sig": []byte{1}} }, "does not define"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := defaultSafetyNetInputs(ks)
			c.mod(in)
			_, err := verifySafetyNet(safetyNetStatement(t, authData, in.build(t, authData)))
			wantError(t, err, errcode.ErrAttestationInvalid, checkSafetyNet, c.detail)
		})
	}
}

func TestSafetyNetStatementShape(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("shape"), k.cose)
	for _, c := range []struct {
		name   string
		v      any
		detail string
	}{
		{"no ver", map[string]any{"response": []byte("a.b.c")}, "lacks a required member"},
		{"no response", map[string]any{"ver": "1"}, "lacks a required member"},
		{"ver as an integer", map[string]any{"ver": 1, "response": []byte("a.b.c")}, "ver has the wrong type"},
		{"response as text", map[string]any{"ver": "1", "response": "a.b.c"}, "response has the wrong type"},
		{"array", []any{"1", []byte("a.b.c")}, "not a map"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifySafetyNet(safetyNetStatement(t, authData, encode(t, c.v)))
			wantError(t, err, errcode.ErrAttestationInvalid, checkSafetyNet, c.detail)
		})
	}
}

// TestSafetyNetWindow checks the freshness window's edges and that the
// policy fields move them.
func TestSafetyNetWindow(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("safetynet"), k.cose)
	for _, c := range []struct {
		name          string
		offset        time.Duration
		maxAge, skew  time.Duration
		ok            bool
		detailIfError string
	}{
		{"exactly 60 s old", -time.Minute, 0, 0, true, ""},
		{"exactly 5 s ahead", 5 * time.Second, 0, 0, true, ""},
		{"60.001 s old", -time.Minute - time.Millisecond, 0, 0, false, "too old"},
		{"5.001 s ahead", 5*time.Second + time.Millisecond, 0, 0, false, "in the future"},
		{"10 min old, max age 15 min", -10 * time.Minute, 15 * time.Minute, 0, true, ""},
		{"2 min old, max age 1 min 30 s", -2 * time.Minute, 90 * time.Second, 0, false, "too old"},
		{"30 s ahead, skew 1 min", 30 * time.Second, 0, time.Minute, true, ""},
		{"2 s ahead, skew 1 s", 2 * time.Second, 0, time.Second, false, "in the future"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := defaultSafetyNetInputs(ks)
			in.mod = func(p map[string]any) { p["timestampMs"] = safetyNetNow.Add(c.offset).UnixMilli() }
			s := safetyNetStatement(t, authData, in.build(t, authData))
			s.safetyNetMaxAge, s.safetyNetSkew = c.maxAge, c.skew
			_, err := verifySafetyNet(s)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, errcode.ErrAttestationInvalid, checkSafetyNet, c.detailIfError)
		})
	}
}

// TestSafetyNetCeremony checks that Expect's freshness window reaches the
// format: a registration whose SafetyNet response is outside the default
// window passes once the window is widened.
func TestSafetyNetCeremony(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	credID := []byte("safetynet ceremony")
	authData := makeAuthData(testAAGUID, credID, k.cose)
	body := func(offset time.Duration) []byte {
		in := defaultSafetyNetInputs(ks)
		in.mod = func(p map[string]any) { p["timestampMs"] = trustNow.Add(offset).UnixMilli() }
		return registrationBody(t, "android-safetynet", in.build(t, authData), authData, credID)
	}
	for _, c := range []struct {
		name     string
		offset   time.Duration
		age, sk  time.Duration
		ok       bool
		detailIf string
	}{
		{"fresh", 0, 0, 0, true, ""},
		{"2 min old", -2 * time.Minute, 0, 0, false, "too old"},
		{"2 min old, max age 5 min", -2 * time.Minute, 5 * time.Minute, 0, true, ""},
		{"30 s ahead", 30 * time.Second, 0, 0, false, "in the future"},
		{"30 s ahead, skew 1 min", 30 * time.Second, 0, time.Minute, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := testExpect(t)
			e.SafetyNetMaxAge, e.SafetyNetClockSkew = c.age, c.sk
			res, err := register(t, body(c.offset), e)
			if !c.ok {
				wantError(t, err, errcode.ErrAttestationInvalid, checkSafetyNet, c.detailIf)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != "android-safetynet" || res.Type != TypeBasic || len(res.TrustPath) != 2 {
				t.Fatalf("got %s %s with %d certificates", res.Format, res.Type, len(res.TrustPath))
			}
		})
	}
}

// TestSafetyNetRecording runs the recorded response of SimpleWebAuthn's
// fail-cts-check-by-default case: it is refused for ctsProfileMatch alone,
// at the recorded clock, and for its age two minutes later.
func TestSafetyNetRecording(t *testing.T) {
	var found bool
	for _, r := range loadRecordings(t) {
		if filepath.ToSlash(r.file) != "simplewebauthn/fail-cts-check-by-default.json" {
			continue
		}
		found = true
		_, err := verifySafetyNet(r.stmt)
		wantError(t, err, errcode.ErrAttestationInvalid, checkSafetyNet, "ctsProfileMatch")
		r.stmt.now = r.stmt.now.Add(2 * time.Minute)
		_, err = verifySafetyNet(r.stmt)
		wantError(t, err, errcode.ErrAttestationInvalid, checkSafetyNet, "too old")
	}
	if !found {
		t.Fatal("the recorded SafetyNet response is missing from the recordings")
	}
}
