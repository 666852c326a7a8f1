// Package passkey is a WebAuthn (passkeys, FIDO2) relying party for Go web
// backends: it makes the options the browser needs, verifies what the
// browser sends back, and keeps the credential records.
//
// Most users want three things: [New] once, with a [Config]; then, from
// the HTTP handlers, [RelyingParty.BeginRegistration] and
// [RelyingParty.FinishRegistration] to add a passkey, and
// [RelyingParty.BeginLogin] and [RelyingParty.FinishLogin] to sign in.
//
//	rp, err := passkey.New(passkey.Config{
//		RPID: "example.com", RPName: "Example",
//		Origins:     []string{"https://example.com"},
//		Credentials: creds,                // a store.Credentials
//		Sessions:    memory.NewSessions(), // sqlstore for several instances
//	})
//
//	opts, sessionID, err := rp.BeginRegistration(ctx, user) // json.Marshal(opts) → parseCreationOptionsFromJSON
//	reg, err := rp.FinishRegistration(ctx, sessionID, body) // body: the credential's toJSON()
//
//	opts, sessionID, err = rp.BeginLogin(ctx)               // usernameless; passkey.ForUser(handle) for a known user
//	login, err := rp.FinishLogin(ctx, sessionID, body)      // login.UserHandle is the account
//
// # Sessions
//
// Begin stores what Finish needs (the challenge, the user, the policies of
// that ceremony) in the session store under SHA-256 of a random session ID,
// and returns the ID; keep it with the page, in a cookie or a form field.
// Finish takes the session out of the store before it looks at the
// response: a session is used once, even by a ceremony that fails, and
// expires Config.Timeout plus a minute after Begin. An unknown, used,
// expired or wrong-ceremony session fails with challenge-mismatch.
//
// # Errors
//
// A rejected ceremony returns an [*Error]: a stable code that
// [errors.Is] matches against the sentinels ([ErrOriginMismatch], ...), the
// spec step that failed, and what was expected and received. [Code] gives
// the code as a string. A configuration mistake is a [*ConfigError] naming
// the field and the fix; a store failure is returned wrapped, without a
// code. Messages never contain challenges, session IDs, user handles or
// signatures.
//
// # Accounts and passkeys
//
// A [User] has a random handle ([NewUserHandle]) that never changes and
// carries no personal data. Sign-up can verify first and store later:
// [RelyingParty.VerifyRegistration] checks everything and stores nothing,
// so that the account row and its first credential go into one
// transaction. [RelyingParty.Passkeys], [RelyingParty.RenamePasskey] and
// [RelyingParty.DeletePasskey] serve an account page.
//
// A login for a name that has no account uses [ForUnknownUser]: its options
// list decoy credentials derived from Config.EnumerationKey, so they do not
// tell an attacker which names exist.
//
// Passkeys as a second factor after a password: set UserVerification to
// [VerificationDiscouraged] and ResidentKey to [ResidentKeyDiscouraged], and
// log in with [ForUser].
//
// # Policies
//
// The defaults are the safe ones: a signature counter that does not
// increase fails (Config.AcceptCounterRegression flags it instead);
// synced passkeys are allowed (Config.Synced can require or refuse them);
// a credential whose backup eligibility changed since registration fails;
// AAGUID allow and deny lists refuse authenticator models; user
// verification is asked for and, with [VerificationRequired], enforced.
// Attestation is not required unless a [TrustSource] is configured.
//
// # Extensions and Level 3 features
//
// Typed options ask for the extensions the relying party processes
// (#sctn-defined-extensions): [WithPRF] and [PRFByCredential], [WithLargeBlob],
// [LargeBlobRead] and [LargeBlobWrite], [WithCredProtect], [WithMinPINLength],
// [AppIDExclude]; credProps is always asked, and appid follows Config.AppID.
// Finish checks the outputs against what the session says was asked and
// returns them typed in [Extensions]; outputs nobody asked for are ignored,
// or refused with Config.RefuseUnsolicitedExtensions. Failures are
// extension-invalid.
//
// The signal API (#sctn-signal-methods) keeps authenticators in step with
// the store: [RelyingParty.SignalUnknownCredential] (also carried by a
// login's [UnknownCredentialError]), [RelyingParty.SignalAllAcceptedCredentials]
// and [RelyingParty.SignalCurrentUserDetails] return the JSON payloads for the
// page. Sites on several domains list the others in Config.RelatedOrigins
// and serve [RelyingParty.WellKnownWebAuthn] (#sctn-related-origins);
// ceremonies in cross-origin iframes need Config.AllowCrossOrigin and, for
// other sites' pages, Config.TopOrigins. [Hints] and [AttestationFormats]
// shape the browser's choices.
//
// # Below this package
//
// The stateless verifiers live in the sub-packages, for applications that
// keep their own state: github.com/gopasskey/passkey/attestation verifies
// registrations (#sctn-registering-a-new-credential),
// github.com/gopasskey/passkey/assertion verifies authentications
// (#sctn-verifying-assertion), [origin] holds the accepted origins,
// [credential] the stored credential record, [cose] the credential keys and
// [errcode] the stable error codes. This package adds the options
// (#sctn-parseCreationOptionsFromJSON, #sctn-parseRequestOptionsFromJSON),
// the challenges (#sctn-cryptographic-challenges), the check that a new
// credential ID is not registered yet, and the record update after a login
// (#authn-ceremony-update-credential-record).
package passkey
