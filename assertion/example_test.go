package assertion_test

import (
	"encoding/base64"
	"fmt"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

func Example() {
	origins, _ := origin.NewSet("example.com", []string{"https://example.com"})
	browser, _ := passkeytest.New(passkeytest.Config{Seed: []byte("example")})

	// Register a credential first (see the attestation package).
	reg, _ := browser.Create([]byte(`{"rp":{"name":"Example","id":"example.com"},
		"user":{"id":"dXNlci0x","name":"ada","displayName":"Ada"},
		"challenge":"cmVnaXN0cmF0aW9uLWNoYWxsZW5nZQ",
		"pubKeyCredParams":[{"type":"public-key","alg":-7}]}`), "https://example.com")
	r, _ := attestation.Parse(reg)
	created, err := r.Verify(attestation.Expect{RPID: "example.com", Origins: origins,
		Challenge: []byte("registration-challenge"), Algorithms: []cose.Algorithm{cose.ES256}})
	if err != nil {
		panic(err)
	}
	record := &created.Record

	// Then sign in with it.
	options := fmt.Sprintf(`{"challenge":"bG9naW4tY2hhbGxlbmdl","rpId":"example.com",
		"allowCredentials":[{"type":"public-key","id":%q}]}`, base64.RawURLEncoding.EncodeToString(record.ID))
	body, err := browser.Get([]byte(options), "https://example.com")
	if err != nil {
		panic(err)
	}
	resp, err := assertion.Parse(body)
	if err != nil {
		panic(err)
	}
	// A real application looks the record up by resp.CredentialID().
	res, err := resp.Verify(record, assertion.Expect{
		RPID: "example.com", Origins: origins, Challenge: []byte("login-challenge"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("counter", record.SignCount, "->", res.SignCount)
	// Output:
	// counter 0 -> 1
}
