package passkeytest

import "encoding/json"

// Tweak adjusts the knobs of one ceremony. Pass tweaks to Create or Get, or
// set Config.Tweaks to apply them to every ceremony (per-call tweaks run
// after the configured ones):
//
//	resp, err := a.Get(opts, origin, func(k *passkeytest.Knobs) {
//		k.UV = passkeytest.ForceOff
//	})
type Tweak func(*Knobs)

// Force overrides one authenticator data flag.
//
// Forcing a flag changes only its bit, never the data it describes: forcing
// AT off leaves the attested credential data in place and forcing ED on adds
// no extension map, so a test can make the flags disagree with the data.
type Force int8

const (
	// Auto lets the authenticator decide, as a real one would.
	Auto Force = iota
	// ForceOn sets the flag.
	ForceOn
	// ForceOff clears the flag.
	ForceOff
)

// Counter is the signature counter behaviour. The zero value increments the
// counter by one on every assertion. A registration reports 0 unless the
// counter is Fixed.
type Counter struct {
	mode counterMode
	n    uint32
}

type counterMode int8

const (
	counterDefault counterMode = iota
	counterIncrement
	counterZero
	counterBackwards
	counterFixed
)

// CounterIncrement adds n to the credential's counter on each assertion.
func CounterIncrement(n uint32) Counter { return Counter{mode: counterIncrement, n: n} }

// CounterZero always reports 0, like authenticators without a counter.
func CounterZero() Counter { return Counter{mode: counterZero} }

// CounterBackwards reports the stored counter minus n (at least 0): a
// cloned authenticator's view.
func CounterBackwards(n uint32) Counter { return Counter{mode: counterBackwards, n: n} }

// CounterFixed always reports v.
func CounterFixed(v uint32) Counter { return Counter{mode: counterFixed, n: v} }

// next returns the counter to report, given the stored one.
func (c Counter) next(stored uint32, registration bool) uint32 {
	switch c.mode {
	case counterFixed:
		return c.n
	case counterZero:
		return 0
	case counterBackwards:
		if registration || stored < c.n {
			return 0
		}
		return stored - c.n
	case counterIncrement:
		if registration {
			return 0
		}
		return stored + c.n
	default:
		if registration {
			return 0
		}
		return stored + 1
	}
}

// Member is one clientDataJSON member: a name and its JSON value, inserted
// verbatim (it is not checked to be valid JSON).
type Member struct {
	Name  string
	Value json.RawMessage
}

// ChromeTemplateWarning returns the member Chrome appends to some
// clientDataJSON (chosen at random) to stop relying parties from comparing it
// against a template. Add it with Knobs.ClientDataExtra.
func ChromeTemplateWarning() Member {
	return Member{
		Name:  "other_keys_can_be_added_here",
		Value: json.RawMessage(`"do not compare clientDataJSON against a template. See https://goo.gl/yabPex"`),
	}
}

// SignInput is what the authenticator is about to sign: the signature (and
// an attestation statement's signature) covers
// AuthenticatorData ‖ SHA-256(ClientDataJSON). A TamperBeforeSign hook may
// change bytes in place or replace either slice.
type SignInput struct {
	AuthenticatorData []byte
	ClientDataJSON    []byte
}

// Statement is a registration's attestation statement after signing, before
// the attestation object is encoded. A TamperStatement hook may change the
// format, add, drop or retype attStmt members (values are encoded with the
// package's CBOR encoder; use RawCBOR for arbitrary bytes), or replace the
// authenticator data embedded in the attestation object (the response's
// authenticatorData copy follows it).
type Statement struct {
	Format            string
	AttStmt           map[string]any
	AuthenticatorData []byte
}

// Knobs are the per-ceremony behaviours a test may change. The zero value
// behaves like a browser talking to an honest authenticator.
type Knobs struct {
	// UP, UV, BE, BS, AT and ED force the authenticator data flags.
	UP, UV, BE, BS, AT, ED Force

	// Counter is the signature counter behaviour.
	Counter Counter

	// Origin replaces clientDataJSON.origin; the call's origin still decides
	// the RP ID.
	Origin string
	// CrossOrigin sets clientDataJSON.crossOrigin to true.
	CrossOrigin bool
	// TopOrigin adds clientDataJSON.topOrigin. A browser sends it only with
	// crossOrigin true: set both.
	TopOrigin string

	// RPID replaces the RP ID hashed into the authenticator data, skipping
	// the browser's RP ID check. Credentials stay scoped to the RP ID the
	// browser computed.
	RPID string

	// UserHandle replaces an assertion's userHandle (non-nil; may be empty).
	UserHandle []byte
	// OmitUserHandle drops userHandle from an assertion.
	OmitUserHandle bool

	// ClientDataExtra adds members to clientDataJSON. A member named like a
	// standard one (type, challenge, origin, crossOrigin, topOrigin)
	// replaces that member's value in place; others are appended in order.
	ClientDataExtra []Member
	// ClientDataOmit drops the named members.
	ClientDataOmit []string
	// ClientDataOrder moves the named members to the front, in this order.
	ClientDataOrder []string
	// ClientDataRaw, when non-nil, is used as clientDataJSON verbatim.
	ClientDataRaw []byte

	// AAGUID replaces the AAGUID in attested credential data (the
	// attestation certificate keeps the authenticator's own).
	AAGUID *[16]byte
	// Attestation replaces the authenticator's attestation kind.
	Attestation Attestation
	// KeepAttestation keeps the attestation statement when the RP asked for
	// attestation "none"; a browser would replace it with a none statement.
	KeepAttestation bool

	// CredentialID, at registration, is the new credential's ID (any
	// length, even 0 or beyond 1023, for negative tests). In an assertion
	// it picks the held credential to answer with, even one the RP did not
	// list in allowCredentials.
	CredentialID []byte
	// CredentialIDLength, at registration, is the length of a generated
	// credential ID; 0 means the authenticator's default.
	CredentialIDLength int
	// Transports replaces response.transports (registration).
	Transports []string
	// Attachment replaces authenticatorAttachment.
	Attachment string

	// AuthenticatorExtensions, when non-nil, replaces the authenticator
	// extension outputs (the CBOR map after the credential data) with these
	// bytes, verbatim. ED is set when they are non-empty (unless forced).
	AuthenticatorExtensions []byte

	// AppID, at registration, makes the credential a U2F-era one registered
	// under this FIDO AppID: its authenticator data carries SHA-256(AppID),
	// it needs ES256, and an assertion uses it only when the request's appid
	// extension names this AppID (then the assertion is over the AppID hash
	// and clientExtensionResults.appid is true). Seed the RP's store from
	// Credentials(): an RP rejects the registration response itself.
	AppID string

	// TamperCOSEKey edits the credential public key map before it is
	// encoded into attested credential data (registration).
	TamperCOSEKey func(key map[int64]any)
	// TamperBeforeSign edits what is signed.
	TamperBeforeSign func(in *SignInput)
	// TamperStatement edits the attestation statement (registration).
	TamperStatement func(st *Statement)
	// TamperAfterSign edits the response just before it becomes JSON.
	TamperAfterSign func(resp *RawResponse)
}

func (f Force) apply(natural bool) bool {
	switch f {
	case ForceOn:
		return true
	case ForceOff:
		return false
	}
	return natural
}
