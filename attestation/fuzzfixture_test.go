package attestation

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/gopasskey/passkey/errcode"
)

// This file holds what the statement fuzz targets share: a fixed world
// (keys, a CA and authenticator data that are the same bytes in every run,
// so that a corpus entry saved by one run still verifies in the next), the
// check that runs one input and names its verdict, and the properties an
// accepted statement must have.

// verdictOK is the verdict of an accepted input.
const verdictOK = "ok"

// stmtCodes are the codes a statement's procedure may fail with: CBOR that
// is not well formed, or a statement that breaks its format's rules.
var stmtCodes = []errcode.Sentinel{errcode.ErrAttestationInvalid, errcode.ErrMalformedAttestationObject}

// verdictCode returns err's code, failing t unless err is a verdict
// (*errcode.Error with a check anchor) with one of the codes allowed.
func verdictCode(t testing.TB, err error, allowed []errcode.Sentinel) string {
	t.Helper()
	var e *errcode.Error
	if !errors.As(err, &e) || e.Check == "" {
		t.Fatalf("error is not a verdict with a check: %v", err)
	}
	code := errcode.Sentinel(errcode.Code(err))
	if !slices.Contains(allowed, code) || !errors.Is(err, code) {
		t.Fatalf("error has code %q, not one of %v: %v", code, allowed, err)
	}
	return string(code)
}

// fuzzCA is a self-signed Ed25519 root: its certificates are deterministic
// (Ed25519 signatures are), and a certificate it signed cannot be changed
// and still carry a valid signature (Ed25519 signatures are not
// malleable).
type fuzzCA struct {
	cert *x509.Certificate
	key  ed25519.PrivateKey
}

func newFuzzCA(t testing.TB) *fuzzCA {
	t.Helper()
	key := fuzzKey(3)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Fuzz Root"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &fuzzCA{cert: cert, key: key}
}

func (ca *fuzzCA) issue(t testing.TB, tmpl *x509.Certificate, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// sameIfSigned is the property of an accepted statement's certificate: a
// format's procedure does not check the signature on x5c[0] (the trust
// step does), so a mutated certificate may pass it; but one that the
// fuzz CA still signs is the seed's own certificate.
func (ca *fuzzCA) sameIfSigned(t testing.TB, got *x509.Certificate, seeds ...[]byte) {
	t.Helper()
	if got.CheckSignatureFrom(ca.cert) != nil {
		return
	}
	for _, der := range seeds {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(got.RawTBSCertificate, c.RawTBSCertificate) {
			return
		}
	}
	t.Fatalf("x5c[0] is signed by the CA but is no seed's certificate")
}

// signES256 signs msg with SHA-256 and RFC 6979 nonces (a nil random
// source), so that the signature is the same in every run.
func signES256(t testing.TB, key *ecdsa.PrivateKey, msg []byte) []byte {
	t.Helper()
	d := sha256.Sum256(msg)
	sig, err := key.Sign(nil, d[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// ecdsaTwin reports whether got is want, or want's (r, n−s), as canonical
// DER on curve: the one other signature of the same message and key that
// ECDSA verification accepts.
func ecdsaTwin(want, got []byte, curve elliptic.Curve) bool {
	if bytes.Equal(want, got) {
		return true
	}
	var a, b struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(want, &a); err != nil || len(rest) > 0 {
		return false
	}
	if rest, err := asn1.Unmarshal(got, &b); err != nil || len(rest) > 0 {
		return false
	}
	if again, err := asn1.Marshal(b); err != nil || !bytes.Equal(again, got) {
		return false
	}
	return a.R.Cmp(b.R) == 0 && new(big.Int).Sub(curve.Params().N, a.S).Cmp(b.S) == 0
}

// stmtFuzz is a statement fuzz target: arbitrary attStmt bytes verified by
// one format's procedure against fixed authenticator data and
// clientDataHash.
type stmtFuzz struct {
	authData []byte
	seeds    [][]byte
	verify   formatVerifier
	// statement makes the statement for raw; newStatement when nil.
	statement func(t testing.TB, authData, raw []byte) *statement
	// codes are the codes a rejection may carry; stmtCodes when nil.
	codes []errcode.Sentinel
	// accepted checks the mutation property of a statement that verified.
	accepted func(t testing.TB, raw []byte, v verdict)
}

// check runs one input and returns its verdict: verdictOK or the code.
func (fx *stmtFuzz) check(t testing.TB, raw []byte) string {
	t.Helper()
	mk := fx.statement
	if mk == nil {
		mk = newStatement
	}
	v, err := fx.verify(mk(t, fx.authData, raw))
	if err != nil {
		codes := fx.codes
		if codes == nil {
			codes = stmtCodes
		}
		return verdictCode(t, err, codes)
	}
	fx.accepted(t, raw, v)
	return verdictOK
}

// fuzz runs the target.
func (fx *stmtFuzz) fuzz(f *testing.F) {
	for _, s := range fx.seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) { fx.check(t, raw) })
}

// Statements every statement target starts from, besides its format's own:
// CBOR that is not well formed or breaks the project's CBOR rules
// (malformed-attestation-object) and well-formed CBOR of the wrong shape
// (attestation-invalid).
func shapeSeeds() [][]byte {
	return [][]byte{
		{},                                      // nothing
		{0xa0, 0x00},                            // {} then 0: trailing bytes
		{0xa1, 0x62, 0xff, 0xfe, 0x00},          // {"\xff\xfe": 0}: a key not UTF-8
		{0xbf, 0x63, 'f', 'o', 'o', 0x00, 0xff}, // {_ "foo": 0}: indefinite length
		{0xd8, 0x18, 0xa0},                      // 24({}): a tag
		{0xa0},                                  // {}
		{0x80},                                  // []
		{0xf6},                                  // null
		{0xa1, 0x63, 'f', 'o', 'o', 0x00},       // {"foo": 0}
	}
}

// dupMember is {name: val, name: val}: a duplicate key, which breaks the
// project's CBOR rules when name is a member of the format.
func dupMember(name string, val []byte) []byte {
	key := append([]byte{0x60 | byte(len(name))}, name...)
	b := append([]byte{0xa2}, key...)
	b = append(b, val...)
	b = append(b, key...)
	return append(b, val...)
}
