package cose

import "strconv"

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
