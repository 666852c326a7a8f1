package passkey

import "github.com/gopasskey/passkey/errcode"

// Error is a ceremony verdict: the stable code, the spec step that failed
// and why. Compare with [errors.Is] against the sentinels below; read the
// details with [errors.As].
type Error = errcode.Error

// ConfigError reports a configuration mistake: the field, the problem and the
// fix. It carries no code.
type ConfigError = errcode.ConfigError

// Sentinel is a stable error code; the constants below are its only values.
type Sentinel = errcode.Sentinel

// The stable error codes, the same values as package errcode's: a
// rejection from this package, or from the verifiers beneath it, matches
// exactly one of them with [errors.Is].
const (
	ErrMalformedResponse            = errcode.ErrMalformedResponse
	ErrCredentialIDMismatch         = errcode.ErrCredentialIDMismatch
	ErrMalformedClientData          = errcode.ErrMalformedClientData
	ErrTypeMismatch                 = errcode.ErrTypeMismatch
	ErrChallengeMismatch            = errcode.ErrChallengeMismatch
	ErrOriginMismatch               = errcode.ErrOriginMismatch
	ErrCrossOriginNotAllowed        = errcode.ErrCrossOriginNotAllowed
	ErrMalformedAttestationObject   = errcode.ErrMalformedAttestationObject
	ErrMalformedAuthenticatorData   = errcode.ErrMalformedAuthenticatorData
	ErrRPIDMismatch                 = errcode.ErrRPIDMismatch
	ErrUserNotPresent               = errcode.ErrUserNotPresent
	ErrUserNotVerified              = errcode.ErrUserNotVerified
	ErrBackupFlagsInvalid           = errcode.ErrBackupFlagsInvalid
	ErrMissingCredentialData        = errcode.ErrMissingCredentialData
	ErrUnsupportedAlgorithm         = errcode.ErrUnsupportedAlgorithm
	ErrMalformedPublicKey           = errcode.ErrMalformedPublicKey
	ErrUnsupportedAttestationFormat = errcode.ErrUnsupportedAttestationFormat
	ErrAttestationInvalid           = errcode.ErrAttestationInvalid
	ErrAttestationUntrusted         = errcode.ErrAttestationUntrusted
	ErrUnknownCredential            = errcode.ErrUnknownCredential
	ErrUserHandleMismatch           = errcode.ErrUserHandleMismatch
	ErrSignatureInvalid             = errcode.ErrSignatureInvalid
	ErrSignCountRegression          = errcode.ErrSignCountRegression
	ErrCredentialAlreadyRegistered  = errcode.ErrCredentialAlreadyRegistered
	ErrBackupEligibilityChanged     = errcode.ErrBackupEligibilityChanged
	ErrUserHandleMissing            = errcode.ErrUserHandleMissing
	ErrExtensionInvalid             = errcode.ErrExtensionInvalid
	ErrAuthenticatorStatusUntrusted = errcode.ErrAuthenticatorStatusUntrusted
	ErrAttestationTypeNotAllowed    = errcode.ErrAttestationTypeNotAllowed
	ErrAuthenticatorNotAllowed      = errcode.ErrAuthenticatorNotAllowed
)

// Code returns the stable code of the verdict in err's chain, such as
// "origin-mismatch", or "" when err is nil or is not a ceremony verdict
// (a configuration mistake, a store failure, a cancelled context).
func Code(err error) string { return errcode.Code(err) }
