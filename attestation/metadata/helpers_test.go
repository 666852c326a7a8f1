package metadata_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gopasskey/passkey/attestation/metadata"
)

// testNow is the verification time of most tests: inside every test
// certificate's validity, before every test BLOB's nextUpdate.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// testPKI is a BLOB signing PKI made for the tests: root → intermediate →
// signing certificate, all ECDSA P-256.
type testPKI struct {
	root, inter, leaf          *x509.Certificate
	rootKey, interKey, leafKey *ecdsa.PrivateKey
}

type pkiOptions struct {
	name                string // distinguishes subjects of several PKIs
	notBefore, notAfter time.Time
	rootCRLURL          string // CRL distribution point of the intermediate
	interCRLURL         string // CRL distribution point of the signing certificate
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// serials hands out distinct certificate and CRL serial numbers.
var serials atomic.Int64

func nextSerial() *big.Int { return big.NewInt(1000 + serials.Add(1)) }

func createCert(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newPKI(t testing.TB, o pkiOptions) *testPKI {
	t.Helper()
	if o.name == "" {
		o.name = "Test"
	}
	if o.notBefore.IsZero() {
		o.notBefore = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.notAfter.IsZero() {
		o.notAfter = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p := &testPKI{rootKey: newKey(t), interKey: newKey(t), leafKey: newKey(t)}
	rootTmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: o.name + " MDS Root"},
		NotBefore: o.notBefore, NotAfter: o.notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true,
	}
	p.root = createCert(t, rootTmpl, rootTmpl, p.rootKey.Public(), p.rootKey)
	interTmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: o.name + " MDS Intermediate"},
		NotBefore: o.notBefore, NotAfter: o.notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true,
	}
	if o.rootCRLURL != "" {
		interTmpl.CRLDistributionPoints = []string{o.rootCRLURL}
	}
	p.inter = createCert(t, interTmpl, p.root, p.interKey.Public(), p.rootKey)
	leafTmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: o.name + " MDS Signer"},
		NotBefore: o.notBefore, NotAfter: o.notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	if o.interCRLURL != "" {
		leafTmpl.CRLDistributionPoints = []string{o.interCRLURL}
	}
	p.leaf = createCert(t, leafTmpl, p.inter, p.leafKey.Public(), p.interKey)
	return p
}

// makeCRL issues a CRL valid from thisUpdate to nextUpdate listing serials.
func makeCRL(t testing.TB, issuer *x509.Certificate, key crypto.Signer, thisUpdate, nextUpdate time.Time, serials ...*big.Int) *x509.RevocationList {
	t.Helper()
	tmpl := &x509.RevocationList{
		Number: nextSerial(), ThisUpdate: thisUpdate, NextUpdate: nextUpdate,
	}
	for _, s := range serials {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: s, RevocationTime: thisUpdate})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer, key)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

var (
	crlThis = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	crlNext = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
)

// rootCRL is the root's CRL (it covers the intermediate).
func (p *testPKI) rootCRL(t testing.TB, revoked ...*big.Int) *x509.RevocationList {
	return makeCRL(t, p.root, p.rootKey, crlThis, crlNext, revoked...)
}

// interCRL is the intermediate's CRL (it covers the signing certificate).
func (p *testPKI) interCRL(t testing.TB, revoked ...*big.Int) *x509.RevocationList {
	return makeCRL(t, p.inter, p.interKey, crlThis, crlNext, revoked...)
}

// opts verifies against this PKI with both CRLs, nothing revoked.
func (p *testPKI) opts(t testing.TB) metadata.VerifyOptions {
	return metadata.VerifyOptions{
		Roots: []*x509.Certificate{p.root},
		CRLs:  []*x509.RevocationList{p.rootCRL(t), p.interCRL(t)},
		Now:   testNow,
	}
}

// sign makes a compact JWS of payload with the given extra headers.
func sign(t testing.TB, payload []byte, alg jose.SignatureAlgorithm, key any, headers map[jose.HeaderKey]any) []byte {
	t.Helper()
	so := (&jose.SignerOptions{}).WithType("JWT")
	for k, v := range headers {
		so = so.WithHeader(k, v)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, so)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

func x5c(certs ...*x509.Certificate) []string {
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	return out
}

// blob signs payload with the signing certificate, x5c = [signer, intermediate].
func (p *testPKI) blob(t testing.TB, payload []byte) []byte {
	return sign(t, payload, jose.ES256, p.leafKey, map[jose.HeaderKey]any{"x5c": x5c(p.leaf, p.inter)})
}

// verify signs payload and verifies it with p.opts.
func (p *testPKI) verify(t testing.TB, payload []byte) *metadata.BLOB {
	t.Helper()
	b, err := metadata.Verify(p.blob(t, payload), p.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obj is a JSON object under construction.
type obj = map[string]any

// payloadJSON builds a BLOB payload.
func payloadJSON(t testing.TB, no int64, nextUpdate string, entries ...any) []byte {
	t.Helper()
	if entries == nil {
		entries = []any{}
	}
	data, err := json.Marshal(obj{
		"legalHeader": "Retrieval and use of this BLOB indicates acceptance of the test terms.",
		"no":          no,
		"nextUpdate":  nextUpdate,
		"entries":     entries,
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fido2Entry is an entry for an AAGUID with attestation roots and reports.
func fido2Entry(aaguid, description string, roots []*x509.Certificate, reports ...obj) obj {
	if reports == nil {
		reports = []obj{report("FIDO_CERTIFIED_L1", "2024-01-01")}
	}
	return obj{
		"aaguid": aaguid,
		"metadataStatement": obj{
			"description":                 description,
			"aaguid":                      aaguid,
			"protocolFamily":              "fido2",
			"schema":                      3,
			"authenticatorVersion":        1,
			"attestationTypes":            []string{"basic_full"},
			"attestationRootCertificates": x5c(roots...),
			"icon":                        "data:image/png;base64,iVBORw0KGgo=",
		},
		"statusReports":          reports,
		"timeOfLastStatusChange": "2024-01-01",
	}
}

// u2fEntry is an entry found by attestation certificate key identifier.
func u2fEntry(keyID, description string, roots []*x509.Certificate, reports ...obj) obj {
	if reports == nil {
		reports = []obj{report("FIDO_CERTIFIED", "2024-01-01")}
	}
	return obj{
		"attestationCertificateKeyIdentifiers": []string{keyID},
		"metadataStatement": obj{
			"description":                          description,
			"attestationCertificateKeyIdentifiers": []string{keyID},
			"protocolFamily":                       "u2f",
			"schema":                               3,
			"attestationTypes":                     []string{"basic_full"},
			"attestationRootCertificates":          x5c(roots...),
		},
		"statusReports":          reports,
		"timeOfLastStatusChange": "2024-01-01",
	}
}

// report is a status report; extra holds more members as key, value pairs.
func report(status, effective string, extra ...any) obj {
	r := obj{"status": status}
	if effective != "" {
		r["effectiveDate"] = effective
	}
	for i := 0; i+1 < len(extra); i += 2 {
		r[extra[i].(string)] = extra[i+1]
	}
	return r
}

func mustAAGUID(t testing.TB, s string) [16]byte {
	t.Helper()
	a, err := metadata.ParseAAGUID(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// attestationCA is a model's attestation root and one attestation
// certificate under it.
type attestationCA struct {
	root, leaf *x509.Certificate
	key        *ecdsa.PrivateKey
}

func newAttestationCA(t testing.TB, name string) *attestationCA {
	t.Helper()
	rootKey, leafKey := newKey(t), newKey(t)
	nb, na := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	rootTmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name + " Attestation Root"},
		NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageCertSign,
		BasicConstraintsValid: true, IsCA: true,
	}
	root := createCert(t, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	leaf := createCert(t, &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name + " Attestation"},
		NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}, root, leafKey.Public(), rootKey)
	return &attestationCA{root: root, leaf: leaf, key: leafKey}
}

func newKeyCurve(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	curves := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}
	k, err := ecdsa.GenerateKey(curves[name], rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// selfSigned makes a CA certificate for key (a crypto.Signer).
func selfSigned(t testing.TB, key any) *x509.Certificate {
	t.Helper()
	s := key.(crypto.Signer)
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "Self-signed MDS signer"},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true,
	}
	return createCert(t, tmpl, tmpl, s.Public(), s)
}

func parsePEMCert(t testing.TB, data []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
