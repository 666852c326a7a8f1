package metadata_test

import (
	"crypto/x509"
	"encoding/base64"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/attestation/metadata"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

// Both a Store and a BLOB are trust sources for the attestation package,
// without either package importing the other.
var (
	_ attestation.TrustSource = (*metadata.Store)(nil)
	_ attestation.TrustSource = (*metadata.BLOB)(nil)
)

const e2eAAGUID = "5c1e0a7d-0b1e-4d3c-9a8f-7e6d5c4b3a29"

// e2eOptions asks for direct attestation, so the software authenticator's
// statement reaches the relying party unchanged.
const e2eOptions = `{"rp":{"name":"Example","id":"example.com"},
	"user":{"id":"dXNlci0x","name":"ada","displayName":"Ada"},
	"challenge":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY",
	"pubKeyCredParams":[{"type":"public-key","alg":-7}],
	"attestation":"direct"}`

// register makes a registration with a passkeytest authenticator and
// verifies it with src as the trust source.
func register(t *testing.T, a *passkeytest.Authenticator, src attestation.TrustSource) (*attestation.Result, error) {
	t.Helper()
	body, err := a.Create([]byte(e2eOptions), "https://example.com")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := attestation.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	origins, err := origin.NewSet("example.com", []string{"https://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Verify(attestation.Expect{
		RPID: "example.com", Origins: origins,
		Challenge:   []byte("0123456789abcdef0123456789abcdef"),
		Algorithms:  []cose.Algorithm{cose.ES256},
		TrustSource: src,
		Now:         testNow,
	})
}

// TestEndToEnd registers packed (x5c) and fido-u2f credentials of a
// software authenticator whose test root a BLOB lists, and checks the
// decision for each status: trusted, authenticator-status-untrusted, or
// attestation-untrusted.
func TestEndToEnd(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	aaguid := mustAAGUID(t, e2eAAGUID)
	packed, err := passkeytest.New(passkeytest.Config{Seed: []byte("metadata e2e"), Attestation: passkeytest.AttestationPacked,
		AAGUID: aaguid, Intermediate: true})
	if err != nil {
		t.Fatal(err)
	}
	u2f, err := passkeytest.New(passkeytest.Config{Seed: []byte("metadata e2e u2f"), Attestation: passkeytest.AttestationFIDOU2F})
	if err != nil {
		t.Fatal(err)
	}
	stranger := newAttestationCA(t, "Stranger")
	u2fKeyID, err := metadata.KeyIdentifier(u2f.U2FAttestationCertificate())
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }
	certified := report("FIDO_CERTIFIED_L1", "2024-01-01")
	leaf, inter := packed.AttestationChain()[0], packed.AttestationChain()[1]

	cases := []struct {
		name  string
		a     *passkeytest.Authenticator
		entry obj
		want  errcode.Sentinel // "" for a trusted registration
	}{
		{"packed, listed", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()}), ""},
		{"packed, REVOKED", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("REVOKED", "2025-05-01")), errcode.ErrAuthenticatorStatusUntrusted},
		{"packed, REVOKED from tomorrow", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("REVOKED", "2025-06-02")), ""},
		{"packed, RETIRED", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("RETIRED", "2025-05-01")), errcode.ErrAuthenticatorStatusUntrusted},
		{"packed, USER_KEY_PHYSICAL_COMPROMISE", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("USER_KEY_PHYSICAL_COMPROMISE", "2025-05-01")), errcode.ErrAuthenticatorStatusUntrusted},
		{"packed, attestation key compromised: this leaf", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("ATTESTATION_KEY_COMPROMISE", "2025-05-01", "certificate", b64(leaf))), errcode.ErrAuthenticatorStatusUntrusted},
		{"packed, attestation key compromised: this intermediate", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("ATTESTATION_KEY_COMPROMISE", "2025-05-01", "certificate", b64(inter))), errcode.ErrAuthenticatorStatusUntrusted},
		{"packed, attestation key compromised: the root", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("ATTESTATION_KEY_COMPROMISE", "2025-05-01", "certificate", b64(packed.AttestationRoot()))), errcode.ErrAuthenticatorStatusUntrusted},
		{"packed, attestation key compromised: another batch", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("ATTESTATION_KEY_COMPROMISE", "2025-05-01", "certificate", b64(stranger.leaf))), ""},
		{"packed, USER_VERIFICATION_BYPASS (UV not required)", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{packed.AttestationRoot()},
			certified, report("USER_VERIFICATION_BYPASS", "2025-05-01")), ""},
		{"packed, listed with another root", packed, fido2Entry(e2eAAGUID, "Test Key", []*x509.Certificate{stranger.root}),
			errcode.ErrAttestationUntrusted},
		{"packed, AAGUID not listed", packed, fido2Entry("00000000-0000-0000-0000-0000000000ff", "Other", []*x509.Certificate{packed.AttestationRoot()}),
			errcode.ErrAttestationUntrusted},
		{"fido-u2f, listed by key identifier", u2f, u2fEntry(u2fKeyID, "Test U2F", []*x509.Certificate{u2f.AttestationRoot()}), ""},
		{"fido-u2f, REVOKED", u2f, u2fEntry(u2fKeyID, "Test U2F", []*x509.Certificate{u2f.AttestationRoot()},
			certified, report("REVOKED", "2025-05-01")), errcode.ErrAuthenticatorStatusUntrusted},
		{"fido-u2f, key identifier not listed", u2f, u2fEntry("00112233445566778899aabbccddeeff00112233", "Other", []*x509.Certificate{u2f.AttestationRoot()}),
			errcode.ErrAttestationUntrusted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			blob := p.verify(t, payloadJSON(t, 1, "2025-07-01", tc.entry))
			store := &metadata.Store{Now: func() time.Time { return testNow }}
			if err := store.Update(blob); err != nil {
				t.Fatal(err)
			}
			res, err := register(t, tc.a, store)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("registration refused: %v", err)
				}
				if !res.Trusted {
					t.Error("Result.Trusted is false")
				}
				return
			}
			if got := errcode.Code(err); got != string(tc.want) {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}

// TestEndToEndStoredCredentials: after a registration, a newer BLOB marks
// the model REVOKED; Status then flags the stored credential, and a
// certificate-scoped compromise flags it through its stored trust path.
func TestEndToEndStoredCredentials(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	aaguid := mustAAGUID(t, e2eAAGUID)
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("metadata stored"), Attestation: passkeytest.AttestationPacked, AAGUID: aaguid})
	if err != nil {
		t.Fatal(err)
	}
	root := []*x509.Certificate{a.AttestationRoot()}
	store := &metadata.Store{Now: func() time.Time { return testNow }}
	if err := store.Update(p.verify(t, payloadJSON(t, 1, "2025-07-01", fido2Entry(e2eAAGUID, "Test Key", root)))); err != nil {
		t.Fatal(err)
	}
	res, err := register(t, a, store)
	if err != nil {
		t.Fatal(err)
	}
	rec := res.Record

	leafB64 := base64.StdEncoding.EncodeToString(a.AttestationChain()[0].Raw)
	if err := store.Update(p.verify(t, payloadJSON(t, 2, "2025-07-01", fido2Entry(e2eAAGUID, "Test Key", root,
		report("FIDO_CERTIFIED", "2024-01-01"),
		report("ATTESTATION_KEY_COMPROMISE", "2025-05-01", "certificate", leafB64))))); err != nil {
		t.Fatal(err)
	}
	st, err := store.Status(rec.AAGUID, testNow)
	if err != nil {
		t.Fatalf("a scoped compromise flagged the whole model: %v", err)
	}
	if err := st.CheckPath(rec.TrustPath); errcodeOfStatus(err) != string(metadata.StatusAttestationKeyCompromise) {
		t.Errorf("CheckPath(stored trust path) = %v", err)
	}

	if err := store.Update(p.verify(t, payloadJSON(t, 3, "2025-07-01", fido2Entry(e2eAAGUID, "Test Key", root,
		report("FIDO_CERTIFIED", "2024-01-01"), report("REVOKED", "2025-05-15"))))); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Status(rec.AAGUID, testNow); errcodeOfStatus(err) != string(metadata.StatusRevoked) {
		t.Errorf("Status after REVOKED = %v", err)
	}
}

func errcodeOfStatus(err error) string {
	if se, ok := err.(*metadata.StatusError); ok {
		return string(se.Status)
	}
	return ""
}
