package credential_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
)

// Authenticator data from a registration: the none-es256 test vector of the
// WebAuthn specification (§16), for RP ID "example.org".
const registrationAuthData = "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5" +
	"59" + "00000000" + "8446ccb9ab1db374750b2367ff6f3a1f" + "0020" +
	"f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4" +
	"a5010203262001215820afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61" +
	"225820930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220"

func ExampleParseAuthenticatorData() {
	raw, _ := hex.DecodeString(registrationAuthData)
	authData, err := credential.ParseAuthenticatorData(raw)
	if err != nil {
		fmt.Println(err) // an *errcode.Error: malformed-authenticator-data
		return
	}
	rpIDHash := sha256.Sum256([]byte("example.org"))
	fmt.Println("rpIdHash matches:", bytes.Equal(authData.RPIDHash, rpIDHash[:]))
	fmt.Println("flags:", authData.Flags)
	fmt.Println("user present:", authData.Flags.UserPresent(), "verified:", authData.Flags.UserVerified())
	fmt.Println("sign count:", authData.SignCount)

	// A registration needs the credential; an assertion must not have it.
	if authData.Flags.HasAttestedCredentialData() {
		cred := authData.AttestedCredentialData
		fmt.Println("AAGUID:", cred.AAGUID)
		fmt.Println("credential ID:", len(cred.CredentialID), "bytes")
		fmt.Println("COSE key:", len(cred.PublicKey), "bytes")
	}
	// Output:
	// rpIdHash matches: true
	// flags: UP|BE|BS|AT
	// user present: true verified: false
	// sign count: 0
	// AAGUID: 8446ccb9-ab1d-b374-750b-2367ff6f3a1f
	// credential ID: 32 bytes
	// COSE key: 77 bytes
}

func ExampleRecord_MarshalBinary() {
	rec := credential.Record{
		ID:             []byte{0x01, 0x02, 0x03},
		PublicKey:      []byte{0xa5, 0x01, 0x02}, // the COSE_Key bytes, verbatim (shortened here)
		Alg:            cose.ES256,
		SignCount:      7,
		BackupEligible: credential.True,
		RPID:           "example.org",
		CreatedAt:      time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	}

	bin, err := rec.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("CBOR: %d bytes\n", len(bin))

	var back credential.Record
	if err := back.UnmarshalBinary(bin); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sign count:", back.SignCount, "BE:", back.BackupEligible)

	js, _ := back.MarshalJSON()
	fmt.Println(string(js))
	// Output:
	// CBOR: 42 bytes
	// sign count: 7 BE: true
	// {"v":1,"id":"AQID","publicKey":"pQEC","alg":-7,"signCount":7,"backupEligible":true,"rpId":"example.org","createdAt":"2025-06-01T12:00:00Z"}
}

func ExampleRecord_UnmarshalJSON() {
	var rec credential.Record
	err := rec.UnmarshalJSON([]byte(`{"v":2,"id":"AQID","publicKey":"pQEC","alg":-7}`))
	fmt.Println(err)
	// Output:
	// credential: record version 2 is newer than this library (1)
}
