package attestation

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"strconv"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// checkFIDOU2F is the anchor of the fido-u2f format.
const checkFIDOU2F = "sctn-fido-u2f-attestation"

// u2fMembers is u2fStmtFormat (#sctn-fido-u2f-attestation).
var u2fMembers = []member{
	{name: "x5c", kind: kindBytesArray, required: true},
	{name: "sig", kind: kindBytes, required: true},
}

type u2fStmt struct {
	X5C []cbor.Bytes `cbor:"x5c"`
	Sig cbor.Bytes   `cbor:"sig"`
}

// u2fPointLen is the length of an uncompressed P-256 point, 0x04 ‖ x ‖ y.
const u2fPointLen = 65

// verifyFIDOU2F runs the fido-u2f format's procedure
// (#sctn-fido-u2f-attestation): a U2F (CTAP1) authenticator's registration,
// signed over the U2F registration data rather than over authData. The
// result is Basic (the spec allows AttCA too; SPEC-CHECKLIST §5 reports
// basic) with the one certificate as the trust path.
//
// The credential key must be a P-256 ECDSA key, which is what the spec's
// 32-byte x and y amount to. Its alg may be ES256 or ESP256: the procedure
// reads only the coordinates, and the two identifiers name the same
// algorithm.
func verifyFIDOU2F(s *statement) (verdict, error) {
	// Step 1: the CBOR.
	if _, err := checkStmt(s.raw, checkFIDOU2F, u2fMembers, nil); err != nil {
		return verdict{}, err
	}
	var st u2fStmt
	if err := cbor.Unmarshal(s.raw, &st); err != nil {
		// Unreachable after checkStmt; kept so that a decoder change fails closed.
		return verdict{}, errcode.Wrap(errcode.ErrMalformedAttestationObject, checkFIDOU2F, "attStmt cannot be decoded", err)
	}

	// Step 2: exactly one certificate, with a P-256 key.
	if len(st.X5C) != 1 {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkFIDOU2F,
			"x5c must hold exactly one certificate", "1", strconv.Itoa(len(st.X5C)))
	}
	certs, err := parseX5C(st.X5C, checkFIDOU2F)
	if err != nil {
		return verdict{}, err
	}
	certKey, ok := certs[0].PublicKey.(*ecdsa.PublicKey)
	if !ok || certKey.Curve != elliptic.P256() {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkFIDOU2F,
			"the attestation certificate's key is not an EC key on P-256", "P-256", certKeyType(certs[0]))
	}

	// Steps 3–4: the credential key as a raw X9.62 point.
	credKey, ok := s.key.Public().(*ecdsa.PublicKey)
	if !ok || credKey.Curve != elliptic.P256() {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkFIDOU2F,
			"the credential key is not an EC2 key on P-256, so no U2F authenticator made it",
			"ES256 key", s.key.Algorithm().String()+" key")
	}
	point, err := credKey.Bytes()
	if err != nil || len(point) != u2fPointLen {
		// cose.ParseKey accepts only points on the curve, so this is a
		// programming error rather than an input one; fail closed all the same.
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkFIDOU2F, "the credential key has no uncompressed encoding")
	}

	// Step 5: verificationData.
	acd := &s.authData.AttestedCredentialData
	data := make([]byte, 0, 1+len(s.authData.RPIDHash)+len(s.clientDataHash)+len(acd.CredentialID)+len(point))
	data = append(data, 0x00) // reserved byte of the U2F registration response
	data = append(data, s.authData.RPIDHash...)
	data = append(data, s.clientDataHash...)
	data = append(data, acd.CredentialID...)
	data = append(data, point...)

	// Step 6: the signature, ECDSA with SHA-256 in DER.
	if err := cose.VerifySignature(cose.ES256, certKey, data, st.Sig, cose.VerifyOptions{}); err != nil {
		return verdict{}, errcode.Wrap(errcode.ErrAttestationInvalid, checkFIDOU2F,
			"sig does not verify with the attestation certificate's key", err)
	}
	return verdict{typ: TypeBasic, trustPath: certs}, nil
}
