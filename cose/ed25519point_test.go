package cose

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// onCurveReference decodes an Ed25519 point with math/big, straight from
// RFC 8032 §5.1.3: y < p, and (y²-1)/(d·y²+1) a square (x = 0 needs the
// sign bit clear). It is slow and independent of checkEd25519Point.
func onCurveReference(enc []byte) bool {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	d := new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), p))
	d.Mod(d, p)
	le := slices.Clone(enc)
	sign := le[31] >> 7
	le[31] &= 0x7f
	slices.Reverse(le)
	y := new(big.Int).SetBytes(le)
	if y.Cmp(p) >= 0 {
		return false
	}
	y2 := new(big.Int).Mod(new(big.Int).Mul(y, y), p)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	v := new(big.Int).Add(new(big.Int).Mul(d, y2), big.NewInt(1))
	w := new(big.Int).Mod(new(big.Int).Mul(u, v), p) // a square iff u/v is
	if w.Sign() == 0 {
		return sign == 0
	}
	return big.Jacobi(w, p) == 1
}

// le encodes v (< 2^256) as 32 little-endian bytes, with the sign bit set
// when sign is.
func le(v *big.Int, sign bool) []byte {
	b := v.FillBytes(make([]byte, 32))
	slices.Reverse(b)
	if sign {
		b[31] |= 0x80
	}
	return b
}

func TestEd25519Point(t *testing.T) {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	cases := []struct {
		name string
		x    []byte
		ok   bool
	}{
		{"the base point", le(big.NewInt(0).SetBytes([]byte{0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x58}), false), true},
		{"y = 1, x = 0 (the identity)", le(big.NewInt(1), false), true},
		{"y = 1, x = 0, sign bit set", le(big.NewInt(1), true), false},
		{"y = p-1, x = 0, sign bit set", le(new(big.Int).Sub(p, big.NewInt(1)), true), false},
		{"y = p (non-canonical 0)", le(p, false), false},
		{"y = p+1 (non-canonical 1)", le(new(big.Int).Add(p, big.NewInt(1)), false), false},
		{"y = 2^255-1", le(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(1)), true), false},
		{"y = 2 (no x)", le(big.NewInt(2), false), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if ref := onCurveReference(c.x); ref != c.ok {
				t.Fatalf("the reference says %v", ref)
			}
			err := checkEd25519Point(c.x)
			if c.ok != (err == nil) {
				t.Fatalf("checkEd25519Point: %v, want ok=%v", err, c.ok)
			}
			if err != nil && !errors.Is(err, errcode.ErrMalformedPublicKey) {
				t.Fatalf("code: %v", err)
			}
		})
	}
	// Generated keys are points; random strings are points half the time.
	// Both must agree with the reference.
	refused := 0
	for i := range 2000 {
		x := make([]byte, 32)
		if i%2 == 0 {
			pub, _, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			copy(x, pub)
		} else if _, err := rand.Read(x); err != nil {
			t.Fatal(err)
		}
		ref, err := onCurveReference(x), checkEd25519Point(x)
		if ref != (err == nil) {
			t.Fatalf("%x: reference %v, checkEd25519Point %v", x, ref, err)
		}
		if err != nil {
			refused++
		}
	}
	if refused < 300 || refused > 700 {
		t.Fatalf("%d of 1000 random strings refused; about half are no point", refused)
	}
}

// TestEd25519PointInParseKey checks that ParseKey decodes the point, and
// that a stored key (ParseOptions.Stored) is taken without it.
func TestEd25519PointInParseKey(t *testing.T) {
	base := mapOf(t, newSigner(t, EdDSA))
	bad := with(base, map[any]any{-2: le(big.NewInt(2), false)}).encode(t)
	_, err := ParseKey(bad)
	if !errors.Is(err, errcode.ErrMalformedPublicKey) {
		t.Fatalf("ParseKey: %v, want malformed-public-key", err)
	}
	if _, err := ParseKeyWith(bad, ParseOptions{Stored: true}); err != nil {
		t.Fatalf("stored: %v", err)
	}
	if _, err := ParseKey(base.encode(t)); err != nil {
		t.Fatalf("a generated key: %v", err)
	}
}

func BenchmarkEd25519Point(b *testing.B) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := checkEd25519Point(pub); err != nil {
			b.Fatal(err)
		}
	}
}
