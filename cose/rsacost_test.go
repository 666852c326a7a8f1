package cose

import (
	"crypto/rsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// TestRSACostBound pins the rule that bounds the cost of a hostile RSA
// key: an exponent above 65537 only with a modulus of at most 4096 bits.
// Each case sits on one side of one edge, so moving either edge fails a
// case.
func TestRSACostBound(t *testing.T) {
	rs256 := mapOf(t, newSigner(t, RS256))
	e := func(v uint32) []byte { return big.NewInt(int64(v)).Bytes() }
	cases := []struct {
		name   string
		bits   int
		exp    uint32
		refuse bool
	}{
		{"4096 bits, e = 2^31-1", 4096, 1<<31 - 1, false},
		{"4097 bits, e = 65537", 4097, 65537, false},
		{"4097 bits, e = 65539", 4097, 65539, true},
		{"8192 bits, e = 65537", 8192, 65537, false},
		{"8192 bits, e = 3", 8192, 3, false},
		{"8192 bits, e = 65539", 8192, 65539, true},
		{"8192 bits, e = 2^31-1", 8192, 1<<31 - 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := randomOdd(t, c.bits)
			_, err := ParseKey(with(rs256, map[any]any{-1: n, -2: e(c.exp)}).encode(t))
			pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(c.exp)}
			verr := VerifySignature(RS256, pub, []byte("m"), make([]byte, len(n)), VerifyOptions{})
			if !c.refuse {
				if err != nil {
					t.Fatalf("ParseKey refused the key: %v", err)
				}
				// The signature is wrong, but the key was taken.
				if verr == nil || errors.Is(verr, ErrKeyMismatch) {
					t.Fatalf("VerifySignature: %v", verr)
				}
				return
			}
			if !errors.Is(err, errcode.ErrMalformedPublicKey) || !strings.Contains(err.Error(), "larger than 65537 with a modulus of more than 4096 bits") {
				t.Fatalf("ParseKey: %v, want malformed-public-key naming the cost bound", err)
			}
			if !errors.Is(verr, ErrKeyMismatch) {
				t.Fatalf("VerifySignature: %v, want the key refused", verr)
			}
		})
	}
}
