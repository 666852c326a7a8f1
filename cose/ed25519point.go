package cose

import (
	"github.com/cloudflare/circl/math/fp25519"
	"github.com/gopasskey/passkey/errcode"
)

// ed25519D is the curve constant d = -121665/121666 mod 2^255-19 of
// edwards25519 (RFC 8032 §5.1), little-endian.
var ed25519D = fp25519.Elt{
	0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
	0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
}

// checkEd25519Point decodes x as RFC 8032 §5.1.3 does and refuses what
// that decoding refuses: a y coordinate of p or more (a non-canonical
// encoding, which crypto/ed25519 would accept), a y for which no x exists
// (no point of the curve), and x = 0 with the sign bit set.
func checkEd25519Point(x []byte) error {
	var y fp25519.Elt
	copy(y[:], x)
	sign := y[31] >> 7
	y[31] &= 0x7f
	if !canonical25519(&y) {
		return ed25519PointError("its y coordinate is not below 2^255-19")
	}
	// x² = (y² - 1) / (d·y² + 1); the denominator is never zero on this
	// curve (d is not a square).
	var one, y2, u, v, xx fp25519.Elt
	fp25519.SetOne(&one)
	fp25519.Sqr(&y2, &y)
	fp25519.Sub(&u, &y2, &one)
	fp25519.Mul(&v, &y2, &ed25519D)
	fp25519.Add(&v, &v, &one)
	if !fp25519.InvSqrt(&xx, &u, &v) {
		return ed25519PointError("no point of the curve has its y coordinate")
	}
	if fp25519.IsZero(&xx) && sign == 1 {
		return ed25519PointError("x is 0 but its sign bit is set")
	}
	return nil
}

// canonical25519 reports whether y (little-endian, top bit clear) is below
// p = 2^255-19, whose encoding is ed ff … ff 7f.
func canonical25519(y *fp25519.Elt) bool {
	if y[31] != 0x7f {
		return true
	}
	for i := 30; i > 0; i-- {
		if y[i] != 0xff {
			return true
		}
	}
	return y[0] < 0xed
}

func ed25519PointError(why string) error {
	return errcode.New(errcode.ErrMalformedPublicKey, checkAlgIdentifier,
		"COSE key is not a valid Ed25519 point: "+why)
}
