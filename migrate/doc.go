// Package migrate imports credentials stored by other WebAuthn relying party
// libraries as [credential.Record] values, so that a site can switch to
// passkey without asking anyone to register again.
//
// A credential is its ID and its public key; everything else in a record
// refines policy. The importers keep the COSE_Key bytes exactly as the
// other library stored them (it stored the authenticator's own bytes, as
// #reg-ceremony-create-credential-record asks), check them with
// [cose.ParseKey] and take [credential.Record].Alg from the key.
//
//   - [FromGoWebAuthn] reads the JSON encoding of go-webauthn's
//     webauthn.Credential (json.Marshal of the value the application
//     stored), from any release: the member names of releases without JSON
//     tags match too.
//   - [FromSimpleWebAuthn] reads what SimpleWebAuthn's guide stores per
//     credential (id, publicKey, counter, transports, deviceType, backedUp),
//     as a [SimpleWebAuthnCredential] or as JSON with
//     [FromSimpleWebAuthnJSON].
//
// # What the other libraries did not record
//
// Backup eligibility (BE, #sctn-credential-backup) never changes for a
// credential, so an assertion whose BE differs from the record's is refused.
// A record imported from a library that never stored BE gets
// [credential.Unknown]: the assertion verifier then skips that comparison
// and reports the flag, and the relying party stores it on the first
// successful login (#authn-ceremony-update-credential-record). Where the
// source data has no BE (go-webauthn records without "flags" or without
// "flags.backupEligible", SimpleWebAuthn records without "deviceType") it is
// Unknown; where a store filled in a default rather than what the
// authenticator said, pass [BackupEligibilityUnknown].
//
// uvInitialized (#credential-record) is go-webauthn's Flags.UserVerified.
// SimpleWebAuthn does not store it, so it is false unless [UVInitialized]
// says otherwise; while false, a UV flag at login does not count as an
// authentication factor.
//
// go-webauthn keeps the user handle on its User (WebAuthnID), not on the
// credential: pass it with [WithUserHandle], or the relying party cannot tell
// whose credential it is. SimpleWebAuthn's webauthnUserID is read when present.
//
// Errors about the data wrap [ErrMalformed], and, for a public key that
// cose.ParseKey refuses, also its *errcode.Error (malformed-public-key or
// unsupported-algorithm). An RP ID that is not one (empty, with a scheme,
// in upper case, an IP address) is an *errcode.ConfigError. No error
// contains key material or user handles.
package migrate
