package attestation

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
)

// TestPackedSpecExampleCertificate reads the spec's own example of the
// packed certificate extensions. Its extensions are the reference encoding;
// its Subject, though, has no OU, so the normative requirement above the
// example rejects it, and so do we.
func TestPackedSpecExampleCertificate(t *testing.T) {
	data, err := os.ReadFile("testdata/packed-spec-example.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	want, err := credential.ParseAAGUID("cd8c395c-26ed-eede-653b-00797d03ca3c")
	if err != nil {
		t.Fatal(err)
	}
	got, present, err := aaguidExtension(c, checkPackedCertReqs, "the example")
	if err != nil || !present || got != want {
		t.Fatalf("aaguidExtension = %s, %v, %v; want %s", got, present, err, want)
	}
	if err := checkAAGUIDExtension(c, want, checkPackedCertReqs, checkPacked, "the example"); err != nil {
		t.Fatal(err)
	}
	if err := checkFWVersionExtension(c, checkPackedCertReqs, "the example"); err != nil {
		t.Fatal(err)
	}
	if err := requireNotCA(c, checkPackedCertReqs, "the example"); err != nil {
		t.Fatal(err)
	}
	wantError(t, checkPackedCert(c), errcode.ErrAttestationInvalid, checkPackedCertReqs, "exactly one OU")
}
