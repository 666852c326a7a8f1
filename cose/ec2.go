package cose

import (
	"crypto/ecdsa"
	"crypto/elliptic"

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
func (k *Key) parseEC2(info algInfo, m *keyMap) error {
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
	// ParseUncompressedPublicKey rejects the identity, coordinates ≥ p and
	// points off the curve (the validation #sctn-alg-identifier asks for).
	pt := k.raw[:1+2*info.size]
	pt[0] = 4
	copy(pt[1:], x)
	copy(pt[1+info.size:], y)
	pub, err := ecdsa.ParseUncompressedPublicKey(curveOf(k.alg), pt)
	if err != nil {
		return errcode.Wrap(errcode.ErrMalformedPublicKey, checkAlgIdentifier,
			"COSE key is not a valid point of its curve", err)
	}
	k.ecdsa = pub
	return nil
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
