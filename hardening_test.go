package passkey_test

// Hardening: every resource bound has a test that fails if the bound goes,
// every error code is reached by a real ceremony, and the worst inputs the
// library accepts stay within their allocation budget (their time budget is
// hardening_bench_test.go's). SECURITY.md states the bounds these tests prove.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/mldsa"
	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store/memory"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ---------------------------------------------------------------------------
// Inputs built by hand, byte by byte, so that every limit can be met exactly
// and then passed by one.

// hardNow is the verification time of hand-built inputs: the test clock's.
var hardNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// hardChallenge is the challenge of hand-built ceremonies.
var hardChallenge = bytes.Repeat([]byte{0xc7}, 32)

// Authenticator data flags (#sctn-authenticator-data).
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
	flagED = 0x80
)

func hardB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// clientDataJSON is a client's clientDataJSON for the test origin; extra
// is appended verbatim as further members (",\"x\":1").
func clientDataJSON(typ string, challenge []byte, extra string) []byte {
	return []byte(`{"type":"` + typ + `","challenge":"` + hardB64(challenge) + `","origin":"` + testOrigin + `"` + extra + `}`)
}

// hardAuthData lays out authenticator data for the test RP ID. With AT in
// flags, aaguid, credID and key follow; ext (already CBOR) comes last.
func hardAuthData(flags byte, counter uint32, aaguid [16]byte, credID, key, ext []byte) []byte {
	h := sha256.Sum256([]byte(testRPID))
	b := append([]byte(nil), h[:]...)
	b = append(b, flags)
	b = binary.BigEndian.AppendUint32(b, counter)
	if flags&flagAT != 0 {
		b = append(b, aaguid[:]...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(credID)))
		b = append(b, credID...)
		b = append(b, key...)
	}
	return append(b, ext...)
}

// registrationInput is a RegistrationResponseJSON in parts.
type registrationInput struct {
	clientData []byte
	authData   []byte
	format     string
	attStmt    any    // encoded with the project's CBOR encoder; nil is {}
	attObj     []byte // when set, the attestationObject verbatim
	clientExt  string // clientExtensionResults JSON; "" is {}
	rawID      []byte // nil: the credential ID in authData
}

func (in registrationInput) body(t testing.TB) []byte {
	t.Helper()
	obj := in.attObj
	if obj == nil {
		stmt := in.attStmt
		if stmt == nil {
			stmt = map[string]any{}
		}
		var err error
		if obj, err = cbor.Marshal(map[string]any{"fmt": in.format, "attStmt": stmt, "authData": in.authData}); err != nil {
			t.Fatalf("encoding the attestation object: %v", err)
		}
	}
	rawID := in.rawID
	if rawID == nil {
		rawID = credentialIDOf(in.authData)
	}
	ext := in.clientExt
	if ext == "" {
		ext = "{}"
	}
	return []byte(fmt.Sprintf(`{"id":%q,"rawId":%q,"type":"public-key","clientExtensionResults":%s,`+
		`"response":{"clientDataJSON":%q,"attestationObject":%q,"transports":["usb"]}}`,
		hardB64(rawID), hardB64(rawID), ext, hardB64(in.clientData), hardB64(obj)))
}

// credentialIDOf reads the credential ID from authenticator data by its
// layout alone, so that data meant to be refused still yields one.
func credentialIDOf(ad []byte) []byte {
	const at = 32 + 1 + 4 + 16
	if len(ad) < at+2 {
		return []byte{0}
	}
	n := int(binary.BigEndian.Uint16(ad[at:]))
	return ad[at+2 : min(len(ad), at+2+n)]
}

// assertionInput is an AuthenticationResponseJSON in parts.
type assertionInput struct {
	credID, clientData, authData, signature, userHandle []byte
	clientExt                                           string
}

func (in assertionInput) body() []byte {
	ext := in.clientExt
	if ext == "" {
		ext = "{}"
	}
	return []byte(fmt.Sprintf(`{"id":%q,"rawId":%q,"type":"public-key","clientExtensionResults":%s,`+
		`"response":{"clientDataJSON":%q,"authenticatorData":%q,"signature":%q,"userHandle":%q}}`,
		hardB64(in.credID), hardB64(in.credID), ext, hardB64(in.clientData), hardB64(in.authData), hardB64(in.signature), hardB64(in.userHandle)))
}

// hardSign signs authData ‖ SHA-256(clientData) as alg (RS256, RS512,
// ES256), the message of assertions and of packed statements.
func hardSign(t testing.TB, key crypto.Signer, alg cose.Algorithm, authData, clientData []byte) []byte {
	t.Helper()
	cdh := sha256.Sum256(clientData)
	msg := append(append([]byte(nil), authData...), cdh[:]...)
	var h crypto.Hash
	switch alg {
	case cose.RS256, cose.ES256:
		h = crypto.SHA256
	case cose.RS512:
		h = crypto.SHA512
	default:
		t.Fatalf("signWith: %v is not a test algorithm", alg)
	}
	d := h.New()
	d.Write(msg)
	var sig []byte
	var err error
	if k, ok := key.(*ecdsa.PrivateKey); ok {
		sig, err = ecdsa.SignASN1(rand.Reader, k, d.Sum(nil))
	} else {
		sig, err = key.Sign(rand.Reader, d.Sum(nil), h)
	}
	if err != nil {
		t.Fatalf("signing: %v", err)
	}
	return sig
}

func mustCOSE(t testing.TB, pub crypto.PublicKey, alg cose.Algorithm) []byte {
	t.Helper()
	b, err := cose.Marshal(pub, alg)
	if err != nil {
		t.Fatalf("cose.Marshal: %v", err)
	}
	return b
}

// rsaCOSE encodes an RSA COSE key by hand, for moduli cose.Marshal refuses.
func rsaCOSE(t testing.TB, pub *rsa.PublicKey, alg cose.Algorithm) []byte {
	t.Helper()
	b, err := cbor.Marshal(map[int64]any{1: 3, 3: int64(alg), -1: pub.N.Bytes(), -2: big.NewInt(int64(pub.E)).Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newES256(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// loadRSA reads a test key of testdata/hardening (see its README).
func loadRSA(name string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(filepath.Join("testdata", "hardening", name))
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: %T, not RSA", name, k)
	}
	return rk, nil
}

// The test keys: the costliest RSA key accepted (8192 bits, exponent
// 65537), the largest exponent accepted (2^31-1, at 4096 bits), the same
// exponent at 8192 bits (refused: it would cost some 4 × rsaMax to verify)
// and one just over the size cap (8200 bits).
var (
	rsaMax    = sync.OnceValues(func() (*rsa.PrivateKey, error) { return loadRSA("rsa8192-e65537.TEST-ONLY.pem") })
	rsaMaxExp = sync.OnceValues(func() (*rsa.PrivateKey, error) { return loadRSA("rsa4096-e2147483647.TEST-ONLY.pem") })
	rsaCostly = sync.OnceValues(func() (*rsa.PrivateKey, error) { return loadRSA("rsa8192-e2147483647.TEST-ONLY.pem") })
	rsaOver   = sync.OnceValues(func() (*rsa.PrivateKey, error) { return loadRSA("rsa8200.TEST-ONLY.pem") })
)

func mustKey(t testing.TB, f func() (*rsa.PrivateKey, error)) *rsa.PrivateKey {
	t.Helper()
	k, err := f()
	if err != nil {
		t.Fatalf("test key: %v", err)
	}
	return k
}

// certSpec describes one certificate of a hand-built chain.
type certSpec struct {
	subject pkix.Name
	dns     []string // SAN dNSNames: makes same-named CAs distinct to crypto/x509
	ca      bool
	pub     crypto.PublicKey
}

// issueCert makes a certificate for s, signed by signer as issuer.
func issueCert(t testing.TB, s certSpec, issuer *x509.Certificate, signer crypto.Signer, serial int64) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               s.subject,
		DNSNames:              s.dns,
		NotBefore:             hardNow.Add(-24 * time.Hour),
		NotAfter:              hardNow.Add(365 * 24 * time.Hour),
		BasicConstraintsValid: true,
		IsCA:                  s.ca,
		KeyUsage:              x509.KeyUsageDigitalSignature,
	}
	if s.ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	parent := issuer
	if parent == nil {
		parent = tmpl // self-signed
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, s.pub, signer)
	if err != nil {
		t.Fatalf("issuing %s: %v", s.subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// packedLeafName is a subject that meets
// #sctn-packed-attestation-cert-requirements.
func packedLeafName(cn string) pkix.Name {
	return pkix.Name{Country: []string{"AA"}, Organization: []string{"Hardening"},
		OrganizationalUnit: []string{"Authenticator Attestation"}, CommonName: cn}
}

// certChain is an attestation certificate path, leaf first, and the root
// that anchors it (not part of the path).
type certChain struct {
	root  *x509.Certificate
	certs []*x509.Certificate
	leaf  crypto.Signer // the attestation key
}

func (c *certChain) ders() [][]byte {
	out := make([][]byte, len(c.certs))
	for i, x := range c.certs {
		out[i] = x.Raw
	}
	return out
}

func (c *certChain) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.root)
	return p
}

// linearChain is a path of n certificates (a packed leaf and n-1 CAs, each
// signed by the next) under a root outside the path; every key is key.
// The CAs have distinct names, as a real chain's do.
func linearChain(t testing.TB, key crypto.Signer, n int) *certChain {
	t.Helper()
	root := issueCert(t, certSpec{subject: pkix.Name{CommonName: "Hardening Root"}, ca: true, pub: key.Public()}, nil, key, 1)
	issuer := root
	cas := make([]*x509.Certificate, n-1)
	for i := n - 2; i >= 0; i-- {
		cas[i] = issueCert(t, certSpec{subject: pkix.Name{CommonName: fmt.Sprintf("Hardening CA %d", i+1)}, ca: true, pub: key.Public()}, issuer, key, int64(10+i))
		issuer = cas[i]
	}
	leaf := issueCert(t, certSpec{subject: packedLeafName("Hardening Leaf"), pub: key.Public()}, issuer, key, 100)
	return &certChain{root: root, certs: append([]*x509.Certificate{leaf}, cas...), leaf: key}
}

// tangledChain is the path that makes crypto/x509's chain building search
// hardest: four CAs with the anchor's own name and one key, told apart only
// by their SANs, so that each is a valid issuer of the leaf and of each
// other and every ordering of them is a candidate chain; none reaches the
// anchor, whose key is another.
func tangledChain(t testing.TB, key crypto.Signer) *certChain {
	t.Helper()
	name := pkix.Name{CommonName: "Hardening Root"}
	rootKey := newES256(t)
	root := issueCert(t, certSpec{subject: name, ca: true, pub: rootKey.Public()}, nil, rootKey, 1)
	self := &x509.Certificate{Subject: name} // the issuer name of every CA below
	cas := make([]*x509.Certificate, 4)
	for i := range cas {
		cas[i] = issueCert(t, certSpec{subject: name, dns: []string{fmt.Sprintf("ca%d.hardening.example", i)}, ca: true, pub: key.Public()}, self, key, int64(10+i))
	}
	leaf := issueCert(t, certSpec{subject: packedLeafName("Hardening Leaf"), pub: key.Public()}, self, key, 100)
	return &certChain{root: root, certs: append([]*x509.Certificate{leaf}, cas...), leaf: key}
}

// packedStmt is a packed statement over authData and clientData signed by
// the chain's leaf key as alg.
func packedStmt(t testing.TB, c *certChain, alg cose.Algorithm, authData, clientData []byte) map[string]any {
	t.Helper()
	return map[string]any{"alg": int64(alg), "sig": hardSign(t, c.leaf, alg, authData, clientData), "x5c": c.ders()}
}

// compoundOf wraps statements as a compound attStmt.
func compoundOf(stmts ...map[string]any) []any {
	out := make([]any, len(stmts))
	for i, s := range stmts {
		out[i] = map[string]any{"fmt": "packed", "attStmt": s}
	}
	return out
}

// expectReg is the registration expectation of hand-built inputs.
func expectReg(t testing.TB) attestation.Expect {
	t.Helper()
	set, err := origin.NewSet(testRPID, []string{testOrigin})
	if err != nil {
		t.Fatal(err)
	}
	return attestation.Expect{
		RPID: testRPID, Origins: set, Challenge: hardChallenge, Now: hardNow,
		Algorithms: []cose.Algorithm{cose.ES256, cose.EdDSA, cose.RS256, cose.RS512, cose.MLDSA87},
	}
}

func expectLogin(t testing.TB) assertion.Expect {
	t.Helper()
	set, err := origin.NewSet(testRPID, []string{testOrigin})
	if err != nil {
		t.Fatal(err)
	}
	return assertion.Expect{RPID: testRPID, Origins: set, Challenge: hardChallenge}
}

// verifyReg parses and verifies a registration body.
func verifyReg(body []byte, x attestation.Expect) (*attestation.Result, error) {
	r, err := attestation.Parse(body)
	if err != nil {
		return nil, err
	}
	return r.Verify(x)
}

// verifyLogin parses and verifies an assertion body against rec.
func verifyLogin(body []byte, rec *credential.Record, x assertion.Expect) (*assertion.Result, error) {
	r, err := assertion.Parse(body)
	if err != nil {
		return nil, err
	}
	return r.Verify(rec, x)
}

// credKey is a fresh ES256 credential: its key and COSE encoding.
func credKey(t testing.TB) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	k := newES256(t)
	return k, mustCOSE(t, k.Public(), cose.ES256)
}

// noneRegistration is an honest none registration of an ES256 key, with
// the authenticator data and clientDataJSON given their extras.
func noneRegistration(t testing.TB, credID, adExt []byte, cdExtra string) registrationInput {
	t.Helper()
	_, key := credKey(t)
	flags := byte(flagUP | flagUV | flagAT)
	if adExt != nil {
		flags |= flagED
	}
	return registrationInput{
		clientData: clientDataJSON("webauthn.create", hardChallenge, cdExtra),
		authData:   hardAuthData(flags, 0, [16]byte{}, credID, key, adExt),
		format:     "none",
	}
}

// wantVerdict fails unless err is the verdict code.
func wantVerdict(t testing.TB, err error, code errcode.Sentinel) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("accepted; want %s", code)
	case !errors.Is(err, code) || errcode.Code(err) != string(code):
		t.Fatalf("got %v (code %q); want %s", err, errcode.Code(err), code)
	}
}

// cborHead encodes a CBOR head.
func cborHead(major byte, n int) []byte {
	switch {
	case n < 24:
		return []byte{major<<5 | byte(n)}
	case n < 256:
		return []byte{major<<5 | 24, byte(n)}
	default:
		return []byte{major<<5 | 25, byte(n >> 8), byte(n)}
	}
}

func cborText(s string) []byte { return append(cborHead(3, len(s)), s...) }

func cborBytes(b []byte) []byte { return append(cborHead(2, len(b)), b...) }

// nestedArrays is depth arrays, each holding the next, around an empty one.
func nestedArrays(depth int) []byte {
	b := bytes.Repeat([]byte{0x81}, depth-1)
	return append(b, 0x80)
}

// rawAttObj writes an attestation object by hand: fmt, attStmt (raw CBOR) and
// authData, plus extra raw pairs.
func rawAttObj(format string, attStmt, authData []byte, extraPairs int, extra []byte) []byte {
	b := cborHead(5, 3+extraPairs)
	b = append(b, cborText("fmt")...)
	b = append(b, cborText(format)...)
	b = append(b, cborText("attStmt")...)
	b = append(b, attStmt...)
	b = append(b, cborText("authData")...)
	b = append(b, cborBytes(authData)...)
	return append(b, extra...)
}

// extensionsMap is an authenticator extensions map of n entries
// "e0"…, each value v (raw CBOR).
func extensionsMap(n int, v []byte) []byte {
	b := cborHead(5, n)
	for i := range n {
		b = append(b, cborText(fmt.Sprintf("e%d", i))...)
		b = append(b, v...)
	}
	return b
}

// ---------------------------------------------------------------------------
// The caps. Each case sits just past a limit and must be refused with the
// code SECURITY.md names; its twin sits on the limit and must pass the check,
// so that a limit moved either way fails a test.

func TestCapBodySize(t *testing.T) {
	x := expectReg(t)
	reg := noneRegistration(t, bytes.Repeat([]byte{1}, 16), nil, "").body(t)
	padTo := func(b []byte, n int) []byte { return append(b, bytes.Repeat([]byte(" "), n-len(b))...) }

	// On the limit: a valid body padded to exactly 64 KiB is decoded.
	if _, err := verifyReg(padTo(bytes.Clone(reg), attestation.MaxBodySize), x); err != nil {
		t.Fatalf("registration of exactly MaxBodySize bytes: %v", err)
	}
	// One byte more is refused before decoding: the body is not JSON, and
	// the verdict is the limit's, with no decoder error under it.
	over := padTo([]byte("{"), attestation.MaxBodySize+1)
	for _, tc := range []struct {
		name  string
		parse func([]byte) error
	}{
		{"attestation.Parse", func(b []byte) error { _, err := attestation.Parse(b); return err }},
		{"assertion.Parse", func(b []byte) error { _, err := assertion.Parse(b); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse(over)
			wantVerdict(t, err, errcode.ErrMalformedResponse)
			var e *errcode.Error
			if !errors.As(err, &e) || e.Err != nil || !strings.Contains(e.Detail, "limit") {
				t.Fatalf("refused by the decoder, not by the size limit: %v", err)
			}
		})
	}
	if attestation.MaxBodySize != 64<<10 || assertion.MaxBodySize != 64<<10 {
		t.Fatalf("MaxBodySize is %d and %d, SECURITY.md says 64 KiB", attestation.MaxBodySize, assertion.MaxBodySize)
	}

	// The relying party applies the same limit to both Finish calls.
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	sid, body := createBody(t, e, a, newUser("ada"), nil)
	_, err := e.rp.FinishRegistration(context.Background(), sid, padTo(body, attestation.MaxBodySize+1))
	wantCode(t, err, passkey.ErrMalformedResponse)
	register(t, e, a, newUser("bob"))
	sid, body = getBody(t, e, a, nil)
	_, err = e.rp.FinishLogin(context.Background(), sid, padTo(body, assertion.MaxBodySize+1))
	wantCode(t, err, passkey.ErrMalformedResponse)
	// The same bodies within the limit pass, so the padding alone decided.
	sid, body = getBody(t, e, a, nil)
	if _, err := e.rp.FinishLogin(context.Background(), sid, padTo(body, assertion.MaxBodySize)); err != nil {
		t.Fatalf("login body of exactly MaxBodySize bytes: %v", err)
	}
}

// TestCapCBOR checks the CBOR limits (SPEC-CHECKLIST §0.4) where attackers
// meet them: in the attestation object, in the statement, in the
// authenticator data's extensions and in the credential key.
func TestCapCBOR(t *testing.T) {
	x := expectReg(t)
	credID := bytes.Repeat([]byte{2}, 16)
	base := noneRegistration(t, credID, nil, "")
	_, key := credKey(t)
	withStmt := func(stmt []byte) registrationInput {
		in := base
		in.attObj = rawAttObj("none", stmt, base.authData, 0, nil)
		return in
	}
	withExt := func(ext []byte) registrationInput {
		in := base
		in.authData = hardAuthData(flagUP|flagAT|flagED, 0, [16]byte{}, credID, key, ext)
		return in
	}
	// A statement nested d levels deep: attestationObject (1) → attStmt
	// map (2) → arrays (3…).
	stmtDepth := func(d int) []byte { return append(append(cborHead(5, 1), cborText("a")...), nestedArrays(d-2)...) }
	bigMap := func(n int) []byte {
		b := cborHead(5, n)
		for i := range n {
			b = append(b, cborText(fmt.Sprintf("k%d", i))...)
			b = append(b, 0x00)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		in   registrationInput
		want errcode.Sentinel
	}{
		// Depth: 5 levels are well-formed (and then break none's CDDL), 6 are not CBOR we read.
		{"depth 5 in attStmt", withStmt(stmtDepth(5)), errcode.ErrAttestationInvalid},
		{"depth 6 in attStmt", withStmt(stmtDepth(6)), errcode.ErrMalformedAttestationObject},
		{"depth 6 at the attestation object's top", registrationInput{clientData: base.clientData,
			attObj: rawAttObj("none", []byte{0xa0}, base.authData, 1, append(cborText("x"), nestedArrays(5)...)), rawID: credID},
			errcode.ErrMalformedAttestationObject},
		// Elements: 64 are read, 65 are not.
		{"64 pairs in attStmt", withStmt(bigMap(64)), errcode.ErrAttestationInvalid},
		{"65 pairs in attStmt", withStmt(bigMap(65)), errcode.ErrMalformedAttestationObject},
		{"65 elements in an attStmt array", withStmt(append(append(cborHead(5, 1), cborText("a")...), append(cborHead(4, 65), make([]byte, 65)...)...)),
			errcode.ErrMalformedAttestationObject},
		{"65 pairs in the attestation object", registrationInput{clientData: base.clientData,
			attObj: func() []byte {
				var extra []byte
				for i := range 62 {
					extra = append(extra, cborText(fmt.Sprintf("x%d", i))...)
					extra = append(extra, 0x00)
				}
				return rawAttObj("none", []byte{0xa0}, base.authData, 62, extra)
			}(), rawID: credID}, errcode.ErrMalformedAttestationObject},
		// Tags, indefinite lengths and duplicate keys are refused anywhere.
		{"tag in attStmt", withStmt([]byte{0xa1, 0x61, 'a', 0xc1, 0x00}), errcode.ErrMalformedAttestationObject},
		{"indefinite map as attStmt", withStmt([]byte{0xbf, 0xff}), errcode.ErrMalformedAttestationObject},
		{"indefinite byte string in attStmt", withStmt([]byte{0xa1, 0x61, 'a', 0x5f, 0x41, 0x00, 0xff}), errcode.ErrMalformedAttestationObject},
		{"duplicate key in attStmt", registrationInput{clientData: base.clientData, rawID: credID,
			attObj: rawAttObj("packed", append(append(cborHead(5, 2), append(cborText("alg"), 0x26)...), append(cborText("alg"), 0x26)...), base.authData, 0, nil)},
			errcode.ErrMalformedAttestationObject},
		{"duplicate fmt, same value", registrationInput{clientData: base.clientData,
			attObj: rawAttObj("none", []byte{0xa0}, base.authData, 1, append(cborText("fmt"), cborText("none")...)), rawID: credID},
			errcode.ErrMalformedAttestationObject},
		// The extensions map of authenticator data.
		{"64 extensions", withExt(extensionsMap(64, []byte{0xf5})), ""},
		{"65 extensions", withExt(extensionsMap(65, []byte{0xf5})), errcode.ErrMalformedAuthenticatorData},
		{"extension value 5 deep", withExt(extensionsMap(1, nestedArrays(4))), ""},
		{"extension value 6 deep", withExt(extensionsMap(1, nestedArrays(5))), errcode.ErrMalformedAuthenticatorData},
		{"extension tagged", withExt(extensionsMap(1, []byte{0xc1, 0x00})), errcode.ErrMalformedAuthenticatorData},
		{"extension key twice", withExt(append(cborHead(5, 2), append(append(cborText("a"), 0xf5), append(cborText("a"), 0xf4)...)...)),
			errcode.ErrMalformedAuthenticatorData},
		{"extension key an integer", withExt([]byte{0xa1, 0x01, 0xf5}), errcode.ErrMalformedAuthenticatorData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyReg(tc.in.body(t), x)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("on the limit, refused: %v", err)
				}
				return
			}
			wantVerdict(t, err, tc.want)
		})
	}
}

// TestCapCredentialKey checks the limits of the credential key: its COSE
// map, the size of an RSA modulus (2048 to 8192 bits) and its exponent
// (up to 2^31-1, and up to 65537 above 4096 bits).
func TestCapCredentialKey(t *testing.T) {
	x := expectReg(t)
	credID := bytes.Repeat([]byte{3}, 16)
	reg := func(key []byte) registrationInput {
		return registrationInput{
			clientData: clientDataJSON("webauthn.create", hardChallenge, ""),
			authData:   hardAuthData(flagUP|flagAT, 0, [16]byte{}, credID, key, nil),
			format:     "none",
		}
	}
	max, over := mustKey(t, rsaMax), mustKey(t, rsaOver)
	maxExp, costly := mustKey(t, rsaMaxExp), mustKey(t, rsaCostly)
	es := mustCOSE(t, newES256(t).Public(), cose.ES256)
	// kid (2) is tolerated, so padding a key with it tests the member count alone.
	withKids := func(n int) []byte {
		b := append(cborHead(5, 5+n), es[1:]...)
		for i := range n {
			b = append(b, cborText(fmt.Sprintf("kid%d", i))...)
			b = append(b, 0x00)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		key  []byte
		want errcode.Sentinel
	}{
		{"RSA 8192 bits, e 65537", rsaCOSE(t, &max.PublicKey, cose.RS256), ""},
		{"RSA 4096 bits, e 2^31-1", rsaCOSE(t, &maxExp.PublicKey, cose.RS256), ""},
		{"RSA 8192 bits, e 2^31-1", rsaCOSE(t, &costly.PublicKey, cose.RS256), errcode.ErrMalformedPublicKey},
		{"RSA 8200 bits", rsaCOSE(t, &over.PublicKey, cose.RS256), errcode.ErrMalformedPublicKey},
		{"RSA 8193 bits", rsaCOSE(t, &rsa.PublicKey{N: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 8192), big.NewInt(1)), E: 65537}, cose.RS256),
			errcode.ErrMalformedPublicKey},
		{"RSA 2047 bits", rsaCOSE(t, &rsa.PublicKey{N: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 2046), big.NewInt(1)), E: 65537}, cose.RS256),
			errcode.ErrMalformedPublicKey},
		{"RSA exponent 2^31+1", rsaCOSE(t, &rsa.PublicKey{N: maxExp.N, E: 1<<31 + 1}, cose.RS256), errcode.ErrMalformedPublicKey},
		{"16 members", withKids(11), ""},
		{"17 members", withKids(12), errcode.ErrMalformedPublicKey},
		{"a member 6 deep", append(append(cborHead(5, 6), es[1:]...), append(cborText("x"), nestedArrays(5)...)...), errcode.ErrMalformedAuthenticatorData},
		{"a member 5 deep", append(append(cborHead(5, 6), es[1:]...), append(cborText("x"), nestedArrays(4)...)...), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyReg(reg(tc.key).body(t), x)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("on the limit, refused: %v", err)
				}
				return
			}
			wantVerdict(t, err, tc.want)
		})
	}
}

// TestCapCredentialID checks credentialIdLength ≤ 1023 and, for
// assertions, that the stored record's ID is compared whole.
func TestCapCredentialID(t *testing.T) {
	x := expectReg(t)
	if _, err := verifyReg(noneRegistration(t, bytes.Repeat([]byte{4}, 1023), nil, "").body(t), x); err != nil {
		t.Fatalf("1023-byte credential ID refused: %v", err)
	}
	_, err := verifyReg(noneRegistration(t, bytes.Repeat([]byte{4}, 1024), nil, "").body(t), x)
	wantVerdict(t, err, errcode.ErrMalformedAuthenticatorData)
	in := noneRegistration(t, []byte{4}, nil, "")
	in.authData[32+1+4+16+1] = 0 // credentialIdLength 0, the ID byte now reads as the key's start
	in.rawID = []byte{4}
	_, err = verifyReg(in.body(t), x)
	wantVerdict(t, err, errcode.ErrMalformedAuthenticatorData)
}

// TestCapX5C checks the certificate path limits: at most five
// certificates, and RSA keys of at most 8192 bits in every certificate.
func TestCapX5C(t *testing.T) {
	x := expectReg(t)
	credID := bytes.Repeat([]byte{5}, 16)
	_, key := credKey(t)
	ad := hardAuthData(flagUP|flagAT, 0, [16]byte{}, credID, key, nil)
	cd := clientDataJSON("webauthn.create", hardChallenge, "")
	reg := func(stmt any) []byte {
		return registrationInput{clientData: cd, authData: ad, format: "packed", attStmt: stmt}.body(t)
	}
	es := newES256(t)

	t.Run("5 certificates", func(t *testing.T) {
		c := linearChain(t, es, 5)
		res, err := verifyReg(reg(packedStmt(t, c, cose.ES256, ad, cd)), x)
		if err != nil || len(res.TrustPath) != 5 {
			t.Fatalf("5 certificates: %v", err)
		}
	})
	t.Run("6 certificates", func(t *testing.T) {
		c := linearChain(t, es, 6)
		_, err := verifyReg(reg(packedStmt(t, c, cose.ES256, ad, cd)), x)
		wantVerdict(t, err, errcode.ErrAttestationInvalid)
	})
	t.Run("attestation key RSA 8192 bits", func(t *testing.T) {
		c := linearChain(t, mustKey(t, rsaMax), 1)
		if _, err := verifyReg(reg(packedStmt(t, c, cose.RS256, ad, cd)), x); err != nil {
			t.Fatalf("8192-bit attestation key refused: %v", err)
		}
	})
	t.Run("attestation key RSA 4096 bits, e 2^31-1", func(t *testing.T) {
		c := linearChain(t, mustKey(t, rsaMaxExp), 1)
		if _, err := verifyReg(reg(packedStmt(t, c, cose.RS256, ad, cd)), x); err != nil {
			t.Fatalf("4096-bit attestation key of exponent 2^31-1 refused: %v", err)
		}
	})
	t.Run("attestation key RSA 8192 bits, e 2^31-1", func(t *testing.T) {
		c := linearChain(t, mustKey(t, rsaCostly), 1)
		_, err := verifyReg(reg(packedStmt(t, c, cose.RS256, ad, cd)), x)
		wantVerdict(t, err, errcode.ErrAttestationInvalid)
	})
	t.Run("CA key RSA 8192 bits, e 2^31-1", func(t *testing.T) {
		costly := mustKey(t, rsaCostly)
		ca := issueCert(t, certSpec{subject: pkix.Name{CommonName: "Hardening CA"}, ca: true, pub: costly.Public()}, nil, costly, 2)
		leaf := issueCert(t, certSpec{subject: packedLeafName("Hardening Leaf"), pub: es.Public()}, ca, costly, 3)
		c := &certChain{certs: []*x509.Certificate{leaf, ca}, leaf: es}
		_, err := verifyReg(reg(packedStmt(t, c, cose.ES256, ad, cd)), x)
		wantVerdict(t, err, errcode.ErrAttestationInvalid)
	})
	t.Run("attestation key RSA 8200 bits", func(t *testing.T) {
		c := linearChain(t, mustKey(t, rsaOver), 1)
		_, err := verifyReg(reg(packedStmt(t, c, cose.RS256, ad, cd)), x)
		wantVerdict(t, err, errcode.ErrAttestationInvalid)
	})
	// A CA certificate's key is used for a signature check too (each
	// certificate is checked against the next), so its size is bounded
	// like the others: a 64 KiB body has room for a modulus of some
	// 170,000 bits, whose verification takes seconds.
	t.Run("CA key RSA 8200 bits", func(t *testing.T) {
		over := mustKey(t, rsaOver)
		ca := issueCert(t, certSpec{subject: pkix.Name{CommonName: "Hardening CA"}, ca: true, pub: over.Public()}, nil, over, 2)
		leaf := issueCert(t, certSpec{subject: packedLeafName("Hardening Leaf"), pub: es.Public()}, ca, over, 3)
		c := &certChain{certs: []*x509.Certificate{leaf, ca}, leaf: es}
		_, err := verifyReg(reg(packedStmt(t, c, cose.ES256, ad, cd)), x)
		wantVerdict(t, err, errcode.ErrAttestationInvalid)
	})
}

// TestCapCompound checks that a compound statement holds at most three
// statements and never another compound one.
func TestCapCompound(t *testing.T) {
	x := expectReg(t)
	credID := bytes.Repeat([]byte{6}, 16)
	k, key := credKey(t)
	ad := hardAuthData(flagUP|flagAT, 0, [16]byte{}, credID, key, nil)
	cd := clientDataJSON("webauthn.create", hardChallenge, "")
	self := map[string]any{"alg": int64(cose.ES256), "sig": hardSign(t, k, cose.ES256, ad, cd)}
	reg := func(stmt any) []byte {
		return registrationInput{clientData: cd, authData: ad, format: "compound", attStmt: stmt}.body(t)
	}
	res, err := verifyReg(reg(compoundOf(self, self, self)), x)
	if err != nil || len(res.Compound) != 3 {
		t.Fatalf("3 statements: %v", err)
	}
	_, err = verifyReg(reg(compoundOf(self, self, self, self)), x)
	wantVerdict(t, err, errcode.ErrAttestationInvalid)
	// A compound statement inside another is refused by the compound
	// format when it is shallow enough to decode, and by the CBOR depth
	// limit when it holds statements of its own.
	nested := []any{map[string]any{"fmt": "compound", "attStmt": []any{}}, map[string]any{"fmt": "packed", "attStmt": self}}
	_, err = verifyReg(reg(nested), x)
	wantVerdict(t, err, errcode.ErrAttestationInvalid)
	nested[0] = map[string]any{"fmt": "compound", "attStmt": compoundOf(self, self)}
	_, err = verifyReg(reg(nested), x)
	wantVerdict(t, err, errcode.ErrMalformedAttestationObject)
}

// ---------------------------------------------------------------------------
// The worst inputs, shared with the benchmarks. Each is a body within
// MaxBodySize that makes one verifier do the most work it can be made to do.

// worstRegistration is one hostile registration and how it must end.
type worstRegistration struct {
	name   string
	body   []byte
	expect func(*attestation.Expect)
	want   errcode.Sentinel // "" for accepted
}

// worstAssertion is one hostile assertion, its stored record and how it
// must end.
type worstAssertion struct {
	name string
	body []byte
	rec  *credential.Record
	want errcode.Sentinel
}

// deepJSON is a JSON array nested depth deep (encoding/json's scanner
// refuses 10,000 levels, so callers stay below).
func deepJSON(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// fillJSON returns sibling members ,"pN":[[…]] until about n bytes.
func fillJSON(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `,"p%d":%s`, i, deepJSON(min(9000, (n-b.Len())/2)))
	}
	return b.String()
}

// padToLimit grows filler until body(filler) is as close to MaxBodySize as
// the step allows, and returns that body.
func padToLimit(t testing.TB, body func(n int) []byte) []byte {
	t.Helper()
	lo, hi := 0, attestation.MaxBodySize
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(body(mid)) <= attestation.MaxBodySize {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	b := body(lo)
	if len(b) > attestation.MaxBodySize || len(b) < attestation.MaxBodySize-4096 {
		t.Fatalf("padding reached %d bytes", len(b))
	}
	return b
}

var worstRegistrations = sync.OnceValues(func() ([]worstRegistration, error) {
	var out []worstRegistration
	t := &onceTB{}
	func() {
		defer t.recover()
		out = buildWorstRegistrations(t)
	}()
	return out, t.err
})

func buildWorstRegistrations(t testing.TB) []worstRegistration {
	max := mustKey(t, rsaMax)
	maxKey := rsaCOSE(t, &max.PublicKey, cose.RS512)
	cd := clientDataJSON("webauthn.create", hardChallenge, "")
	id := func(b byte) []byte { return bytes.Repeat([]byte{b}, 1023) }
	var out []worstRegistration

	// A none registration of the longest credential ID, 64 extensions and
	// the rest of the body spent on JSON the parsers must walk.
	{
		ext := extensionsMap(64, cborBytes(make([]byte, 200)))
		ad := hardAuthData(flagUP|flagAT|flagED, 0, [16]byte{}, id(1), maxKey, ext)
		out = append(out, worstRegistration{name: "none/1023-byte ID, 64 extensions, nested clientExtensionResults",
			body: padToLimit(t, func(n int) []byte {
				return registrationInput{clientData: cd, authData: ad, format: "none",
					clientExt: `{"x":0` + fillJSON(n) + `}`}.body(t)
			})})
		out = append(out, worstRegistration{name: "none/huge clientDataJSON",
			body: padToLimit(t, func(n int) []byte {
				return registrationInput{clientData: clientDataJSON("webauthn.create", hardChallenge, fillJSON(n)),
					authData: ad, format: "none"}.body(t)
			})})
	}

	// Compound: three packed statements, each with five certificates whose
	// keys are all 8192-bit RSA with exponent 65537: 3 × (1 + 4)
	// verifications of the costliest key accepted, without anchors.
	ad := hardAuthData(flagUP|flagAT, 0, [16]byte{}, id(2), maxKey, nil)
	c := linearChain(t, max, 5)
	stmt := packedStmt(t, c, cose.RS512, ad, cd)
	comp := registrationInput{clientData: cd, authData: ad, format: "compound", attStmt: compoundOf(stmt, stmt, stmt)}.body(t)
	out = append(out, worstRegistration{name: "compound/3 × packed, 5 × RSA-8192 certificates", body: comp})
	out = append(out, worstRegistration{name: "compound/3 × packed, 5 × RSA-8192 certificates, anchored", body: comp,
		expect: func(x *attestation.Expect) { x.TrustAnchors = c.pool() }})

	// The same statements with a path that crypto/x509's chain building
	// would search every ordering of: x5c naming one subject twice is
	// refused before any chain is built.
	tc := tangledChain(t, max)
	tstmt := packedStmt(t, tc, cose.RS512, ad, cd)
	out = append(out, worstRegistration{name: "compound/3 × packed, tangled RSA-8192 path, anchored",
		body:   registrationInput{clientData: cd, authData: ad, format: "compound", attStmt: compoundOf(tstmt, tstmt, tstmt)}.body(t),
		expect: func(x *attestation.Expect) { x.TrustAnchors = tc.pool() }, want: errcode.ErrAttestationInvalid})

	// A CA certificate whose RSA key is as large as the body allows, with
	// the largest exponent crypto/rsa takes, and a leaf whose signature is
	// as long as that modulus: checking the leaf against it costs seconds
	// unless the size cap refuses the path first.
	out = append(out, worstRegistration{name: "packed/x5c CA key of the largest RSA modulus that fits",
		body: oversizedCAPath(t, cd, hardAuthData(flagUP|flagAT, 0, [16]byte{}, id(4), maxKey, nil)), want: errcode.ErrAttestationInvalid})

	// A packed self statement by an ML-DSA-87 credential key: the largest
	// key and signature.
	{
		k, pub := mldsa87(t)
		adm := hardAuthData(flagUP|flagAT, 0, [16]byte{}, id(3), pub, nil)
		sig := mldsaSign(t, k, adm, cd)
		out = append(out, worstRegistration{name: "packed self/ML-DSA-87",
			body: registrationInput{clientData: cd, authData: adm, format: "packed",
				attStmt: map[string]any{"alg": int64(cose.MLDSA87), "sig": sig}}.body(t)})
	}
	return out
}

// oversizedCAPath is a packed registration whose x5c is a leaf and a CA
// with an RSA modulus of about L bytes, L as large as MaxBodySize allows.
// The modulus is no real key (nobody can sign with it), but the leaf's
// signature has its length, which is all it takes for crypto/rsa to do the
// full computation before it finds the signature wrong.
func oversizedCAPath(t testing.TB, cd, ad []byte) []byte {
	signer, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leafKey := newES256(t)
	build := func(l int) []byte {
		nb := make([]byte, l)
		if _, err := rand.Read(nb); err != nil {
			t.Fatal(err)
		}
		nb[0] |= 0x80
		nb[l-1] |= 1
		huge := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: 1<<31 - 1}
		caName := &x509.Certificate{Subject: pkix.Name{CommonName: "Hardening Huge CA"}}
		ca := issueCert(t, certSpec{subject: caName.Subject, ca: true, pub: huge}, caName, signer, 2)
		leaf := issueCert(t, certSpec{subject: packedLeafName("Hardening Leaf"), pub: leafKey.Public()}, caName, signer, 3)
		sig := make([]byte, l)
		if _, err := rand.Read(sig); err != nil {
			t.Fatal(err)
		}
		sig[0] = 0x01 // below the modulus
		c := &certChain{certs: []*x509.Certificate{withSignature(t, leaf, sig), ca}, leaf: leafKey}
		return registrationInput{clientData: cd, authData: ad, format: "packed", attStmt: packedStmt(t, c, cose.ES256, ad, cd)}.body(t)
	}
	// The body grows linearly with l: two sizes give the slope.
	const l0, l1 = 1024, 2048
	s0, s1 := len(build(l0)), len(build(l1))
	l := l0 + (attestation.MaxBodySize-64-s0)*(l1-l0)/(s1-s0)
	body := build(l)
	if len(body) > attestation.MaxBodySize || len(body) < attestation.MaxBodySize-1024 {
		t.Fatalf("the oversized-CA body has %d bytes", len(body))
	}
	return body
}

// withSignature returns c with its signature value replaced by sig.
func withSignature(t testing.TB, c *x509.Certificate, sig []byte) *x509.Certificate {
	in := cryptobyte.String(c.Raw)
	var cert, tbs, alg cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1Element(&tbs, cbasn1.SEQUENCE) || !cert.ReadASN1Element(&alg, cbasn1.SEQUENCE) {
		t.Fatal("withSignature: not a certificate")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddBytes(alg)
		b.AddASN1BitString(sig)
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var worstAssertions = sync.OnceValues(func() ([]worstAssertion, error) {
	var out []worstAssertion
	t := &onceTB{}
	func() {
		defer t.recover()
		out = buildWorstAssertions(t)
	}()
	return out, t.err
})

func buildWorstAssertions(t testing.TB) []worstAssertion {
	max := mustKey(t, rsaMax)
	credID := bytes.Repeat([]byte{7}, 1023)
	handle := bytes.Repeat([]byte{8}, 64)
	rsaRec := &credential.Record{ID: credID, PublicKey: rsaCOSE(t, &max.PublicKey, cose.RS512), Alg: cose.RS512, UserHandle: handle}
	ext := extensionsMap(64, cborBytes(make([]byte, 200)))
	ad := hardAuthData(flagUP|flagUV|flagED, 1, [16]byte{}, nil, nil, ext)
	var out []worstAssertion
	signed := func(cd []byte) []byte { return hardSign(t, max, cose.RS512, ad, cd) }

	{
		cd := clientDataJSON("webauthn.get", hardChallenge, "")
		sig := signed(cd)
		out = append(out, worstAssertion{name: "RSA-8192 e=65537, 64 extensions, nested clientExtensionResults", rec: rsaRec,
			body: padToLimit(t, func(n int) []byte {
				return assertionInput{credID: credID, clientData: cd, authData: ad, signature: sig, userHandle: handle,
					clientExt: `{"x":0` + fillJSON(n) + `}`}.body()
			})})
	}
	{
		// The length is found with a stand-in signature of the real one's
		// length, and the client data signed once.
		cd := func(n int) []byte { return clientDataJSON("webauthn.get", hardChallenge, fillJSON(n)) }
		stand := make([]byte, max.Size())
		body := padToLimit(t, func(n int) []byte {
			return assertionInput{credID: credID, clientData: cd(n), authData: ad, signature: stand, userHandle: handle}.body()
		})
		var in assertionInput
		if err := json.Unmarshal(body, &struct {
			Response *struct {
				ClientDataJSON *b64Field `json:"clientDataJSON"`
			} `json:"response"`
		}{Response: &struct {
			ClientDataJSON *b64Field `json:"clientDataJSON"`
		}{ClientDataJSON: (*b64Field)(&in.clientData)}}); err != nil {
			t.Fatal(err)
		}
		in.credID, in.authData, in.userHandle, in.signature = credID, ad, handle, signed(in.clientData)
		out = append(out, worstAssertion{name: "RSA-8192 e=65537, huge clientDataJSON", rec: rsaRec, body: in.body()})
	}
	{
		// Every member of the response repeated: encoding/json decodes each
		// occurrence (base64url included) and keeps the last. Short
		// authenticator data leaves room for more repetitions.
		cd := clientDataJSON("webauthn.get", hardChallenge, "")
		short := hardAuthData(flagUP|flagUV, 1, [16]byte{}, nil, nil, nil)
		honest := assertionInput{credID: credID, clientData: cd, authData: short,
			signature: hardSign(t, max, cose.RS512, short, cd), userHandle: handle}.body()
		inner := bytes.TrimSuffix(bytes.TrimPrefix(honest, []byte("{")), []byte("}"))
		body := padToLimit(t, func(n int) []byte {
			reps := 1 + n/len(inner)
			return append(append([]byte("{"), bytes.Repeat(append(append([]byte(nil), inner...), ','), reps-1)...), append(inner, '}')...)
		})
		out = append(out, worstAssertion{name: "RSA-8192 e=65537, every member repeated", rec: rsaRec, body: body})
	}
	{
		k, pub := mldsa87(t)
		rec := &credential.Record{ID: credID, PublicKey: pub, Alg: cose.MLDSA87, UserHandle: handle}
		cd := clientDataJSON("webauthn.get", hardChallenge, "")
		out = append(out, worstAssertion{name: "ML-DSA-87", rec: rec,
			body: assertionInput{credID: credID, clientData: cd, authData: ad, signature: mldsaSign(t, k, ad, cd), userHandle: handle}.body()})
	}
	return out
}

// b64Field decodes a base64url JSON string.
type b64Field []byte

func (f *b64Field) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := base64.RawURLEncoding.DecodeString(s)
	*f = d
	return err
}

// mldsa87 is an ML-DSA-87 credential from passkeytest: its signer and COSE key.
func mldsa87(t testing.TB) (crypto.Signer, []byte) {
	t.Helper()
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("hardening ml-dsa"), Algorithms: []int64{passkeytest.AlgMLDSA87}})
	if err != nil {
		t.Fatal(err)
	}
	opts := fmt.Sprintf(`{"rp":{"name":"x","id":%q},"user":{"id":"AQ","name":"u","displayName":"u"},"challenge":%q,"pubKeyCredParams":[{"type":"public-key","alg":-50}]}`,
		testRPID, hardB64(hardChallenge))
	if _, err := a.Create([]byte(opts), testOrigin); err != nil {
		t.Fatal(err)
	}
	c := a.Credentials()[0]
	return c.PrivateKey, c.PublicKey
}

// mldsaSign signs authData ‖ SHA-256(clientData) with pure ML-DSA.
func mldsaSign(t testing.TB, k crypto.Signer, authData, clientData []byte) []byte {
	t.Helper()
	cdh := sha256.Sum256(clientData)
	priv, ok := k.(*mldsa.PrivateKey)
	if !ok {
		t.Fatalf("%T is not an ML-DSA key", k)
	}
	sig, err := priv.SignDeterministic(append(append([]byte(nil), authData...), cdh[:]...), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// onceTB lets the builders above, which report through testing.TB, run
// inside sync.OnceValues: a failure ends the build with an error.
type onceTB struct {
	testing.TB
	err error
}

type onceFailure struct{}

func (o *onceTB) Helper() {}
func (o *onceTB) Fatal(args ...any) {
	o.err = errors.New(fmt.Sprint(args...))
	panic(onceFailure{})
}
func (o *onceTB) Fatalf(format string, args ...any) {
	o.err = fmt.Errorf(format, args...)
	panic(onceFailure{})
}
func (o *onceTB) recover() {
	if r := recover(); r != nil {
		if _, ok := r.(onceFailure); !ok {
			panic(r)
		}
	}
}

func mustWorst[T any](t testing.TB, f func() ([]T, error)) []T {
	t.Helper()
	v, err := f()
	if err != nil {
		t.Fatalf("building the worst inputs: %v", err)
	}
	return v
}

// TestWorstInputs runs each worst input once, through the stateless layer
// and through the relying party (registrations: VerifyRegistration, with a
// trust source for the anchored ones; assertions: FinishLogin): it ends as
// it must, and the whole verification allocates at most 4 MiB.
func TestWorstInputs(t *testing.T) {
	ctx := context.Background()
	for _, w := range mustWorst(t, worstRegistrations) {
		t.Run("registration/"+w.name, func(t *testing.T) {
			if len(w.body) > attestation.MaxBodySize {
				t.Fatalf("body of %d bytes", len(w.body))
			}
			x := expectReg(t)
			if w.expect != nil {
				w.expect(&x)
			}
			var err error
			alloc := allocatedBy(func() { _, err = verifyReg(w.body, x) })
			wantOutcome(t, err, w.want)
			checkBudget(t, "attestation.Verify", len(w.body), alloc)

			var mods []func(*passkey.Config)
			if x.TrustAnchors != nil {
				mods = append(mods, func(c *passkey.Config) { c.TrustSource = fixedRoots{x.TrustAnchors} })
			}
			rp, _ := hardRP(t, mods...)
			_, sid, err := rp.BeginRegistration(ctx, passkey.User{Handle: []byte("hardening"), Name: "h"})
			if err != nil {
				t.Fatal(err)
			}
			alloc = allocatedBy(func() { _, err = rp.VerifyRegistration(ctx, sid, w.body) })
			wantOutcome(t, err, w.want)
			checkBudget(t, "RelyingParty.VerifyRegistration", len(w.body), alloc)
		})
	}
	for _, w := range mustWorst(t, worstAssertions) {
		t.Run("assertion/"+w.name, func(t *testing.T) {
			if len(w.body) > assertion.MaxBodySize {
				t.Fatalf("body of %d bytes", len(w.body))
			}
			var err error
			alloc := allocatedBy(func() { _, err = verifyLogin(w.body, w.rec, expectLogin(t)) })
			wantOutcome(t, err, w.want)
			checkBudget(t, "assertion.Verify", len(w.body), alloc)

			rp, creds := hardRP(t)
			if err := creds.Create(ctx, w.rec.Clone()); err != nil {
				t.Fatal(err)
			}
			_, sid, err := rp.BeginLogin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			alloc = allocatedBy(func() { _, err = rp.FinishLogin(ctx, sid, w.body) })
			wantOutcome(t, err, w.want)
			checkBudget(t, "RelyingParty.FinishLogin", len(w.body), alloc)
		})
	}
}

// worstBudget is the allocation budget of one ceremony over any input.
const worstBudget = 4 << 20

func wantOutcome(t *testing.T, err error, want errcode.Sentinel) {
	t.Helper()
	if want == "" && err != nil {
		t.Fatalf("refused: %v", err)
	} else if want != "" {
		wantVerdict(t, err, want)
	}
}

// checkBudget applies the allocation budget.
func checkBudget(t *testing.T, path string, body int, alloc uint64) {
	t.Helper()
	t.Logf("%s: %d-byte body, %d bytes allocated", path, body, alloc)
	if alloc > worstBudget {
		t.Errorf("%s allocated %d bytes, over the %d-byte budget", path, alloc, worstBudget)
	}
}

// allocatedBy returns the bytes f allocated (runtime.MemStats.TotalAlloc;
// the test's other goroutines are idle while it runs).
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// ---------------------------------------------------------------------------
// Every code reached: one real ceremony per code, through the relying party
// (passkey.New with memory stores, passkeytest as the browser), with a
// Debug logger whose records must name the code and hold none of the
// ceremony's secrets.

// codeCase is one ceremony of TestEveryCodeReached: run drives it on the
// relying party built from cfg, with an authenticator built from auth, and
// returns the verdict.
type codeCase struct {
	code passkey.Sentinel
	name string
	cfg  func(*passkey.Config)
	auth passkeytest.Config
	run  func(t *testing.T, h *codeHarness) error
}

// codeHarness is a relying party with memory stores and a Debug logger, and
// the secrets its ceremonies handled.
type codeHarness struct {
	*env
	a       *passkeytest.Authenticator
	log     bytes.Buffer
	secrets [][]byte
}

// keep records secrets the log must not hold.
func (h *codeHarness) keep(s ...[]byte) {
	for _, b := range s {
		if len(b) > 0 {
			h.secrets = append(h.secrets, b)
		}
	}
}

// keepResponse records the secrets of a response body: the signature,
// the user handle and the prf results, and the credential ID, which the
// relying party keeps out of its logs too (it links a person across logs).
func (h *codeHarness) keepResponse(t *testing.T, body []byte) {
	var r struct {
		RawID    string `json:"rawId"`
		Response struct {
			Signature, UserHandle string
		} `json:"response"`
		ClientExtensionResults struct {
			PRF struct {
				Results struct{ First, Second string } `json:"results"`
			} `json:"prf"`
		} `json:"clientExtensionResults"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return // a deliberately broken body
	}
	for _, s := range []string{r.RawID, r.Response.Signature, r.Response.UserHandle, r.ClientExtensionResults.PRF.Results.First, r.ClientExtensionResults.PRF.Results.Second} {
		if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
			h.keep(b)
		}
	}
}

// register runs a registration to the end, and fails the test if it is
// refused.
func (h *codeHarness) register(t *testing.T, u passkey.User, tweaks ...passkeytest.Tweak) *passkey.Registration {
	t.Helper()
	reg, err := h.finishRegistration(t, u, nil, tweaks...)
	if err != nil {
		t.Fatalf("registration: %v", err)
	}
	return reg
}

func (h *codeHarness) finishRegistration(t *testing.T, u passkey.User, opts []passkey.RegistrationOption, tweaks ...passkeytest.Tweak) (*passkey.Registration, error) {
	t.Helper()
	h.keep(u.Handle)
	o, sid, err := h.rp.BeginRegistration(context.Background(), u, opts...)
	if err != nil {
		t.Fatalf("BeginRegistration: %v", err)
	}
	h.keep(o.Challenge, []byte(sid))
	body, err := h.a.Create(wrapCreation(t, o), testOrigin, tweaks...)
	if err != nil {
		t.Fatalf("authenticator Create: %v", err)
	}
	h.keepResponse(t, body)
	return h.rp.FinishRegistration(context.Background(), sid, body)
}

func (h *codeHarness) finishLogin(t *testing.T, opts []passkey.LoginOption, tweaks ...passkeytest.Tweak) (*passkey.Login, error) {
	t.Helper()
	o, sid, err := h.rp.BeginLogin(context.Background(), opts...)
	if err != nil {
		t.Fatalf("BeginLogin: %v", err)
	}
	h.keep(o.Challenge, []byte(sid))
	body, err := h.a.Get(mustJSON(t, o), testOrigin, tweaks...)
	if err != nil {
		t.Fatalf("authenticator Get: %v", err)
	}
	h.keepResponse(t, body)
	return h.rp.FinishLogin(context.Background(), sid, body)
}

// distrustAll is a trust source that refuses every authenticator model, as a
// metadata service does for a REVOKED one.
type distrustAll struct{}

func (distrustAll) TrustAnchors(context.Context, string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) {
	return nil, errors.New("REVOKED")
}

// fixedRoots is a trust source with fixed roots.
type fixedRoots struct{ pool *x509.CertPool }

func (a fixedRoots) TrustAnchors(context.Context, string, [16]byte, []*x509.Certificate) (*x509.CertPool, error) {
	return a.pool, nil
}

var hardAAGUID = [16]byte{0x48, 0x61, 0x72, 0x64, 15: 1}

// codeCases is the table of TestEveryCodeReached: for each of the 30
// codes, the ceremony that ends with it.
func codeCases() []codeCase {
	flip := func(k *passkeytest.Knobs) {
		k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.Signature[len(r.Signature)/2] ^= 1 }
	}
	uv := func(c *passkey.Config) { c.UserVerification = passkey.VerificationRequired }
	loginAfterRegistration := func(tweaks ...passkeytest.Tweak) func(t *testing.T, h *codeHarness) error {
		return func(t *testing.T, h *codeHarness) error {
			h.register(t, newUser("ada"))
			_, err := h.finishLogin(t, nil, tweaks...)
			return err
		}
	}
	reg := func(tweaks ...passkeytest.Tweak) func(t *testing.T, h *codeHarness) error {
		return func(t *testing.T, h *codeHarness) error {
			_, err := h.finishRegistration(t, newUser("ada"), nil, tweaks...)
			return err
		}
	}
	return []codeCase{
		{code: passkey.ErrMalformedResponse, name: "registration body cut short", run: func(t *testing.T, h *codeHarness) error {
			o, sid, err := h.rp.BeginRegistration(context.Background(), newUser("ada"))
			if err != nil {
				t.Fatal(err)
			}
			h.keep(o.Challenge, []byte(sid))
			body, err := h.a.Create(wrapCreation(t, o), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.rp.FinishRegistration(context.Background(), sid, body[:len(body)/2])
			return err
		}},
		{code: passkey.ErrCredentialIDMismatch, name: "registration id is not rawId", run: reg(func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.ID = hardB64([]byte("another credential")) }
		})},
		{code: passkey.ErrMalformedClientData, name: "registration clientDataJSON not JSON", run: reg(func(k *passkeytest.Knobs) {
			k.ClientDataRaw = []byte(`{"type":`)
		})},
		{code: passkey.ErrTypeMismatch, name: "registration with type webauthn.get", run: reg(func(k *passkeytest.Knobs) {
			k.ClientDataExtra = []passkeytest.Member{{Name: "type", Value: json.RawMessage(`"webauthn.get"`)}}
		})},
		{code: passkey.ErrChallengeMismatch, name: "login replayed", run: func(t *testing.T, h *codeHarness) error {
			h.register(t, newUser("ada"))
			o, sid, err := h.rp.BeginLogin(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			h.keep(o.Challenge, []byte(sid))
			body, err := h.a.Get(mustJSON(t, o), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			h.keepResponse(t, body)
			if _, err := h.rp.FinishLogin(context.Background(), sid, body); err != nil {
				t.Fatalf("first login: %v", err)
			}
			_, err = h.rp.FinishLogin(context.Background(), sid, body)
			return err
		}},
		{code: passkey.ErrChallengeMismatch, name: "registration challenge not the issued one", run: reg(func(k *passkeytest.Knobs) {
			k.ClientDataExtra = []passkeytest.Member{{Name: "challenge", Value: json.RawMessage(`"` + hardB64(make([]byte, 32)) + `"`)}}
		})},
		{code: passkey.ErrOriginMismatch, name: "login from another origin", run: loginAfterRegistration(func(k *passkeytest.Knobs) {
			k.Origin = "https://example.com.evil.example"
		})},
		{code: passkey.ErrCrossOriginNotAllowed, name: "registration in a cross-origin iframe", run: reg(func(k *passkeytest.Knobs) {
			k.CrossOrigin = true
			k.TopOrigin = "https://evil.example"
		})},
		{code: passkey.ErrMalformedAttestationObject, name: "attestationObject nested 6 deep", run: reg(func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) {
				ad, _ := attestationAuthData(r.AttestationObject)
				r.AttestationObject = rawAttObj("none", append(append(cborHead(5, 1), cborText("a")...), nestedArrays(4)...), ad, 0, nil)
			}
		})},
		{code: passkey.ErrMalformedAuthenticatorData, name: "credentialIdLength 1024", run: reg(func(k *passkeytest.Knobs) {
			k.CredentialIDLength = 1024
		})},
		{code: passkey.ErrRPIDMismatch, name: "login signed for another RP ID", run: loginAfterRegistration(func(k *passkeytest.Knobs) {
			k.RPID = "evil.example"
		})},
		{code: passkey.ErrUserNotPresent, name: "registration with UP clear", run: reg(func(k *passkeytest.Knobs) { k.UP = passkeytest.ForceOff })},
		{code: passkey.ErrUserNotVerified, name: "login with UV clear, UV required", cfg: uv,
			run: loginAfterRegistration(func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff })},
		{code: passkey.ErrBackupFlagsInvalid, name: "registration with BS but not BE", run: reg(func(k *passkeytest.Knobs) {
			k.BE, k.BS = passkeytest.ForceOff, passkeytest.ForceOn
		})},
		{code: passkey.ErrMissingCredentialData, name: "registration without attested credential data", run: reg(func(k *passkeytest.Knobs) {
			k.TamperStatement = func(s *passkeytest.Statement) {
				ad := append([]byte(nil), s.AuthenticatorData[:37]...)
				ad[32] &^= flagAT | flagED
				s.AuthenticatorData = ad
			}
		})},
		{code: passkey.ErrUnsupportedAlgorithm, name: "credential key of an algorithm not offered", run: reg(func(k *passkeytest.Knobs) {
			k.TamperCOSEKey = func(m map[int64]any) { m[3] = int64(cose.ES512) }
		})},
		{code: passkey.ErrMalformedPublicKey, name: "credential key with its private scalar", run: reg(func(k *passkeytest.Knobs) {
			k.TamperCOSEKey = func(m map[int64]any) { m[-4] = make([]byte, 32) }
		})},
		{code: passkey.ErrUnsupportedAttestationFormat, name: "fmt \"Packed\"", run: reg(func(k *passkeytest.Knobs) {
			k.TamperStatement = func(s *passkeytest.Statement) { s.Format = "Packed" }
		})},
		{code: passkey.ErrAttestationInvalid, name: "none with a member", run: reg(func(k *passkeytest.Knobs) {
			k.TamperStatement = func(s *passkeytest.Statement) { s.AttStmt = map[string]any{"sig": []byte{1}} }
		})},
		{code: passkey.ErrAttestationUntrusted, name: "packed x5c expired, no anchors",
			auth: passkeytest.Config{Attestation: passkeytest.AttestationPacked, CertNotBefore: hardNow.AddDate(-2, 0, 0), CertNotAfter: hardNow.AddDate(-1, 0, 0)},
			run:  reg(func(k *passkeytest.Knobs) { k.KeepAttestation = true })},
		{code: passkey.ErrUnknownCredential, name: "login with a credential the RP never stored", run: func(t *testing.T, h *codeHarness) error {
			other := newEnv(t)
			sid, body := createBody(t, other, h.a, newUser("ada"), nil)
			if _, err := other.rp.FinishRegistration(context.Background(), sid, body); err != nil {
				t.Fatal(err)
			}
			_, err := h.finishLogin(t, nil)
			return err
		}},
		{code: passkey.ErrUserHandleMismatch, name: "usernameless login naming another user", run: loginAfterRegistration(func(k *passkeytest.Knobs) {
			k.UserHandle = passkey.NewUserHandle()
		})},
		{code: passkey.ErrSignatureInvalid, name: "login signature with a bit flipped", run: loginAfterRegistration(flip)},
		{code: passkey.ErrSignCountRegression, name: "login counter going back", run: func(t *testing.T, h *codeHarness) error {
			h.register(t, newUser("ada"))
			if _, err := h.finishLogin(t, nil, func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(5) }); err != nil {
				t.Fatalf("first login: %v", err)
			}
			_, err := h.finishLogin(t, nil, func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(4) })
			return err
		}},
		{code: passkey.ErrCredentialAlreadyRegistered, name: "second registration of one credential ID", run: func(t *testing.T, h *codeHarness) error {
			same := func(k *passkeytest.Knobs) { k.CredentialID = bytes.Repeat([]byte{0x42}, 32) }
			h.register(t, newUser("ada"), same)
			_, err := h.finishRegistration(t, newUser("eve"), nil, same)
			return err
		}},
		{code: passkey.ErrBackupEligibilityChanged, name: "login with BE set, registered without", run: loginAfterRegistration(func(k *passkeytest.Knobs) {
			k.BE = passkeytest.ForceOn
		})},
		{code: passkey.ErrUserHandleMissing, name: "usernameless login without userHandle", run: loginAfterRegistration(func(k *passkeytest.Knobs) {
			k.OmitUserHandle = true
		})},
		{code: passkey.ErrExtensionInvalid, name: "credProtect 1 where 3 is enforced", run: func(t *testing.T, h *codeHarness) error {
			_, err := h.finishRegistration(t, newUser("ada"), []passkey.RegistrationOption{passkey.WithCredProtect(passkey.CredProtectUVRequired, true)},
				func(k *passkeytest.Knobs) {
					k.AuthenticatorExtensions = append(cborHead(5, 1), append(cborText("credProtect"), 0x01)...)
				})
			return err
		}},
		{code: passkey.ErrAuthenticatorStatusUntrusted, name: "trust source refuses the model",
			cfg:  func(c *passkey.Config) { c.TrustSource = distrustAll{} },
			auth: passkeytest.Config{Attestation: passkeytest.AttestationPacked, AAGUID: hardAAGUID},
			run:  reg()},
		{code: passkey.ErrAttestationTypeNotAllowed, name: "none attestation, a trust source set",
			cfg: func(c *passkey.Config) { c.TrustSource = fixedRoots{x509.NewCertPool()} }, run: reg()},
		{code: passkey.ErrAuthenticatorNotAllowed, name: "AAGUID on the deny list",
			cfg:  func(c *passkey.Config) { c.DeniedAuthenticators = []credential.AAGUID{hardAAGUID} },
			auth: passkeytest.Config{AAGUID: hardAAGUID}, run: reg()},
		{code: passkey.ErrAuthenticatorNotAllowed, name: "synced passkey, synced refused",
			cfg:  func(c *passkey.Config) { c.Synced = passkey.SyncedRefused },
			auth: passkeytest.Config{BackupEligible: true}, run: reg()},
	}
}

// attestationAuthData returns the authData of an attestation object.
func attestationAuthData(obj []byte) ([]byte, error) {
	var o struct {
		AuthData []byte `cbor:"authData"`
	}
	err := cbor.Unmarshal(obj, &o)
	return o.AuthData, err
}

func TestEveryCodeReached(t *testing.T) {
	reached := map[passkey.Sentinel]bool{}
	for _, tc := range codeCases() {
		reached[tc.code] = true
		t.Run(string(tc.code)+"/"+tc.name, func(t *testing.T) {
			h := &codeHarness{}
			logger := slog.New(slog.NewJSONHandler(&h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
			h.env = newEnv(t, func(c *passkey.Config) {
				c.Logger = logger
				if tc.cfg != nil {
					tc.cfg(c)
				}
			})
			cfg := tc.auth
			cfg.Seed = []byte(t.Name())
			h.a = newAuthenticator(t, cfg)

			err := tc.run(t, h)
			wantCode(t, err, tc.code)
			var e *passkey.Error
			if !errors.As(err, &e) || e.Check == "" {
				t.Fatalf("the verdict names no spec check: %v", err)
			}

			out := h.log.String()
			if !strings.Contains(out, `"code":"`+string(tc.code)+`"`) {
				t.Errorf("the log does not record the rejection:\n%s", out)
			}
			// Neither the log nor the error message may repeat a secret of
			// the ceremony: challenges, session IDs, user handles,
			// signatures, prf results.
			for _, s := range h.secrets {
				for _, enc := range secretSpellings(s) {
					if strings.Contains(out, enc) {
						t.Errorf("the log holds a secret (%q):\n%s", enc, out)
					}
					if strings.Contains(err.Error(), enc) {
						t.Errorf("the error message holds a secret (%q): %v", enc, err)
					}
				}
			}
		})
	}
	for _, c := range errcode.All() {
		if !reached[c] {
			t.Errorf("no ceremony in codeCases ends with %s", c)
		}
	}
}

// secretSpellings spells a secret the ways a log could carry it; spellings
// shorter than 8 characters are too likely to occur by chance.
func secretSpellings(s []byte) []string {
	var out []string
	for _, enc := range []string{string(s), base64.RawURLEncoding.EncodeToString(s), base64.StdEncoding.EncodeToString(s),
		base64.RawStdEncoding.EncodeToString(s), hex.EncodeToString(s), fmt.Sprintf("%v", s)} {
		if len(enc) >= 8 {
			out = append(out, enc)
		}
	}
	return out
}

// TestLogsHoldNoPRFOutput: a login that evaluates the prf extension, and
// one that fails after it, log nothing of its results at Debug level, and
// the relying party hands the results to the caller alone.
func TestLogsHoldNoPRFOutput(t *testing.T) {
	h := &codeHarness{}
	logger := slog.New(slog.NewJSONHandler(&h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.env = newEnv(t, func(c *passkey.Config) { c.Logger = logger })
	h.a = newAuthenticator(t, passkeytest.Config{})
	prf := passkey.WithPRF(bytes.Repeat([]byte{9}, 32), nil)
	if _, err := h.finishRegistration(t, newUser("ada"), []passkey.RegistrationOption{prf}); err != nil {
		t.Fatal(err)
	}
	before := len(h.secrets)
	login, err := h.finishLogin(t, []passkey.LoginOption{prf})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(login.Extensions.Client, []byte(`"results"`)) {
		t.Fatalf("the authenticator returned no prf results: %s", login.Extensions.Client)
	}
	if len(h.secrets) <= before {
		t.Fatal("no secrets recorded from the login")
	}
	_, err = h.finishLogin(t, []passkey.LoginOption{prf}, func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterZero() })
	wantCode(t, err, passkey.ErrSignCountRegression)
	out := h.log.String()
	if !strings.Contains(out, "login verified") || !strings.Contains(out, "sign-count-regression") {
		t.Fatalf("the log lacks the outcomes:\n%s", out)
	}
	for _, s := range h.secrets {
		for _, enc := range secretSpellings(s) {
			if strings.Contains(out, enc) {
				t.Errorf("the log holds a secret (%q):\n%s", enc, out)
			}
		}
	}
}

// TestSignatureBudget states the signature verifications of the costliest
// statement SECURITY.md counts, and checks that the relying party accepts
// it: a compound of three packed statements with five certificates each.
// Without anchors that is 3 × (1 + 4) = 15 verifications; their time is
// BenchmarkWorstRegistration's.
func TestSignatureBudget(t *testing.T) {
	for _, w := range mustWorst(t, worstRegistrations) {
		if !strings.HasPrefix(w.name, "compound/") || w.expect != nil {
			continue
		}
		res, err := verifyReg(w.body, expectReg(t))
		if err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		n := 0
		for _, st := range res.Compound {
			n += 1 + len(st.TrustPath) - 1 // the statement's signature, then each certificate by the next
		}
		if len(res.Compound) != 3 || n != 15 {
			t.Fatalf("%s: %d statements, %d verifications", w.name, len(res.Compound), n)
		}
		return
	}
	t.Fatal("no compound worst input")
}

// ---------------------------------------------------------------------------
// Fuzz targets for the relying party's own inputs: the response bodies of
// both Finish calls, and the session state it reads back from its store
// (a shared store, such as a database, is only as trustworthy as its
// least careful writer).

// knownCodes is errcode.All as a set.
func knownCodes() map[string]bool {
	m := map[string]bool{}
	for _, c := range errcode.All() {
		m[string(c)] = true
	}
	return m
}

// checkRejection fails unless err is nil, a verdict with a known code and a
// spec check, or an error that is not a verdict at all.
func checkRejection(t *testing.T, err error, codes map[string]bool) {
	t.Helper()
	var e *passkey.Error
	if err == nil || !errors.As(err, &e) {
		return
	}
	if !codes[e.Code] || e.Check == "" {
		t.Fatalf("verdict with code %q and check %q: %v", e.Code, e.Check, err)
	}
}

// FuzzFinishBody sends arbitrary bodies to FinishRegistration (even
// inputs) and FinishLogin (odd): no body panics either, every refusal is a
// verdict with a known code and a spec check, and the session is gone
// afterwards whatever the outcome.
//
// Every session of the target has one challenge (a constant random
// source), so that the honest seeds stay valid and mutations of them reach
// every check; the seeds are checked to pass before fuzzing starts.
func FuzzFinishBody(f *testing.F) {
	e := newEnv(f, func(c *passkey.Config) { c.Rand = constantRand{}; c.AcceptCounterRegression = true })
	a := newAuthenticator(f, passkeytest.Config{Seed: []byte("fuzz finish")})
	ctx := context.Background()
	for _, s := range finishBodySeeds(f, e, a) {
		f.Add(s.which, s.body)
	}
	f.Add(uint8(1), []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"","signature":""}}`))
	codes := knownCodes()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		var sid string
		var err error
		if which%2 == 0 {
			_, sid, err = e.rp.BeginRegistration(ctx, newUser("fuzz"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.rp.FinishRegistration(ctx, sid, body)
			if err == nil {
				// An accepted body is an honest one; keep the store small.
				_ = e.creds.Delete(ctx, credentialIDOfBody(body))
			}
			checkRejection(t, err, codes)
			_, err = e.rp.FinishRegistration(ctx, sid, body)
		} else {
			_, sid, err = e.rp.BeginLogin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.rp.FinishLogin(ctx, sid, body)
			checkRejection(t, err, codes)
			_, err = e.rp.FinishLogin(ctx, sid, body)
		}
		if passkey.Code(err) != string(passkey.ErrChallengeMismatch) {
			t.Fatalf("the session outlived its Finish: %v", err)
		}
	})
}

// credentialIDOfBody reads rawId from a response body, or nil.
func credentialIDOfBody(body []byte) []byte {
	var r struct {
		RawID string `json:"rawId"`
	}
	if json.Unmarshal(body, &r) != nil {
		return nil
	}
	id, _ := base64.RawURLEncoding.DecodeString(strings.TrimRight(r.RawID, "="))
	return id
}

// replayedSessions is a session store that records what the relying party
// puts and hands back whatever the fuzzer says it holds.
type replayedSessions struct {
	*memory.Sessions
	mu    sync.Mutex
	last  []byte // the last state Put
	state []byte // what Take returns, when set
}

func (s *replayedSessions) Put(ctx context.Context, key [32]byte, state []byte, expires time.Time) error {
	s.mu.Lock()
	s.last = bytes.Clone(state)
	s.mu.Unlock()
	return s.Sessions.Put(ctx, key, state, expires)
}

func (s *replayedSessions) Take(ctx context.Context, key [32]byte) ([]byte, error) {
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	if st != nil {
		_, _ = s.Sessions.Take(ctx, key)
		return bytes.Clone(st), nil
	}
	return s.Sessions.Take(ctx, key)
}

// FuzzStoredSession hands the relying party arbitrary session state for an
// honest response: no state panics it, a state it cannot read is refused
// as challenge-mismatch (an unknown session), and every refusal is a
// verdict with a known code and a spec check. The seeds are the states of
// a real registration and a real login, which must be accepted.
func FuzzStoredSession(f *testing.F) {
	sessions := &replayedSessions{Sessions: memory.NewSessions()}
	e := newEnv(f, func(c *passkey.Config) { c.Sessions = sessions })
	a := newAuthenticator(f, passkeytest.Config{Seed: []byte("fuzz session")})
	ctx := context.Background()

	sidReg, reg := createBody(f, e, a, newUser("ada"), nil)
	regState := bytes.Clone(sessions.last)
	if _, err := e.rp.VerifyRegistration(ctx, sidReg, reg); err != nil {
		f.Fatalf("the honest registration: %v", err)
	}
	register(f, e, a, newUser("bob"))
	sidLogin, login := getBody(f, e, a, nil)
	loginState := bytes.Clone(sessions.last)
	f.Add(uint8(0), regState)
	f.Add(uint8(1), loginState)
	f.Add(uint8(1), []byte{2})
	codes := knownCodes()
	f.Fuzz(func(t *testing.T, which uint8, state []byte) {
		sessions.mu.Lock()
		sessions.state = state
		sessions.mu.Unlock()
		var err error
		if which%2 == 0 {
			_, err = e.rp.VerifyRegistration(ctx, sidReg, reg)
		} else {
			// The counter of the stored record never moves in this target:
			// FinishLogin would store the new one, so verify on a copy.
			_, err = e.withConfig(t, func(c *passkey.Config) {
				c.Sessions = sessions
				c.Credentials = readOnly{e.creds}
				c.AcceptCounterRegression = true
			}).rp.FinishLogin(ctx, sidLogin, login)
		}
		checkRejection(t, err, codes)
		if (len(state) == 0 || state[0] != 1) && passkey.Code(err) != string(passkey.ErrChallengeMismatch) {
			t.Fatalf("state of an unknown version: %v", err)
		}
	})
}

// readOnly is a credential store whose updates succeed without storing.
type readOnly struct{ *memory.Credentials }

func (r readOnly) CompareAndSwap(context.Context, *credential.Record, *credential.Record) error {
	return nil
}
