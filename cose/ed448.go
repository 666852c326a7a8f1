package cose

import (
	"crypto"

	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/gopasskey/passkey/errcode"
)

// Ed448 (COSE -53, OKP crv 7): PureEdDSA over edwards448 with an empty
// context (RFC 8032 §5.2), as WebAuthn's Ed448 credentials sign. All Ed448
// code is in this file.

const (
	ed448KeySize = ed448.PublicKeySize // 57
	ed448SigSize = ed448.SignatureSize // 114
)

// checkEd448Point rejects an x that does not decode to a point of the curve.
func checkEd448Point(x []byte) error {
	if _, err := goldilocks.FromBytes(x); err != nil {
		return errcode.Wrap(errcode.ErrMalformedPublicKey, checkAlgIdentifier,
			"COSE key is not a valid Ed448 point", err)
	}
	return nil
}

// verifyEd448 checks a raw 114-byte Ed448 signature over msg.
func verifyEd448(pub, msg, sig []byte) error {
	if len(sig) != ed448SigSize {
		return sigError("Ed448 signature has the wrong length")
	}
	if !ed448.Verify(ed448.PublicKey(pub), msg, sig, "") {
		return sigError("Ed448 signature does not verify")
	}
	return nil
}

// ed448Public returns a copy of the key as circl's type.
func ed448Public(raw []byte) crypto.PublicKey {
	return ed448.PublicKey(append([]byte(nil), raw...))
}

func ed448Equal(raw []byte, pub crypto.PublicKey) bool {
	return ed448.PublicKey(raw).Equal(pub)
}

// ed448Raw returns the raw key of an Ed448 public key value.
func ed448Raw(pub crypto.PublicKey) ([]byte, bool) {
	switch p := pub.(type) {
	case ed448.PublicKey:
		return p, len(p) == ed448KeySize
	case *ed448.PublicKey:
		if p == nil {
			return nil, false
		}
		return *p, len(*p) == ed448KeySize
	}
	return nil, false
}
