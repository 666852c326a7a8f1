package roots

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// pinned is every embedded root with the SHA-256 of its DER, as README.md
// lists them, and the pool function that must hold it.
var pinned = []struct {
	name, sha256 string
	pem          string
	pool         string // the function that returns it
}{
	{"Apple WebAuthn Root CA", "0915dd5c07a28db549d1f677bb5a75d4bfbe9561a773424327762e9e02f9bb29", appleWebAuthnRootCA, "Apple"},
	{"Google hardware attestation root 1", "c1984a3ef45c1e2a918551de10603c86f7051b2249c4891cae3230eabd0c97d5", googleHardwareRoot1, "AndroidKey"},
	{"Google hardware attestation root 2", "1ef1a04b8ba58ab94589ac498c8982a783f24ea7307e0159a0c3a73b377d87cc", googleHardwareRoot2, "AndroidKey"},
	{"Google hardware attestation root 3", "ab6641178a36e179aa0c1cdddf9a16eb45fa20943e2b8cd7c7c05c26cf8b487a", googleHardwareRoot3, "AndroidKey"},
	{"Google hardware attestation root 4", "cedb1cb6dc896ae5ec797348bce9286753c2b38ee71ce0fbe34a9a1248800dfc", googleHardwareRoot4, "AndroidKey"},
	{"Key Attestation CA1", "6d9db4ce6c5c0b293166d08986e05774a8776ceb525d9e4329520de12ba4bcc0", googleKeyAttestationCA1, "AndroidKey"},
	{"GlobalSign Root CA", "ebd41040e4bb3ec742c9e381d31ef2a41a48b6685c96e7cef3c1df6cd4331c99", globalSignRootCA, "SafetyNet"},
	{"GlobalSign Root CA - R2", "69e2d06c30f366166165e91d68d1cee5cc47584a80227e76666086c0107241eb", globalSignRootCAR2, "SafetyNet"},
	{"Microsoft TPM Root Certificate Authority 2014", "870c7a35ceab3d59979f2c6a524042d404cb71518004350925fb2ced79a999da", microsoftTPMRootCA2014, "TPM"},
}

// TestPinnedRoots checks that every embedded PEM is exactly one
// certificate with its pinned fingerprint, a self-signed CA, and that each
// pool function holds exactly its roots.
func TestPinnedRoots(t *testing.T) {
	want := map[string]*x509.CertPool{}
	funcs := map[string]func() *x509.CertPool{
		"Apple": Apple, "AndroidKey": AndroidKey, "SafetyNet": SafetyNet, "TPM": TPM,
	}
	for _, r := range pinned {
		t.Run(r.name, func(t *testing.T) {
			block, rest := pem.Decode([]byte(r.pem))
			if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
				t.Fatalf("not exactly one PEM certificate (rest %d bytes)", len(rest))
			}
			sum := sha256.Sum256(block.Bytes)
			if got := hex.EncodeToString(sum[:]); got != r.sha256 {
				t.Fatalf("SHA-256 %s, want %s", got, r.sha256)
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			// A root's self-signature carries no trust (and the GlobalSign
			// ones are SHA-1, which crypto/x509 no longer checks): its
			// being self-issued and a CA is what matters.
			if !c.IsCA || !bytes.Equal(c.RawSubject, c.RawIssuer) {
				t.Fatalf("not a self-issued CA certificate (IsCA %v)", c.IsCA)
			}
			if want[r.pool] == nil {
				want[r.pool] = x509.NewCertPool()
			}
			want[r.pool].AddCert(c)
		})
	}
	for n, f := range funcs {
		if want[n] == nil || !f().Equal(want[n]) {
			t.Errorf("%s() does not hold exactly its pinned roots", n)
		}
	}
}

// TestFreshPools checks that every call returns a pool of its own: adding
// to one leaves the next call's unchanged.
func TestFreshPools(t *testing.T) {
	other, err := x509.ParseCertificate(mustDER(t, microsoftTPMRootCA2014))
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() *x509.CertPool{
		"Apple": Apple, "AndroidKey": AndroidKey, "SafetyNet": SafetyNet,
	} {
		a := f()
		if a == f() {
			t.Fatalf("%s returned the same pool twice", name)
		}
		a.AddCert(other)
		if f().Equal(a) {
			t.Fatalf("%s: adding to one pool changed the next one", name)
		}
	}
	a, _ := Source().TrustAnchors("apple", [16]byte{}, nil)
	a.AddCert(other)
	if b, _ := Source().TrustAnchors("apple", [16]byte{}, nil); b.Equal(a) {
		t.Fatal("Source: adding to one pool changed the next one")
	}
}

// TestSource checks the pool each format gets, and that formats whose
// roots are per vendor get none.
func TestSource(t *testing.T) {
	for _, c := range []struct {
		format string
		want   func() *x509.CertPool
	}{
		{"apple", Apple},
		{"android-key", AndroidKey},
		{"android-safetynet", SafetyNet},
		{"tpm", TPM},
		{"packed", nil},
		{"fido-u2f", nil},
		{"none", nil},
		{"compound", nil},
		{"Apple", nil}, // format identifiers are case-sensitive
	} {
		t.Run(c.format, func(t *testing.T) {
			got, err := Source().TrustAnchors(c.format, [16]byte{1}, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.want == nil && got != nil:
				t.Fatal("got roots for a format without shipped roots")
			case c.want != nil && (got == nil || !got.Equal(c.want())):
				t.Fatal("not the format's roots")
			}
		})
	}
}

// TestRecordedChains verifies recorded attestation chains to the shipped
// roots at the time they were recorded, and checks that no other format's
// roots anchor them.
func TestRecordedChains(t *testing.T) {
	pools := map[string]func() *x509.CertPool{
		"apple": Apple, "android-key": AndroidKey, "android-safetynet": SafetyNet, "tpm": TPM,
	}
	for _, c := range []struct {
		file, format, at string
	}{
		{"apple-passkey.pem", "apple", "2021-09-01T00:00:00Z"},
		{"android-key-pixel8a.pem", "android-key", "2025-02-02T10:00:00Z"},
		{"safetynet-2025.pem", "android-safetynet", "2025-06-09T20:40:42.989Z"},
		{"tpm-surface-pro-4.pem", "tpm", "2021-05-01T23:11:27Z"},
	} {
		t.Run(c.file, func(t *testing.T) {
			chain := readChain(t, filepath.Join("testdata", c.file))
			at, err := time.Parse(time.RFC3339Nano, c.at)
			if err != nil {
				t.Fatal(err)
			}
			for format, pool := range pools {
				err := verify(chain, pool(), at)
				if format == c.format && err != nil {
					t.Fatalf("does not verify to the %s roots: %v", format, err)
				}
				if format != c.format && err == nil {
					t.Fatalf("verifies to the %s roots too", format)
				}
			}
			// The verification time is used: an Apple credential
			// certificate lives three days.
			if c.format == "apple" {
				if err := verify(chain, Apple(), at.AddDate(0, 0, 3)); err == nil {
					t.Fatal("verifies after the credential certificate expired")
				}
			}
		})
	}
}

// oidSAN is the SAN extension, which a TPM AIK certificate marks critical
// with a name form crypto/x509 does not handle; the attestation package
// checks it and lifts it likewise before building the chain.
var oidSAN = asn1.ObjectIdentifier{2, 5, 29, 17}

func verify(chain []*x509.Certificate, roots *x509.CertPool, at time.Time) error {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	leaf := *chain[0]
	leaf.UnhandledCriticalExtensions = nil
	for _, oid := range chain[0].UnhandledCriticalExtensions {
		if !oid.Equal(oidSAN) {
			leaf.UnhandledCriticalExtensions = append(leaf.UnhandledCriticalExtensions, oid)
		}
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

func readChain(t testing.TB, path string) []*x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var chain []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		t.Fatalf("%s: no certificates", path)
	}
	return chain
}

func mustDER(t testing.TB, s string) []byte {
	t.Helper()
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		t.Fatal("no PEM block")
	}
	return block.Bytes
}

func BenchmarkAndroidKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if AndroidKey() == nil {
			b.Fatal("nil pool")
		}
	}
}
