package cose

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// FuzzParseKey checks ParseKey on any input:
//   - it never panics, and a failure is a malformed-public-key or
//     unsupported-algorithm verdict with a spec anchor and no key;
//   - a key it accepts re-encodes (Marshal) to bytes that parse to the same
//     key: the same algorithm and an equal public key; and that encoding
//     is a fixed point, re-encoding to the same bytes;
//   - ParseOptions only widens: AllowSHA1 accepts every key ParseKey
//     accepts, as the same key, and beyond them only RS1 keys.
//
// The seeds are parseKeySeeds; TestFuzzSeedsReachCodes checks that they
// reach every verdict.
func FuzzParseKey(f *testing.F) {
	for _, s := range parseKeySeeds(f) {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKey(data)
		wide, wideErr := ParseKeyWith(data, ParseOptions{AllowSHA1: true})
		if err != nil {
			if k != nil {
				t.Fatal("key returned with an error")
			}
			var e *errcode.Error
			if !errors.As(err, &e) || e.Check == "" ||
				e.Code != string(errcode.ErrMalformedPublicKey) && e.Code != string(errcode.ErrUnsupportedAlgorithm) {
				t.Fatalf("ParseKey error %v is not a key verdict", err)
			}
			if wideErr == nil && (wide.Algorithm() != RS1 || e.Code != string(errcode.ErrUnsupportedAlgorithm)) {
				t.Fatalf("AllowSHA1 accepts a %v key that ParseKey refuses with %v", wide.Algorithm(), err)
			}
			return
		}
		if wideErr != nil || wide.Algorithm() != k.Algorithm() || !wide.Equal(k.Public()) {
			t.Fatalf("AllowSHA1 reads a %v key differently: %v", k.Algorithm(), wideErr)
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
		again, err := Marshal(k2.Public(), k2.Algorithm())
		if err != nil || !bytes.Equal(again, re) {
			t.Fatalf("re-encoding a %v key is not stable: %v\n%x\n%x", k.Algorithm(), err, re, again)
		}
		// Verification of garbage must fail, never panic.
		if k.Verify(data, data) == nil {
			t.Fatal("key verifies its own encoding as a signature")
		}
	})
}
