package metadata_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gopasskey/passkey/attestation/metadata"
)

// boundsChain is root → CAs → signer, all ECDSA P-256.
type boundsChain struct {
	root *x509.Certificate
	// x5c is the signer first, then the CAs down from the root, which is
	// left out; keys holds their keys in the same order.
	x5c  []*x509.Certificate
	keys []*ecdsa.PrivateKey
}

// chainOf builds a chain with n CAs under the root.
func chainOf(t *testing.T, n int) boundsChain {
	t.Helper()
	nb, na := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	caTmpl := func(name string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name},
			NotBefore: nb, NotAfter: na,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true, IsCA: true,
		}
	}
	key := newKey(t)
	tmpl := caTmpl("Bounds Root")
	var c boundsChain
	c.root = createCert(t, tmpl, tmpl, key.Public(), key)
	parent, parentKey := c.root, key
	for i := range n {
		k := newKey(t)
		ca := createCert(t, caTmpl("Bounds CA "+string(rune('A'+i))), parent, k.Public(), parentKey)
		c.x5c = append([]*x509.Certificate{ca}, c.x5c...)
		c.keys = append([]*ecdsa.PrivateKey{k}, c.keys...)
		parent, parentKey = ca, k
	}
	signerKey := newKey(t)
	signer := createCert(t, &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "Bounds Signer"},
		NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true,
	}, parent, signerKey.Public(), parentKey)
	c.x5c = append([]*x509.Certificate{signer}, c.x5c...)
	c.keys = append([]*ecdsa.PrivateKey{signerKey}, c.keys...)
	return c
}

// publicOnlyRSA is an RSA public key of exactly bits bits and exponent e,
// made without primes: a certificate can carry any public key its issuer
// signs, and the bounds look at nothing else.
func publicOnlyRSA(t *testing.T, bits, e int) *rsa.PublicKey {
	t.Helper()
	b := make([]byte, (bits+7)/8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	n := new(big.Int).SetBytes(b)
	n.SetBit(n, bits-1, 1)
	n.SetBit(n, 0, 1)
	for i := bits; i < len(b)*8; i++ {
		n.SetBit(n, i, 0)
	}
	if n.BitLen() != bits {
		t.Fatalf("made a %d-bit modulus", n.BitLen())
	}
	return &rsa.PublicKey{N: n, E: e}
}

// TestChainBounds checks each bound on the BLOB's x5c: every refusal names
// its bound (go-jose refuses RSA keys over 4096 bits on its own, with
// another message, so a test that only checked ErrChain would pass without
// the bound), and the input just inside each bound gets past it.
func TestChainBounds(t *testing.T) {
	payload := payloadJSON(t, 1, "2025-07-01")
	opts := func(root *x509.Certificate) metadata.VerifyOptions {
		return metadata.VerifyOptions{Roots: []*x509.Certificate{root}, AllowMissingCRLs: true, Now: testNow}
	}
	signed := func(x5cCerts []*x509.Certificate, key crypto.Signer) []byte {
		return sign(t, payload, jose.ES256, key, map[jose.HeaderKey]any{"x5c": x5c(x5cCerts...)})
	}

	t.Run("5 certificates accepted", func(t *testing.T) {
		c := chainOf(t, 4)
		if len(c.x5c) != 5 {
			t.Fatalf("built %d certificates", len(c.x5c))
		}
		b, err := metadata.Verify(signed(c.x5c, c.keys[0]), opts(c.root))
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Chain()) != 6 {
			t.Fatalf("verified chain of %d certificates, want x5c and the root", len(b.Chain()))
		}
	})

	six := chainOf(t, 5)
	t.Run("6 certificates refused", func(t *testing.T) {
		_, err := metadata.Verify(signed(six.x5c, six.keys[0]), opts(six.root))
		wantBound(t, err, "holds 6 certificates; at most 5")
	})
	t.Run("6 certificates refused before chain building", func(t *testing.T) {
		// Under a root the chain does not lead to, chain building would
		// fail with its own message: the bound must answer first.
		other := chainOf(t, 0)
		_, err := metadata.Verify(signed(six.x5c, six.keys[0]), opts(other.root))
		wantBound(t, err, "holds 6 certificates; at most 5")
	})

	// The RSA bounds: a signing certificate for a public-only RSA key,
	// issued by a CA of a chain that verifies. The BLOB is signed with
	// another key, so an input that gets past the bounds and the chain
	// fails at the signature.
	rsaCases := []struct {
		name    string
		bits, e int
		refusal string // "" means past the bound
	}{
		{"8200 bits refused", 8200, 65537, "RSA key of 8200 bits; at most 8192"},
		{"8192 bits with exponent 2^31-1 refused", 8192, 1<<31 - 1, "RSA key of 8192 bits with exponent 2147483647"},
		{"4097 bits with exponent 65539 refused", 4097, 65539, "RSA key of 4097 bits with exponent 65539"},
		{"4096 bits with exponent 2^31-1 past the bound", 4096, 1<<31 - 1, ""},
		{"4096 bits with exponent 65537 past the bound", 4096, 65537, ""},
		// Past this package's bound, but go-jose (v4.1) refuses x5c RSA keys
		// over 4096 bits in chain building on its own.
		{"8192 bits with exponent 65537 past the bound", 8192, 65537, ""},
	}
	for _, c := range rsaCases {
		t.Run(c.name, func(t *testing.T) {
			ch := chainOf(t, 1)
			ca, caKey := ch.x5c[1], ch.keys[1]
			leaf := createCert(t, &x509.Certificate{
				SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "RSA Signer"},
				NotBefore: ca.NotBefore, NotAfter: ca.NotAfter, KeyUsage: x509.KeyUsageDigitalSignature,
			}, ca, publicOnlyRSA(t, c.bits, c.e), caKey)
			_, err := metadata.Verify(signed([]*x509.Certificate{leaf, ca}, caKey), opts(ch.root))
			if c.refusal != "" {
				wantBound(t, err, c.refusal)
				return
			}
			if strings.Contains(fmt.Sprint(err), "has an RSA key of") {
				t.Fatalf("refused by a bound: %v", err)
			}
			if c.bits <= 4096 && !errors.Is(err, metadata.ErrSignature) {
				t.Fatalf("error %v, want the signature check (past the bound and the chain)", err)
			}
		})
	}
}

func wantBound(t *testing.T, err error, detail string) {
	t.Helper()
	if !errors.Is(err, metadata.ErrChain) || !strings.Contains(err.Error(), detail) {
		t.Fatalf("error %v, want ErrChain with %q", err, detail)
	}
}
