package cose

import (
	"testing"
)

// FuzzParseKey checks that ParseKey never panics and that a key it accepts
// re-encodes (Marshal) to bytes that parse to the same key: the same
// algorithm and an equal public key.
func FuzzParseKey(f *testing.F) {
	for _, alg := range allAlgs {
		s := newSigner(f, alg)
		b := mustMarshal(f, s.pub, alg)
		f.Add(b)
		// A tolerated extra member, so the fuzzer starts from both forms.
		m := mapOf(f, s)
		m[2] = []byte("kid")
		f.Add(m.encode(f))
	}
	f.Add([]byte{0xa0})
	f.Add([]byte{0xa1, 0x01, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKey(data)
		if err != nil {
			if k != nil {
				t.Fatal("key returned with an error")
			}
			return
		}
		re, err := Marshal(k.Public(), k.Algorithm())
		if err != nil {
			t.Fatalf("Marshal of a parsed %v key: %v", k.Algorithm(), err)
		}
		k2, err := ParseKey(re)
		if err != nil {
			t.Fatalf("re-encoded %v key does not parse: %v", k.Algorithm(), err)
		}
		if k2.Algorithm() != k.Algorithm() {
			t.Fatalf("algorithm %v became %v", k.Algorithm(), k2.Algorithm())
		}
		if !k2.Equal(k.Public()) || !k.Equal(k2.Public()) {
			t.Fatalf("re-encoded %v key is another key", k.Algorithm())
		}
		// Verification of garbage must fail, never panic.
		if k.Verify(data, data) == nil {
			t.Fatal("key verifies its own encoding as a signature")
		}
	})
}
