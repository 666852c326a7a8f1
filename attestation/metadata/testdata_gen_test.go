package metadata_test

import (
	"crypto/x509"
	"encoding/pem"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "regenerate testdata/example")

// Example AAGUIDs of testdata/example/blob.jwt.
const (
	exampleAAGUID        = "e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f70"
	exampleRevokedAAGUID = "e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f71"
	exampleBypassAAGUID  = "e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f72"
)

// TestUpdateExampleTestdata writes the example BLOB, its signing root and
// its CRLs (go test -run TestUpdateExampleTestdata -update). The files are
// committed; the keys are thrown away.
func TestUpdateExampleTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/example")
	}
	long := time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	p := newPKI(t, pkiOptions{name: "Example (TEST ONLY)",
		notBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), notAfter: long})
	ca := newAttestationCA(t, "Example (TEST ONLY)")
	payload := payloadJSON(t, 1, "2099-12-01",
		fido2Entry(exampleAAGUID, "Example Key", []*x509.Certificate{ca.root}),
		fido2Entry(exampleRevokedAAGUID, "Example Revoked Key", []*x509.Certificate{ca.root},
			report("FIDO_CERTIFIED_L1", "2025-01-01"), report("REVOKED", "2026-03-01")),
		fido2Entry(exampleBypassAAGUID, "Example Bypass Key", []*x509.Certificate{ca.root},
			report("FIDO_CERTIFIED_L1", "2025-01-01"), report("USER_VERIFICATION_BYPASS", "2025-06-01")),
	)
	this := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	crls := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: makeCRL(t, p.root, p.rootKey, this, long).Raw})
	crls = append(crls, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: makeCRL(t, p.inter, p.interKey, this, long).Raw})...)
	files := map[string][]byte{
		"blob.jwt": append(p.blob(t, payload), '\n'),
		"root.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Raw}),
		"crls.pem": crls,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join("testdata", "example", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
