package attestation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopasskey/passkey/internal/b64"
	"github.com/gopasskey/passkey/internal/cbor"
)

// TestNegativeSerialTolerated uses a recorded TPM chain whose intermediate
// CA has a negative serial number (SimpleWebAuthn's sha256-tpm-response).
func TestNegativeSerialTolerated(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "fixtures", "simplewebauthn", "sha256-tpm-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Response struct {
			Response struct {
				AttestationObject string `json:"attestationObject"`
			} `json:"response"`
		} `json:"response"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	raw, err := b64.DecodeString(c.Response.Response.AttestationObject)
	if err != nil {
		t.Fatal(err)
	}
	var obj struct {
		AttStmt struct {
			X5C []cbor.Bytes `cbor:"x5c"`
		} `cbor:"attStmt"`
	}
	if err := cbor.Unmarshal(raw, &obj); err != nil {
		t.Fatal(err)
	}
	if len(obj.AttStmt.X5C) < 2 {
		t.Fatal("the recording has no intermediate")
	}
	certs, err := parseX5C(obj.AttStmt.X5C, "test")
	if err != nil {
		t.Fatalf("parseX5C: %v", err)
	}
	inter := certs[1]
	if inter.SerialNumber.Sign() >= 0 {
		t.Fatalf("serial %v: the recording's intermediate should have a negative serial", inter.SerialNumber)
	}
	if string(inter.Raw) != string(obj.AttStmt.X5C[1]) {
		t.Fatal("Raw is not the certificate's own bytes")
	}
	if err := certs[0].CheckSignatureFrom(inter); err != nil {
		t.Fatalf("leaf signature under the intermediate: %v", err)
	}
	// The intermediate's own signature covers its original TBS bytes: a
	// parse that kept the patched ones would fail here.
	if len(certs) > 2 {
		if err := inter.CheckSignatureFrom(certs[2]); err != nil {
			t.Fatalf("intermediate signature: %v", err)
		}
	}
	// A positive serial parses the ordinary way; positiveSerial refuses it.
	if _, _, _, ok := positiveSerial(obj.AttStmt.X5C[0]); ok {
		t.Fatal("positiveSerial patched a certificate whose serial is positive")
	}
}
