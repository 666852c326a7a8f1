package attestation

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// This file builds attestation statements the way authenticators do, so that
// the format tests can make one valid statement and then break one rule at a
// time.

// testAAGUID is the AAGUID of the test authenticator.
var testAAGUID = credential.AAGUID{0x6d, 0x44, 0xba, 0x9b, 0xf6, 0xec, 0x2e, 0x49, 0xb9, 0x30, 0x0c, 0x8f, 0xe9, 0x20, 0xcb, 0x73}

// testRPID is the RP ID whose hash the test authenticator data carries.
const testRPID = "example.com"

// testClientDataHash stands in for SHA-256(clientDataJSON).
var testClientDataHash = func() []byte {
	h := sha256.Sum256([]byte(`{"type":"webauthn.create","challenge":"AAAAAAAAAAAAAAAAAAAAAA","origin":"https://example.com"}`))
	return h[:]
}()

// credKey is a credential key pair with its COSE encoding.
type credKey struct {
	signer crypto.Signer
	alg    cose.Algorithm
	cose   []byte
}

// keys holds the key pairs the tests share: generating RSA keys is slow.
type keys struct {
	p256, p256b, p384 *ecdsa.PrivateKey
	ed                ed25519.PrivateKey
	rsa               *rsa.PrivateKey
}

var (
	sharedKeysOnce sync.Once
	sharedKeys     keys
)

func testKeys(t testing.TB) *keys {
	t.Helper()
	sharedKeysOnce.Do(func() {
		must := func(err error) {
			if err != nil {
				panic(err)
			}
		}
		var err error
		sharedKeys.p256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		sharedKeys.p256b, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		sharedKeys.p384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		must(err)
		_, sharedKeys.ed, err = ed25519.GenerateKey(rand.Reader)
		must(err)
		sharedKeys.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
		must(err)
	})
	return &sharedKeys
}

func newCredKey(t testing.TB, signer crypto.Signer, alg cose.Algorithm) credKey {
	t.Helper()
	raw, err := cose.Marshal(signer.Public(), alg)
	if err != nil {
		t.Fatalf("cose.Marshal(%s): %v", alg, err)
	}
	return credKey{signer: signer, alg: alg, cose: raw}
}

// makeAuthData lays out authenticator data by hand: rpIdHash ‖ flags ‖
// signCount ‖ aaguid ‖ credentialIdLength ‖ credentialId ‖ credentialPublicKey.
func makeAuthData(aaguid credential.AAGUID, credID, coseKey []byte) []byte {
	rpIDHash := sha256.Sum256([]byte(testRPID))
	b := append([]byte(nil), rpIDHash[:]...)
	b = append(b, byte(credential.FlagUserPresent|credential.FlagUserVerified|credential.FlagAttestedCredentialData))
	b = binary.BigEndian.AppendUint32(b, 7)
	b = append(b, aaguid[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(credID)))
	b = append(b, credID...)
	return append(b, coseKey...)
}

// newStatement parses authData and the credential key in it, as the
// ceremony does before it runs a format's procedure.
func newStatement(t testing.TB, authData, attStmt []byte) *statement {
	t.Helper()
	ad, err := credential.ParseAuthenticatorData(authData)
	if err != nil {
		t.Fatalf("ParseAuthenticatorData: %v", err)
	}
	key, err := cose.ParseKey(ad.AttestedCredentialData.PublicKey)
	if err != nil {
		t.Fatalf("cose.ParseKey: %v", err)
	}
	return &statement{
		raw:            attStmt,
		authData:       &ad,
		clientDataHash: testClientDataHash,
		key:            key,
		now:            time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	}
}

// signWith signs msg as alg prescribes (#sctn-signature-attestation-types):
// DER ECDSA over the hash, Ed25519 over the message, PKCS #1 v1.5 or PSS.
func signWith(t testing.TB, signer crypto.Signer, alg cose.Algorithm, msg []byte) []byte {
	t.Helper()
	var (
		sig []byte
		err error
	)
	switch alg {
	case cose.EdDSA, cose.Ed25519:
		sig, err = signer.Sign(rand.Reader, msg, crypto.Hash(0))
	case cose.PS256, cose.PS384, cose.PS512:
		h := alg.Hash().New()
		h.Write(msg)
		sig, err = signer.Sign(rand.Reader, h.Sum(nil), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: alg.Hash()})
	default:
		h := alg.Hash().New()
		h.Write(msg)
		sig, err = signer.Sign(rand.Reader, h.Sum(nil), alg.Hash())
	}
	if err != nil {
		t.Fatalf("sign %s: %v", alg, err)
	}
	return sig
}

// signedData is authData ‖ clientDataHash, what packed signs.
func signedData(authData []byte) []byte {
	return append(append([]byte(nil), authData...), testClientDataHash...)
}

// encode is CBOR encoding for test input; map[string]any is fine here, the
// rule against "any" is for decoding attacker input.
func encode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatalf("cbor.Marshal: %v", err)
	}
	return b
}

// testCA is a self-signed attestation root.
type testCA struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

var (
	sharedCAOnce sync.Once
	sharedCA     testCA
)

func newTestCA(t testing.TB) *testCA {
	t.Helper()
	sharedCAOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{Country: []string{"AA"}, Organization: []string{"Example Vendor"}, CommonName: "Example Attestation Root"},
			NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			BasicConstraintsValid: true,
			IsCA:                  true,
			KeyUsage:              x509.KeyUsageCertSign,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			panic(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		sharedCA = testCA{key: key, cert: cert}
	})
	return &sharedCA
}

// packedLeafTemplate meets every packed certificate requirement
// (#sctn-packed-attestation-cert-requirements), the AAGUID extension
// included.
func packedLeafTemplate() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject: pkix.Name{
			Country:            []string{"AA"},
			Organization:       []string{"Example Vendor"},
			OrganizationalUnit: []string{packedOU},
			CommonName:         "Example Authenticator",
		},
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtraExtensions:       []pkix.Extension{aaguidExt(testAAGUID[:], false)},
	}
}

// aaguidExt is id-fido-gen-ce-aaguid: an OCTET STRING wrapping the AAGUID
// (the outer OCTET STRING is extnValue itself).
func aaguidExt(aaguid []byte, critical bool) pkix.Extension {
	v, err := asn1.Marshal(aaguid)
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: oidFIDOGenCEAAGUID, Critical: critical, Value: v}
}

// issue makes a certificate for pub from tmpl, signed by the CA.
func (ca *testCA) issue(t testing.TB, tmpl *x509.Certificate, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		t.Fatalf("CreateCertificate: %v", err)
	}
	return der
}

// issueV1 makes an X.509 v1 certificate (no version field, no extensions),
// which crypto/x509 cannot create but still parses.
func (ca *testCA) issueV1(t testing.TB, subject pkix.Name, pub crypto.PublicKey) []byte {
	t.Helper()
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	subj, err := asn1.Marshal(subject.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	sigAlg := pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}} // ecdsa-with-SHA256
	tbs, err := asn1.Marshal(struct {
		Serial   *big.Int
		SigAlg   pkix.AlgorithmIdentifier
		Issuer   asn1.RawValue
		Validity struct{ NotBefore, NotAfter time.Time }
		Subject  asn1.RawValue
		SPKI     asn1.RawValue
	}{
		Serial:   big.NewInt(3),
		SigAlg:   sigAlg,
		Issuer:   asn1.RawValue{FullBytes: ca.cert.RawSubject},
		Validity: struct{ NotBefore, NotAfter time.Time }{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)},
		Subject:  asn1.RawValue{FullBytes: subj},
		SPKI:     asn1.RawValue{FullBytes: spki},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(tbs)
	sig, err := ecdsa.SignASN1(rand.Reader, ca.key, h[:])
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(struct {
		TBS    asn1.RawValue
		SigAlg pkix.AlgorithmIdentifier
		Sig    asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, sigAlg, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// wantError checks that err is the verdict the case names: its code, its
// spec anchor, and a phrase of its Detail, so that a test fails when the
// rule it is about is removed even if a later rule would reject the input.
func wantError(t testing.TB, err error, code errcode.Sentinel, check, detail string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %s at #%s (%q)", code, check, detail)
	}
	var e *errcode.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *errcode.Error", err)
	}
	if e.Code != string(code) || e.Check != check || !strings.Contains(e.Detail, detail) {
		t.Fatalf("got %v\nwant %s at #%s with %q in the detail", err, code, check, detail)
	}
}
