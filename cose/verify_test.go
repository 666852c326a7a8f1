package cose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/gopasskey/passkey/errcode"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// TestRoundTrip generates a key for every algorithm, encodes it with
// Marshal, parses it and verifies a signature made by independent code.
func TestRoundTrip(t *testing.T) {
	msg := []byte("authenticatorData || SHA-256(clientDataJSON)")
	for _, alg := range allAlgs {
		t.Run(alg.String(), func(t *testing.T) {
			t.Parallel()
			s := newSigner(t, alg)
			b, err := Marshal(s.pub, alg)
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParseKey(b)
			if err != nil {
				t.Fatal(err)
			}
			if k.Algorithm() != alg {
				t.Fatalf("Algorithm() = %v", k.Algorithm())
			}
			sig := s.sign(msg)
			if err := k.Verify(msg, sig); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := VerifySignature(alg, s.pub, msg, sig, VerifyOptions{}); err != nil {
				t.Fatalf("VerifySignature: %v", err)
			}
			wantSigErr(t, k.Verify(append(bytes.Clone(msg), 0), sig), "")
			wantSigErr(t, k.Verify(msg[1:], sig), "")
			bad := bytes.Clone(sig)
			bad[len(bad)/2] ^= 0x10
			wantSigErr(t, k.Verify(msg, bad), "")
			wantSigErr(t, k.Verify(msg, nil), "")
			// Another key of the same algorithm does not verify it.
			other := newSigner(t, alg)
			if alg.base() != RS256 && alg.base() != RS384 && alg.base() != RS512 &&
				alg.base() != PS256 && alg.base() != PS384 && alg.base() != PS512 {
				wantSigErr(t, VerifySignature(alg, other.pub, msg, sig, VerifyOptions{}), "does not verify")
			}
		})
	}
}

// TestAliasesVerifyAlike: ESP*/Ed25519 keys verify the signatures of the
// algorithms they alias, and the reverse.
func TestAliasesVerifyAlike(t *testing.T) {
	msg := []byte("message")
	for alias, base := range map[Algorithm]Algorithm{ESP256: ES256, ESP384: ES384, ESP512: ES512, Ed25519: EdDSA} {
		t.Run(alias.String(), func(t *testing.T) {
			s := newSigner(t, base)
			sig := s.sign(msg)
			b, err := Marshal(s.pub, alias)
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParseKey(b)
			if err != nil {
				t.Fatal(err)
			}
			if k.Algorithm() != alias {
				t.Errorf("Algorithm() = %v, want the literal %v", k.Algorithm(), alias)
			}
			if err := k.Verify(msg, sig); err != nil {
				t.Error(err)
			}
		})
	}
}

// derSig splits a DER ECDSA signature into r and s.
func derSig(t *testing.T, sig []byte) (r, s []byte) {
	t.Helper()
	in := cryptobyte.String(sig)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) {
		t.Fatal("bad DER")
	}
	return r, s
}

// derInt encodes the content octets of a positive INTEGER minimally.
func derInt(v []byte) []byte {
	v = bytes.TrimLeft(v, "\x00")
	if len(v) == 0 || v[0]&0x80 != 0 {
		v = append([]byte{0}, v...)
	}
	return v
}

// tlv encodes a DER element. With padLength the length takes one octet more
// than DER allows (long form below 128, or a leading zero length octet).
func tlv(tag byte, content []byte, padLength bool) []byte {
	out := []byte{tag}
	n := len(content)
	switch {
	case n < 128 && !padLength:
		out = append(out, byte(n))
	case n < 128, n < 256 && !padLength:
		out = append(out, 0x81, byte(n))
	case n < 256:
		out = append(out, 0x82, 0, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, content...)
}

func seqOf(r, s []byte) []byte {
	return tlv(0x30, append(tlv(0x02, r, false), tlv(0x02, s, false)...), false)
}

func TestECDSASignatureEncoding(t *testing.T) {
	msg := []byte("message")
	for _, alg := range []Algorithm{ES256, ES384, ES512} {
		t.Run(alg.String(), func(t *testing.T) {
			s := newSigner(t, alg)
			b, err := Marshal(s.pub, alg)
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParseKey(b)
			if err != nil {
				t.Fatal(err)
			}
			sig := s.sign(msg)
			r, sv := derSig(t, sig)
			rc, sc := derInt(r), derInt(sv)
			if !bytes.Equal(seqOf(rc, sc), sig) {
				t.Fatal("test encoder does not reproduce the signature")
			}

			// High S: s' = n - s verifies as well (WebAuthn does not demand
			// low-S). Test both the high and the low form.
			n := curveOf(alg).Params().N
			s2 := new(big.Int).Sub(n, new(big.Int).SetBytes(sv))
			flipped := seqOf(rc, derInt(s2.Bytes()))
			half := new(big.Int).Rsh(n, 1)
			high := flipped
			if new(big.Int).SetBytes(sv).Cmp(half) > 0 {
				high = sig
			}
			if _, hs := derSig(t, high); new(big.Int).SetBytes(hs).Cmp(half) <= 0 {
				t.Fatal("constructed signature is not high-S")
			}
			for name, v := range map[string][]byte{"original": sig, "s negated": flipped, "high-S": high} {
				if err := k.Verify(msg, v); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}

			bad := map[string][]byte{
				"leading zero padding on r": seqOf(append([]byte{0}, rc...), sc),
				"leading zero padding on s": seqOf(rc, append([]byte{0, 0}, sc...)),
				"long-form sequence length": tlv(0x30, append(tlv(0x02, rc, false), tlv(0x02, sc, false)...), true),
				"long-form integer length":  tlv(0x30, append(tlv(0x02, rc, true), tlv(0x02, sc, false)...), false),
				"trailing byte after DER":   append(bytes.Clone(sig), 0),
				"trailing element in SEQ":   tlv(0x30, append(append(tlv(0x02, rc, false), tlv(0x02, sc, false)...), 0x05, 0x00), false),
				"indefinite length":         append(append([]byte{0x30, 0x80}, sig[2:]...), 0, 0),
				"negative r":                seqOf(append([]byte{0xff}, rc...), sc),
				"empty r":                   seqOf([]byte{}, sc),
				"r only":                    tlv(0x30, tlv(0x02, rc, false), false),
				"SET instead of SEQUENCE":   append([]byte{0x31}, sig[1:]...),
				"BIT STRING instead of INT": tlv(0x30, append(tlv(0x03, rc, false), tlv(0x02, sc, false)...), false),
				"raw r||s (COSE encoding)":  rawRS(rc, sc),
				"empty signature":           nil,
			}
			for name, v := range bad {
				if canonicalDER(v) {
					t.Errorf("%s: canonicalDER accepts it", name)
				}
				wantSigErr(t, k.Verify(msg, v), "canonical DER")
			}
		})
	}
}

// rawRS is the COSE (RFC 9053) fixed-width r‖s form, not WebAuthn's.
func rawRS(r, s []byte) []byte {
	return append(bytes.TrimLeft(r, "\x00"), bytes.TrimLeft(s, "\x00")...)
}

func TestCanonicalDERMinimalIntegers(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"one", []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, true},
		{"high bit needs a zero", []byte{0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x02, 0x02, 0x00, 0xff}, true},
		{"zero padding", []byte{0x30, 0x07, 0x02, 0x02, 0x00, 0x7f, 0x02, 0x01, 0x01}, false},
		{"negative", []byte{0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01}, false},
		{"length past the end", []byte{0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, false},
	}
	for _, c := range cases {
		if got := canonicalDER(c.in); got != c.ok {
			t.Errorf("%s: canonicalDER = %v, want %v", c.name, got, c.ok)
		}
	}
}

func TestSignatureLengths(t *testing.T) {
	msg := []byte("message")
	cases := []struct {
		alg    Algorithm
		delta  int
		detail string
	}{
		{EdDSA, -1, "wrong length"}, {EdDSA, +1, "wrong length"},
		{Ed25519, -1, "wrong length"},
		{Ed448, -1, "wrong length"}, {Ed448, +1, "wrong length"},
		{MLDSA44, -1, "wrong length"}, {MLDSA44, +1, "wrong length"},
		{MLDSA65, -1, "wrong length"}, {MLDSA65, +1, "wrong length"},
		{MLDSA87, -1, "wrong length"}, {MLDSA87, +1, "wrong length"},
		{RS256, -1, "does not verify"}, {PS256, +1, "does not verify"},
	}
	for _, c := range cases {
		t.Run(c.alg.String(), func(t *testing.T) {
			s := newSigner(t, c.alg)
			b, err := Marshal(s.pub, c.alg)
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParseKey(b)
			if err != nil {
				t.Fatal(err)
			}
			sig := s.sign(msg)
			if c.delta < 0 {
				sig = sig[:len(sig)-1]
			} else {
				sig = append(sig, 0)
			}
			wantSigErr(t, k.Verify(msg, sig), c.detail)
		})
	}
}

// TestPSSParameters: PS* insist on a salt as long as the hash and MGF1 with
// the same hash.
func TestPSSParameters(t *testing.T) {
	msg := []byte("message")
	priv := rsaTestKey()
	k, err := ParseKey(mustMarshal(t, &priv.PublicKey, PS256))
	if err != nil {
		t.Fatal(err)
	}
	d := hashOf(crypto.SHA256, msg)
	for _, salt := range []int{20, 48, 64, rsa.PSSSaltLengthAuto} {
		sig, err := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, d, &rsa.PSSOptions{SaltLength: salt})
		if err != nil {
			t.Fatal(err)
		}
		wantSigErr(t, k.Verify(msg, sig), "does not verify")
	}
	// A PKCS #1 v1.5 signature is not a PSS signature, and the reverse.
	v15, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, d)
	if err != nil {
		t.Fatal(err)
	}
	wantSigErr(t, k.Verify(msg, v15), "does not verify")
	rsKey, err := ParseKey(mustMarshal(t, &priv.PublicKey, RS256))
	if err != nil {
		t.Fatal(err)
	}
	pss, err := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, d, &rsa.PSSOptions{SaltLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Verify(msg, pss); err != nil {
		t.Fatalf("PSS salt 32: %v", err)
	}
	wantSigErr(t, rsKey.Verify(msg, pss), "does not verify")
	// The hash follows the alg: a PS384 key rejects a SHA-256 PSS signature.
	ps384, err := ParseKey(mustMarshal(t, &priv.PublicKey, PS384))
	if err != nil {
		t.Fatal(err)
	}
	wantSigErr(t, ps384.Verify(msg, pss), "does not verify")
}

func mustMarshal(t testing.TB, pub crypto.PublicKey, alg Algorithm) []byte {
	t.Helper()
	b, err := Marshal(pub, alg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMLDSAContext: WebAuthn ML-DSA signatures use the empty context; a
// signature with another context, or a pre-hashed one, does not verify.
func TestMLDSAContext(t *testing.T) {
	msg := []byte("message")
	priv, err := mldsa.GenerateKey(mldsa.MLDSA44())
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(mustMarshal(t, priv.Public(), MLDSA44))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := priv.Sign(nil, msg, &mldsa.Options{Context: "webauthn"})
	if err != nil {
		t.Fatal(err)
	}
	wantSigErr(t, k.Verify(msg, sig), "does not verify")
	sig, err = priv.Sign(nil, msg, &mldsa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Verify(msg, sig); err != nil {
		t.Fatal(err)
	}
}

// TestEd448Context: Ed448 signatures use the empty context and PureEdDSA.
func TestEd448Context(t *testing.T) {
	msg := []byte("message")
	pub, priv, err := ed448.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(mustMarshal(t, pub, Ed448))
	if err != nil {
		t.Fatal(err)
	}
	wantSigErr(t, k.Verify(msg, ed448.Sign(priv, msg, "webauthn")), "does not verify")
	wantSigErr(t, k.Verify(msg, ed448.SignPh(priv, msg, "")), "does not verify")
	if err := k.Verify(msg, ed448.Sign(priv, msg, "")); err != nil {
		t.Fatal(err)
	}
}

func TestVerifySignaturePolicy(t *testing.T) {
	msg := []byte("message")
	es256 := newSigner(t, ES256)
	es384 := newSigner(t, ES384)
	rs256 := newSigner(t, RS256)
	rs1 := newSigner(t, RS1)
	ed := newSigner(t, EdDSA)
	e448 := newSigner(t, Ed448)
	ml44 := newSigner(t, MLDSA44)
	ml65 := newSigner(t, MLDSA65)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	e448p := e448.pub.(ed448.PublicKey)

	t.Run("RS1 needs AllowSHA1", func(t *testing.T) {
		sig := rs1.sign(msg)
		err := VerifySignature(RS1, rs1.pub, msg, sig, VerifyOptions{})
		if !errors.Is(err, ErrUnsupportedAlgorithm) {
			t.Fatalf("got %v, want ErrUnsupportedAlgorithm", err)
		}
		if err := VerifySignature(RS1, rs1.pub, msg, sig, VerifyOptions{AllowSHA1: true}); err != nil {
			t.Fatalf("RS1 with AllowSHA1: %v", err)
		}
		wantSigErr(t, VerifySignature(RS1, rs1.pub, msg, rs256.sign(msg), VerifyOptions{AllowSHA1: true}), "does not verify")
	})
	t.Run("AllowSHA1 does not let RS1 keys into ParseKey", func(t *testing.T) {
		if _, err := Marshal(rs1.pub, RS1); !errors.Is(err, ErrUnsupportedAlgorithm) {
			t.Fatalf("Marshal RS1: %v", err)
		}
	})

	mismatches := []struct {
		name string
		alg  Algorithm
		pub  crypto.PublicKey
	}{
		{"ES256 with a P-384 key", ES256, es384.pub},
		{"ES384 with a P-256 key", ES384, es256.pub},
		{"ESP512 with a P-256 key", ESP512, es256.pub},
		{"ES256 with an RSA key", ES256, rs256.pub},
		{"ES256 with a nil ECDSA key", ES256, (*ecdsa.PublicKey)(nil)},
		{"ES256 with a non-pointer key", ES256, ecdsa.PublicKey{}},
		{"ES256 with no coordinates", ES256, &ecdsa.PublicKey{Curve: elliptic.P256()}},
		{"ES256 with no curve", ES256, &ecdsa.PublicKey{X: big.NewInt(1), Y: big.NewInt(1)}},
		{"EdDSA with an ECDSA key", EdDSA, es256.pub},
		{"EdDSA with a short key", EdDSA, ed25519.PublicKey(make([]byte, 31))},
		{"Ed25519 with an Ed448 key", Ed25519, e448.pub},
		{"Ed448 with an Ed25519 key", Ed448, ed.pub},
		{"Ed448 with a short key", Ed448, ed448.PublicKey(make([]byte, 56))},
		{"Ed448 with a nil pointer", Ed448, (*ed448.PublicKey)(nil)},
		{"RS256 with an ECDSA key", RS256, es256.pub},
		{"RS256 with a 1024-bit key", RS256, &small.PublicKey},
		{"RS256 with an 8200-bit key", RS256, &rsa.PublicKey{N: new(big.Int).SetBytes(randomOdd(t, 8200)), E: 65537}},
		{"PS256 with e = 1", PS256, &rsa.PublicKey{N: rsaTestKey().N, E: 1}},
		{"PS256 with a nil key", PS256, (*rsa.PublicKey)(nil)},
		{"ML-DSA-44 with a 65 key", MLDSA44, ml65.pub},
		{"ML-DSA-65 with a 44 key", MLDSA65, ml44.pub},
		{"ML-DSA-44 with the zero key", MLDSA44, &mldsa.PublicKey{}},
		{"ML-DSA-44 with a nil key", MLDSA44, (*mldsa.PublicKey)(nil)},
		{"ML-DSA-44 with an Ed25519 key", MLDSA44, ed.pub},
	}
	for _, c := range mismatches {
		t.Run(c.name, func(t *testing.T) {
			err := VerifySignature(c.alg, c.pub, msg, []byte{0x30, 0}, VerifyOptions{AllowSHA1: true})
			if !errors.Is(err, ErrKeyMismatch) {
				t.Fatalf("got %v, want ErrKeyMismatch", err)
			}
			if errors.Is(err, ErrSignature) || errcode.Code(err) != "" {
				t.Errorf("mismatch error %v is also a signature error or carries a code", err)
			}
			if _, err := Marshal(c.pub, c.alg); !errors.Is(err, ErrKeyMismatch) {
				t.Errorf("Marshal: got %v, want ErrKeyMismatch", err)
			}
		})
	}
	t.Run("Ed448 by pointer", func(t *testing.T) {
		if err := VerifySignature(Ed448, &e448p, msg, e448.sign(msg), VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	for _, alg := range []Algorithm{-47, 0, -65534, 1} {
		t.Run("unsupported "+alg.String(), func(t *testing.T) {
			err := VerifySignature(alg, es256.pub, msg, es256.sign(msg), VerifyOptions{AllowSHA1: true})
			if !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Fatalf("got %v, want ErrUnsupportedAlgorithm", err)
			}
			if _, err := Marshal(es256.pub, alg); !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Fatalf("Marshal: got %v, want ErrUnsupportedAlgorithm", err)
			}
		})
	}
}

func TestZeroKey(t *testing.T) {
	var k Key
	wantSigErr(t, k.Verify([]byte("m"), []byte("s")), "no usable key")
	if k.Public() != nil || k.Equal(nil) {
		t.Error("zero key has a public key")
	}
	var nilKey *Key
	wantSigErr(t, nilKey.Verify(nil, nil), "no key")
}
