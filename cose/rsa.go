package cose

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/gopasskey/passkey/errcode"
)

// RSA modulus bounds. RFC 8230 §6.1 requires at least 2048 bits; 8192 bits is
// the largest a WebAuthn authenticator plausibly uses and keeps verification
// cost bounded for a hostile key.
const (
	minRSABits = 2048
	maxRSABits = 8192
	// maxRSAExponent is the largest exponent crypto/rsa accepts.
	maxRSAExponent = 1<<31 - 1
	// A public RSA operation costs about modulus² × exponent bits. Keys
	// above largeModulusBits may carry an exponent of at most
	// largeModulusExponent (65537, what authenticators and CAs use): an
	// 8192-bit key of exponent 2^31-1 costs some 4 × an 8192-bit key of
	// exponent 65537, enough for one hostile credential to push every
	// assertion over its time budget. Up to 4096 bits any exponent up to
	// 2^31-1 costs less than an 8192-bit key of exponent 65537.
	largeModulusBits     = 4096
	largeModulusExponent = 65537
)

// parseRSA reads an RSA key: n and e as big-endian unsigned byte strings.
// One leading zero byte in n is tolerated because peers produce and accept
// it (a signed encoding of a modulus whose top bit is set); more are not.
// Leading zeros in e are tolerated, its value must fit the bounds.
func (k *Key) parseRSA(m *keyMap) error {
	n, err := m.requireBytes(labelN, "n")
	if err != nil {
		return err
	}
	e, err := m.requireBytes(labelE, "e")
	if err != nil {
		return err
	}
	if len(n) > 1 && n[0] == 0 {
		n = n[1:]
		if n[0] == 0 {
			return malformed("COSE key n (-1) has more than one leading zero byte")
		}
	}
	// Bound the size before allocating for a hostile multi-kilobyte n.
	if len(n) > 0 {
		if l := (len(n)-1)*8 + bits.Len8(n[0]); l > maxRSABits {
			return rsaKeyError(rsaSizeError(l))
		}
	}
	for len(e) > 0 && e[0] == 0 {
		e = e[1:]
	}
	if len(e) > 4 {
		return rsaKeyError(errors.New("RSA exponent is larger than 2^31-1"))
	}
	var exp int64
	for _, c := range e {
		exp = exp<<8 | int64(c)
	}
	// The key and its modulus live inside the Key: parsing allocates only
	// the modulus's words.
	modulus := k.rsaStore.n.SetBytes(n)
	if err := checkRSA(modulus, exp); err != nil {
		return rsaKeyError(err)
	}
	k.rsaStore.pub = rsa.PublicKey{N: modulus, E: int(exp)}
	k.rsa = &k.rsaStore.pub
	return nil
}

// rsaStorage holds a parsed RSA key.
type rsaStorage struct {
	pub rsa.PublicKey
	n   big.Int
}

// checkRSA applies the modulus and exponent bounds to a key. Its errors are
// plain: ParseKey and VerifySignature each wrap them in their own terms.
func checkRSA(n *big.Int, e int64) error {
	if n == nil || n.Sign() <= 0 {
		return errors.New("RSA modulus is not positive")
	}
	if bits := n.BitLen(); bits < minRSABits || bits > maxRSABits {
		return rsaSizeError(bits)
	}
	if n.Bit(0) == 0 {
		return errors.New("RSA modulus is even")
	}
	switch {
	case e < 3:
		return errors.New("RSA exponent is smaller than 3")
	case e > maxRSAExponent:
		return errors.New("RSA exponent is larger than 2^31-1")
	case e&1 == 0:
		return errors.New("RSA exponent is even")
	case e > largeModulusExponent && n.BitLen() > largeModulusBits:
		return fmt.Errorf("RSA exponent is larger than %d with a modulus of more than %d bits", largeModulusExponent, largeModulusBits)
	}
	return nil
}

func rsaSizeError(bits int) error {
	return fmt.Errorf("RSA modulus has %d bits, not %d to %d", bits, minRSABits, maxRSABits)
}

// rsaKeyError reports an unacceptable RSA credential key.
func rsaKeyError(err error) error {
	return errcode.Wrap(errcode.ErrMalformedPublicKey, checkAlgIdentifier, "COSE key is not an acceptable RSA key", err)
}

// verifyRSA checks a raw PKCS #1 v1.5 (RS*) or PSS (PS*) signature over a
// digest. PSS uses MGF1 with the same hash and a salt as long as the hash.
func verifyRSA(pub *rsa.PublicKey, alg Algorithm, h crypto.Hash, digest, sig []byte) error {
	var err error
	switch alg {
	case PS256, PS384, PS512:
		err = rsa.VerifyPSS(pub, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
	default:
		err = rsa.VerifyPKCS1v15(pub, h, digest, sig)
	}
	if err != nil {
		return sigError(alg.String() + " signature does not verify")
	}
	return nil
}
