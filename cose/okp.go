package cose

import "crypto/ed25519"

// parseOKP reads an OKP key: crv and x, the raw public key of Ed25519
// (EdDSA, Ed25519) or Ed448.
//
// The point is not decoded here for Ed25519 (the standard library exposes
// no decoder); a key that is not a point never verifies. Ed448 keys are
// decoded, see ed448.go.
func (k *Key) parseOKP(info algInfo, m *keyMap) error {
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
	if k.alg == Ed448 {
		if err := checkEd448Point(x); err != nil {
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
