package cose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
)

// ErrSignature is the cause of every failed signature check: a signature that
// does not verify, has the wrong size or is not canonical DER. It carries no
// error code because its meaning depends on the caller: an assertion maps it
// to signature-invalid, an attestation statement to attestation-invalid.
//
//	if errors.Is(err, cose.ErrSignature) { … }
var ErrSignature = errors.New("cose: signature verification failed")

// ErrKeyMismatch is returned by [VerifySignature] and [Marshal] when the
// algorithm does not fit the public key: another key type, another curve or
// ML-DSA parameter set, or an RSA key outside the accepted bounds. It is not
// an [ErrSignature]: the statement is inconsistent before any signature is
// checked.
var ErrKeyMismatch = errors.New("cose: algorithm does not fit the public key")

// ErrUnsupportedAlgorithm is returned by [VerifySignature] and [Marshal] for
// an algorithm the package does not verify, and for RS1 unless
// [VerifyOptions.AllowSHA1] is set.
var ErrUnsupportedAlgorithm = errors.New("cose: unsupported signature algorithm")

func sigError(detail string) error {
	return fmt.Errorf("%w: %s", ErrSignature, detail)
}

// Verify checks sig, a signature by k over msg, in the encoding WebAuthn uses
// for k's algorithm (#sctn-signature-attestation-types):
//
//   - ES256/384/512 and ESP256/384/512: ASN.1 DER Ecdsa-Sig-Value over the
//     hash of msg. Non-canonical DER and trailing bytes are rejected; high-S
//     signatures are accepted.
//   - EdDSA and Ed25519: a raw 64-byte Ed25519 signature of msg itself.
//   - Ed448: a raw 114-byte Ed448 signature of msg, empty context.
//   - RS256/384/512: PKCS #1 v1.5. PS256/384/512: PSS, MGF1 with the same
//     hash, salt as long as the hash.
//   - ML-DSA-44/65/87: pure ML-DSA of msg with an empty context.
//
// In WebAuthn msg is authenticatorData ‖ SHA-256(clientDataJSON). A failure
// is an error that matches [ErrSignature], except for an EC2 key parsed with
// [ParseOptions.Stored] whose point is not on its curve: that is the
// [*errcode.Error] (malformed-public-key) ParseKey returns for the point.
func (k *Key) Verify(msg, sig []byte) error {
	if k == nil {
		return sigError("no key")
	}
	switch base := k.alg.base(); base {
	case ES256, ES384, ES512:
		if k.ecdsa == nil {
			break
		}
		var err error
		if !canonicalDER(sig) {
			err = sigError(k.alg.String() + " signature is not one canonical DER Ecdsa-Sig-Value")
		} else {
			var buf [sha512.Size]byte
			if !ecdsa.VerifyASN1(k.ecdsa, digest(&buf, base.Hash(), msg), sig) {
				err = sigError(k.alg.String() + " signature does not verify")
			}
		}
		if err != nil && k.ec.unchecked {
			// A stored key skipped the point check; a bad point is
			// reported as ParseKey would have reported it.
			if perr := k.checkEC2Point(); perr != nil {
				return perr
			}
		}
		return err
	case EdDSA:
		return verifyEd25519(k.raw[:ed25519.PublicKeySize], msg, sig)
	case Ed448:
		return verifyEd448(k.raw[:ed448KeySize], msg, sig)
	case RS256, RS384, RS512, PS256, PS384, PS512, RS1:
		if k.rsa == nil {
			break
		}
		var buf [sha512.Size]byte
		h := base.Hash()
		return verifyRSA(k.rsa, base, h, digest(&buf, h, msg), sig)
	case MLDSA44, MLDSA65, MLDSA87:
		return verifyMLDSA(k.pq, base, msg, sig)
	}
	return sigError("no usable key")
}

// digest hashes msg with h into buf and returns the digest.
func digest(buf *[sha512.Size]byte, h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA256:
		*(*[sha256.Size]byte)(buf[:]) = sha256.Sum256(msg)
		return buf[:sha256.Size]
	case crypto.SHA384:
		*(*[sha512.Size384]byte)(buf[:]) = sha512.Sum384(msg)
		return buf[:sha512.Size384]
	case crypto.SHA512:
		*buf = sha512.Sum512(msg)
		return buf[:]
	case crypto.SHA1:
		*(*[sha1.Size]byte)(buf[:]) = sha1.Sum(msg)
		return buf[:sha1.Size]
	}
	return nil
}

// VerifyOptions are the policy choices of [VerifySignature].
type VerifyOptions struct {
	// AllowSHA1 permits RS1 (RSASSA-PKCS1-v1_5 with SHA-1, COSE -65535),
	// which some TPMs use for their attestation signature. Off by default.
	AllowSHA1 bool
}

// VerifySignature checks sig, a signature by pub over msg under alg, with
// the encodings of [Key.Verify]. It is for keys that do not come from a COSE
// key, such as the subject key of an attestation certificate.
//
// pub must fit alg: an [*ecdsa.PublicKey] on the algorithm's curve for
// ES*/ESP*, an [ed25519.PublicKey] for EdDSA/Ed25519, an Ed448 key (circl's
// ed448.PublicKey) for Ed448, an [*rsa.PublicKey] of 2048 to 8192 bits with
// an odd exponent in [3, 2^31-1] (at most 65537 above 4096 bits) for
// RS*/PS* (and RS1), or an ML-DSA key
// (*filippo.io/mldsa.PublicKey) of the algorithm's parameter set. Otherwise
// the error matches [ErrKeyMismatch]. An algorithm the package does not
// verify, or RS1 without opts.AllowSHA1, gives [ErrUnsupportedAlgorithm]. A
// signature that fails matches [ErrSignature].
func VerifySignature(alg Algorithm, pub crypto.PublicKey, msg, sig []byte, opts VerifyOptions) error {
	if alg == RS1 && !opts.AllowSHA1 {
		return fmt.Errorf("%w: RS1 needs VerifyOptions.AllowSHA1", ErrUnsupportedAlgorithm)
	}
	k, err := keyFor(pub, alg)
	if err != nil {
		return err
	}
	return k.Verify(msg, sig)
}

// keyFor wraps a crypto public key as a Key for alg, checking that it fits.
// RS1 is accepted here; VerifySignature applies its policy.
func keyFor(pub crypto.PublicKey, alg Algorithm) (*Key, error) {
	k := &Key{alg: alg}
	switch alg.base() {
	case ES256, ES384, ES512:
		p, ok := pub.(*ecdsa.PublicKey)
		// X and Y are checked for nil because the standard library's
		// verifier dereferences them.
		if !ok || p == nil || p.Curve != curveOf(alg) || p.X == nil || p.Y == nil {
			return nil, mismatch(alg, pub)
		}
		k.kty, k.ecdsa = ktyEC2, p
	case EdDSA:
		p, ok := pub.(ed25519.PublicKey)
		if !ok || len(p) != ed25519.PublicKeySize {
			return nil, mismatch(alg, pub)
		}
		k.kty = ktyOKP
		copy(k.raw[:], p)
	case Ed448:
		raw, ok := ed448Raw(pub)
		if !ok {
			return nil, mismatch(alg, pub)
		}
		k.kty = ktyOKP
		copy(k.raw[:], raw)
	case RS256, RS384, RS512, PS256, PS384, PS512, RS1:
		p, ok := pub.(*rsa.PublicKey)
		if !ok || p == nil {
			return nil, mismatch(alg, pub)
		}
		if err := checkRSA(p.N, int64(p.E)); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrKeyMismatch, alg, err)
		}
		k.kty, k.rsa = ktyRSA, p
	case MLDSA44, MLDSA65, MLDSA87:
		p, _, ok := mldsaKey(pub, alg)
		if !ok {
			return nil, mismatch(alg, pub)
		}
		k.kty, k.pq = ktyAKP, p
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedAlgorithm, alg)
	}
	return k, nil
}

func mismatch(alg Algorithm, pub crypto.PublicKey) error {
	return fmt.Errorf("%w: %s with a %T", ErrKeyMismatch, alg, pub)
}
