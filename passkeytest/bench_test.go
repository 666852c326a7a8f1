package passkeytest_test

import (
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := passkeytest.New(passkeytest.Config{Seed: []byte("bench")}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCeremonies measures a registration and an assertion per
// algorithm family.
func BenchmarkCeremonies(b *testing.B) {
	for _, alg := range []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256, passkeytest.AlgPS256, passkeytest.AlgMLDSA65, passkeytest.AlgEd448} {
		b.Run(passkeyAlgName(alg), func(b *testing.B) {
			a := newAuthenticator(b, passkeytest.Config{Seed: []byte("bench")})
			o := newCreateOpts(testRPID, []byte("c"), alg)
			o.Selection = map[string]any{"residentKey": "required"}
			create := o.json(b)
			get := newGetOpts(testRPID, []byte("g")).json(b) // the newest passkey answers
			for b.Loop() {
				if _, err := a.Create(create, testOrigin); err != nil {
					b.Fatal(err)
				}
				if _, err := a.Get(get, testOrigin); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func passkeyAlgName(alg int64) string {
	return map[int64]string{-7: "ES256", -8: "EdDSA", -257: "RS256", -37: "PS256", -49: "ML-DSA-65", -53: "Ed448"}[alg]
}
