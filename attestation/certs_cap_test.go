package attestation

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// bigRSAKey is an RSA public key with a modulus of the given size. No one
// holds its private key: parseX5C refuses the certificate before any
// signature is checked with it.
func bigRSAKey(bits int) *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	n.Add(n, big.NewInt(1<<16+1))
	return &rsa.PublicKey{N: n, E: 65537}
}

// TestX5CRSACap checks the bound on the RSA keys of x5c, for the
// attestation certificate and for a CA certificate after it.
func TestX5CRSACap(t *testing.T) {
	ca := newTestCA(t)
	cert := func(pub *rsa.PublicKey, isCA bool) []byte {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(60), Subject: pkix.Name{CommonName: "big key"},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			BasicConstraintsValid: true, IsCA: isCA,
		}
		return ca.issue(t, tmpl, pub)
	}
	leaf := ca.issue(t, packedLeafTemplate(), testKeys(t).p256.Public())
	for _, c := range []struct {
		name string
		x5c  [][]byte
		ok   bool
	}{
		{"8192-bit leaf", [][]byte{cert(bigRSAKey(8192), false)}, true},
		{"8193-bit leaf", [][]byte{cert(bigRSAKey(8193), false)}, false},
		{"8192-bit CA", [][]byte{leaf, cert(bigRSAKey(8192), true)}, true},
		{"16384-bit CA", [][]byte{leaf, cert(bigRSAKey(16384), true)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			x5c := make([]cbor.Bytes, len(c.x5c))
			for i, d := range c.x5c {
				x5c[i] = d
			}
			_, err := parseX5C(x5c, checkPacked)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, errcode.ErrAttestationInvalid, checkPacked, "RSA key larger than")
		})
	}

	// Through a format: the bound applies before the statement's signature.
	k := newCredKey(t, testKeys(t).p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("cap"), k.cose)
	raw := encode(t, map[string]any{"alg": int64(cose.RS256), "sig": []byte{1}, "x5c": [][]byte{cert(bigRSAKey(8200), false)}})
	_, err := verifyPacked(newStatement(t, authData, raw))
	wantError(t, err, errcode.ErrAttestationInvalid, checkPacked, "RSA key larger than")
}
