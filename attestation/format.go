package attestation

import (
	"crypto/x509"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/internal/cbor"
)

// Type is the attestation type a statement yields
// (#sctn-attestation-types).
type Type string

// The attestation types.
const (
	TypeNone   Type = "none"
	TypeSelf   Type = "self"
	TypeBasic  Type = "basic"
	TypeAttCA  Type = "attca"
	TypeAnonCA Type = "anonca"
)

// statement is what a format's verification procedure receives
// (#sctn-attestation-formats): attStmt, the authenticator data and the hash
// of the client data, plus the credential key already parsed and validated.
type statement struct {
	// raw is the attStmt CBOR item, undecoded.
	raw cbor.RawMessage
	// authData is the parsed authenticator data; authData.Raw is the signed bytes.
	authData *credential.AuthenticatorData
	// clientDataHash is SHA-256 of clientDataJSON.
	clientDataHash []byte
	// key is the credential public key from the attested credential data.
	key *cose.Key
	// now is the verification time, for certificate checks that need one.
	now time.Time
	// allowSHA1 permits RS1 attestation signatures (old TPMs).
	allowSHA1 bool
	// tpmAnyVendor accepts a TPM whose manufacturer is not in the TCG vendor
	// registry; by default tpm requires a registered one.
	tpmAnyVendor bool
	// androidKeySoftware lets android-key read origin and purpose from the
	// union of softwareEnforced and teeEnforced; by default only teeEnforced
	// counts (keys backed by a TEE or StrongBox).
	androidKeySoftware bool
	// safetyNetMaxAge and safetyNetSkew bound an android-safetynet
	// response's timestampMs around now; zero means the defaults
	// (DefaultSafetyNetMaxAge, DefaultSafetyNetClockSkew).
	safetyNetMaxAge, safetyNetSkew time.Duration

	// msg backs the message signed returns when it fits, so that the
	// statement and that message are one allocation.
	msg [signedInline]byte
}

// signedInline is the longest message signed builds inside the statement:
// authenticator data with an EC2 or OKP credential key and a credential ID
// of up to 64 bytes, with room for extensions, and the client data hash.
const signedInline = 320

// signed returns authData ‖ clientDataHash, the message most formats sign.
// The result may share s's storage: it is the same bytes at every call, and
// no caller keeps it.
func (s *statement) signed() []byte {
	n := len(s.authData.Raw) + len(s.clientDataHash)
	var m []byte
	if n <= len(s.msg) {
		m = s.msg[:0:n]
	} else {
		m = make([]byte, 0, n)
	}
	m = append(m, s.authData.Raw...)
	return append(m, s.clientDataHash...)
}

// verdict is what a format's procedure yields on success.
type verdict struct {
	typ Type
	// trustPath is x5c, leaf first; empty for none and self.
	trustPath []*x509.Certificate
	// leafDatesUnchecked tells the trust step not to check the validity
	// period of trustPath[0]: android-key leaves carry dates the requester
	// chose, not a CA's (see verifyAndroidKey).
	leafDatesUnchecked bool
	// subs are the verdicts of a compound statement's statements, in
	// order; nil for every other format. typ and trustPath are then unset:
	// trust is assessed per sub-statement.
	subs []subVerdict
}

// subVerdict is one verified statement of a compound statement.
type subVerdict struct {
	format string
	verdict
}

// formatVerifier runs one format's verification procedure. It returns an
// *errcode.Error: malformed-attestation-object when attStmt is not
// well-formed CBOR, attestation-invalid when it breaks the format's rules.
// Chain validation against trust anchors and validity dates is not its job:
// [trust] does that for every format alike.
type formatVerifier func(s *statement) (verdict, error)

// lookupFormat returns the procedure of a format identifier, matched
// case-sensitively (#sctn-attstn-fmt-ids).
func lookupFormat(fmt string) (formatVerifier, bool) {
	switch fmt {
	case "none":
		return verifyNone, true
	case "packed":
		return verifyPacked, true
	case "fido-u2f":
		return verifyFIDOU2F, true
	case "tpm":
		return verifyTPM, true
	case "android-key":
		return verifyAndroidKey, true
	case "android-safetynet":
		return verifySafetyNet, true
	case "apple":
		return verifyApple, true
	case "compound":
		return verifyCompound, true
	}
	return nil, false
}
