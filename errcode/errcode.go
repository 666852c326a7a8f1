package errcode

import (
	"errors"
	"strings"
)

// Sentinel is a stable error code. The exported constants of this package are
// the only values; compare with [errors.Is]:
//
//	if errors.Is(err, errcode.ErrOriginMismatch) { … }
//
// A Sentinel is a constant, so no package can change what a code means.
type Sentinel string

// Error returns the code itself.
func (s Sentinel) Error() string { return string(s) }

// The stable codes, one per check family. Their strings are the codes of the
// fixture schema (shared/fixtures/SCHEMA.md) and never change.
const (
	// ErrMalformedResponse: the response JSON, its base64url, or a required field.
	ErrMalformedResponse Sentinel = "malformed-response"
	// ErrCredentialIDMismatch: id/rawId disagree with each other or with the
	// credential in authenticator data.
	ErrCredentialIDMismatch Sentinel = "credential-id-mismatch"
	// ErrMalformedClientData: clientDataJSON is not UTF-8 JSON with the required members.
	ErrMalformedClientData Sentinel = "malformed-client-data"
	// ErrTypeMismatch: clientData.type is not the one the ceremony needs.
	ErrTypeMismatch Sentinel = "type-mismatch"
	// ErrChallengeMismatch: the challenge is not the issued one, or the
	// ceremony session is unknown, expired, used or of the other ceremony.
	ErrChallengeMismatch Sentinel = "challenge-mismatch"
	// ErrOriginMismatch: clientData.origin is not an accepted origin.
	ErrOriginMismatch Sentinel = "origin-mismatch"
	// ErrCrossOriginNotAllowed: crossOrigin or topOrigin where the RP did not allow it.
	ErrCrossOriginNotAllowed Sentinel = "cross-origin-not-allowed"
	// ErrMalformedAttestationObject: attestationObject is not the CBOR map it must be.
	ErrMalformedAttestationObject Sentinel = "malformed-attestation-object"
	// ErrMalformedAuthenticatorData: authenticator data too short, trailing
	// bytes, or flags that disagree with the data present.
	ErrMalformedAuthenticatorData Sentinel = "malformed-authenticator-data"
	// ErrRPIDMismatch: rpIdHash is not SHA-256 of the RP ID.
	ErrRPIDMismatch Sentinel = "rp-id-mismatch"
	// ErrUserNotPresent: the UP flag is clear where presence is required.
	ErrUserNotPresent Sentinel = "user-not-present"
	// ErrUserNotVerified: the UV flag is clear where verification is required.
	ErrUserNotVerified Sentinel = "user-not-verified"
	// ErrBackupFlagsInvalid: BS set while BE is clear.
	ErrBackupFlagsInvalid Sentinel = "backup-flags-invalid"
	// ErrMissingCredentialData: a registration without attested credential data.
	ErrMissingCredentialData Sentinel = "missing-credential-data"
	// ErrUnsupportedAlgorithm: the key's alg is not offered or not supported.
	ErrUnsupportedAlgorithm Sentinel = "unsupported-algorithm"
	// ErrMalformedPublicKey: the COSE key is malformed.
	ErrMalformedPublicKey Sentinel = "malformed-public-key"
	// ErrUnsupportedAttestationFormat: fmt is not a format the library verifies.
	ErrUnsupportedAttestationFormat Sentinel = "unsupported-attestation-format"
	// ErrAttestationInvalid: the statement fails its format's verification procedure.
	ErrAttestationInvalid Sentinel = "attestation-invalid"
	// ErrAttestationUntrusted: the chain does not reach a trust anchor, or a
	// certificate is not valid at the verification time.
	ErrAttestationUntrusted Sentinel = "attestation-untrusted"
	// ErrUnknownCredential: the asserted credential is not the stored one, or
	// not in allowCredentials.
	ErrUnknownCredential Sentinel = "unknown-credential"
	// ErrUserHandleMismatch: userHandle does not belong to the credential's owner.
	ErrUserHandleMismatch Sentinel = "user-handle-mismatch"
	// ErrSignatureInvalid: the assertion signature does not verify.
	ErrSignatureInvalid Sentinel = "signature-invalid"
	// ErrSignCountRegression: the signature counter did not increase.
	ErrSignCountRegression Sentinel = "sign-count-regression"
	// ErrCredentialAlreadyRegistered: the credential ID is already registered.
	ErrCredentialAlreadyRegistered Sentinel = "credential-already-registered"
	// ErrBackupEligibilityChanged: BE differs from the value stored at registration.
	ErrBackupEligibilityChanged Sentinel = "backup-eligibility-changed"
	// ErrUserHandleMissing: a usernameless login whose response carries no userHandle.
	ErrUserHandleMissing Sentinel = "user-handle-missing"
	// ErrExtensionInvalid: an extension output fails the RP's policy.
	ErrExtensionInvalid Sentinel = "extension-invalid"
	// ErrAuthenticatorStatusUntrusted: metadata says the model must not be trusted.
	ErrAuthenticatorStatusUntrusted Sentinel = "authenticator-status-untrusted"
	// ErrAttestationTypeNotAllowed: the attestation type is refused by policy.
	ErrAttestationTypeNotAllowed Sentinel = "attestation-type-not-allowed"
	// ErrAuthenticatorNotAllowed: the RP's policy refuses this authenticator.
	ErrAuthenticatorNotAllowed Sentinel = "authenticator-not-allowed"
)

// All lists every code, in the order of the schema's table.
func All() []Sentinel {
	return []Sentinel{
		ErrMalformedResponse, ErrCredentialIDMismatch, ErrMalformedClientData,
		ErrTypeMismatch, ErrChallengeMismatch, ErrOriginMismatch,
		ErrCrossOriginNotAllowed, ErrMalformedAttestationObject,
		ErrMalformedAuthenticatorData, ErrRPIDMismatch, ErrUserNotPresent,
		ErrUserNotVerified, ErrBackupFlagsInvalid, ErrMissingCredentialData,
		ErrUnsupportedAlgorithm, ErrMalformedPublicKey,
		ErrUnsupportedAttestationFormat, ErrAttestationInvalid,
		ErrAttestationUntrusted, ErrUnknownCredential, ErrUserHandleMismatch,
		ErrSignatureInvalid, ErrSignCountRegression,
		ErrCredentialAlreadyRegistered, ErrBackupEligibilityChanged,
		ErrUserHandleMissing, ErrExtensionInvalid,
		ErrAuthenticatorStatusUntrusted, ErrAttestationTypeNotAllowed,
		ErrAuthenticatorNotAllowed,
	}
}

// Error is a ceremony verdict: which check failed and why.
//
// Expected and Received describe the values compared when that is safe to
// log (a type string, an origin, a flag); they never hold challenges, user
// handles, signatures or key material. Err is an underlying cause that is not
// itself an *Error (a CBOR or x509 error, say), so [Code] is unambiguous.
type Error struct {
	// Code is the stable code, one of the Sentinel constants as a string.
	Code string
	// Check is the WebAuthn spec anchor of the step that failed, such as
	// "rp-op-verifying-assertion-step-rpid-hash" (resolve it under
	// https://w3c.github.io/webauthn/#).
	Check string
	// Detail says in words what was wrong.
	Detail string
	// Expected and Received are the compared values, when they are safe to log.
	Expected, Received string
	// Err is the underlying cause, if any.
	Err error
}

// New returns the verdict for code at the spec step check.
func New(code Sentinel, check, detail string) *Error {
	return &Error{Code: string(code), Check: check, Detail: detail}
}

// Mismatch returns a verdict that records the expected and received values.
func Mismatch(code Sentinel, check, detail, expected, received string) *Error {
	return &Error{Code: string(code), Check: check, Detail: detail, Expected: expected, Received: received}
}

// Wrap returns a verdict caused by err. If err already carries a verdict, that
// verdict is returned unchanged: the innermost check is the one that failed,
// and an *Error never wraps another.
func Wrap(code Sentinel, check, detail string, err error) *Error {
	var inner *Error
	if errors.As(err, &inner) {
		return inner
	}
	return &Error{Code: string(code), Check: check, Detail: detail, Err: err}
}

// Error formats the verdict for logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Expected != "" || e.Received != "" {
		b.WriteString(" (expected ")
		b.WriteString(quote(e.Expected))
		b.WriteString(", received ")
		b.WriteString(quote(e.Received))
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Check != "" {
		b.WriteString(" [#")
		b.WriteString(e.Check)
		b.WriteString("]")
	}
	return b.String()
}

func quote(s string) string {
	if s == "" {
		return "nothing"
	}
	return "\"" + s + "\""
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the Sentinel of e's code, or an *Error with the
// same code.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Sentinel:
		return string(t) == e.Code
	case *Error:
		return t.Code == e.Code
	}
	return false
}

// Code returns the stable code of the verdict in err's chain, or "" when err
// is nil or is not a ceremony verdict (a configuration mistake, store I/O,
// context cancellation).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var s Sentinel
	if errors.As(err, &s) {
		return string(s)
	}
	return ""
}

// ConfigError reports a configuration mistake: which field is wrong and how
// to fix it. It carries no code: it is not a ceremony verdict.
type ConfigError struct {
	// Field names the setting, such as "Config.RPID" or "Expect.Origins".
	Field string
	// Problem says what is wrong with it.
	Problem string
	// Fix says what to do instead.
	Fix string
}

func (e *ConfigError) Error() string {
	s := "passkey: configuration: " + e.Field + ": " + e.Problem
	if e.Fix != "" {
		s += " (" + e.Fix + ")"
	}
	return s
}
