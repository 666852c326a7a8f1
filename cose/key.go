package cose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"strconv"

	"github.com/gopasskey/passkey/errcode"
)

// Spec anchors carried by ParseKey's errors.
const (
	// checkKeyEncoding: the COSE_Key structure and its members.
	checkKeyEncoding = "sctn-encoded-credPubKey-examples"
	// checkAlgIdentifier: the algorithm, and the validity of the key for it
	// (the spec's note on public-key validation lives there).
	checkAlgIdentifier = "sctn-alg-identifier"
)

// COSE key labels (RFC 9052 §7.1, RFC 9053 §7, RFC 8230 §4, RFC 9964).
const (
	labelCrv = -1 // EC2, OKP
	labelX   = -2 // EC2, OKP
	labelY   = -3 // EC2
	labelD   = -4 // EC2, OKP private key
	labelN   = -1 // RSA
	labelE   = -2 // RSA
	labelPub = -1 // AKP
)

// Key is a validated COSE public key: the credential public key of a
// WebAuthn credential. It is immutable and safe for concurrent use.
//
// A Key is made by [ParseKey] from the bytes the authenticator produced; keep
// those bytes as the stored credential key and parse them again when needed,
// rather than re-encoding a Key.
type Key struct {
	alg Algorithm // the literal identifier of the key
	kty keyType

	ecdsa *ecdsa.PublicKey // &ec.pub for a parsed key
	rsa   *rsa.PublicKey   // &rsaStore.pub for a parsed key
	// rsaStore holds a parsed RSA key.
	rsaStore rsaStorage
	// ec holds a parsed EC2 key (see ecStorage).
	ec ecStorage
	// raw holds an OKP key's x (Ed25519 32 bytes, Ed448 57 bytes), inline
	// so that parsing allocates nothing beyond the Key.
	raw [ed448KeySize]byte
	// pq holds an ML-DSA key; only mldsa.go knows its concrete type.
	pq crypto.PublicKey
}

// ParseKey parses data, which must be exactly one COSE_Key CBOR map, into a
// validated public key.
//
// The key must name its kty and alg as integers, alg must be a supported
// algorithm ([Algorithm.Supported]) and kty and crv must be the ones it
// requires; the public members must be present with the right types and
// sizes, EC points must lie on their curve, and RSA moduli must be 2048 to
// 8192 bits with an odd exponent in [3, 2^31-1] (at most 65537 above 4096
// bits). Private members, unknown
// key-type parameters (negative labels) and duplicate labels are rejected;
// kid (2), key_ops (4) and other non-negative or text labels are tolerated.
//
// Errors are [*errcode.Error] values: [errcode.ErrUnsupportedAlgorithm] for
// an unknown alg, [errcode.ErrMalformedPublicKey] for everything else. Their
// messages never include key material.
func ParseKey(data []byte) (*Key, error) {
	return ParseKeyWith(data, ParseOptions{})
}

// ParseOptions widens what [ParseKeyWith] accepts beyond the safe default.
type ParseOptions struct {
	// AllowSHA1 accepts RSA keys whose alg is RS1 (-65535). Old Windows
	// Hello TPMs register such credentials; SHA-1 signatures can be
	// forged by a well-funded attacker, so it is off unless the relying
	// party chooses to support those devices.
	AllowSHA1 bool
	// Stored marks a key that was accepted before (a credential record's
	// key, checked when it was registered or imported): checks whose only
	// purpose is to keep a bad key out of the store are skipped or
	// deferred. Today that is the decoding of an Ed25519 point, which
	// costs some 5 % of an Ed25519 verification and which crypto/ed25519
	// repeats at every signature anyway; and the on-curve check of an EC2
	// point, which crypto/ecdsa repeats too and which [Key.Verify] then
	// runs only when a signature fails, to report a bad point as ParseKey
	// would. Every other check still applies.
	Stored bool
}

// ParseKeyWith is [ParseKey] with options.
func ParseKeyWith(data []byte, opts ParseOptions) (*Key, error) {
	var m keyMap
	if err := readKeyMap(data, &m); err != nil {
		return nil, err
	}
	if !m.kty.set {
		return nil, malformed("COSE key has no kty (1)")
	}
	kty, ok := m.kty.integer()
	if !ok {
		return nil, malformed("COSE key kty (1) must be an integer (got " + m.kty.typeName() + ")")
	}
	if !m.alg.set {
		return nil, malformed("COSE key has no alg (3)")
	}
	a, ok := m.alg.integer()
	if !ok {
		return nil, malformed("COSE key alg (3) must be an integer (got " + m.alg.typeName() + ")")
	}
	alg := Algorithm(a)
	info, ok := lookupAlg(alg)
	if !ok && alg == RS1 && opts.AllowSHA1 {
		info, ok = algInfo{ktyRSA, 0, 0}, true
	}
	if !ok {
		return nil, errcode.Mismatch(errcode.ErrUnsupportedAlgorithm, checkAlgIdentifier,
			"COSE key algorithm is not supported", "a supported algorithm", alg.String())
	}
	if keyType(kty) != info.kty {
		return nil, errcode.Mismatch(errcode.ErrMalformedPublicKey, checkKeyEncoding,
			"COSE key type does not fit its algorithm "+alg.String(), info.kty.String(), keyType(kty).String())
	}
	if err := checkParams(info.kty, &m); err != nil {
		return nil, err
	}
	k := &Key{alg: alg, kty: info.kty}
	var err error
	switch info.kty {
	case ktyEC2:
		err = k.parseEC2(info, &m, opts.Stored)
	case ktyOKP:
		err = k.parseOKP(info, &m, opts.Stored)
	case ktyRSA:
		err = k.parseRSA(&m)
	case ktyAKP:
		err = k.parseAKP(info, &m)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// checkParams rejects key-type parameters that are not public members of kty:
// private key material and parameters the library does not know.
func checkParams(kty keyType, m *keyMap) error {
	for i := range m.params {
		if !m.params[i].set {
			continue
		}
		l := -1 - i
		switch kty {
		case ktyEC2:
			if l == labelCrv || l == labelX || l == labelY {
				continue
			}
			if l == labelD {
				return privateMember("d", l)
			}
		case ktyOKP:
			if l == labelCrv || l == labelX {
				continue
			}
			if l == labelD {
				return privateMember("d", l)
			}
		case ktyRSA:
			if l == labelN || l == labelE {
				continue
			}
			// -3 … -12: d, p, q, dP, dQ, qInv, other, r_i, d_i, t_i (RFC 8230 §4)
			return privateMember("RSA private", l)
		case ktyAKP:
			if l == labelPub {
				continue
			}
			if l == -2 {
				return privateMember("priv", l)
			}
		}
		return malformed("COSE " + kty.String() + " key has an unknown parameter " + strconv.Itoa(l))
	}
	return nil
}

func privateMember(name string, l int) error {
	return malformed("COSE key carries the private member " + name + " (" + strconv.Itoa(l) + ")")
}

// param returns the key-type parameter with negative label l.
func (m *keyMap) param(l int) item { return m.params[-1-l] }

// requireBytes returns the byte-string member l, which must be present.
func (m *keyMap) requireBytes(l int, name string) ([]byte, error) {
	it := m.param(l)
	if !it.set {
		return nil, malformed("COSE key has no " + name + " (" + strconv.Itoa(l) + ")")
	}
	if it.major != majorBytes {
		return nil, malformed("COSE key " + name + " (" + strconv.Itoa(l) + ") must be a byte string (got " + it.typeName() + ")")
	}
	return it.bytes, nil
}

// requireCurve checks the crv member against the one alg demands.
func (m *keyMap) requireCurve(alg Algorithm, want int64) error {
	it := m.param(labelCrv)
	if !it.set {
		return malformed("COSE key has no crv (-1)")
	}
	crv, ok := it.integer()
	if !ok {
		return malformed("COSE key crv (-1) must be an integer (got " + it.typeName() + ")")
	}
	if crv != want {
		return errcode.Mismatch(errcode.ErrMalformedPublicKey, checkKeyEncoding,
			"COSE key curve does not fit its algorithm "+alg.String(),
			strconv.FormatInt(want, 10), strconv.FormatInt(crv, 10))
	}
	return nil
}

// requireSize checks the length of a fixed-size member.
func requireSize(b []byte, size int, name string) error {
	if len(b) != size {
		return errcode.Mismatch(errcode.ErrMalformedPublicKey, checkKeyEncoding,
			"COSE key "+name+" has the wrong length",
			strconv.Itoa(size)+" bytes", strconv.Itoa(len(b))+" bytes")
	}
	return nil
}

// Algorithm returns the key's COSE algorithm as the authenticator wrote it
// (ESP256 stays ESP256 even though it verifies like ES256).
func (k *Key) Algorithm() Algorithm { return k.alg }

// Public returns the public key: an [*ecdsa.PublicKey], an
// [ed25519.PublicKey], an [*rsa.PublicKey], an Ed448 key
// (github.com/cloudflare/circl/sign/ed448.PublicKey) or an ML-DSA key
// (*filippo.io/mldsa.PublicKey, the type that becomes crypto/mldsa's in
// Go 1.27). Byte-slice keys are copies; the pointer types are shared with k
// and must not be modified.
func (k *Key) Public() crypto.PublicKey {
	switch {
	case k.ecdsa != nil:
		return k.ecdsa
	case k.rsa != nil:
		return k.rsa
	case k.pq != nil:
		return k.pq
	case k.alg.base() == EdDSA:
		return ed25519.PublicKey(append([]byte(nil), k.raw[:ed25519.PublicKeySize]...))
	case k.alg == Ed448:
		return ed448Public(k.raw[:ed448KeySize])
	}
	return nil
}

// Equal reports whether pub, typically the subject key of an attestation
// certificate, is the same public key as k. Keys of different types are
// never equal.
func (k *Key) Equal(pub crypto.PublicKey) bool {
	switch {
	// The standard library's Equal methods dereference the other key's
	// big.Int fields, so incomplete keys are turned away first.
	case k.ecdsa != nil:
		p, ok := pub.(*ecdsa.PublicKey)
		return ok && p != nil && p.X != nil && p.Y != nil && k.ecdsa.Equal(p)
	case k.rsa != nil:
		p, ok := pub.(*rsa.PublicKey)
		return ok && p != nil && p.N != nil && k.rsa.Equal(p)
	case k.pq != nil:
		return mldsaEqual(k.pq, pub)
	case k.alg.base() == EdDSA:
		return ed25519.PublicKey(k.raw[:ed25519.PublicKeySize]).Equal(pub)
	case k.alg == Ed448:
		return ed448Equal(k.raw[:ed448KeySize], pub)
	}
	return false
}
