package migrate

import "bytes"

// Option adds to an import what the source data does not say.
type Option func(*options)

type options struct {
	userHandle    []byte
	beUnknown     bool
	uvInitialized *bool
	appID         string
	name          string
}

// WithUserHandle sets the record's user handle: the user.id the credential
// was created for (go-webauthn's User.WebAuthnID()). It must be 1 to 64
// bytes. When the source data names a handle too, the two must be equal.
func WithUserHandle(handle []byte) Option {
	return func(o *options) { o.userHandle = bytes.Clone(handle) }
}

// BackupEligibilityUnknown imports BE as [credential.Unknown] whatever the
// source data says, for stores that wrote a default instead of the
// authenticator's flag: records saved again after an upgrade of
// go-webauthn to a release with Flags, or a SimpleWebAuthn table whose
// deviceType column was added later with a default. The first login then
// records the real value.
func BackupEligibilityUnknown() Option {
	return func(o *options) { o.beUnknown = true }
}

// UVInitialized sets the record's uvInitialized (#credential-record):
// whether user verification was performed for the credential at
// registration, so that a UV flag at login counts as an authentication
// factor. It overrides go-webauthn's Flags.UserVerified; SimpleWebAuthn
// does not record it, and its verifyRegistrationResponse required user
// verification by default, so pass UVInitialized(true) if the site kept
// that default.
func UVInitialized(v bool) Option {
	return func(o *options) { o.uvInitialized = &v }
}

// WithAppID sets the FIDO AppID of a credential registered with the U2F
// JavaScript API (#sctn-appid-extension): logins may then carry SHA-256 of
// the AppID as rpIdHash.
func WithAppID(appID string) Option {
	return func(o *options) { o.appID = appID }
}

// WithName sets the record's label ("YubiKey 5C", "Ada's phone").
func WithName(name string) Option {
	return func(o *options) { o.name = name }
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}
