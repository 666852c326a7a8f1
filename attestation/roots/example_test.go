package roots_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/attestation/roots"
)

// A relying party that wants trusted attestation from the formats whose
// roots the library ships hands the package's source to the ceremony. It
// supplies roots for four formats; packed and fido-u2f need the vendor's
// roots, from FIDO metadata.
func ExampleSource() {
	expect := attestation.Expect{
		// RPID, Origins, Challenge, Algorithms as usual.
		TrustSource: roots.Source(),
		Trust:       attestation.TrustRequired,
	}
	for _, format := range []string{"apple", "android-key", "android-safetynet", "tpm", "packed"} {
		pool, _ := expect.TrustSource.TrustAnchors(format, [16]byte{}, nil)
		fmt.Println(format, pool != nil)
	}
	// Output:
	// apple true
	// android-key true
	// android-safetynet true
	// tpm true
	// packed false
}

// Verifying a recorded iPhone attestation chain to the Apple root, at the
// time it was made.
func ExampleApple() {
	data, err := os.ReadFile("testdata/apple-passkey.pem")
	if err != nil {
		panic(err)
	}
	var chain []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			panic(err)
		}
		chain = append(chain, c)
	}
	inter := x509.NewCertPool()
	inter.AddCert(chain[1])
	chains, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         roots.Apple(),
		Intermediates: inter,
		CurrentTime:   time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(chains[0][len(chains[0])-1].Subject.CommonName)
	// Output: Apple WebAuthn Root CA
}
