package cose

import (
	"crypto"
	"crypto/ed25519"
	"fmt"
)

// Marshal encodes pub as a COSE_Key for alg, in CTAP2 canonical CBOR with
// only the required members (kty, alg, then crv/x/y, n/e or pub). It is for
// tests and for importing keys that do not come from an authenticator; a
// stored credential key is always the authenticator's own bytes and is never
// re-encoded.
//
// pub must fit alg as in [VerifySignature] (the error matches
// [ErrKeyMismatch] or [ErrUnsupportedAlgorithm]); RS1 is not a key algorithm
// and is refused. The result always parses with [ParseKey]: a key ParseKey
// would reject, such as an invalid EC point, gives ParseKey's error.
func Marshal(pub crypto.PublicKey, alg Algorithm) ([]byte, error) {
	if !alg.Supported() {
		return nil, fmt.Errorf("%w: %s is not a credential key algorithm", ErrUnsupportedAlgorithm, alg)
	}
	k, err := keyFor(pub, alg)
	if err != nil {
		return nil, err
	}
	var b []byte
	switch k.kty {
	case ktyEC2:
		pt, err := k.ecdsa.Bytes() // 0x04 ‖ x ‖ y, fixed width
		if err != nil {
			return nil, fmt.Errorf("%w: %s: invalid point", ErrKeyMismatch, alg)
		}
		size := (len(pt) - 1) / 2
		info, _ := lookupAlg(alg)
		b = appendHead(b, majorMap, 5)
		b = appendPair(b, 1, int64(ktyEC2))
		b = appendPair(b, 3, int64(alg))
		b = appendPair(b, labelCrv, info.crv)
		b = appendBytesPair(b, labelX, pt[1:1+size])
		b = appendBytesPair(b, labelY, pt[1+size:])
	case ktyOKP:
		info, _ := lookupAlg(alg)
		b = appendHead(b, majorMap, 4)
		b = appendPair(b, 1, int64(ktyOKP))
		b = appendPair(b, 3, int64(alg))
		b = appendPair(b, labelCrv, info.crv)
		if alg == Ed448 {
			b = appendBytesPair(b, labelX, k.raw[:ed448KeySize])
		} else {
			b = appendBytesPair(b, labelX, k.raw[:ed25519.PublicKeySize])
		}
	case ktyRSA:
		e := k.rsa.E
		var eb []byte
		for ; e > 0; e >>= 8 {
			eb = append([]byte{byte(e)}, eb...)
		}
		b = appendHead(b, majorMap, 4)
		b = appendPair(b, 1, int64(ktyRSA))
		b = appendPair(b, 3, int64(alg))
		b = appendBytesPair(b, labelN, k.rsa.N.Bytes())
		b = appendBytesPair(b, labelE, eb)
	case ktyAKP:
		_, enc, _ := mldsaKey(k.pq, alg)
		b = appendHead(b, majorMap, 3)
		b = appendPair(b, 1, int64(ktyAKP))
		b = appendPair(b, 3, int64(alg))
		b = appendBytesPair(b, labelPub, enc)
	}
	if _, err := ParseKey(b); err != nil {
		return nil, err
	}
	return b, nil
}

// appendHead appends a CBOR head in its shortest form.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32),
		byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		return appendHead(b, majorNegInt, uint64(-1-v))
	}
	return appendHead(b, majorUint, uint64(v))
}

func appendPair(b []byte, label, v int64) []byte {
	return appendInt(appendInt(b, label), v)
}

func appendBytesPair(b []byte, label int64, v []byte) []byte {
	b = appendHead(appendInt(b, label), majorBytes, uint64(len(v)))
	return append(b, v...)
}
