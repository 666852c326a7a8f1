package metadata

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Bounds on the BLOB's x5c chain, the same as package attestation sets for
// an attestation statement's x5c. The production chain is three certificates
// with RSA-2048 keys and exponent 65537; the bounds only matter for a BLOB
// an attacker delivers (a tampered cache file, a compromised endpoint),
// which must not make verification expensive before its chain is refused.
const (
	// maxChainCerts is the longest x5c accepted: a signer and up to four
	// CA certificates. Every certificate is a candidate in chain building.
	maxChainCerts = 5
	// maxChainRSABits bounds the modulus of an RSA key in x5c: every key
	// verifies a signature (the BLOB's, or the certificate below it).
	maxChainRSABits = 8192
	// commonRSAExponent is the largest exponent accepted with any modulus
	// up to maxChainRSABits; largeExponentRSABits is the largest modulus
	// accepted with a larger exponent. The cost of a public RSA operation
	// grows with the modulus squared times the exponent's bit length:
	// 8192 bits with exponent 2^31−1 costs some 8 ms, four times 4096 bits
	// with the same exponent.
	commonRSAExponent    = 65537
	largeExponentRSABits = 4096
)

// checkChainBounds reads the x5c member of the compact JWS's protected
// header and refuses a chain that is longer than maxChainCerts or holds an
// RSA key over the bounds, with ErrChain, before any chain is built.
//
// It reads the header itself because go-jose keeps the certificates it
// parsed private until it has built a chain from them. The two readings
// agree: the same base64url text, and JSON object members matched exactly
// (go-jose refuses duplicate members, and a map keeps the last one).
// A header this reading cannot decode is ErrMalformed, which go-jose would
// have reported before this is called.
func checkChainBounds(compact string) error {
	protected, _, _ := strings.Cut(compact, ".")
	rawHeader, err := base64.RawURLEncoding.DecodeString(protected)
	if err != nil {
		return fmt.Errorf("%w: the protected header is not base64url: %w", ErrMalformed, err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(rawHeader, &members); err != nil {
		return fmt.Errorf("%w: the protected header is not a JSON object: %w", ErrMalformed, err)
	}
	raw, ok := members["x5c"]
	if !ok {
		return nil
	}
	var chain []string
	if err := json.Unmarshal(raw, &chain); err != nil {
		return fmt.Errorf("%w: the x5c header is not an array of strings: %w", ErrMalformed, err)
	}
	if len(chain) > maxChainCerts {
		return fmt.Errorf("%w: the x5c header holds %d certificates; at most %d are accepted",
			ErrChain, len(chain), maxChainCerts)
	}
	for i, s := range chain {
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("%w: x5c[%d] is not standard base64: %w", ErrMalformed, i, err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("%w: x5c[%d] is not a certificate: %w", ErrMalformed, i, err)
		}
		if err := checkChainKey(c); err != nil {
			return fmt.Errorf("%w: x5c[%d] %w", ErrChain, i, err)
		}
	}
	return nil
}

// checkChainKey applies the RSA bounds to a certificate's key; other key
// types cost a bounded amount to verify with.
func checkChainKey(c *x509.Certificate) error {
	k, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil
	}
	bits := k.N.BitLen()
	switch {
	case bits > maxChainRSABits:
		return fmt.Errorf("has an RSA key of %d bits; at most %d are accepted", bits, maxChainRSABits)
	case k.E > commonRSAExponent && bits > largeExponentRSABits:
		return fmt.Errorf("has an RSA key of %d bits with exponent %d; an exponent above %d is accepted only with at most %d bits",
			bits, k.E, commonRSAExponent, largeExponentRSABits)
	}
	return nil
}
