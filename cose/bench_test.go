package cose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"testing"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"
)

var benchAlgs = []Algorithm{ES256, ES384, ES512, EdDSA, Ed448, RS256, PS256, MLDSA44, MLDSA65, MLDSA87}

func BenchmarkParseKey(b *testing.B) {
	for _, alg := range benchAlgs {
		s := newSigner(b, alg)
		data := mustMarshal(b, s.pub, alg)
		b.Run(alg.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseKey(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify compares Key.Verify ("cose") with the bare standard (or
// circl, mldsa) verification of the same signature ("stdlib"): the
// difference is the package's overhead. "parse+verify" is what an assertion
// costs from the stored key bytes.
func BenchmarkVerify(b *testing.B) {
	msg := make([]byte, 37+32) // authenticatorData ‖ clientDataHash
	for _, alg := range benchAlgs {
		s := newSigner(b, alg)
		sig := s.sign(msg)
		data := mustMarshal(b, s.pub, alg)
		k, err := ParseKey(data)
		if err != nil {
			b.Fatal(err)
		}
		bare := bareVerifier(b, alg, s.pub)
		if !bare(msg, sig) {
			b.Fatal("stdlib verification fails")
		}
		b.Run(alg.String()+"/cose", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := k.Verify(msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg.String()+"/stdlib", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bare(msg, sig) {
					b.Fatal("fails")
				}
			}
		})
		b.Run(alg.String()+"/parse+verify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k, err := ParseKey(data)
				if err != nil {
					b.Fatal(err)
				}
				if err := k.Verify(msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bareVerifier verifies with the underlying library directly, hashing as
// the algorithm demands.
func bareVerifier(b *testing.B, alg Algorithm, pub crypto.PublicKey) func(msg, sig []byte) bool {
	h := alg.Hash()
	switch alg {
	case ES256, ES384, ES512:
		p := pub.(*ecdsa.PublicKey)
		return func(msg, sig []byte) bool { return ecdsa.VerifyASN1(p, hashOf(h, msg), sig) }
	case EdDSA:
		p := pub.(ed25519.PublicKey)
		return func(msg, sig []byte) bool { return ed25519.Verify(p, msg, sig) }
	case Ed448:
		p := pub.(ed448.PublicKey)
		return func(msg, sig []byte) bool { return ed448.Verify(p, msg, sig, "") }
	case RS256:
		p := pub.(*rsa.PublicKey)
		return func(msg, sig []byte) bool { return rsa.VerifyPKCS1v15(p, h, hashOf(h, msg), sig) == nil }
	case PS256:
		p := pub.(*rsa.PublicKey)
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
		return func(msg, sig []byte) bool { return rsa.VerifyPSS(p, h, hashOf(h, msg), sig, opts) == nil }
	case MLDSA44, MLDSA65, MLDSA87:
		p := pub.(*mldsa.PublicKey)
		return func(msg, sig []byte) bool { return mldsa.Verify(p, msg, sig, nil) == nil }
	}
	b.Fatalf("no bare verifier for %v", alg)
	return nil
}
