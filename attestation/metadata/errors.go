package metadata

import (
	"errors"
	"time"
)

// One sentinel per failed check. Every error this package returns for a
// BLOB wraps exactly one of them (test with errors.Is) together with the
// underlying cause.
var (
	// ErrMalformed: the bytes are not a JWS compact serialization, the
	// header or payload is not the JSON the MDS3 BLOB format defines, or a
	// required member (no, nextUpdate, entries) is missing.
	ErrMalformed = errors.New("metadata: malformed BLOB")
	// ErrTooLarge: the BLOB is larger than VerifyOptions.MaxSize.
	ErrTooLarge = errors.New("metadata: BLOB larger than the limit")
	// ErrAlgorithm: the JWS alg is not one of the accepted asymmetric
	// algorithms (none and HMAC are never accepted).
	ErrAlgorithm = errors.New("metadata: BLOB signature algorithm not accepted")
	// ErrChain: the signing certificate chain does not verify to a
	// configured root at the verification time, the BLOB names its chain
	// only by x5u, or x5c is over the bounds checked before chain building
	// (more than 5 certificates, an RSA key over 8192 bits, or over 4096
	// bits with an exponent above 65537).
	ErrChain = errors.New("metadata: BLOB signing chain does not verify to a trusted root")
	// ErrCRLMissing: no current CRL from the issuer of a chain certificate
	// was supplied, and VerifyOptions.AllowMissingCRLs is off.
	ErrCRLMissing = errors.New("metadata: no current CRL for a BLOB chain certificate")
	// ErrRevoked: a chain certificate is listed on its issuer's CRL.
	ErrRevoked = errors.New("metadata: a BLOB chain certificate is revoked")
	// ErrSignature: the JWS signature does not verify with the signing
	// certificate's key.
	ErrSignature = errors.New("metadata: BLOB signature invalid")
	// ErrLegalHeader: legalHeader differs from VerifyOptions.LegalHeader.
	ErrLegalHeader = errors.New("metadata: BLOB legalHeader differs from the expected one")
	// ErrStale: the BLOB is past its nextUpdate day at the verification
	// time and failing closed was asked for (VerifyOptions.FailStale).
	ErrStale = errors.New("metadata: BLOB is past nextUpdate")
	// ErrRollback: a BLOB whose serial number no is not greater than the
	// current one's was offered to a Store; it is ignored.
	ErrRollback = errors.New("metadata: BLOB serial number not newer than the current one")
	// ErrNoBLOB: a look-up on a Store that holds no BLOB yet.
	ErrNoBLOB = errors.New("metadata: no BLOB loaded")
	// ErrUnknownAuthenticator: the BLOB has no entry for the AAGUID or
	// attestation certificate key identifier.
	ErrUnknownAuthenticator = errors.New("metadata: authenticator not in the BLOB")
)

// StatusError reports that the metadata marks an authenticator model (or the
// attestation certificate in hand) as untrusted at the verification time:
// a REVOKED, RETIRED, USER_KEY_REMOTE_COMPROMISE,
// USER_KEY_PHYSICAL_COMPROMISE or ATTESTATION_KEY_COMPROMISE report is in
// effect.
//
// This package imports no other package of the module, so it cannot return
// an errcode value. A relying party maps StatusError to the code
// authenticator-status-untrusted; without importing this package it can
// recognise it by its AuthenticatorStatus method:
//
//	var se interface{ AuthenticatorStatus() string }
//	if errors.As(err, &se) { /* authenticator-status-untrusted */ }
type StatusError struct {
	// Status is the distrust status in effect.
	Status Status
	// AAGUID identifies the model; zero for an entry found by attestation
	// certificate key identifier.
	AAGUID [16]byte
	// KeyIdentifier is the lower-case hex key identifier the entry was
	// found by (fido-u2f), or "".
	KeyIdentifier string
	// Effective is the report's effectiveDate (zero when it has none).
	Effective time.Time
}

// Error names the status, the authenticator and the date.
func (e *StatusError) Error() string {
	who := "authenticator " + FormatAAGUID(e.AAGUID)
	if e.KeyIdentifier != "" {
		who = "attestation key " + e.KeyIdentifier
	}
	msg := "metadata: " + who + " has status " + string(e.Status)
	if !e.Effective.IsZero() {
		msg += " in effect since " + e.Effective.Format(time.DateOnly)
	}
	return msg
}

// AuthenticatorStatus returns the status as a string, so that packages
// which do not import metadata can recognise the error structurally.
func (e *StatusError) AuthenticatorStatus() string { return string(e.Status) }
