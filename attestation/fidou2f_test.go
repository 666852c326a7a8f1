package attestation

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
)

// u2fCertTemplate is shaped like deployed U2F batch certificates: a CN and
// nothing else, since fido-u2f sets no certificate requirements.
func u2fCertTemplate() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(10),
		Subject:      pkix.Name{CommonName: "Example U2F EE Serial 1"},
		NotBefore:    time.Date(2014, 8, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2050, 9, 4, 0, 0, 0, 0, time.UTC),
	}
}

// u2fData is the U2F registration data the authenticator signs, built here
// from its parts independently of the verifier: 0x00 ‖ rpIdHash ‖
// clientDataHash ‖ credentialId ‖ 0x04 ‖ x ‖ y.
func u2fData(credID []byte, pub *ecdsa.PublicKey) []byte {
	rpIDHash := sha256.Sum256([]byte(testRPID))
	b := []byte{0x00}
	b = append(b, rpIDHash[:]...)
	b = append(b, testClientDataHash...)
	b = append(b, credID...)
	point, err := pub.Bytes() // uncompressed X9.62: 0x04 ‖ x ‖ y
	if err != nil {
		panic(err)
	}
	return append(b, point...)
}

func u2fStatement(t testing.TB, signer crypto.Signer, signed []byte, x5c ...[]byte) []byte {
	t.Helper()
	if x5c == nil {
		x5c = [][]byte{}
	}
	return encode(t, map[string]any{"sig": signWith(t, signer, cose.ES256, signed), "x5c": x5c})
}

func TestVerifyFIDOU2F(t *testing.T) {
	ks := testKeys(t)
	ca := newTestCA(t)
	cert := ca.issue(t, u2fCertTemplate(), ks.p256b.Public())
	credID := []byte("u2f key handle")

	for _, alg := range []cose.Algorithm{cose.ES256, cose.ESP256} {
		t.Run(alg.String(), func(t *testing.T) {
			k := newCredKey(t, ks.p256, alg)
			authData := makeAuthData(credential.AAGUID{}, credID, k.cose)
			raw := u2fStatement(t, ks.p256b, u2fData(credID, &ks.p256.PublicKey), cert)
			v, err := verifyFIDOU2F(newStatement(t, authData, raw))
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeBasic || len(v.trustPath) != 1 || string(v.trustPath[0].Raw) != string(cert) {
				t.Fatalf("got type %s with %d certificates, want basic with x5c", v.typ, len(v.trustPath))
			}
		})
	}
}

func TestVerifyFIDOU2FRejects(t *testing.T) {
	ks := testKeys(t)
	ca := newTestCA(t)
	credID := []byte("u2f key handle")
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, credID, k.cose)
	data := u2fData(credID, &ks.p256.PublicKey)
	cert := ca.issue(t, u2fCertTemplate(), ks.p256b.Public())

	// The same point, compressed: 0x02 or 0x03 by the parity of y, then x.
	point := data[len(data)-65:]
	compressed := append([]byte(nil), data[:len(data)-65]...)
	compressed = append(compressed, 0x02|point[64]&1)
	compressed = append(compressed, point[1:33]...)
	otherID := u2fData([]byte("another handle"), &ks.p256.PublicKey)

	cases := []struct {
		name   string
		raw    []byte
		detail string
	}{
		{"no certificate", u2fStatement(t, ks.p256b, data), "exactly one certificate"},
		{"two certificates", u2fStatement(t, ks.p256b, data, cert, ca.cert.Raw), "exactly one certificate"},
		{"not a certificate", u2fStatement(t, ks.p256b, data, []byte{0x30, 0x03, 0x02, 0x01, 0x01}), "x5c[0] is not a valid X.509"},
		{"P-384 certificate key", u2fStatement(t, ks.p384, data, ca.issue(t, u2fCertTemplate(), ks.p384.Public())), "not an EC key on P-256"},
		{"RSA certificate key", u2fStatement(t, ks.p256b, data, ca.issue(t, u2fCertTemplate(), ks.rsa.Public())), "not an EC key on P-256"},
		{"Ed25519 certificate key", u2fStatement(t, ks.p256b, data, ca.issue(t, u2fCertTemplate(), ks.ed.Public())), "not an EC key on P-256"},
		{"signed by another key", u2fStatement(t, ks.p256, data, cert), "sig does not verify"},
		{"signed without the reserved byte", u2fStatement(t, ks.p256b, data[1:], cert), "sig does not verify"},
		{"signed over authData and clientDataHash", u2fStatement(t, ks.p256b, signedData(authData), cert), "sig does not verify"},
		{"signed with a compressed point", u2fStatement(t, ks.p256b, compressed, cert), "sig does not verify"},
		{"signed for another key handle", u2fStatement(t, ks.p256b, otherID, cert), "sig does not verify"},
		{"unknown member", encode(t, map[string]any{"alg": -7, "sig": []byte{1}, "x5c": [][]byte{cert}}), "does not define"},
		{"missing sig", encode(t, map[string]any{"x5c": [][]byte{cert}}), "lacks a required member"},
		{"missing x5c", encode(t, map[string]any{"sig": []byte{1}}), "lacks a required member"},
		{"x5c as bytes", encode(t, map[string]any{"sig": []byte{1}, "x5c": cert}), "x5c has the wrong type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyFIDOU2F(newStatement(t, authData, c.raw))
			wantError(t, err, errcode.ErrAttestationInvalid, checkFIDOU2F, c.detail)
		})
	}

	// The credential key must be what a U2F authenticator can make.
	keys := []struct {
		name   string
		signer crypto.Signer
		alg    cose.Algorithm
	}{
		{"ES384", ks.p384, cose.ES384},
		{"EdDSA", ks.ed, cose.EdDSA},
		{"RS256", ks.rsa, cose.RS256},
	}
	for _, c := range keys {
		t.Run("credential key "+c.name, func(t *testing.T) {
			k := newCredKey(t, c.signer, c.alg)
			authData := makeAuthData(credential.AAGUID{}, credID, k.cose)
			raw := u2fStatement(t, ks.p256b, data, cert)
			_, err := verifyFIDOU2F(newStatement(t, authData, raw))
			wantError(t, err, errcode.ErrAttestationInvalid, checkFIDOU2F, "credential key is not an EC2 key on P-256")
		})
	}

	malformed := []struct{ name, hex string }{
		{"truncated", "a26373696741"},
		{"indefinite", "bf637369674101ff"},
	}
	for _, c := range malformed {
		t.Run(c.name, func(t *testing.T) {
			b, err := hex.DecodeString(c.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = verifyFIDOU2F(newStatement(t, authData, b))
			wantError(t, err, errcode.ErrMalformedAttestationObject, checkFIDOU2F, "not well-formed")
		})
	}
}
