package passkey

import (
	"context"
	"crypto/x509"
	"github.com/gopasskey/passkey/attestation"
)

// UserVerification is the user-verification requirement of both ceremonies
// (#enumdef-userverificationrequirement).
type UserVerification string

// The user-verification requirements.
const (
	// VerificationPreferred asks for user verification where the
	// authenticator can do it and accepts ceremonies without it: the
	// spec's default, and [Config]'s.
	VerificationPreferred UserVerification = "preferred"
	// VerificationRequired rejects a ceremony without the UV flag
	// (user-not-verified): passkeys as the only factor.
	VerificationRequired UserVerification = "required"
	// VerificationDiscouraged asks authenticators not to verify the user:
	// passkeys as a second factor after a password.
	VerificationDiscouraged UserVerification = "discouraged"
)

// ResidentKey is the discoverable-credential requirement of registrations
// (#enumdef-residentkeyrequirement).
type ResidentKey string

// The discoverable-credential requirements.
const (
	// ResidentKeyRequired makes every credential a passkey that can sign in
	// without a user name (usernameless login, conditional UI): [Config]'s
	// default.
	ResidentKeyRequired ResidentKey = "required"
	// ResidentKeyPreferred asks for a discoverable credential where the
	// authenticator can store one.
	ResidentKeyPreferred ResidentKey = "preferred"
	// ResidentKeyDiscouraged asks for a server-side credential (security
	// keys as a second factor; their storage is small).
	ResidentKeyDiscouraged ResidentKey = "discouraged"
)

// SyncedPolicy decides which credentials are acceptable by their backup
// eligibility (the BE flag, #sctn-credential-backup): synced passkeys are
// backup eligible, device-bound credentials are not.
type SyncedPolicy uint8

// The synced-passkey policies. A refused credential fails registration and
// login with authenticator-not-allowed.
const (
	// SyncedAllowed accepts both synced and device-bound credentials (the
	// default).
	SyncedAllowed SyncedPolicy = iota
	// SyncedRequired accepts only backup-eligible credentials.
	SyncedRequired
	// SyncedRefused accepts only device-bound credentials (high-assurance
	// deployments that must know where the private key lives).
	SyncedRefused
)

func (p SyncedPolicy) valid() bool { return p <= SyncedRefused }

// TrustSource supplies the attestation trust anchors for an authenticator
// model, such as the FIDO Metadata Service or the roots the library ships.
// It uses standard library types only, so a relying party that never loads
// metadata never compiles it. Sources that need no context, such as
// *metadata.Store or roots.Source(), plug in through [TrustSourceOf].
type TrustSource interface {
	// TrustAnchors returns the roots that may anchor an attestation
	// statement of format (its fmt: "packed", "tpm"…) made by the
	// authenticator model aaguid (all zeros for fido-u2f, where the source
	// finds the model from the attestation certificate path, leaf first).
	// It is asked once per statement, and once per contained statement of
	// a compound one. A nil pool means the model is unknown
	// (attestation-untrusted). A non-nil error means the source distrusts
	// the model (a revoked or compromised authenticator), and the
	// registration fails with authenticator-status-untrusted; an error
	// while ctx is done is returned as it is, with no code.
	TrustAnchors(ctx context.Context, format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error)
}

// TrustSourceOf adapts a source that needs no context — an
// attestation.TrustSource such as *metadata.Store or roots.Source() — to
// [TrustSource]. Its errors keep the meaning the attestation package gives
// them: one with an AuthenticatorStatus() method (a metadata status report)
// fails with authenticator-status-untrusted, any other with
// attestation-untrusted.
func TrustSourceOf(src attestation.TrustSource) TrustSource { return plainSource{src} }

type plainSource struct{ src attestation.TrustSource }

func (p plainSource) TrustAnchors(_ context.Context, format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
	return p.src.TrustAnchors(format, aaguid, path)
}

// statusError marks an error of a context-aware source as a distrust
// verdict for the attestation package.
type statusError struct{ err error }

func (e statusError) Error() string               { return e.err.Error() }
func (e statusError) Unwrap() error               { return e.err }
func (e statusError) AuthenticatorStatus() string { return "distrusted by the trust source" }

// bind gives the attestation package a view of src tied to ctx.
func bind(ctx context.Context, src TrustSource) attestation.TrustSource {
	return attestation.TrustSourceFunc(func(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
		pool, err := src.TrustAnchors(ctx, format, aaguid, path)
		if err != nil {
			if _, plain := src.(plainSource); plain || ctx.Err() != nil {
				return nil, err
			}
			return nil, statusError{err}
		}
		return pool, nil
	})
}

// AuthenticatorNames names authenticator models for passkey lists ("iCloud
// Keychain", "YubiKey 5 Series"), such as a list of AAGUIDs a site keeps or
// the FIDO Metadata Service.
type AuthenticatorNames interface {
	// AuthenticatorName returns the model's name, or "" when it is unknown.
	AuthenticatorName(aaguid [16]byte) string
}
