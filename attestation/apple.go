package attestation

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// checkApple is the anchor of the apple format.
const checkApple = "sctn-apple-anonymous-attestation"

// appleMembers is appleStmtFormat (#sctn-apple-anonymous-attestation).
var appleMembers = []member{
	{name: "x5c", kind: kindBytesArray, required: true},
}

type appleStmt struct {
	X5C []cbor.Bytes `cbor:"x5c"`
}

// oidAppleNonce is the extension of an Apple anonymous attestation
// certificate that carries the nonce.
var oidAppleNonce = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 8, 2}

// verifyApple runs the apple format's procedure
// (#sctn-apple-anonymous-attestation): the credential certificate's nonce
// extension holds SHA-256(authData ‖ clientDataHash) and its key is the
// credential key. The result is AnonCA with x5c as the trust path; that
// the path leads to the Apple WebAuthn Root CA is the trust step's
// question (package attestation/roots ships that root).
func verifyApple(s *statement) (verdict, error) {
	if _, err := checkStmt(s.raw, checkApple, appleMembers, nil); err != nil {
		return verdict{}, err
	}
	var st appleStmt
	if err := cbor.Unmarshal(s.raw, &st); err != nil {
		// Unreachable after checkStmt; kept so that a decoder change fails closed.
		return verdict{}, errcode.Wrap(errcode.ErrMalformedAttestationObject, checkApple, "attStmt cannot be decoded", err)
	}
	certs, err := parseX5C(st.X5C, checkApple)
	if err != nil {
		return verdict{}, err
	}
	credCert := certs[0]
	nonce := sha256.Sum256(s.signed())
	got, err := appleNonceOf(credCert)
	if err != nil {
		return verdict{}, err
	}
	if !bytes.Equal(got, nonce[:]) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkApple,
			"the credential certificate's nonce is not SHA-256 of authenticator data and clientDataHash")
	}
	if !s.key.Equal(credCert.PublicKey) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkApple,
			"the credential certificate's key is not the credential key")
	}
	return verdict{typ: TypeAnonCA, trustPath: certs}, nil
}

// appleNonceOf returns the nonce of the credential certificate's extension
// 1.2.840.113635.100.8.2.
func appleNonceOf(c *x509.Certificate) ([]byte, error) {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidAppleNonce) {
			nonce, ok := parseAppleNonce(e.Value)
			if !ok {
				return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkApple,
					"the credential certificate's nonce extension is malformed",
					"SEQUENCE { [1] EXPLICIT OCTET STRING }", "another encoding")
			}
			return nonce, nil
		}
	}
	return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkApple,
		"the credential certificate has no nonce extension", "1.2.840.113635.100.8.2", "none")
}

// parseAppleNonce reads the extension value, in DER and nothing else:
// SEQUENCE { [1] EXPLICIT OCTET STRING }, with no other element and no
// trailing bytes at any level.
func parseAppleNonce(der []byte) (nonce []byte, ok bool) {
	in := cryptobyte.String(der)
	var seq, tagged, octets cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	if !seq.ReadASN1(&tagged, cbasn1.Tag(1).Constructed().ContextSpecific()) || !seq.Empty() {
		return nil, false
	}
	if !tagged.ReadASN1(&octets, cbasn1.OCTET_STRING) || !tagged.Empty() {
		return nil, false
	}
	return octets, true
}
