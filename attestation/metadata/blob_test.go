package metadata_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gopasskey/passkey/attestation/metadata"
)

const aaguidA = "0132d110-bf4e-4208-a403-ab4f5f12efe5"

func TestVerifyAcceptsAndIndexes(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model A")
	b := p.verify(t, payloadJSON(t, 42, "2025-07-01", fido2Entry(aaguidA, "Model A", []*x509.Certificate{ca.root})))

	if b.No() != 42 {
		t.Errorf("No() = %d, want 42", b.No())
	}
	if want := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC); !b.NextUpdate().Equal(want) {
		t.Errorf("NextUpdate() = %v, want %v", b.NextUpdate(), want)
	}
	if !strings.HasPrefix(b.LegalHeader(), "Retrieval and use") {
		t.Errorf("LegalHeader() = %q", b.LegalHeader())
	}
	if b.Stale() || !b.VerifiedAt().Equal(testNow) {
		t.Errorf("Stale() = %v, VerifiedAt() = %v", b.Stale(), b.VerifiedAt())
	}
	chain := b.Chain()
	if len(chain) != 3 || !chain[0].Equal(p.leaf) || !chain[1].Equal(p.inter) || !chain[2].Equal(p.root) {
		t.Errorf("Chain() = %d certificates, want signer, intermediate, root", len(chain))
	}
	if b.Len() != 1 || len(b.Entries()) != 1 || len(b.Problems()) != 0 {
		t.Errorf("Len %d, Entries %d, Problems %v", b.Len(), len(b.Entries()), b.Problems())
	}
	e, ok := b.Entry(mustAAGUID(t, aaguidA))
	if !ok {
		t.Fatal("Entry(aaguid) not found")
	}
	if e.Statement.Description != "Model A" || len(e.Statement.AttestationRootCertificates) != 1 ||
		!e.Statement.AttestationRootCertificates[0].Equal(ca.root) {
		t.Errorf("entry statement = %+v", e.Statement)
	}
	if b.Name(mustAAGUID(t, aaguidA)) != "Model A" || !strings.HasPrefix(b.Icon(mustAAGUID(t, aaguidA)), "data:image/png") {
		t.Errorf("Name %q Icon %q", b.Name(mustAAGUID(t, aaguidA)), b.Icon(mustAAGUID(t, aaguidA)))
	}
}

// tamper returns a copy of a compact JWS with part i (0 header, 1 payload,
// 2 signature) replaced.
func tamper(jws []byte, i int, part string) []byte {
	parts := strings.Split(string(jws), ".")
	parts[i] = part
	return []byte(strings.Join(parts, "."))
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestVerifyRejects(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	other := newPKI(t, pkiOptions{name: "Other"})
	payload := payloadJSON(t, 1, "2025-07-01")
	good := p.blob(t, payload)
	goodParts := strings.Split(string(good), ".")

	// The same subject names as p's intermediate, another key: a CRL it
	// signs names the right issuer but must not count.
	impostor := newPKI(t, pkiOptions{})

	hmac := sign(t, payload, jose.HS256, []byte("0123456789abcdef0123456789abcdef"),
		map[jose.HeaderKey]any{"x5c": x5c(p.leaf, p.inter)})
	noneHeader := b64url(`{"alg":"none","typ":"JWT"}`)

	sigBytes, _ := base64.RawURLEncoding.DecodeString(goodParts[2])
	sigBytes[5] ^= 0x01

	cases := []struct {
		name string
		blob []byte
		opts func(*metadata.VerifyOptions)
		want error
	}{
		{"signature altered", tamper(good, 2, base64.RawURLEncoding.EncodeToString(sigBytes)), nil, metadata.ErrSignature},
		{"payload swapped", tamper(good, 1, base64.RawURLEncoding.EncodeToString(payloadJSON(t, 99, "2025-07-01"))), nil, metadata.ErrSignature},
		{"signed by a key not the signer's",
			sign(t, payload, jose.ES256, other.leafKey, map[jose.HeaderKey]any{"x5c": x5c(p.leaf, p.inter)}), nil, metadata.ErrSignature},
		{"alg none", []byte(noneHeader + "." + goodParts[1] + "."), nil, metadata.ErrAlgorithm},
		{"alg HS256", hmac, nil, metadata.ErrAlgorithm},
		{"chain to another root", good, func(o *metadata.VerifyOptions) { o.Roots = []*x509.Certificate{other.root} }, metadata.ErrChain},
		{"default root is the FIDO root, not any", good, func(o *metadata.VerifyOptions) { o.Roots = nil }, metadata.ErrChain},
		{"signer expired", good, func(o *metadata.VerifyOptions) { o.Now = time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) }, metadata.ErrChain},
		{"signer not yet valid", good, func(o *metadata.VerifyOptions) { o.Now = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC) }, metadata.ErrChain},
		{"x5c without the intermediate", sign(t, payload, jose.ES256, p.leafKey, map[jose.HeaderKey]any{"x5c": x5c(p.leaf)}), nil, metadata.ErrChain},
		{"x5u only", sign(t, payload, jose.ES256, p.leafKey, map[jose.HeaderKey]any{"x5u": "https://example.com/chain.pem"}), nil, metadata.ErrChain},
		{"no x5c, signed by a key that is no root's", sign(t, payload, jose.ES256, p.leafKey, nil), nil, metadata.ErrSignature},
		{"signing certificate revoked", good, func(o *metadata.VerifyOptions) {
			o.CRLs = []*x509.RevocationList{p.rootCRL(t), p.interCRL(t, p.leaf.SerialNumber)}
		}, metadata.ErrRevoked},
		{"intermediate revoked", good, func(o *metadata.VerifyOptions) {
			o.CRLs = []*x509.RevocationList{p.rootCRL(t, p.inter.SerialNumber), p.interCRL(t)}
		}, metadata.ErrRevoked},
		{"revoked on a supplied CRL although missing CRLs are allowed", good, func(o *metadata.VerifyOptions) {
			o.CRLs = []*x509.RevocationList{p.interCRL(t, p.leaf.SerialNumber)}
			o.AllowMissingCRLs = true
		}, metadata.ErrRevoked},
		{"no CRLs", good, func(o *metadata.VerifyOptions) { o.CRLs = nil }, metadata.ErrCRLMissing},
		{"signer's CRL missing", good, func(o *metadata.VerifyOptions) { o.CRLs = []*x509.RevocationList{p.rootCRL(t)} }, metadata.ErrCRLMissing},
		{"intermediate's CRL missing", good, func(o *metadata.VerifyOptions) { o.CRLs = []*x509.RevocationList{p.interCRL(t)} }, metadata.ErrCRLMissing},
		{"CRL past its nextUpdate", good, func(o *metadata.VerifyOptions) {
			o.CRLs = []*x509.RevocationList{p.rootCRL(t),
				makeCRL(t, p.inter, p.interKey, crlThis.AddDate(0, -2, 0), crlThis.AddDate(0, -1, 0))}
		}, metadata.ErrCRLMissing},
		{"CRL not yet issued", good, func(o *metadata.VerifyOptions) {
			o.CRLs = []*x509.RevocationList{p.rootCRL(t),
				makeCRL(t, p.inter, p.interKey, testNow.Add(time.Hour), crlNext)}
		}, metadata.ErrCRLMissing},
		{"CRL signed by an impostor with the issuer's name", good, func(o *metadata.VerifyOptions) {
			o.CRLs = []*x509.RevocationList{p.rootCRL(t), impostor.interCRL(t)}
		}, metadata.ErrCRLMissing},
		{"legalHeader differs", good, func(o *metadata.VerifyOptions) { o.LegalHeader = "another legal header" }, metadata.ErrLegalHeader},
		{"stale and failing closed", good, func(o *metadata.VerifyOptions) {
			o.Now = time.Date(2025, 7, 2, 0, 0, 0, 0, time.UTC)
			o.CRLs = []*x509.RevocationList{
				makeCRL(t, p.root, p.rootKey, crlThis, crlNext.AddDate(0, 1, 0)),
				makeCRL(t, p.inter, p.interKey, crlThis, crlNext.AddDate(0, 1, 0))}
			o.FailStale = true
		}, metadata.ErrStale},
		{"larger than MaxSize", good, func(o *metadata.VerifyOptions) { o.MaxSize = len(good) - 1 }, metadata.ErrTooLarge},
		{"not a JWS", []byte("not a JWS at all"), nil, metadata.ErrMalformed},
		{"line break in the header", []byte(goodParts[0][:8] + "\r\n" + goodParts[0][8:] + "." + goodParts[1] + "." + goodParts[2]), nil, metadata.ErrMalformed},
		{"line break in the payload", []byte(goodParts[0] + "." + goodParts[1][:8] + "\n" + goodParts[1][8:] + "." + goodParts[2]), nil, metadata.ErrMalformed},
		{"line break in the signature", []byte(goodParts[0] + "." + goodParts[1] + "." + goodParts[2][:8] + "\n" + goodParts[2][8:]), nil, metadata.ErrMalformed},
		{"padded base64", []byte(goodParts[0] + "." + goodParts[1] + "." + goodParts[2] + "=="), nil, metadata.ErrMalformed},
		{"JWS JSON serialization", []byte(`{"payload":"e30","protected":"` + goodParts[0] + `","signature":"` + goodParts[2] + `"}`), nil, metadata.ErrMalformed},
		{"payload not JSON", p.blob(t, []byte("not json")), nil, metadata.ErrMalformed},
		{"payload an array", p.blob(t, []byte(`[]`)), nil, metadata.ErrMalformed},
		{"payload followed by more JSON", p.blob(t, append(payloadJSON(t, 1, "2025-07-01"), []byte(` {}`)...)), nil, metadata.ErrMalformed},
		{"no serial number", p.blob(t, []byte(`{"nextUpdate":"2025-07-01","entries":[]}`)), nil, metadata.ErrMalformed},
		{"negative serial number", p.blob(t, []byte(`{"no":-1,"nextUpdate":"2025-07-01","entries":[]}`)), nil, metadata.ErrMalformed},
		{"fractional serial number", p.blob(t, []byte(`{"no":1.5,"nextUpdate":"2025-07-01","entries":[]}`)), nil, metadata.ErrMalformed},
		{"no nextUpdate", p.blob(t, []byte(`{"no":1,"entries":[]}`)), nil, metadata.ErrMalformed},
		{"nextUpdate not a date", p.blob(t, []byte(`{"no":1,"nextUpdate":"July 2025","entries":[]}`)), nil, metadata.ErrMalformed},
		{"no entries", p.blob(t, []byte(`{"no":1,"nextUpdate":"2025-07-01"}`)), nil, metadata.ErrMalformed},
		{"entries not an array", p.blob(t, []byte(`{"no":1,"nextUpdate":"2025-07-01","entries":{}}`)), nil, metadata.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := p.opts(t)
			if tc.opts != nil {
				tc.opts(&o)
			}
			b, err := metadata.Verify(tc.blob, o)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify error = %v, want %v", err, tc.want)
			}
			if b != nil {
				t.Error("Verify returned a BLOB with an error")
			}
		})
	}
}

// TestVerifyOptionsLoosen checks each knob that accepts what the default
// refuses, so that the refusals above are not accidents.
func TestVerifyOptionsLoosen(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	payload := payloadJSON(t, 1, "2025-07-01")
	cases := []struct {
		name string
		blob []byte
		opts func(*metadata.VerifyOptions)
	}{
		{"missing CRLs allowed", p.blob(t, payload), func(o *metadata.VerifyOptions) { o.CRLs, o.AllowMissingCRLs = nil, true }},
		{"root signs directly without x5c", sign(t, payload, jose.ES256, p.rootKey, nil), func(o *metadata.VerifyOptions) { o.CRLs = nil }},
		{"leading and trailing white space", append(append([]byte("\n "), p.blob(t, payload)...), '\n'), nil},
		{"matching legalHeader", p.blob(t, payload), func(o *metadata.VerifyOptions) {
			o.LegalHeader = "Retrieval and use of this BLOB indicates acceptance of the test terms."
		}},
		{"x5c with the root too", sign(t, payload, jose.ES256, p.leafKey, map[jose.HeaderKey]any{"x5c": x5c(p.leaf, p.inter, p.root)}), nil},
		{"MaxSize exactly the size", p.blob(t, payload), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := p.opts(t)
			if tc.opts != nil {
				tc.opts(&o)
			}
			if tc.name == "MaxSize exactly the size" {
				o.MaxSize = len(tc.blob)
			}
			if _, err := metadata.Verify(tc.blob, o); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestVerifyAlgorithms(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p384 := newKeyCurve(t, "P-384")
	cases := []struct {
		alg jose.SignatureAlgorithm
		key any
	}{
		{jose.RS256, rsaKey}, {jose.PS256, rsaKey}, {jose.RS512, rsaKey},
		{jose.ES256, newKey(t)}, {jose.ES384, p384}, {jose.EdDSA, edKey},
	}
	for _, tc := range cases {
		t.Run(string(tc.alg), func(t *testing.T) {
			root := selfSigned(t, tc.key)
			o := metadata.VerifyOptions{Roots: []*x509.Certificate{root}, Now: testNow}
			data := sign(t, payloadJSON(t, 7, "2025-07-01"), tc.alg, tc.key, map[jose.HeaderKey]any{"x5c": x5c(root)})
			b, err := metadata.Verify(data, o)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if b.No() != 7 {
				t.Errorf("No() = %d", b.No())
			}
		})
	}
}

func TestStaleness(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	data := p.blob(t, payloadJSON(t, 1, "2025-06-01"))
	cases := []struct {
		name  string
		now   time.Time
		stale bool
	}{
		{"the day before nextUpdate", time.Date(2025, 5, 31, 23, 59, 59, 0, time.UTC), false},
		{"during the nextUpdate day", time.Date(2025, 6, 1, 23, 59, 59, 0, time.UTC), false},
		{"the day after nextUpdate", time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := p.opts(t)
			o.Now = tc.now
			b, err := metadata.Verify(data, o)
			if err != nil {
				t.Fatalf("Verify without FailStale: %v", err)
			}
			if b.Stale() != tc.stale || b.StaleAt(tc.now) != tc.stale {
				t.Errorf("Stale() = %v, StaleAt = %v, want %v", b.Stale(), b.StaleAt(tc.now), tc.stale)
			}
			o.FailStale = true
			_, err = metadata.Verify(data, o)
			if tc.stale != errors.Is(err, metadata.ErrStale) {
				t.Errorf("Verify with FailStale: %v, want stale=%v", err, tc.stale)
			}
		})
	}
}

func TestLoadFileAndReader(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	data := p.blob(t, payloadJSON(t, 3, "2025-07-01"))
	path := filepath.Join(t.TempDir(), "blob.jwt")
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := metadata.LoadFile(path, p.opts(t))
	if err != nil || b.No() != 3 {
		t.Fatalf("LoadFile: %v", err)
	}
	b, err = metadata.Load(bytes.NewReader(data), p.opts(t))
	if err != nil || b.No() != 3 {
		t.Fatalf("Load: %v", err)
	}
	o := p.opts(t)
	o.MaxSize = len(data) - 1
	if _, err := metadata.Load(bytes.NewReader(data), o); !errors.Is(err, metadata.ErrTooLarge) {
		t.Errorf("Load past MaxSize: %v, want ErrTooLarge", err)
	}
	if _, err := metadata.LoadFile(filepath.Join(t.TempDir(), "absent.jwt"), p.opts(t)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile of a missing file: %v", err)
	}
}

func TestFIDORoot(t *testing.T) {
	root := metadata.FIDORoot()
	sum := sha256.Sum256(root.Raw)
	const want = "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b"
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("FIDORoot SHA-256 = %s, want %s (GlobalSign Root CA - R3)", got, want)
	}
	if root.Subject.OrganizationalUnit[0] != "GlobalSign Root CA - R3" || !root.IsCA {
		t.Errorf("FIDORoot subject = %v", root.Subject)
	}
	// A copy: changing it does not change the default.
	root.Raw[0] ^= 0xff
	if metadata.FIDORoot().Raw[0] == root.Raw[0] {
		t.Error("FIDORoot returned shared state")
	}
}

// TestSpecExampleBLOB runs the example BLOB of the MDS3 specification, as
// python-fido2 keeps it (testdata/README.md). Its ES256 signature is DER
// encoded, which RFC 7518 §3.4 forbids (R‖S, 64 bytes): it is refused.
// Re-encoded as R‖S by the test, the same signature verifies, and the
// payload — a real-format BLOB with a UAF and a FIDO2 entry — is read.
func TestSpecExampleBLOB(t *testing.T) {
	data, err := os.ReadFile("testdata/spec-example-blob.jwt")
	if err != nil {
		t.Fatal(err)
	}
	rootPEM, err := os.ReadFile("testdata/spec-example-root.pem")
	if err != nil {
		t.Fatal(err)
	}
	root := parsePEMCert(t, rootPEM)
	o := metadata.VerifyOptions{
		Roots: []*x509.Certificate{root},
		// The example chain names no CRL distribution points.
		AllowMissingCRLs: true,
		Now:              time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if _, err := metadata.Verify(data, o); !errors.Is(err, metadata.ErrSignature) {
		t.Fatalf("DER-encoded ES256 signature: %v, want ErrSignature", err)
	}

	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	der, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	rs := derToRS(t, der)
	fixed := []byte(parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(rs))
	b, err := metadata.Verify(fixed, o)
	if err != nil {
		t.Fatalf("R‖S signature: %v", err)
	}
	if b.No() != 15 || b.Len() != 2 || len(b.Problems()) != 0 {
		t.Errorf("no %d, %d entries, problems %v; want 15, 2, none", b.No(), b.Len(), b.Problems())
	}
	if !b.Stale() {
		t.Error("the example's nextUpdate (2020-03-30) is past in 2022: Stale() should be true")
	}
	aaguid := mustAAGUID(t, "0132d110-bf4e-4208-a403-ab4f5f12efe5")
	if got := b.Name(aaguid); got != "FIDO Alliance Sample FIDO2 Authenticator" {
		t.Errorf("Name = %q", got)
	}
	st, err := b.Status(aaguid, o.Now)
	if err != nil || st.Current.Status != metadata.StatusFIDOCertifiedL1 || !st.UVTrusted {
		t.Errorf("Status = %+v, %v; want FIDO_CERTIFIED_L1", st.Current, err)
	}
	// Before 2020-11-19 the L1 report was not yet in effect.
	st, _ = b.Status(aaguid, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	if st.Current.Status != metadata.StatusFIDOCertified {
		t.Errorf("Status in 2020 = %s, want FIDO_CERTIFIED", st.Current.Status)
	}
	e, _ := b.Entry(aaguid)
	if len(e.Statement.AttestationRootCertificates) != 1 || e.Statement.ProtocolFamily != "fido2" ||
		len(e.Statement.AttestationTypes) != 1 || e.Statement.AttestationTypes[0] != "basic_full" {
		t.Errorf("statement = %+v", e.Statement)
	}
	var uaf *metadata.Entry
	for _, e := range b.Entries() {
		if e.AAID == "1234#5678" {
			uaf = e
		}
	}
	if uaf == nil || uaf.AAGUID != ([16]byte{}) {
		t.Error("the UAF entry (aaid 1234#5678) is missing or has an AAGUID")
	}
}

func derToRS(t *testing.T, der []byte) []byte {
	t.Helper()
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out
}
