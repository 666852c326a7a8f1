package metadata

import (
	"bytes"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Verdicts of the fuzz targets' checks, as the seed test counts them.
const verdictOK = "ok"

// sentinelNames names the sentinel an error wraps, for the verdicts.
var sentinelNames = []struct {
	err  error
	name string
}{
	{ErrMalformed, "ErrMalformed"}, {ErrTooLarge, "ErrTooLarge"}, {ErrAlgorithm, "ErrAlgorithm"},
	{ErrChain, "ErrChain"}, {ErrCRLMissing, "ErrCRLMissing"}, {ErrRevoked, "ErrRevoked"},
	{ErrSignature, "ErrSignature"}, {ErrLegalHeader, "ErrLegalHeader"}, {ErrStale, "ErrStale"},
}

// verdictOf names the one sentinel err wraps; it fails t if err wraps none
// or several.
func verdictOf(t testing.TB, err error) string {
	t.Helper()
	name := ""
	for _, s := range sentinelNames {
		if errors.Is(err, s.err) {
			if name != "" {
				t.Fatalf("error wraps %s and %s: %v", name, s.name, err)
			}
			name = s.name
		}
	}
	if name == "" {
		t.Fatalf("error names no check: %v", err)
	}
	return name
}

// specExample returns testdata/spec-example-blob.jwt and its root.
func specExample(t testing.TB) ([]byte, *x509.Certificate) {
	t.Helper()
	data, err := os.ReadFile("testdata/spec-example-blob.jwt")
	if err != nil {
		t.Fatal(err)
	}
	rootPEM, err := os.ReadFile("testdata/spec-example-root.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(rootPEM)
	if block == nil {
		t.Fatal("spec-example-root.pem: no PEM block")
	}
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(data), root
}

// specExamplePayload is the payload of testdata/spec-example-blob.jwt.
func specExamplePayload(t testing.TB) []byte {
	data, _ := specExample(t)
	parts := strings.Split(string(data), ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return payload
}

// payloadSeeds is FuzzParsePayload's seed corpus.
func payloadSeeds(t testing.TB) [][]byte {
	return [][]byte{
		specExamplePayload(t),
		[]byte(`{"no":1,"nextUpdate":"2025-07-01","entries":[]}`),
		[]byte(`{"no":1,"nextUpdate":"2025-07-01","entries":[{"aaguid":"0132d110-bf4e-4208-a403-ab4f5f12efe5",` +
			`"statusReports":[{"status":"REVOKED","effectiveDate":"2024-01-01","sunsetDate":"2026-01-01","certificate":"AAAA"}],` +
			`"metadataStatement":{"description":"x","attestationRootCertificates":["AAAA"]}},` +
			`{"attestationCertificateKeyIdentifiers":["0000000000000000000000000000000000000000"],"statusReports":[]},` +
			`{"aaguid":"not a UUID","statusReports":[]}]}`),
		[]byte(`{"no":-1}`),
		[]byte(`null`),
	}
}

// checkPayload is FuzzParsePayload's property: no input panics the payload
// parser or the look-ups on what it returns; a refusal is ErrMalformed; an
// accepted payload says what encoding/json reads in it (no, nextUpdate
// formatted back to the same text, every entry either kept or reported
// skipped), and every indexed entry is one of the kept entries.
func checkPayload(t testing.TB, data []byte) string {
	c, err := parsePayload(data)
	if err != nil {
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("error without ErrMalformed: %v", err)
		}
		return verdictOf(t, err)
	}
	var ref struct {
		No         *int64            `json:"no"`
		NextUpdate *string           `json:"nextUpdate"`
		Entries    []json.RawMessage `json:"entries"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&ref); err != nil || ref.No == nil || ref.NextUpdate == nil || ref.Entries == nil {
		t.Fatalf("accepted a payload encoding/json reads without no, nextUpdate or entries (%v)", err)
	}
	if c.no != *ref.No || c.nextUpdate.Format(dayFormat) != *ref.NextUpdate || c.nextUpdate.Location() != time.UTC {
		t.Fatalf("read no %d, nextUpdate %v; the payload says %d, %q", c.no, c.nextUpdate, *ref.No, *ref.NextUpdate)
	}
	skipped := 0
	for _, p := range c.problems {
		if p.Skipped {
			skipped++
		}
	}
	if len(c.entries)+skipped != len(ref.Entries) {
		t.Fatalf("%d entries kept and %d skipped of %d", len(c.entries), skipped, len(ref.Entries))
	}
	kept := map[*Entry]bool{}
	for _, e := range c.entries {
		kept[e] = true
	}
	for a, e := range c.byAAGUID {
		if !kept[e] || e.AAGUID != a {
			t.Fatalf("AAGUID %x indexes an entry that is not kept or not its own", a)
		}
	}
	for _, e := range c.byKeyID {
		if !kept[e] {
			t.Fatal("a key identifier indexes an entry that is not kept")
		}
	}
	b := &BLOB{c: c}
	for _, e := range c.entries {
		for _, at := range []time.Time{{}, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)} {
			st, _ := b.Status(e.AAGUID, at)
			_ = st.CheckPath([][]byte{{0x30}})
			_, _ = b.TrustAnchorsAt("packed", e.AAGUID, nil, at)
			_ = b.UVTrusted(e.AAGUID, at)
		}
		for _, id := range e.KeyIdentifiers {
			if _, ok := b.EntryByKeyIdentifier(id); !ok {
				t.Fatalf("key identifier %s of a kept entry not found", id)
			}
		}
	}
	return verdictOK
}

func FuzzParsePayload(f *testing.F) {
	for _, s := range payloadSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkPayload(t, data) })
}

// verifyFuzz is FuzzVerify's fixed world: options, seeds, and the BLOBs
// among the seeds that verify.
type verifyFuzz struct {
	opts  VerifyOptions
	seeds [][]byte
	// valid are the seeds that verify, as header, payload and signature
	// (decoded); ecdsa marks an ES256 signature, which (r, n−s) matches too.
	valid []validBLOB
}

type validBLOB struct {
	header, payload string
	sig             []byte
	ecdsa           bool
}

// fuzzEd25519 derives a fixed Ed25519 key, so that the certificates and
// BLOBs made from it are the same bytes in every run and a saved corpus
// entry stays valid.
func fuzzEd25519(label byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{label}, ed25519.SeedSize))
}

// fuzzChain is root → n CAs → signer, Ed25519 throughout (deterministic
// signatures), valid 2020–2040. It returns the root, the x5c (signer
// first, root left out) and the signer's key.
func fuzzChain(t testing.TB, n int, label byte) (*x509.Certificate, []*x509.Certificate, ed25519.PrivateKey) {
	t.Helper()
	tmpl := func(serial int64, name string, ca bool) *x509.Certificate {
		c := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: ca,
		}
		if ca {
			c.KeyUsage = x509.KeyUsageCertSign
		}
		return c
	}
	issue := func(tm, parent *x509.Certificate, pub ed25519.PublicKey, key ed25519.PrivateKey) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tm, parent, pub, key)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	name := "Fuzz MDS " + string(rune('A'+label))
	rootKey := fuzzEd25519(label)
	rt := tmpl(1, name+" Root", true)
	root := issue(rt, rt, rootKey.Public().(ed25519.PublicKey), rootKey)
	parent, parentKey := root, rootKey
	var x5c []*x509.Certificate
	for i := range n {
		k := fuzzEd25519(label + byte(i) + 1)
		c := issue(tmpl(int64(i)+2, name+" CA "+string(rune('A'+i)), true), parent, k.Public().(ed25519.PublicKey), parentKey)
		x5c = append([]*x509.Certificate{c}, x5c...)
		parent, parentKey = c, k
	}
	signerKey := fuzzEd25519(label + byte(n) + 1)
	signer := issue(tmpl(100, name+" Signer", false), parent, signerKey.Public().(ed25519.PublicKey), parentKey)
	return root, append([]*x509.Certificate{signer}, x5c...), signerKey
}

// signEdDSA makes the compact JWS of payload with x5c in its header.
func signEdDSA(t testing.TB, payload []byte, key ed25519.PrivateKey, x5c []*x509.Certificate) []byte {
	t.Helper()
	chain := make([]string, len(x5c))
	for i, c := range x5c {
		chain[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key},
		(&jose.SignerOptions{}).WithHeader("x5c", chain))
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

// maxFuzzBLOB is FuzzVerify's size limit: small, so that a seed can pass it.
const maxFuzzBLOB = 32 << 10

func newVerifyFuzz(t testing.TB) *verifyFuzz {
	t.Helper()
	spec, specRoot := specExample(t)
	root, chain, key := fuzzChain(t, 1, 0)
	root6, chain6, key6 := fuzzChain(t, 5, 10)
	fx := &verifyFuzz{opts: VerifyOptions{Roots: []*x509.Certificate{specRoot, root, root6}, AllowMissingCRLs: true,
		Now: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), MaxSize: maxFuzzBLOB}}

	// The spec's example, as recorded (its ES256 signature in DER, which
	// JWS does not allow) and with the signature as R‖S, which verifies.
	parts := strings.Split(string(spec), ".")
	der, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	fixed := []byte(parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig))
	fx.valid = append(fx.valid, validBLOB{header: parts[0], payload: parts[1], sig: sig, ecdsa: true})

	payload := []byte(`{"legalHeader":"fuzz","no":7,"nextUpdate":"2022-02-01","entries":[` +
		`{"aaguid":"0132d110-bf4e-4208-a403-ab4f5f12efe5","statusReports":[{"status":"FIDO_CERTIFIED_L1","effectiveDate":"2021-01-01"}],` +
		`"metadataStatement":{"description":"Fuzz Key","attestationRootCertificates":["` + base64.StdEncoding.EncodeToString(root.Raw) + `"]}}]}`)
	ed := signEdDSA(t, payload, key, chain)
	edParts := strings.Split(string(ed), ".")
	edSig, err := base64.RawURLEncoding.DecodeString(edParts[2])
	if err != nil {
		t.Fatal(err)
	}
	fx.valid = append(fx.valid, validBLOB{header: edParts[0], payload: edParts[1], sig: edSig})

	fx.seeds = [][]byte{
		spec,                                  // ErrSignature: DER where JWS wants R‖S
		fixed,                                 // verifies
		ed,                                    // verifies
		signEdDSA(t, payload, key6, chain6),   // ErrChain: six certificates
		signEdDSA(t, payload, key, chain[:1]), // ErrChain: the CA left out
		[]byte("e30.e30.e30"),                 // ErrAlgorithm: no alg
		[]byte("not a JWS"),                   // ErrMalformed: one part
		[]byte(base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","x5c":["AAAA"]}`)) + ".e30.AAAA"), // ErrMalformed: x5c
		[]byte(`eyJhbGciOiJub25lIn0.e30.`),                        // ErrAlgorithm: none
		bytes.Repeat([]byte("A"), maxFuzzBLOB+1),                  // ErrTooLarge
		signEdDSA(t, []byte(`{"no":7,"entries":[]}`), key, chain), // ErrMalformed: no nextUpdate
	}
	return fx
}

// check is FuzzVerify's property: no input panics Verify, every refusal
// wraps exactly one sentinel, and a BLOB that verifies is one of the valid
// seeds: the same header and payload text (the signature covers both),
// and the same signature — or, for ES256, (r, n−s), which verifies too.
// Anything else would be a BLOB nobody signed.
func (fx *verifyFuzz) check(t testing.TB, data []byte) string {
	b, err := Verify(data, fx.opts)
	if err != nil {
		if b != nil {
			t.Fatal("a BLOB and an error")
		}
		return verdictOf(t, err)
	}
	if b == nil {
		t.Fatal("no BLOB and no error")
	}
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	if len(parts) != 3 {
		t.Fatalf("verified %d parts", len(parts))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatalf("verified a signature that is not base64url: %v", err)
	}
	for _, v := range fx.valid {
		if parts[0] == v.header && parts[1] == v.payload && (bytes.Equal(sig, v.sig) || v.ecdsa && negatedS(v.sig, sig)) {
			return verdictOK
		}
	}
	t.Fatalf("verified a BLOB that is no seed's: %q", data)
	return ""
}

// negatedS reports whether b is the R‖S signature (r, n−s) of P-256 where
// a is (r, s).
func negatedS(a, b []byte) bool {
	if len(a) != 64 || len(b) != 64 || !bytes.Equal(a[:32], b[:32]) {
		return false
	}
	n := elliptic.P256().Params().N
	s := new(big.Int).Sub(n, new(big.Int).SetBytes(a[32:]))
	return s.Cmp(new(big.Int).SetBytes(b[32:])) == 0
}

func FuzzVerify(f *testing.F) {
	fx := newVerifyFuzz(f)
	for _, s := range fx.seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { fx.check(t, data) })
}
