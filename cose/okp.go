package cose

import "crypto/ed25519"

// parseOKP reads an OKP key: crv and x, the raw public key of Ed25519
// (EdDSA, Ed25519) or Ed448.
//
// Both points are decoded as RFC 8032 decodes them, so that a key that is
// no point is refused as malformed when it is registered (ed25519point.go,
// ed448.go); a stored Ed25519 key is not decoded again, since
// crypto/ed25519 decodes it at every verification.
func (k *Key) parseOKP(info algInfo, m *keyMap, stored bool) error {
	if err := m.requireCurve(k.alg, info.crv); err != nil {
		return err
	}
	x, err := m.requireBytes(labelX, "x")
	if err != nil {
		return err
	}
	if err := requireSize(x, info.size, "x"); err != nil {
		return err
	}
	switch {
	case k.alg == Ed448:
		if err := checkEd448Point(x); err != nil {
			return err
		}
	case !stored:
		if err := checkEd25519Point(x); err != nil {
			return err
		}
	}
	copy(k.raw[:], x)
	return nil
}

// verifyEd25519 checks a raw 64-byte PureEdDSA signature over msg.
func verifyEd25519(pub, msg, sig []byte) error {
	if len(sig) != ed25519.SignatureSize {
		return sigError("Ed25519 signature has the wrong length")
	}
	if !ed25519.Verify(pub, msg, sig) {
		return sigError("Ed25519 signature does not verify")
	}
	return nil
}
