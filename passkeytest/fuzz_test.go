package passkeytest_test

import (
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// FuzzOptions feeds arbitrary options JSON to Create and Get: they may
// refuse it, never panic.
func FuzzOptions(f *testing.F) {
	f.Add([]byte(`{"rp":{"name":"x"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AA","pubKeyCredParams":[{"type":"public-key","alg":-7}],"extensions":{"prf":{"eval":{"first":"AA"}},"credProps":true}}`))
	f.Add([]byte(`{"publicKey":{"challenge":"AA","allowCredentials":[{"type":"public-key","id":"AA"}],"extensions":{"appid":"x","prf":{"evalByCredential":{"AA":{"first":"AA"}}}}},"mediation":"conditional"}`))
	f.Add([]byte(`{"publicKey":null}`))
	// One authenticator for every input: it is safe for concurrent use, and
	// building one per input would dominate the run.
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("fuzz"), Algorithms: []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a.Create(data, "https://example.com")
		a.Get(data, "https://example.com")
	})
}
