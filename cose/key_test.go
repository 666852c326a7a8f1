package cose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"testing"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/gopasskey/passkey/errcode"
)

// with returns base with the given members set (a nil value deletes one).
func with(base coseMap, set map[any]any) coseMap {
	m := base.clone()
	for k, v := range set {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// randomOdd returns a random odd number of exactly bits bits, big-endian.
func randomOdd(t *testing.T, bits int) []byte {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
	if err != nil {
		t.Fatal(err)
	}
	n.SetBit(n, bits-1, 1)
	n.SetBit(n, 0, 1)
	return n.Bytes()
}

// pointAboveP returns the encoding of a valid point of curve whose x
// coordinate is written as x+p, which still fits the field size: the
// smallest x on the curve is tiny, so x+p < 2^(8·size).
func pointAboveP(t *testing.T, curve elliptic.Curve, size int) (x, y []byte) {
	t.Helper()
	p := curve.Params().P
	for i := int64(0); i < 1000; i++ {
		xi := big.NewInt(i)
		// y² = x³ - 3x + b
		rhs := new(big.Int).Exp(xi, big.NewInt(3), p)
		rhs.Sub(rhs, new(big.Int).Mul(big.NewInt(3), xi))
		rhs.Add(rhs, curve.Params().B)
		rhs.Mod(rhs, p)
		yi := new(big.Int).ModSqrt(rhs, p)
		if yi == nil {
			continue
		}
		if !curve.IsOnCurve(xi, yi) {
			t.Fatal("constructed point is not on the curve")
		}
		big := new(big.Int).Add(xi, p)
		if big.BitLen() > 8*size {
			t.Fatal("x+p does not fit")
		}
		return big.FillBytes(make([]byte, size)), yi.FillBytes(make([]byte, size))
	}
	t.Fatal("no small x found")
	return nil, nil
}

func TestParseKeyRejects(t *testing.T) {
	es256 := mapOf(t, newSigner(t, ES256))
	es512 := mapOf(t, newSigner(t, ES512))
	eddsa := mapOf(t, newSigner(t, EdDSA))
	ed448k := mapOf(t, newSigner(t, Ed448))
	rs256 := mapOf(t, newSigner(t, RS256))
	mldsa44 := mapOf(t, newSigner(t, MLDSA44))
	canon := es256.encode(t)

	x256 := es256[-2].([]byte)
	y256 := es256[-3].([]byte)
	offCurve := bytes.Clone(y256)
	offCurve[31] ^= 1
	bigX, bigY := pointAboveP(t, elliptic.P256(), 32)
	bigX521, bigY521 := pointAboveP(t, elliptic.P521(), 66)
	n2048 := rs256[-1].([]byte)
	evenN := bytes.Clone(n2048)
	evenN[len(evenN)-1] &^= 1
	ff := func(n int) []byte { return bytes.Repeat([]byte{0xff}, n) }

	type tc struct {
		name   string
		key    []byte
		code   errcode.Sentinel
		detail string
	}
	mal := errcode.ErrMalformedPublicKey
	cases := []tc{
		// CBOR framing
		{"empty", nil, mal, "truncated"},
		{"not a map (array)", []byte{0x82, 0x01, 0x02}, mal, "not a CBOR map"},
		{"not a map (bytes)", []byte{0x41, 0x00}, mal, "not a CBOR map"},
		{"truncated", canon[:len(canon)-1], mal, "truncated"},
		{"trailing bytes", append(bytes.Clone(canon), 0x00), mal, "bytes follow"},
		{"indefinite-length map", append(append([]byte{0xbf}, canon[1:]...), 0xff), mal, "indefinite"},
		{"tag around the map", append([]byte{0xd9, 0xd9, 0xf7}, canon...), mal, "tag"},
		{"tag on a value", with(es256, map[any]any{5: bigTag{}}).encode(t), mal, "tag"},
		{"reserved additional info", []byte{0xa1, 0x1c}, mal, "reserved"},
		{"too many members", manyMembers(t, es256, maxKeyPairs+1), mal, "too many members"},
		{"duplicate alg", append(incrementCount(canon), 0x03, 0x26), mal, "duplicate"},
		{"duplicate kty, non-minimal label", append(incrementCount(canon), 0x18, 0x01, 0x02), mal, "duplicate"},
		{"duplicate text label", dupText(t, es256), mal, "duplicate"},
		{"label is a byte string", append(incrementCount(canon), 0x41, 0x01, 0x01), mal, "label"},
		{"text label is not UTF-8", append(incrementCount(canon), 0x61, 0xff, 0x01), mal, "UTF-8"},
		{"ignored value is malformed", append(incrementCount(canon), 0x05, 0x81, 0x9f, 0xff), mal, "well-formed"},
		{"ignored text value is not UTF-8", append(incrementCount(canon), 0x05, 0x61, 0xff), mal, "UTF-8"},
		{"non-canonical simple value", append(incrementCount(canon), 0x05, 0xf8, 0x14), mal, "simple"},

		// kty and alg
		{"missing kty", with(es256, map[any]any{1: nil}).encode(t), mal, "no kty"},
		{"kty is text", with(es256, map[any]any{1: "EC2"}).encode(t), mal, "kty (1) must be an integer (got text string)"},
		{"kty beyond int64", with(es256, map[any]any{1: uint64(1 << 63)}).encode(t), mal, "kty (1) must be an integer (got integer out of range)"},
		{"missing alg", with(es256, map[any]any{3: nil}).encode(t), mal, "no alg"},
		{"alg is text", with(es256, map[any]any{3: "ES256"}).encode(t), mal, "alg (3) must be an integer (got text string)"},
		{"alg is bytes", with(es256, map[any]any{3: []byte{0x26}}).encode(t), mal, "alg (3) must be an integer (got byte string)"},
		{"unknown alg ES256K", with(es256, map[any]any{3: -47}).encode(t), errcode.ErrUnsupportedAlgorithm, "not supported"},
		{"RS1 is not a credential alg", with(rs256, map[any]any{3: int64(RS1)}).encode(t), errcode.ErrUnsupportedAlgorithm, "not supported"},
		{"kty RSA with ES256", with(es256, map[any]any{1: 3}).encode(t), mal, "type does not fit"},
		{"kty OKP with ES256", with(es256, map[any]any{1: 1}).encode(t), mal, "type does not fit"},
		{"kty EC2 with EdDSA", with(eddsa, map[any]any{1: 2}).encode(t), mal, "type does not fit"},
		{"kty EC2 with RS256", with(rs256, map[any]any{1: 2}).encode(t), mal, "type does not fit"},
		{"kty OKP with ML-DSA-44", with(mldsa44, map[any]any{1: 1}).encode(t), mal, "type does not fit"},
		{"unknown kty 4 with ES256", with(es256, map[any]any{1: 4}).encode(t), mal, "type does not fit"},

		// tolerated common labels with the wrong type
		{"kid is an integer", with(es256, map[any]any{2: 7}).encode(t), mal, "kid (2) must be a byte string (got integer)"},
		{"key_ops is an integer", with(es256, map[any]any{4: 2}).encode(t), mal, "key_ops (4) must be an array (got integer)"},

		// EC2
		{"EC2 missing crv", with(es256, map[any]any{-1: nil}).encode(t), mal, "no crv"},
		{"EC2 crv is bytes", with(es256, map[any]any{-1: []byte{1}}).encode(t), mal, "crv (-1) must be an integer (got byte string)"},
		{"ES256 with crv P-384", with(es256, map[any]any{-1: 2}).encode(t), mal, "curve does not fit"},
		{"ES512 with crv P-256", with(es512, map[any]any{-1: 1}).encode(t), mal, "curve does not fit"},
		{"ESP256 with crv P-521", with(es256, map[any]any{3: int(ESP256), -1: 3}).encode(t), mal, "curve does not fit"},
		{"EC2 missing x", with(es256, map[any]any{-2: nil}).encode(t), mal, "no x (-2)"},
		{"EC2 missing y", with(es256, map[any]any{-3: nil}).encode(t), mal, "no y (-3)"},
		{"EC2 y is a boolean (compressed)", with(es256, map[any]any{-3: true}).encode(t), mal, "y (-3) must be a byte string (got boolean)"},
		{"EC2 x is text", with(es256, map[any]any{-2: "x"}).encode(t), mal, "x (-2) must be a byte string (got text string)"},
		{"EC2 x is an integer", with(es256, map[any]any{-2: 5}).encode(t), mal, "x (-2) must be a byte string (got integer)"},
		{"EC2 x 31 bytes", with(es256, map[any]any{-2: x256[1:]}).encode(t), mal, "x has the wrong length"},
		{"EC2 y 33 bytes", with(es256, map[any]any{-3: append([]byte{0}, y256...)}).encode(t), mal, "y has the wrong length"},
		{"ES512 x 65 bytes (leading zero dropped)", with(es512, map[any]any{-2: es512[-2].([]byte)[1:]}).encode(t), mal, "x has the wrong length"},
		{"EC2 point off the curve", with(es256, map[any]any{-3: offCurve}).encode(t), mal, "not a valid point"},
		{"EC2 identity (0,0)", with(es256, map[any]any{-2: make([]byte, 32), -3: make([]byte, 32)}).encode(t), mal, "not a valid point"},
		{"EC2 x ≥ p (P-256)", with(es256, map[any]any{-2: bigX, -3: bigY}).encode(t), mal, "not a valid point"},
		{"EC2 x ≥ p (P-521)", with(es512, map[any]any{-2: bigX521, -3: bigY521}).encode(t), mal, "not a valid point"},
		{"EC2 private d", with(es256, map[any]any{-4: x256}).encode(t), mal, "private member d (-4)"},
		{"EC2 unknown parameter -5", with(es256, map[any]any{-5: 1}).encode(t), mal, "unknown parameter -5"},
		{"EC2 unknown parameter -13", with(es256, map[any]any{-13: 1}).encode(t), mal, "unknown key-type parameter"},
		{"EC2 unknown parameter -1000", with(es256, map[any]any{-1000: x256}).encode(t), mal, "unknown key-type parameter"},

		// OKP
		{"OKP missing crv", with(eddsa, map[any]any{-1: nil}).encode(t), mal, "no crv"},
		{"EdDSA with crv Ed448", with(eddsa, map[any]any{-1: 7}).encode(t), mal, "curve does not fit"},
		{"Ed25519 with crv Ed448", with(eddsa, map[any]any{3: int(Ed25519), -1: 7}).encode(t), mal, "curve does not fit"},
		{"EdDSA with crv X25519", with(eddsa, map[any]any{-1: 4}).encode(t), mal, "curve does not fit"},
		{"OKP missing x", with(eddsa, map[any]any{-2: nil}).encode(t), mal, "no x (-2)"},
		{"OKP x is text", with(eddsa, map[any]any{-2: "x"}).encode(t), mal, "x (-2) must be a byte string (got text string)"},
		{"Ed25519 x 31 bytes", with(eddsa, map[any]any{-2: make([]byte, 31)}).encode(t), mal, "x has the wrong length"},
		{"Ed25519 x 33 bytes", with(eddsa, map[any]any{-2: make([]byte, 33)}).encode(t), mal, "x has the wrong length"},
		{"OKP private d", with(eddsa, map[any]any{-4: make([]byte, 32)}).encode(t), mal, "private member d (-4)"},
		{"OKP unknown parameter -3", with(eddsa, map[any]any{-3: make([]byte, 32)}).encode(t), mal, "unknown parameter -3"},
		{"Ed448 with crv Ed25519", with(ed448k, map[any]any{-1: 6}).encode(t), mal, "curve does not fit"},
		{"Ed448 x 56 bytes", with(ed448k, map[any]any{-2: make([]byte, 56)}).encode(t), mal, "x has the wrong length"},
		{"Ed448 x 58 bytes", with(ed448k, map[any]any{-2: make([]byte, 58)}).encode(t), mal, "x has the wrong length"},
		{"Ed448 x not a point", with(ed448k, map[any]any{-2: ff(57)}).encode(t), mal, "not a valid Ed448 point"},
		{"Ed448 private d", with(ed448k, map[any]any{-4: make([]byte, 57)}).encode(t), mal, "private member d (-4)"},

		// RSA
		{"RSA missing n", with(rs256, map[any]any{-1: nil}).encode(t), mal, "no n (-1)"},
		{"RSA missing e", with(rs256, map[any]any{-2: nil}).encode(t), mal, "no e (-2)"},
		{"RSA n is text", with(rs256, map[any]any{-1: "n"}).encode(t), mal, "n (-1) must be a byte string (got text string)"},
		{"RSA e is an integer", with(rs256, map[any]any{-2: 65537}).encode(t), mal, "e (-2) must be a byte string (got integer)"},
		{"RSA 1024-bit modulus", with(rs256, map[any]any{-1: randomOdd(t, 1024)}).encode(t), mal, "1024 bits"},
		{"RSA 2047-bit modulus", with(rs256, map[any]any{-1: randomOdd(t, 2047)}).encode(t), mal, "2047 bits"},
		{"RSA 8193-bit modulus", with(rs256, map[any]any{-1: randomOdd(t, 8193)}).encode(t), mal, "8193 bits"},
		{"RSA 16384-bit modulus", with(rs256, map[any]any{-1: randomOdd(t, 16384)}).encode(t), mal, "16384 bits"},
		{"RSA two leading zero bytes in n", with(rs256, map[any]any{-1: append([]byte{0, 0}, n2048...)}).encode(t), mal, "more than one leading zero"},
		{"RSA empty n", with(rs256, map[any]any{-1: []byte{}}).encode(t), mal, "not positive"},
		{"RSA even n", with(rs256, map[any]any{-1: evenN}).encode(t), mal, "modulus is even"},
		{"RSA even e", with(rs256, map[any]any{-2: []byte{1, 0, 0}}).encode(t), mal, "exponent is even"},
		{"RSA e = 1", with(rs256, map[any]any{-2: []byte{1}}).encode(t), mal, "smaller than 3"},
		{"RSA empty e", with(rs256, map[any]any{-2: []byte{}}).encode(t), mal, "smaller than 3"},
		{"RSA e = 2^31+1", with(rs256, map[any]any{-2: []byte{0x80, 0, 0, 1}}).encode(t), mal, "larger than 2^31-1"},
		{"RSA e = 2^32+1 (5 bytes)", with(rs256, map[any]any{-2: []byte{1, 0, 0, 0, 1}}).encode(t), mal, "larger than 2^31-1"},
		// 2^64+65537 wraps to 65537 in a 64-bit accumulator.
		{"RSA e = 2^64+65537 (9 bytes)", with(rs256, map[any]any{-2: []byte{1, 0, 0, 0, 0, 0, 1, 0, 1}}).encode(t), mal, "larger than 2^31-1"},
		{"kty RSA alg PS256 with crv", with(rs256, map[any]any{3: int(PS256), -3: 1}).encode(t), mal, "private member RSA private (-3)"},

		// AKP (ML-DSA)
		{"ML-DSA missing pub", with(mldsa44, map[any]any{-1: nil}).encode(t), mal, "no pub (-1)"},
		{"ML-DSA pub is text", with(mldsa44, map[any]any{-1: "pub"}).encode(t), mal, "pub (-1) must be a byte string (got text string)"},
		{"ML-DSA-44 pub 1311 bytes", with(mldsa44, map[any]any{-1: make([]byte, 1311)}).encode(t), mal, "pub has the wrong length"},
		{"ML-DSA-44 pub 1313 bytes", with(mldsa44, map[any]any{-1: make([]byte, 1313)}).encode(t), mal, "pub has the wrong length"},
		{"ML-DSA-65 with a 44 key", with(mldsa44, map[any]any{3: int(MLDSA65)}).encode(t), mal, "pub has the wrong length"},
		{"ML-DSA-87 with a 44 key", with(mldsa44, map[any]any{3: int(MLDSA87)}).encode(t), mal, "pub has the wrong length"},
		{"ML-DSA private priv", with(mldsa44, map[any]any{-2: make([]byte, 32)}).encode(t), mal, "private member priv (-2)"},
		{"ML-DSA unknown parameter -3", with(mldsa44, map[any]any{-3: 1}).encode(t), mal, "unknown parameter -3"},
	}
	// Every RSA private member, -3 (d) … -12 (t_i).
	for l := -3; l >= -12; l-- {
		cases = append(cases, tc{
			"RSA private member " + itoa(l),
			with(rs256, map[any]any{l: []byte{1}}).encode(t), mal, "private member RSA private (" + itoa(l) + ")",
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParseKey(c.key)
			if k != nil {
				t.Errorf("got a key with the error")
			}
			wantCode(t, err, c.code, c.detail)
		})
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// bigTag encodes as a tagged value (tag 2, a bignum), which COSE keys never use.
type bigTag struct{}

func (bigTag) MarshalCBOR() ([]byte, error) { return []byte{0xc2, 0x41, 0x01}, nil }

// incrementCount adds one to the pair count of a small canonical map, so
// one more pair can be appended.
func incrementCount(b []byte) []byte {
	c := bytes.Clone(b)
	c[0]++
	return c
}

func dupText(t *testing.T, base coseMap) []byte {
	b := with(base, map[any]any{"note": 1}).encode(t)
	b = incrementCount(b)
	return append(b, 0x64, 'n', 'o', 't', 'e', 0x02)
}

// manyMembers pads a key with ignored text labels up to n members.
func manyMembers(t *testing.T, base coseMap, n int) []byte {
	m := base.clone()
	for i := 0; len(m) < n; i++ {
		m["x"+itoa(i)] = i
	}
	return m.encode(t)
}

func TestParseKeyAccepts(t *testing.T) {
	es256 := mapOf(t, newSigner(t, ES256))
	rs256 := mapOf(t, newSigner(t, RS256))
	canon := es256.encode(t)
	n2048 := rs256[-1].([]byte)

	cases := []struct {
		name string
		key  []byte
		alg  Algorithm
	}{
		{"kid", with(es256, map[any]any{2: []byte("key-1")}).encode(t), ES256},
		{"key_ops", with(es256, map[any]any{4: []any{2}}).encode(t), ES256},
		{"unknown positive label", with(es256, map[any]any{5: []byte{1, 2}}).encode(t), ES256},
		{"unknown text label", with(es256, map[any]any{"note": map[string]any{"a": []any{1, "b"}}}).encode(t), ES256},
		{"maximum members", manyMembers(t, es256, maxKeyPairs), ES256},
		{"non-canonical order", reorder(canon), ES256},
		{"non-minimal integer heads", append([]byte{0xa5, 0x18, 0x01, 0x02, 0x19, 0x00, 0x03, 0x39, 0x00, 0x06}, canon[5:]...), ES256},
		{"ESP256", with(es256, map[any]any{3: int(ESP256)}).encode(t), ESP256},
		{"RSA one leading zero in n", with(rs256, map[any]any{-1: append([]byte{0}, n2048...)}).encode(t), RS256},
		{"RSA leading zeros in e", with(rs256, map[any]any{-2: []byte{0, 0, 1, 0, 1}}).encode(t), RS256},
		{"RSA e = 3", with(rs256, map[any]any{-2: []byte{3}}).encode(t), RS256},
		{"RSA e = 2^31-1", with(rs256, map[any]any{-2: []byte{0x7f, 0xff, 0xff, 0xff}}).encode(t), RS256},
		{"RSA 8192-bit modulus", with(rs256, map[any]any{-1: randomOdd(t, 8192)}).encode(t), RS256},
		{"RSA 2048-bit modulus, PS256", with(rs256, map[any]any{3: int(PS256)}).encode(t), PS256},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParseKey(c.key)
			if err != nil {
				t.Fatal(err)
			}
			if k.Algorithm() != c.alg {
				t.Errorf("Algorithm() = %v, want %v", k.Algorithm(), c.alg)
			}
		})
	}
}

// reorder moves the first pair (kty) of a canonical EC2 key to the end.
func reorder(canon []byte) []byte {
	out := []byte{canon[0]}
	out = append(out, canon[3:]...)
	return append(out, canon[1:3]...)
}

func TestKeyPublicAndEqual(t *testing.T) {
	for _, alg := range allAlgs {
		t.Run(alg.String(), func(t *testing.T) {
			s := newSigner(t, alg)
			other := newSigner(t, alg)
			b, err := Marshal(s.pub, alg)
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParseKey(b)
			if err != nil {
				t.Fatal(err)
			}
			if !k.Equal(s.pub) {
				t.Error("key does not equal its own public key")
			}
			if !k.Equal(k.Public()) {
				t.Error("key does not equal Public()")
			}
			if alg.base() != RS256 && alg.base() != RS384 && alg.base() != RS512 &&
				alg.base() != PS256 && alg.base() != PS384 && alg.base() != PS512 && k.Equal(other.pub) {
				t.Error("key equals another key")
			}
			for _, v := range []any{nil, "not a key", &ecdsa.PublicKey{}, (*ecdsa.PublicKey)(nil),
				&rsa.PublicKey{}, (*rsa.PublicKey)(nil), ed25519.PublicKey(nil), ed448.PublicKey(nil),
				&mldsa.PublicKey{}, (*mldsa.PublicKey)(nil)} {
				if k.Equal(v) {
					t.Errorf("key equals %#v", v)
				}
			}
			switch alg.base() {
			case ES256, ES384, ES512:
				_, ok := k.Public().(*ecdsa.PublicKey)
				wantTrue(t, ok, "Public() is not *ecdsa.PublicKey")
			case EdDSA:
				p, ok := k.Public().(ed25519.PublicKey)
				wantTrue(t, ok, "Public() is not ed25519.PublicKey")
				p[0] ^= 1 // a copy: changing it must not change the key
				wantTrue(t, k.Equal(s.pub), "Public() aliases the key")
			case Ed448:
				p, ok := k.Public().(ed448.PublicKey)
				wantTrue(t, ok, "Public() is not ed448.PublicKey")
				p[0] ^= 1
				wantTrue(t, k.Equal(s.pub), "Public() aliases the key")
			case MLDSA44, MLDSA65, MLDSA87:
				_, ok := k.Public().(*mldsa.PublicKey)
				wantTrue(t, ok, "Public() is not *mldsa.PublicKey")
			default:
				_, ok := k.Public().(*rsa.PublicKey)
				wantTrue(t, ok, "Public() is not *rsa.PublicKey")
			}
			// A key from an X.509 certificate (PKIX encoding) compares equal.
			if der, err := x509.MarshalPKIXPublicKey(s.pub); err == nil {
				certKey, err := x509.ParsePKIXPublicKey(der)
				if err != nil {
					t.Fatal(err)
				}
				wantTrue(t, k.Equal(certKey), "key does not equal its PKIX round trip")
			}
		})
	}
	t.Run("RSA other key", func(t *testing.T) {
		k, err := ParseKey(mapOf(t, newSigner(t, RS256)).encode(t))
		if err != nil {
			t.Fatal(err)
		}
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		wantTrue(t, !k.Equal(&other.PublicKey), "key equals another RSA key")
	})
}

func wantTrue(t *testing.T, ok bool, msg string) {
	t.Helper()
	if !ok {
		t.Error(msg)
	}
}

func TestAlgorithmHelpers(t *testing.T) {
	cases := []struct {
		alg       Algorithm
		hash      string
		supported bool
		base      Algorithm
	}{
		{ES256, "SHA-256", true, ES256}, {ESP256, "SHA-256", true, ES256},
		{ES384, "SHA-384", true, ES384}, {ESP384, "SHA-384", true, ES384},
		{ES512, "SHA-512", true, ES512}, {ESP512, "SHA-512", true, ES512},
		{EdDSA, "unknown hash value 0", true, EdDSA}, {Ed25519, "unknown hash value 0", true, EdDSA},
		{Ed448, "unknown hash value 0", true, Ed448},
		{RS256, "SHA-256", true, RS256}, {RS384, "SHA-384", true, RS384}, {RS512, "SHA-512", true, RS512},
		{PS256, "SHA-256", true, PS256}, {PS384, "SHA-384", true, PS384}, {PS512, "SHA-512", true, PS512},
		{MLDSA44, "unknown hash value 0", true, MLDSA44}, {MLDSA65, "unknown hash value 0", true, MLDSA65},
		{MLDSA87, "unknown hash value 0", true, MLDSA87},
		{RS1, "SHA-1", false, RS1},
		{-47, "unknown hash value 0", false, -47},
	}
	for _, c := range cases {
		t.Run(c.alg.String(), func(t *testing.T) {
			if got := c.alg.Hash().String(); !strings.EqualFold(got, c.hash) {
				t.Errorf("Hash() = %s, want %s", got, c.hash)
			}
			if c.alg.Supported() != c.supported {
				t.Errorf("Supported() = %v", c.alg.Supported())
			}
			if c.alg.base() != c.base {
				t.Errorf("base() = %v, want %v", c.alg.base(), c.base)
			}
		})
	}
}

func TestRS1KeysOnlyWhenAllowed(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(&priv.PublicKey, RS256)
	if err != nil {
		t.Fatal(err)
	}
	// Re-label the key RS1: alg (3) is encoded as 0x39 0x0100 (-257); RS1
	// is 0x39 0xfffe (-65535).
	rs1 := bytes.Replace(data, []byte{0x03, 0x39, 0x01, 0x00}, []byte{0x03, 0x39, 0xff, 0xfe}, 1)
	if bytes.Equal(rs1, data) {
		t.Fatal("could not re-label the key")
	}
	if _, err := ParseKey(rs1); errcode.Code(err) != "unsupported-algorithm" {
		t.Fatalf("ParseKey(RS1 key) = %v, want unsupported-algorithm", err)
	}
	k, err := ParseKeyWith(rs1, ParseOptions{AllowSHA1: true})
	if err != nil {
		t.Fatalf("ParseKeyWith(RS1, AllowSHA1): %v", err)
	}
	msg := []byte("signed by an old TPM")
	d := sha1.Sum(msg)
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA1, d[:])
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Verify(msg, sig); err != nil {
		t.Fatalf("RS1 signature: %v", err)
	}
	if err := k.Verify([]byte("other"), sig); !errors.Is(err, ErrSignature) {
		t.Fatalf("RS1 wrong message: %v", err)
	}
}
