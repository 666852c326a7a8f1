package attestation_test

import (
	"fmt"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

func Example() {
	origins, err := origin.NewSet("example.com", []string{"https://example.com"})
	if err != nil {
		panic(err)
	}
	challenge := []byte("0123456789abcdef0123456789abcdef")

	// A browser with a software authenticator answers the creation options.
	browser, _ := passkeytest.New(passkeytest.Config{Seed: []byte("example")})
	options := `{"rp":{"name":"Example","id":"example.com"},
		"user":{"id":"dXNlci0x","name":"ada","displayName":"Ada"},
		"challenge":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY",
		"pubKeyCredParams":[{"type":"public-key","alg":-8},{"type":"public-key","alg":-7}]}`
	body, err := browser.Create([]byte(options), "https://example.com")
	if err != nil {
		panic(err)
	}

	resp, err := attestation.Parse(body)
	if err != nil {
		panic(err)
	}
	expect := attestation.Expect{
		RPID: "example.com", Origins: origins, Challenge: challenge,
		Algorithms: []cose.Algorithm{cose.EdDSA, cose.ES256},
	}
	res, err := resp.Verify(expect)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Format, res.Type, res.Record.Alg)

	// The same response checked against another challenge is refused.
	expect.Challenge = []byte("another challenge, another session")
	_, err = resp.Verify(expect)
	fmt.Println(errcode.Code(err))
	// Output:
	// none none EdDSA
	// challenge-mismatch
}
