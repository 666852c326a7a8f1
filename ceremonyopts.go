package passkey

import (
	"bytes"
	"encoding/json"
	"slices"
)

// RegistrationOption changes one registration ([RelyingParty.BeginRegistration]).
type RegistrationOption interface {
	applyRegistration(*ceremonyParams)
}

// LoginOption changes one login ([RelyingParty.BeginLogin]).
type LoginOption interface {
	applyLogin(*ceremonyParams)
}

// CeremonyOption changes one registration or one login.
type CeremonyOption interface {
	RegistrationOption
	LoginOption
}

// ceremonyParams collects the options of one Begin call; check reports
// the first mistake.
type ceremonyParams struct {
	conditional bool
	attachment  string
	hints       []string
	uv          UserVerification
	extensions  map[string]json.RawMessage
	ext         extParams // the typed extension options
	attFormats  []string
	// Login.
	mode        loginMode
	userHandle  []byte
	unknownName string
	modes       int
	problem     error
}

func (p *ceremonyParams) fail(err error) {
	if p.problem == nil {
		p.problem = err
	}
}

type optionFunc struct {
	reg   func(*ceremonyParams)
	login func(*ceremonyParams)
}

func (o optionFunc) applyRegistration(p *ceremonyParams) {
	if o.reg != nil {
		o.reg(p)
	}
}

func (o optionFunc) applyLogin(p *ceremonyParams) {
	if o.login != nil {
		o.login(p)
	}
}

// ConditionalCreate makes the registration a conditional create: the browser
// creates a passkey without a dialog for a user who just signed in with a
// password (an automatic passkey upgrade), and the authenticator data may
// then have UP clear (#sctn-createCredential). The page passes
// [CreationOptions].Mediation ("conditional") to create().
func ConditionalCreate() RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) { p.conditional = true }}
}

// Attachment limits a registration to "platform" authenticators (built into
// the device) or "cross-platform" ones (security keys, phones).
func Attachment(attachment string) RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) {
		if attachment != "platform" && attachment != "cross-platform" {
			p.fail(&ConfigError{Field: "Attachment", Problem: "unknown value " + quoteConfig(attachment),
				Fix: `use "platform" or "cross-platform"`})
		}
		p.attachment = attachment
	}}
}

// Hints tells the browser which authenticator UI to lead with:
// "security-key", "client-device" or "hybrid", most preferred first
// (#enum-hints).
func Hints(hints ...string) CeremonyOption {
	set := func(p *ceremonyParams) {
		for _, h := range hints {
			if h != "security-key" && h != "client-device" && h != "hybrid" {
				p.fail(&ConfigError{Field: "Hints", Problem: "unknown hint " + quoteConfig(h),
					Fix: `use "security-key", "client-device" or "hybrid"`})
			}
		}
		p.hints = slices.Clone(hints)
	}
	return optionFunc{reg: set, login: set}
}

// attestationFormats are the attestation statement format identifiers of
// the IANA registry (#sctn-att-fmt-reg).
var attestationFormats = []string{"packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple", "none", "compound"}

// AttestationFormats tells the browser which attestation statement formats
// the relying party prefers, most preferred first (attestationFormats,
// #dom-publickeycredentialcreationoptions-attestationformats). Browsers
// read it only when the options ask for attestation, which they do with a
// Config.TrustSource; without one, BeginRegistration refuses the option.
// It is a preference: the statement the browser returns is verified
// whatever its format.
func AttestationFormats(formats ...string) RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) {
		for i, f := range formats {
			switch {
			case !slices.Contains(attestationFormats, f):
				p.fail(&ConfigError{Field: "AttestationFormats", Problem: "unknown format " + quoteConfig(f),
					Fix: "use registered identifiers such as \"packed\", \"tpm\", \"android-key\", \"apple\""})
			case slices.Index(formats, f) != i:
				p.fail(&ConfigError{Field: "AttestationFormats", Problem: quoteConfig(f) + " is listed twice", Fix: "list each format once"})
			}
		}
		p.attFormats = slices.Clone(formats)
	}}
}

// WithUserVerification overrides Config.UserVerification for one ceremony,
// such as [VerificationRequired] for a step-up before a sensitive action.
func WithUserVerification(uv UserVerification) CeremonyOption {
	set := func(p *ceremonyParams) {
		if !uv.valid() {
			p.fail(&ConfigError{Field: "WithUserVerification", Problem: "unknown value " + quoteConfig(string(uv)),
				Fix: "use passkey.VerificationPreferred, VerificationRequired or VerificationDiscouraged"})
		}
		p.uv = uv
	}
	return optionFunc{reg: set, login: set}
}

// libraryExtensions are the extensions the relying party sets itself.
var libraryExtensions = []string{"credProps", "appid", "appidExclude"}

// WithExtension adds the extension input id (its JSON form, such as
// {"eval":{"first":"…"}} for "prf") to one ceremony. The outputs come back
// in [Registration].Extensions and [Login].Extensions: raw for extensions
// this package does not know, unverified beyond their encoding (client
// outputs are unsigned hints). The extensions it knows have typed options
// ([WithPRF], [WithLargeBlob], [WithCredProtect], [WithMinPINLength], ...);
// their JSON forms given here are checked and processed the same way, and
// giving both for one extension is a mistake. credProps, appid and
// appidExclude are the relying party's own and cannot be set.
func WithExtension(id string, input json.RawMessage) CeremonyOption {
	set := func(p *ceremonyParams) {
		switch {
		case id == "":
			p.fail(&ConfigError{Field: "WithExtension", Problem: "empty extension identifier", Fix: "name the extension, such as \"prf\""})
			return
		case slices.Contains(libraryExtensions, id):
			p.fail(&ConfigError{Field: "WithExtension", Problem: id + " is set by the relying party",
				Fix: "drop it: credProps is always requested, appid and appidExclude follow Config.AppID (and AppIDExclude)"})
			return
		case !json.Valid(input) || bytes.TrimSpace(input)[0] == 'n':
			p.fail(&ConfigError{Field: "WithExtension", Problem: "the input of " + quoteConfig(id) + " is not a JSON value",
				Fix: "pass the extension input's JSON form"})
			return
		}
		if p.extensions == nil {
			p.extensions = map[string]json.RawMessage{}
		}
		p.extensions[id] = slices.Clone(input)
	}
	return optionFunc{reg: set, login: set}
}

// ForUser makes a login for the account identified before the ceremony (by
// a user name, a cookie, or the session of a step-up): allowCredentials
// lists its credentials, and only they can sign in. Use [ForUnknownUser]
// when the name matches no account, and for an account without passkeys,
// so that the options do not tell an attacker which names exist.
func ForUser(userHandle []byte) LoginOption {
	return optionFunc{login: func(p *ceremonyParams) {
		p.modes++
		if prob := validateHandle(userHandle); prob != "" {
			p.fail(&ConfigError{Field: "ForUser", Problem: prob, Fix: "pass the account's user handle"})
		}
		p.mode = loginForUser
		p.userHandle = slices.Clone(userHandle)
	}}
}

// ForUnknownUser makes a login for a user name that matches no account.
// The options look like a real account's: allowCredentials holds decoy
// credentials derived from Config.EnumerationKey and the name, the same
// every time for that name. Finishing the login always fails with
// unknown-credential.
func ForUnknownUser(name string) LoginOption {
	return optionFunc{login: func(p *ceremonyParams) {
		p.modes++
		p.mode = loginUnknownUser
		p.unknownName = name
	}}
}
