package assertion_test

import (
	"encoding/json"
	"testing"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/passkeytest"
)

// skipJSON is a member decoder that does nothing: encoding/json still
// validates and walks the member, which is the part of Parse no decoder of
// ours can avoid.
type skipJSON struct{}

func (*skipJSON) UnmarshalJSON([]byte) error { return nil }

// skippedBody has the shape of AuthenticationResponseJSON with every member
// skipped.
type skippedBody struct {
	ID                      skipJSON `json:"id"`
	RawID                   skipJSON `json:"rawId"`
	Type                    skipJSON `json:"type"`
	AuthenticatorAttachment skipJSON `json:"authenticatorAttachment"`
	ClientExtensionResults  skipJSON `json:"clientExtensionResults"`
	Response                *struct {
		ClientDataJSON    skipJSON `json:"clientDataJSON"`
		AuthenticatorData skipJSON `json:"authenticatorData"`
		Signature         skipJSON `json:"signature"`
		UserHandle        skipJSON `json:"userHandle"`
	} `json:"response"`
}

// BenchmarkParse measures Parse on an honest body next to the floor it
// stands on: encoding/json decoding the same bytes into members that do
// nothing, and encoding/json's validation pass alone. What Parse adds to the
// first is its own work (base64url decoding into one buffer, the shape
// checks, the Response).
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		alg  int64
	}{
		{"ES256", passkeytest.AlgES256},
		{"RS256", passkeytest.AlgRS256},
	} {
		e := newEnv(b, bc.alg, passkeytest.Config{})
		body := e.get(b, request{})
		b.Run(bc.name+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := assertion.Parse(body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/encoding-json-skip-members", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var v skippedBody
				if err := json.Unmarshal(body, &v); err != nil || v.Response == nil {
					b.Fatalf("the body did not decode: %v", err)
				}
			}
		})
		b.Run(bc.name+"/json.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if !json.Valid(body) {
					b.Fatal("not valid JSON")
				}
			}
		})
	}
}
