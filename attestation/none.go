package attestation

// checkNone is the anchor of the none format (#sctn-none-attestation).
const checkNone = "sctn-none-attestation"

// verifyNone runs the none format's procedure (#sctn-none-attestation):
// attStmt is the empty map, and the result is None with no trust path.
//
// A non-empty map is refused rather than ignored (SPEC-CHECKLIST §5): the
// CDDL is "{}", and a client that replaced a real statement must not leave
// parts of it behind. checkStmt enforces that, since none defines no member.
func verifyNone(s *statement) (verdict, error) {
	if _, err := checkStmt(s.raw, checkNone, nil, nil); err != nil {
		return verdict{}, err
	}
	return verdict{typ: TypeNone}, nil
}
