package cose_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/gopasskey/passkey/cose"
)

// An assertion is verified with the credential public key stored at
// registration: parse the stored COSE bytes, then check the signature over
// authenticatorData ‖ SHA-256(clientDataJSON).
func Example() {
	// What an authenticator would hold and have sent at registration.
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	storedKey, _ := cose.Marshal(&priv.PublicKey, cose.ES256)

	// An assertion.
	authData := make([]byte, 37)
	clientDataHash := sha256.Sum256([]byte(`{"type":"webauthn.get"}`))
	signed := append(authData, clientDataHash[:]...)
	digest := sha256.Sum256(signed)
	sig, _ := ecdsa.SignASN1(rand.Reader, priv, digest[:])

	key, err := cose.ParseKey(storedKey)
	if err != nil {
		fmt.Println("bad key:", err)
		return
	}
	fmt.Println("algorithm:", key.Algorithm())
	fmt.Println("verified:", key.Verify(signed, sig) == nil)

	signed[32] ^= 0x04 // flip the UV flag
	err = key.Verify(signed, sig)
	fmt.Println("tampered:", errors.Is(err, cose.ErrSignature))
	// Output:
	// algorithm: ES256
	// verified: true
	// tampered: true
}

// ParseKey's errors carry a stable code.
func ExampleParseKey() {
	// {1: 2, 3: -47}: an EC2 key for ES256K, which is not supported.
	_, err := cose.ParseKey([]byte{0xa2, 0x01, 0x02, 0x03, 0x38, 0x2e})
	fmt.Println(err)
	// Output:
	// unsupported-algorithm: COSE key algorithm is not supported (expected "a supported algorithm", received "-47") [#sctn-alg-identifier]
}
