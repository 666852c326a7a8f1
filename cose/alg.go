package cose

import (
	"crypto"
	"strconv"
)

// Algorithm is a COSE algorithm identifier (IANA "COSE Algorithms").
type Algorithm int64

// The algorithms a credential key may carry. ESP* and Ed25519 are the
// fully-specified aliases (RFC 9864) of ES* and EdDSA: they verify the same
// way, but an offered-algorithm check compares the literal identifier.
const (
	ES256   Algorithm = -7
	ES384   Algorithm = -35
	ES512   Algorithm = -36
	ESP256  Algorithm = -9
	ESP384  Algorithm = -51
	ESP512  Algorithm = -52
	EdDSA   Algorithm = -8
	Ed25519 Algorithm = -19
	Ed448   Algorithm = -53
	RS256   Algorithm = -257
	RS384   Algorithm = -258
	RS512   Algorithm = -259
	PS256   Algorithm = -37
	PS384   Algorithm = -38
	PS512   Algorithm = -39
	MLDSA44 Algorithm = -48
	MLDSA65 Algorithm = -49
	MLDSA87 Algorithm = -50

	// RS1 (RSASSA-PKCS1-v1_5 with SHA-1) appears only as an attestation
	// signature algorithm (old TPMs), never as a credential key, and is
	// verified only under an explicit AllowSHA1 policy.
	RS1 Algorithm = -65535
)

var algNames = map[Algorithm]string{
	ES256: "ES256", ES384: "ES384", ES512: "ES512",
	ESP256: "ESP256", ESP384: "ESP384", ESP512: "ESP512",
	EdDSA: "EdDSA", Ed25519: "Ed25519", Ed448: "Ed448",
	RS256: "RS256", RS384: "RS384", RS512: "RS512",
	PS256: "PS256", PS384: "PS384", PS512: "PS512",
	MLDSA44: "ML-DSA-44", MLDSA65: "ML-DSA-65", MLDSA87: "ML-DSA-87",
	RS1: "RS1",
}

// String returns the algorithm's registered name, or its number.
func (a Algorithm) String() string {
	if n, ok := algNames[a]; ok {
		return n
	}
	return strconv.FormatInt(int64(a), 10)
}

// Hash returns the hash function the algorithm applies to the signed message
// before signing, or 0 for the algorithms that sign the message itself
// (EdDSA, Ed25519, Ed448 and ML-DSA) and for unknown algorithms.
func (a Algorithm) Hash() crypto.Hash {
	switch a {
	case ES256, ESP256, RS256, PS256:
		return crypto.SHA256
	case ES384, ESP384, RS384, PS384:
		return crypto.SHA384
	case ES512, ESP512, RS512, PS512:
		return crypto.SHA512
	case RS1:
		return crypto.SHA1
	}
	return 0
}

// Supported reports whether a credential key with this algorithm can be
// parsed by [ParseKey] and verified. RS1 is not a credential algorithm and
// reports false.
func (a Algorithm) Supported() bool {
	_, ok := lookupAlg(a)
	return ok
}

// base maps a fully-specified alias (RFC 9864) to the algorithm it verifies
// like. WebAuthn defines them as equivalent, so verification treats them the
// same; the literal identifier is kept everywhere else.
func (a Algorithm) base() Algorithm {
	switch a {
	case ESP256:
		return ES256
	case ESP384:
		return ES384
	case ESP512:
		return ES512
	case Ed25519:
		return EdDSA
	}
	return a
}

// keyType is a COSE key type (kty, IANA "COSE Key Types").
type keyType int64

const (
	ktyOKP keyType = 1
	ktyEC2 keyType = 2
	ktyRSA keyType = 3
	ktyAKP keyType = 7
)

func (t keyType) String() string {
	switch t {
	case ktyOKP:
		return "OKP"
	case ktyEC2:
		return "EC2"
	case ktyRSA:
		return "RSA"
	case ktyAKP:
		return "AKP"
	}
	return strconv.FormatInt(int64(t), 10)
}

// COSE elliptic curve identifiers (IANA "COSE Elliptic Curves").
const (
	crvP256    = 1
	crvP384    = 2
	crvP521    = 3
	crvEd25519 = 6
	crvEd448   = 7
)

// algInfo is what a credential algorithm demands of its key.
type algInfo struct {
	kty  keyType
	crv  int64 // 0 for key types without a curve
	size int   // EC2 coordinate, OKP x or AKP pub length in bytes; 0 for RSA
}

// lookupAlg describes the credential algorithms ParseKey accepts.
func lookupAlg(a Algorithm) (algInfo, bool) {
	switch a {
	case ES256, ESP256:
		return algInfo{ktyEC2, crvP256, 32}, true
	case ES384, ESP384:
		return algInfo{ktyEC2, crvP384, 48}, true
	case ES512, ESP512:
		return algInfo{ktyEC2, crvP521, 66}, true
	case EdDSA, Ed25519:
		return algInfo{ktyOKP, crvEd25519, 32}, true
	case Ed448:
		return algInfo{ktyOKP, crvEd448, ed448KeySize}, true
	case RS256, RS384, RS512, PS256, PS384, PS512:
		return algInfo{ktyRSA, 0, 0}, true
	case MLDSA44, MLDSA65, MLDSA87:
		return algInfo{ktyAKP, 0, mldsaPublicKeySize(a)}, true
	}
	return algInfo{}, false
}
