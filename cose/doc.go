// Package cose parses WebAuthn credential public keys (COSE_Key) and verifies
// the signatures made with them.
//
// Most callers need two functions: [ParseKey] turns the credential public key
// bytes from attested credential data (or from storage) into a validated
// [*Key], and [Key.Verify] checks an assertion or self-attestation signature
// with it. [VerifySignature] checks a signature with a key from an X.509
// certificate (attestation statements), and [Key.Equal] compares a credential
// key with such a key.
//
//	key, err := cose.ParseKey(record.PublicKey)
//	if err != nil { … } // *errcode.Error: malformed-public-key or unsupported-algorithm
//	if err := key.Verify(append(authData, clientDataHash[:]...), sig); err != nil {
//		… // errors.Is(err, cose.ErrSignature)
//	}
//
// # Specifications
//
//   - WebAuthn Level 3 #sctn-alg-identifier and #sctn-encoded-credPubKey-examples:
//     the keys and the validation they need; #sctn-signature-attestation-types:
//     the signature encodings (ECDSA signatures are ASN.1 DER, not COSE's r‖s).
//   - RFC 9052 §7 and RFC 9053 §2, §7 (COSE keys, ECDSA, EdDSA, EC2 and OKP),
//     RFC 8230 (RSA), RFC 9864 (fully-specified ESP256/384/512 and Ed25519,
//     verified as aliases of ES256/384/512 and EdDSA), RFC 9964 (ML-DSA, AKP
//     keys), RFC 8032 (Ed25519, Ed448), FIPS 204 (ML-DSA).
//
// # Supported algorithms
//
// EC2: ES256/ESP256 (P-256), ES384/ESP384 (P-384), ES512/ESP512 (P-521).
// OKP: EdDSA and Ed25519 (crv Ed25519), Ed448. RSA: RS256/384/512 and
// PS256/384/512. AKP: ML-DSA-44/65/87. RS1 is verified only by
// [VerifySignature] with [VerifyOptions.AllowSHA1]; ES256K and other
// algorithms are not supported.
//
// # Strictness
//
// ParseKey accepts exactly one definite-length CBOR map: no tags, no
// indefinite lengths, no duplicate labels, nothing after it. kty (1) and alg
// (3) are required integers; kty and crv must be the ones alg demands; the
// public members must be present with the right CBOR types and sizes. EC
// points are validated (on the curve, not the identity, coordinates below p;
// Ed25519 and Ed448 points decoded as RFC 8032 decodes them),
// RSA moduli must be 2048 to 8192 bits with an odd exponent in [3, 2^31-1],
// and at most 65537 above 4096 bits, which bounds the cost of a hostile key
// (one leading zero byte in n is tolerated, as peers do). Private members (d,
// RSA's -3 … -12, AKP's priv) and unknown key-type parameters (any other
// negative label) are rejected; kid (2) must be a byte string and key_ops (4)
// an array, and other non-negative or text labels are ignored, since RFC 9052
// allows extra common parameters and none of them affects verification.
// Canonical key order is not required: deployed authenticators vary.
//
// Signature checks reject non-canonical DER and trailing bytes but accept
// high-S ECDSA signatures: WebAuthn does not require low-S and authenticators
// produce both.
//
// # Errors
//
// ParseKey returns [*errcode.Error] values (codes malformed-public-key and
// unsupported-algorithm). Signature failures match [ErrSignature] and carry
// no code: the caller decides between signature-invalid and
// attestation-invalid. No error message contains key material or signatures.
package cose
