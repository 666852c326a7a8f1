package cose

import (
	"crypto"

	"filippo.io/mldsa"
	"github.com/gopasskey/passkey/errcode"
)

// ML-DSA (FIPS 204) credential keys: COSE kty AKP (7) with alg ML-DSA-44/65/87
// (-48/-49/-50) and the encoded public key in pub (-1), RFC 9964. WebAuthn
// signatures are pure ML-DSA over the signed message with an empty context.
//
// All ML-DSA code of the package is in this file, so moving from
// filippo.io/mldsa to the standard library's crypto/mldsa (Go 1.27) changes
// this file only. filippo.io/mldsa's types are aliases of crypto/mldsa's on
// Go 1.27, so the type Key.Public returns stays the same.

// mldsaParams returns the parameter set of an ML-DSA algorithm.
func mldsaParams(alg Algorithm) (mldsa.Parameters, bool) {
	switch alg {
	case MLDSA44:
		return mldsa.MLDSA44(), true
	case MLDSA65:
		return mldsa.MLDSA65(), true
	case MLDSA87:
		return mldsa.MLDSA87(), true
	}
	return mldsa.Parameters{}, false
}

// mldsaPublicKeySize is the encoded public key size of an ML-DSA algorithm.
func mldsaPublicKeySize(alg Algorithm) int {
	p, ok := mldsaParams(alg)
	if !ok {
		return 0
	}
	return p.PublicKeySize()
}

// parseAKP reads an AKP key: pub, exactly the parameter set's key size.
func (k *Key) parseAKP(info algInfo, m *keyMap) error {
	pub, err := m.requireBytes(labelPub, "pub")
	if err != nil {
		return err
	}
	if err := requireSize(pub, info.size, "pub"); err != nil {
		return err
	}
	params, _ := mldsaParams(k.alg)
	pk, err := mldsa.NewPublicKey(params, pub)
	if err != nil {
		return errcode.Wrap(errcode.ErrMalformedPublicKey, checkAlgIdentifier,
			"COSE key is not a valid "+k.alg.String()+" public key", err)
	}
	k.pq = pk
	return nil
}

// verifyMLDSA checks a pure ML-DSA signature with an empty context. pub is
// a key of alg's parameter set (from parseAKP or mldsaKey).
func verifyMLDSA(pub crypto.PublicKey, alg Algorithm, msg, sig []byte) error {
	pk, ok := pub.(*mldsa.PublicKey)
	params, okParams := mldsaParams(alg)
	if !ok || pk == nil || !okParams {
		return sigError("not an ML-DSA key")
	}
	if len(sig) != params.SignatureSize() {
		return sigError(params.String() + " signature has the wrong length")
	}
	if err := mldsa.Verify(pk, msg, sig, nil); err != nil {
		return sigError(params.String() + " signature does not verify")
	}
	return nil
}

// mldsaEqual reports whether two ML-DSA keys are the same key.
func mldsaEqual(a, b crypto.PublicKey) bool {
	pa, ok := a.(*mldsa.PublicKey)
	return ok && pa != nil && pa.Equal(b)
}

// mldsaKey returns pub for use with alg when it is an ML-DSA key of alg's
// parameter set, and its encoding.
func mldsaKey(pub crypto.PublicKey, alg Algorithm) (crypto.PublicKey, []byte, bool) {
	pk, ok := pub.(*mldsa.PublicKey)
	if !ok || pk == nil {
		return nil, nil, false
	}
	params, ok := mldsaParams(alg)
	if !ok {
		return nil, nil, false
	}
	// The encoded size identifies the parameter set (1312, 1952, 2592
	// bytes). Parameters() is not used: it panics on the zero PublicKey,
	// whose encoding is 32 bytes.
	enc := pk.Bytes()
	if len(enc) != params.PublicKeySize() {
		return nil, nil, false
	}
	return pk, enc, true
}
