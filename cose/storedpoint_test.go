package cose

import (
	"errors"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// TestStoredEC2PointCheckedOnFailure checks the deferred point check of a
// stored EC2 key (ParseOptions.Stored): the key parses, a good key still
// verifies and a bad signature stays ErrSignature, but a point off the
// curve is reported at Verify as ParseKey reports it (malformed-public-key),
// not as a signature that does not verify.
func TestStoredEC2PointCheckedOnFailure(t *testing.T) {
	msg := []byte("authenticatorData ‖ clientDataHash")
	for _, alg := range []Algorithm{ES256, ES384, ES512} {
		t.Run(alg.String(), func(t *testing.T) {
			s := newSigner(t, alg)
			sig := s.sign(msg)
			good := mapOf(t, s)
			y := append([]byte(nil), good[labelY].([]byte)...)
			y[len(y)-1] ^= 1 // same size, below p, off the curve
			bad := with(good, map[any]any{labelY: y}).encode(t)

			if _, err := ParseKey(bad); !errors.Is(err, errcode.ErrMalformedPublicKey) {
				t.Fatalf("ParseKey of a point off the curve: %v, want malformed-public-key", err)
			}
			stored, err := ParseKeyWith(bad, ParseOptions{Stored: true})
			if err != nil {
				t.Fatalf("stored point off the curve refused at parse: %v", err)
			}
			err = stored.Verify(msg, sig)
			if !errors.Is(err, errcode.ErrMalformedPublicKey) || errors.Is(err, ErrSignature) {
				t.Fatalf("Verify with a stored point off the curve: %v, want malformed-public-key only", err)
			}

			key, err := ParseKeyWith(good.encode(t), ParseOptions{Stored: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := key.Verify(msg, sig); err != nil {
				t.Fatalf("stored good key: %v", err)
			}
			other := s.sign(append(msg, '!'))
			if err := key.Verify(msg, other); !errors.Is(err, ErrSignature) || errors.Is(err, errcode.ErrMalformedPublicKey) {
				t.Fatalf("stored good key, signature of another message: %v, want ErrSignature only", err)
			}
		})
	}
}
