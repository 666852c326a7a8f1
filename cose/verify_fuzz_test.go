package cose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// verifyTarget is one credential key and an honest signature by it.
type verifyTarget struct {
	key      *Key
	msg, sig []byte
}

// verifyTargetAlgs are the algorithms FuzzVerify signs with: one of each
// curve, key type and signature scheme.
var verifyTargetAlgs = []Algorithm{ES256, ES384, ES512, EdDSA, Ed448, RS256, PS256, MLDSA44}

// newVerifyTargets makes a key of each of verifyTargetAlgs and signs a
// WebAuthn-sized message with it: 37 bytes of authenticator data, then
// SHA-256 of the client data.
//
// Keys and signatures are deterministic (fixed seeds and scalars, RFC 6979
// ECDSA, a fixed PSS salt, deterministic ML-DSA): every fuzzing worker runs
// this in its own process and must hold the same honest signatures as the
// seeds, or the mutation property would compare against another signature.
func newVerifyTargets(t testing.TB) []verifyTarget {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	seed := func(alg Algorithm, n int) []byte {
		h := sha512.Sum512([]byte("cose FuzzVerify " + alg.String()))
		return h[:n]
	}
	var out []verifyTarget
	for _, alg := range verifyTargetAlgs {
		msg := bytes.Repeat([]byte{byte(len(out) + 1)}, 37+32)
		var pub crypto.PublicKey
		var sig []byte
		var err error
		switch alg {
		case ES256, ES384, ES512:
			curve := curveOf(alg)
			// A scalar below every curve's order: 32 bytes, zero-extended.
			d := append(make([]byte, (curve.Params().BitSize+7)/8-32), seed(alg, 32)...)
			priv, err := ecdsa.ParseRawPrivateKey(curve, d)
			must(err)
			h := alg.Hash()
			pub = &priv.PublicKey
			sig, err = priv.Sign(nil, hashOf(h, msg), h) // RFC 6979
			must(err)
		case EdDSA:
			priv := ed25519.NewKeyFromSeed(seed(alg, ed25519.SeedSize))
			pub, sig = priv.Public(), ed25519.Sign(priv, msg)
		case Ed448:
			priv := ed448.NewKeyFromSeed(seed(alg, ed448.SeedSize))
			pub, sig = priv.Public(), ed448.Sign(priv, msg, "")
		case RS256, PS256:
			priv := testRSAKey(t)
			pub = &priv.PublicKey
			if alg == RS256 {
				sig, err = rsa.SignPKCS1v15(nil, priv, crypto.SHA256, hashOf(crypto.SHA256, msg))
			} else {
				// crypto/rsa reads exactly the salt from the reader.
				salt := bytes.NewReader(seed(alg, crypto.SHA256.Size()))
				sig, err = rsa.SignPSS(salt, priv, crypto.SHA256, hashOf(crypto.SHA256, msg),
					&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			}
			must(err)
		case MLDSA44:
			priv, err := mldsa.NewPrivateKey(mldsa.MLDSA44(), seed(alg, 32))
			must(err)
			pub = priv.Public()
			sig, err = priv.SignDeterministic(msg, nil)
			must(err)
		default:
			t.Fatalf("no deterministic signer for %v", alg)
		}
		key, err := ParseKey(mustMarshal(t, pub, alg))
		must(err)
		out = append(out, verifyTarget{key, msg, sig})
	}
	return out
}

// testRSAKey is the TEST ONLY key in testdata/keys.
func testRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "keys", "rsa2048.TEST-ONLY.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("testdata/keys/rsa2048.TEST-ONLY.pem holds no PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	priv, ok := key.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("testdata/keys/rsa2048.TEST-ONLY.pem holds a %T", key)
	}
	return priv
}

// verifySeed is one seed of FuzzVerify: a target and what is verified.
type verifySeed struct {
	name     string
	target   uint8
	msg, sig []byte
}

// verifySeeds are FuzzVerify's seeds: every target's honest signature, and
// for each a changed message and a truncated signature, so the fuzzer
// starts on both sides of every refusal. TestFuzzSeedsReachCodes checks
// them.
func verifySeeds(targets []verifyTarget) []verifySeed {
	var out []verifySeed
	for i, tg := range targets {
		name := tg.key.Algorithm().String()
		changed := bytes.Clone(tg.msg)
		changed[0] ^= 1
		out = append(out,
			verifySeed{name + " honest", uint8(i), tg.msg, tg.sig},
			verifySeed{name + " changed message", uint8(i), changed, tg.sig},
			verifySeed{name + " truncated signature", uint8(i), tg.msg, tg.sig[:len(tg.sig)-1]})
	}
	return out
}

// FuzzVerify checks Key.Verify with the mutation property: the fuzzer
// changes the message and the signature of honest signatures (one key per
// scheme, picked by target), and whatever verifies must be the original
// message with the original signature or, for ECDSA, (r, n−s), the one
// other signature of the same message that WebAuthn accepts (it does not
// require low-S). A failure must be an ErrSignature and no panic.
//
// The seeds are verifySeeds; TestFuzzSeedsReachCodes checks that they reach
// every refusal.
func FuzzVerify(f *testing.F) {
	targets := newVerifyTargets(f)
	for _, s := range verifySeeds(targets) {
		f.Add(s.target, s.msg, s.sig)
	}
	f.Fuzz(func(t *testing.T, target uint8, msg, sig []byte) {
		tg := targets[int(target)%len(targets)]
		err := tg.key.Verify(msg, sig)
		if err != nil {
			if !errors.Is(err, ErrSignature) {
				t.Fatalf("%v: error %v is not an ErrSignature", tg.key.Algorithm(), err)
			}
			return
		}
		if !bytes.Equal(msg, tg.msg) {
			t.Fatalf("%v: a signature verifies over a changed message %x", tg.key.Algorithm(), msg)
		}
		if !bytes.Equal(sig, tg.sig) && (tg.key.ecdsa == nil || !negatedS(tg.key.ecdsa, tg.sig, sig)) {
			t.Fatalf("%v: signature %x verifies in place of %x", tg.key.Algorithm(), sig, tg.sig)
		}
	})
}

// negatedS reports whether sig2 is the canonical DER of (r, n−s) where sig1
// is (r, s), on pub's curve.
func negatedS(pub *ecdsa.PublicKey, sig1, sig2 []byte) bool {
	r1, s1, ok1 := parseECDSASig(sig1)
	r2, s2, ok2 := parseECDSASig(sig2)
	if !ok1 || !ok2 || !canonicalDER(sig2) {
		return false
	}
	n := pub.Curve.Params().N
	return r1.Cmp(r2) == 0 && new(big.Int).Sub(n, s1).Cmp(s2) == 0
}

func parseECDSASig(sig []byte) (r, s *big.Int, ok bool) {
	in := cryptobyte.String(sig)
	var seq cryptobyte.String
	r, s = new(big.Int), new(big.Int)
	ok = in.ReadASN1(&seq, asn1.SEQUENCE) && seq.ReadASN1Integer(r) && seq.ReadASN1Integer(s)
	return r, s, ok
}
