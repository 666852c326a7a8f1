package cose

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"math/big"
	"math/bits"

	"github.com/gopasskey/passkey/errcode"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// curveOf returns the curve of an ECDSA algorithm (aliases included).
func curveOf(alg Algorithm) elliptic.Curve {
	switch alg.base() {
	case ES256:
		return elliptic.P256()
	case ES384:
		return elliptic.P384()
	case ES512:
		return elliptic.P521()
	}
	return nil
}

// parseEC2 reads an EC2 key: crv, and x and y as fixed-width big-endian
// coordinates (leading zeros kept). Compressed points (y as a boolean) are
// not accepted: WebAuthn keys are uncompressed.
//
// A stored key (ParseOptions.Stored) is checked against its curve only if
// a signature fails (see checkEC2Point): crypto/ecdsa checks the point at
// every verification anyway, and a point off the curve verifies nothing.
func (k *Key) parseEC2(info algInfo, m *keyMap, stored bool) error {
	if err := m.requireCurve(k.alg, info.crv); err != nil {
		return err
	}
	x, err := m.requireBytes(labelX, "x")
	if err != nil {
		return err
	}
	y, err := m.requireBytes(labelY, "y")
	if err != nil {
		return err
	}
	if err := requireSize(x, info.size, "x"); err != nil {
		return err
	}
	if err := requireSize(y, info.size, "y"); err != nil {
		return err
	}
	// The coordinates go into big.Ints backed by the Key itself, and
	// IsOnCurve rejects coordinates ≥ p and points off the curve (the
	// validation #sctn-alg-identifier asks for; the identity has no affine
	// coordinates and (0, 0) is refused explicitly). It is the check of
	// ecdsa.ParseUncompressedPublicKey, and of ecdh's NewPublicKey, which
	// the deprecation notice of IsOnCurve points to, for two allocations
	// instead of seven or five and half the time, on every login; the
	// point is public, so the "unsafe" of that notice does not apply.
	curve := curveOf(k.alg)
	setBigEndian(&k.ec.x, k.ec.words[0][:], x)
	setBigEndian(&k.ec.y, k.ec.words[1][:], y)
	k.ec.pub = ecdsa.PublicKey{Curve: curve, X: &k.ec.x, Y: &k.ec.y}
	k.ecdsa = &k.ec.pub
	if stored {
		k.ec.unchecked = true
		return nil
	}
	return k.checkEC2Point()
}

// checkEC2Point refuses an EC2 point that is not on its curve, with the
// verdict of ParseKey.
func (k *Key) checkEC2Point() error {
	if !k.ec.pub.Curve.IsOnCurve(&k.ec.x, &k.ec.y) {
		return errcode.Wrap(errcode.ErrMalformedPublicKey, checkAlgIdentifier,
			"COSE key is not a valid point of its curve", errNotOnCurve)
	}
	return nil
}

// errNotOnCurve is the cause of a rejected EC2 point.
var errNotOnCurve = errors.New("point is not on the curve")

// ecWords is the number of words of the largest coordinate, P-521's 66 bytes.
const ecWords = (66 + bits.UintSize/8 - 1) / (bits.UintSize / 8)

// ecStorage holds an EC2 key: the standard library's key and the words of
// its coordinates, inside the Key so that parsing one allocates nothing for
// them. The big.Ints alias words and are never modified after parsing.
type ecStorage struct {
	pub ecdsa.PublicKey
	// unchecked marks a stored key whose point was not checked yet.
	unchecked bool
	x, y      big.Int
	words     [2][ecWords]big.Word
}

// setBigEndian sets z to the unsigned big-endian b, using w (long enough)
// as its storage.
func setBigEndian(z *big.Int, w []big.Word, b []byte) {
	const wordBytes = bits.UintSize / 8
	n := 0
	for end := len(b); end > 0; end -= wordBytes {
		var v big.Word
		for _, c := range b[max(end-wordBytes, 0):end] {
			v = v<<8 | big.Word(c)
		}
		w[n] = v
		n++
	}
	z.SetBits(w[:n])
}

// canonicalDER reports whether sig is exactly one DER Ecdsa-Sig-Value,
// SEQUENCE { r INTEGER, s INTEGER }, with minimal lengths, minimal positive
// integers and nothing after it. ecdsa.VerifyASN1 parses the same way today;
// checking here keeps the rule ours whatever the standard library does later.
// The size of r and s and their range are left to the verifier, and high s
// values are accepted: WebAuthn does not require low-S.
func canonicalDER(sig []byte) bool {
	in := cryptobyte.String(sig)
	var seq, r, s cryptobyte.String
	// ReadASN1 insists on DER lengths: short form below 128, no leading
	// zero length octets, no indefinite length.
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() {
		return false
	}
	if !seq.ReadASN1(&r, asn1.INTEGER) || !seq.ReadASN1(&s, asn1.INTEGER) || !seq.Empty() {
		return false
	}
	return positiveMinimal(r) && positiveMinimal(s)
}

// positiveMinimal reports whether an INTEGER's content octets encode a
// positive value in the fewest octets.
func positiveMinimal(b []byte) bool {
	switch {
	case len(b) == 0:
		return false
	case b[0]&0x80 != 0: // negative
		return false
	case len(b) > 1 && b[0] == 0 && b[1]&0x80 == 0: // needless leading zero
		return false
	}
	return true
}
