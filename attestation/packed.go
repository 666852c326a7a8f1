package attestation

import (
	"crypto/x509"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// Anchors of the packed format.
const (
	checkPacked         = "sctn-packed-attestation"
	checkPackedCertReqs = "sctn-packed-attestation-cert-requirements"
)

// packedMembers is packedStmtFormat (#sctn-packed-attestation): alg and sig,
// and x5c for Basic/AttCA attestation.
var packedMembers = []member{
	{name: "alg", kind: kindInt, required: true},
	{name: "sig", kind: kindBytes, required: true},
	{name: "x5c", kind: kindBytesArray},
}

// packedForbidden names the member that Level 1 defined and Level 2 removed.
var packedForbidden = map[string]string{
	"ecdaaKeyId": "attStmt has ecdaaKeyId: ECDAA attestation was removed from WebAuthn and is not supported",
}

// Indices of packedMembers.
const (
	packedAlg = iota
	packedSig
	packedX5C
)

// packedStmt is attStmt after checkStmt has vouched for its shape. Sig and
// the elements of X5C are sub-slices of attStmt.
type packedStmt struct {
	Alg int64        `cbor:"alg"`
	Sig cbor.Bytes   `cbor:"sig"`
	X5C []cbor.Bytes `cbor:"x5c"`
	// hasX5C tells an absent x5c (self attestation) from an empty one.
	hasX5C bool
}

// decodePacked checks and decodes a packed attStmt in one pass: the shape
// check returns each member's value, and the values are read from there,
// since their kinds are fixed (an integer, a byte string, an array of byte
// strings).
func decodePacked(raw []byte) (packedStmt, error) {
	vals, err := stmtValues(raw, checkPacked, packedMembers, packedForbidden)
	if err != nil {
		return packedStmt{}, err
	}
	st := packedStmt{Alg: intValue(vals[packedAlg]), Sig: bytesValue(vals[packedSig])}
	if x5c := vals[packedX5C]; x5c != nil {
		st.X5C, st.hasX5C = bytesArray(x5c), true
	}
	return st, nil
}

// verifyPacked runs the packed format's procedure (#sctn-packed-attestation).
//
// With x5c the statement is Basic (or AttCA, which only metadata can tell
// apart; SPEC-CHECKLIST §5 reports basic) with x5c as the trust path;
// without it, Self with an empty one. Unknown members are refused, as the
// CDDL map is closed.
func verifyPacked(s *statement) (verdict, error) {
	st, err := decodePacked(s.raw)
	if err != nil {
		return verdict{}, err
	}
	alg := cose.Algorithm(st.Alg)
	if !st.hasX5C {
		return verifyPackedSelf(s, alg, st.Sig)
	}
	certs, err := parseX5C(st.X5C, checkPacked)
	if err != nil {
		return verdict{}, err
	}
	leaf := certs[0]
	if err := verifyCertSignature(alg, leaf, s.signed(), st.Sig, s.allowSHA1, checkPacked); err != nil {
		return verdict{}, err
	}
	if err := checkPackedCert(leaf); err != nil {
		return verdict{}, err
	}
	if err := checkAAGUIDExtension(leaf, s.authData.AttestedCredentialData.AAGUID,
		checkPackedCertReqs, checkPacked, "the attestation certificate"); err != nil {
		return verdict{}, err
	}
	return verdict{typ: TypeBasic, trustPath: certs}, nil
}

// verifyPackedSelf is self attestation: the credential key signs its own
// creation, with the algorithm it declares for itself.
func verifyPackedSelf(s *statement, alg cose.Algorithm, sig []byte) (verdict, error) {
	// The literal identifier must match: a key that says ES256 may not
	// claim a statement made as ESP256, even though both verify alike.
	if want := s.key.Algorithm(); alg != want {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkPacked,
			"self attestation alg differs from the credential key's algorithm", want.String(), alg.String())
	}
	if err := s.key.Verify(s.signed(), sig); err != nil {
		return verdict{}, errcode.Wrap(errcode.ErrAttestationInvalid, checkPacked,
			"self attestation sig does not verify with the credential key", err)
	}
	return verdict{typ: TypeSelf}, nil
}

// checkPackedCert applies #sctn-packed-attestation-cert-requirements to the
// attestation certificate, all but the AAGUID comparison, which is a step of
// the procedure itself.
func checkPackedCert(c *x509.Certificate) error {
	const which = "the attestation certificate"
	if err := requireV3(c, checkPackedCertReqs, which); err != nil {
		return err
	}
	if err := checkPackedSubject(c, checkPackedCertReqs); err != nil {
		return err
	}
	if err := requireNotCA(c, checkPackedCertReqs, which); err != nil {
		return err
	}
	if _, _, err := aaguidExtension(c, checkPackedCertReqs, which); err != nil {
		return err
	}
	return checkFWVersionExtension(c, checkPackedCertReqs, which)
}
