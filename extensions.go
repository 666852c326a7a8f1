package passkey

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/gopasskey/passkey/credential"
	ib64 "github.com/gopasskey/passkey/internal/b64"
)

// Extensions are a ceremony's extension outputs (#sctn-extensions): the
// raw outputs as received, and the typed outputs of the extensions this
// package knows, filled only for extensions the ceremony asked for.
//
// Client outputs (clientExtensionResults) are the browser's unsigned
// claims; authenticator outputs come from the signed authenticator data.
// Some may hold secrets (PRF results, large blobs): never log them, and
// keep them out of stored records.
type Extensions struct {
	// Client is clientExtensionResults as the browser sent it (a JSON
	// object, or nil): unsigned hints.
	Client json.RawMessage
	// Authenticator are the authenticator's outputs from the signed
	// authenticator data, raw CBOR by identifier; nil when there were none.
	Authenticator credential.ExtensionOutputs

	// AppID is the client's appid output (login, #sctn-appid-extension):
	// it says the client used the AppID. It is unsigned; [Login].AppIDUsed
	// is the verified fact.
	AppID bool
	// AppIDExclude is the client's appidExclude output (registration,
	// #sctn-appid-exclude-extension): the client checked the U2F
	// credentials of excludeCredentials under the AppID.
	AppIDExclude bool
	// PRF holds the prf outputs (#prf-extension), nil when the ceremony did
	// not ask for prf or the client returned none.
	PRF *PRFOutputs
	// LargeBlob holds the largeBlob outputs (#sctn-large-blob-extension),
	// nil when the ceremony did not ask for largeBlob or the client returned
	// none.
	LargeBlob *LargeBlobOutputs
	// MinPINLength is the authenticator's minimum PIN length from the signed
	// minPinLength output (CTAP 2.1 minPinLength extension, registration),
	// 0 when it did not disclose one.
	MinPINLength int
}

// PRFOutputs are the prf extension's outputs (#prf-extension). The results
// are secrets derived from the credential: use them and drop them; never
// store or log them.
type PRFOutputs struct {
	// Enabled reports that the credential supports prf (registration).
	Enabled bool
	// First and Second are the 32-byte PRF results for the inputs of
	// [WithPRF] or [PRFByCredential]; nil when not evaluated.
	First, Second []byte
}

// LargeBlobOutputs are the largeBlob extension's outputs
// (#sctn-large-blob-extension).
type LargeBlobOutputs struct {
	// Supported reports that the new credential can store a large blob
	// (registration).
	Supported bool
	// Blob is the blob read by [LargeBlobRead] (login); nil when the read
	// found none.
	Blob []byte
	// Written reports that [LargeBlobWrite] stored the blob (login).
	Written bool
}

// LargeBlobSupport is the largeBlob support a registration asks for
// (#enumdef-largeblobsupport).
type LargeBlobSupport string

// The largeBlob support requirements.
const (
	// LargeBlobRequired creates the credential only on an authenticator
	// that can store a large blob; a registration whose output does not
	// report support fails with extension-invalid.
	LargeBlobRequired LargeBlobSupport = "required"
	// LargeBlobPreferred creates the credential anyway and reports support
	// in [LargeBlobOutputs].Supported.
	LargeBlobPreferred LargeBlobSupport = "preferred"
)

// CredProtectLevel is a credential protection policy (CTAP 2.1 credProtect
// extension): when an authenticator lets the credential be used without
// user verification.
type CredProtectLevel uint8

// The credential protection levels; [credential.Record].CredProtect holds
// the level the authenticator reported.
const (
	// CredProtectUVOptional: usable without user verification (level 1,
	// the authenticators' usual default).
	CredProtectUVOptional CredProtectLevel = 1
	// CredProtectUVOptionalWithCredentialIDList: without user verification
	// only when the relying party names it in allowCredentials; a
	// discoverable credential is not revealed to a usernameless request
	// (level 2).
	CredProtectUVOptionalWithCredentialIDList CredProtectLevel = 2
	// CredProtectUVRequired: only with user verification (level 3).
	CredProtectUVRequired CredProtectLevel = 3
)

// policy is the level's credentialProtectionPolicy string.
func (l CredProtectLevel) policy() string {
	switch l {
	case CredProtectUVOptional:
		return "userVerificationOptional"
	case CredProtectUVOptionalWithCredentialIDList:
		return "userVerificationOptionalWithCredentialIDList"
	case CredProtectUVRequired:
		return "userVerificationRequired"
	}
	return ""
}

// credProtectLevel parses a credentialProtectionPolicy string.
func credProtectLevel(policy string) CredProtectLevel {
	for l := CredProtectUVOptional; l <= CredProtectUVRequired; l++ {
		if l.policy() == policy {
			return l
		}
	}
	return 0
}

// extParams are the typed extension options of one Begin call.
type extParams struct {
	prf            *prfValues
	prfByCred      []prfCredential
	largeBlob      LargeBlobSupport
	largeBlobRead  bool
	largeBlobWrite *prfCredential // the credential and the blob (in first)
	credProtect    CredProtectLevel
	enforceCP      bool
	minPIN         *int
	appidExclude   *string
	// ids are the extension identifiers the typed options set, each with
	// the option's name, to refuse the same identifier from WithExtension.
	ids map[string]string
}

type prfValues struct{ first, second []byte }

type prfCredential struct {
	id []byte
	prfValues
}

func (e *extParams) claim(id, option string) {
	if e.ids == nil {
		e.ids = map[string]string{}
	}
	e.ids[id] = option
}

// maxMinPINLength is the longest PIN CTAP 2.1 allows, in bytes.
const maxMinPINLength = 63

// WithPRF asks for the prf extension (#prf-extension): a pseudo-random
// function of the credential, for client-side encryption keys. At
// registration with first nil it only asks whether the credential supports
// prf ([PRFOutputs].Enabled); with first it also evaluates the function on
// first and, if not nil, second (the browser salts them, so any bytes will
// do). A login needs first. The results come back in [Extensions].PRF;
// they never reach a log or a stored record.
func WithPRF(first, second []byte) CeremonyOption {
	set := func(login bool) func(p *ceremonyParams) {
		return func(p *ceremonyParams) {
			switch {
			case first == nil && second != nil:
				p.fail(&ConfigError{Field: "WithPRF", Problem: "second without first", Fix: "pass the first input, or only first"})
			case first == nil && login:
				p.fail(&ConfigError{Field: "WithPRF", Problem: "a login without an input",
					Fix: "pass the input to evaluate; PRFByCredential sets one per credential"})
			}
			p.ext.claim("prf", "WithPRF")
			p.ext.prf = &prfValues{first: slices.Clone(first), second: slices.Clone(second)}
		}
	}
	return optionFunc{reg: set(false), login: set(true)}
}

// PRFByCredential evaluates the prf extension with inputs for one
// credential (evalByCredential, #prf-extension), taking precedence over
// [WithPRF]'s for that credential. The credential must be one that
// allowCredentials lists, so the login must be [ForUser]. Give it once per
// credential.
func PRFByCredential(credentialID, first, second []byte) LoginOption {
	return optionFunc{login: func(p *ceremonyParams) {
		switch {
		case len(credentialID) == 0:
			p.fail(&ConfigError{Field: "PRFByCredential", Problem: "empty credential ID", Fix: "pass the ID of one of the user's credentials"})
		case first == nil:
			p.fail(&ConfigError{Field: "PRFByCredential", Problem: "no first input", Fix: "pass the input to evaluate"})
		}
		for _, c := range p.ext.prfByCred {
			if string(c.id) == string(credentialID) {
				p.fail(&ConfigError{Field: "PRFByCredential", Problem: "the same credential given twice", Fix: "give each credential once"})
			}
		}
		p.ext.claim("prf", "PRFByCredential")
		p.ext.prfByCred = append(p.ext.prfByCred, prfCredential{id: slices.Clone(credentialID),
			prfValues: prfValues{first: slices.Clone(first), second: slices.Clone(second)}})
	}}
}

// WithLargeBlob asks a registration for a credential that can store a
// large blob (#sctn-large-blob-extension), such as a certificate kept with
// the passkey. The answer is [LargeBlobOutputs].Supported; with
// [LargeBlobRequired] a registration without support fails with
// extension-invalid.
func WithLargeBlob(support LargeBlobSupport) RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) {
		if support != LargeBlobRequired && support != LargeBlobPreferred {
			p.fail(&ConfigError{Field: "WithLargeBlob", Problem: "unknown value " + quoteConfig(string(support)),
				Fix: "use passkey.LargeBlobRequired or LargeBlobPreferred"})
		}
		p.ext.claim("largeBlob", "WithLargeBlob")
		p.ext.largeBlob = support
	}}
}

// LargeBlobRead reads the large blob of the credential that signs in; it
// comes back in [LargeBlobOutputs].Blob (nil when there is none).
func LargeBlobRead() LoginOption {
	return optionFunc{login: func(p *ceremonyParams) {
		p.ext.claim("largeBlob", "LargeBlobRead")
		p.ext.largeBlobRead = true
	}}
}

// LargeBlobWrite writes blob to the large blob of one credential, which
// then is the only one allowCredentials lists, as the extension requires.
// The login must be [ForUser] and credentialID one of the user's
// credentials, else BeginLogin fails with [ErrPasskeyNotFound].
// [LargeBlobOutputs].Written reports the outcome.
func LargeBlobWrite(credentialID, blob []byte) LoginOption {
	return optionFunc{login: func(p *ceremonyParams) {
		switch {
		case len(credentialID) == 0:
			p.fail(&ConfigError{Field: "LargeBlobWrite", Problem: "empty credential ID", Fix: "pass the ID of one of the user's credentials"})
		case blob == nil:
			p.fail(&ConfigError{Field: "LargeBlobWrite", Problem: "nil blob", Fix: "pass the bytes to store"})
		}
		p.ext.claim("largeBlob", "LargeBlobWrite")
		p.ext.largeBlobWrite = &prfCredential{id: slices.Clone(credentialID), prfValues: prfValues{first: slices.Clone(blob)}}
	}}
}

// WithCredProtect asks the authenticator to protect the new credential at
// level (CTAP 2.1 credProtect extension), such as
// [CredProtectUVOptionalWithCredentialIDList] so that a security key does
// not reveal a passkey to anyone holding it. With enforce, the browser
// refuses authenticators that cannot, and a signed credProtect output below
// level fails the registration with extension-invalid; a missing output
// means unknown (authenticators without credProtect say nothing) and
// [credential.Record].CredProtect stays 0.
func WithCredProtect(level CredProtectLevel, enforce bool) RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) {
		if level.policy() == "" {
			p.fail(&ConfigError{Field: "WithCredProtect", Problem: "unknown level " + strconv.Itoa(int(level)),
				Fix: "use passkey.CredProtectUVOptional, CredProtectUVOptionalWithCredentialIDList or CredProtectUVRequired"})
		}
		p.ext.claim("credentialProtectionPolicy", "WithCredProtect")
		p.ext.claim("enforceCredentialProtectionPolicy", "WithCredProtect")
		p.ext.credProtect, p.ext.enforceCP = level, enforce
	}}
}

// WithMinPINLength asks the authenticator for its minimum PIN length (CTAP
// 2.1 minPinLength extension), which it discloses only to RP IDs its owner
// configured (enterprise deployments). The answer is
// [Extensions].MinPINLength. With atLeast above 0, a disclosed length
// below it fails the registration with extension-invalid; no answer is
// normal and accepted.
func WithMinPINLength(atLeast int) RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) {
		if atLeast < 0 || atLeast > maxMinPINLength {
			p.fail(&ConfigError{Field: "WithMinPINLength", Problem: "minimum " + strconv.Itoa(atLeast) + " is outside 0 to 63",
				Fix: "pass 0 to ask only, or the shortest PIN length policy accepts"})
		}
		p.ext.claim("minPinLength", "WithMinPINLength")
		p.ext.minPIN = &atLeast
	}}
}

// AppIDExclude sends appidExclude with this AppID
// (#sctn-appid-exclude-extension), so that a security key holding one of
// the user's U2F credentials registered under it declines to create
// another. Config.AppID already sends it on every registration; this
// option sets another AppID, or sends one when Config.AppID is empty
// because U2F logins are over but the old keys should still be excluded.
func AppIDExclude(appID string) RegistrationOption {
	return optionFunc{reg: func(p *ceremonyParams) {
		if err := checkAppID(appID); err != nil || appID == "" {
			p.fail(&ConfigError{Field: "AppIDExclude", Problem: "not an https URL",
				Fix: "use the exact AppID the U2F registrations were made with, such as https://example.com/app-id.json"})
		}
		p.ext.appidExclude = &appID
	}}
}

// extRequest is what a ceremony asked of the extensions, kept in the
// session (as JSON) for Finish: which outputs to expect and the policy to
// hold them to. It keeps no input values: PRF inputs and blobs stay out of
// the session store.
type extRequest struct {
	CredProps          bool              `json:"credProps,omitempty"`
	AppID              bool              `json:"appid,omitempty"`
	AppIDExclude       bool              `json:"appidExclude,omitempty"`
	PRF                *prfRequest       `json:"prf,omitempty"`
	LargeBlob          *largeBlobRequest `json:"largeBlob,omitempty"`
	CredProtect        CredProtectLevel  `json:"credProtect,omitempty"`
	EnforceCredProtect bool              `json:"enforceCredProtect,omitempty"`
	MinPINLength       bool              `json:"minPinLength,omitempty"`
	MinPINAtLeast      int               `json:"minPinAtLeast,omitempty"`
	// Other are the identifiers of the other extensions asked for
	// (WithExtension), whose outputs pass through unchecked.
	Other []string `json:"other,omitempty"`
}

// prfRequest counts the inputs (1 or 2; 0 for none) of prf's eval and of
// each evalByCredential entry, by base64url credential ID.
type prfRequest struct {
	Eval         int            `json:"eval,omitempty"`
	ByCredential map[string]int `json:"byCredential,omitempty"`
}

// inputsFor is the number of inputs evaluated for the credential id.
func (r *prfRequest) inputsFor(id []byte) int {
	if n, ok := r.ByCredential[ib64.Encode(id)]; ok {
		return n
	}
	return r.Eval
}

// largeBlobRequest is a largeBlob input: support at registration, read or
// write at login.
type largeBlobRequest struct {
	Support LargeBlobSupport `json:"support,omitempty"`
	Read    bool             `json:"read,omitempty"`
	Write   bool             `json:"write,omitempty"`
}

// authenticatorOutputsOf maps an extension input to the authenticator
// extension outputs (in the signed authenticator data) it asks for, where
// they differ from the input's own identifier: CTAP names them
// differently from WebAuthn.
var authenticatorOutputsOf = map[string][]string{
	"prf":                        {"hmac-secret", "hmac-secret-mc"},
	"hmacCreateSecret":           {"hmac-secret"},
	"hmacGetSecret":              {"hmac-secret"},
	"credentialProtectionPolicy": {"credProtect"},
	"getCredBlob":                {"credBlob"},
	"credProps":                  nil,
	"appid":                      nil,
	"appidExclude":               nil,
	"largeBlob":                  nil,
}

// solicitsClient reports whether the ceremony asked for the client output
// id.
func (r *extRequest) solicitsClient(id string) bool {
	switch id {
	case "credProps":
		return r.CredProps
	case "appid":
		return r.AppID
	case "appidExclude":
		return r.AppIDExclude
	case "prf":
		return r.PRF != nil
	case "largeBlob":
		return r.LargeBlob != nil
	}
	return slices.Contains(r.Other, id)
}

// checksClientOutputs reports whether the ceremony asked for a client
// extension output that the library checks (requested outputs of other
// extensions are passed on unread, in Extensions.Client).
func (r *extRequest) checksClientOutputs() bool {
	return r.CredProps || r.AppID || r.AppIDExclude || r.PRF != nil || r.LargeBlob != nil
}

// solicitsAuthenticator reports whether the ceremony asked for the
// authenticator output id.
func (r *extRequest) solicitsAuthenticator(id string) bool {
	inputs := r.Other
	if r.PRF != nil {
		inputs = append(slices.Clip(inputs), "prf")
	}
	if r.CredProtect != 0 {
		inputs = append(slices.Clip(inputs), "credentialProtectionPolicy")
	}
	if r.MinPINLength {
		inputs = append(slices.Clip(inputs), "minPinLength")
	}
	for _, in := range inputs {
		outs, mapped := authenticatorOutputsOf[in]
		if (!mapped && in == id) || slices.Contains(outs, id) {
			return true
		}
	}
	return false
}

// marshal encodes r for the session; nil when nothing was asked.
func (r *extRequest) marshal() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil || string(b) == "{}" {
		return nil, err
	}
	return b, nil
}

// unmarshalExtRequest decodes what marshal wrote.
func unmarshalExtRequest(data []byte) (*extRequest, bool) {
	r := &extRequest{}
	if len(data) == 0 {
		return r, true
	}
	return r, json.Unmarshal(data, r) == nil
}

// b64Input is a Base64URLString extension input member.
type b64Input = ib64.Bytes

type prfInputJSON struct {
	First  *b64Input `json:"first"`
	Second *b64Input `json:"second"`
}

// inputs counts the PRF inputs of one evaluation; 0 for a malformed one.
func (v *prfInputJSON) inputs() int {
	switch {
	case v == nil || v.First == nil:
		return 0
	case v.Second == nil:
		return 1
	}
	return 2
}

// parseExtRequest reads the extension inputs of one ceremony (their JSON
// forms, from the typed options or WithExtension) into what Finish must
// know, refusing inputs that a browser would reject. allow are a login's
// allowCredentials.
func parseExtRequest(in map[string]json.RawMessage, kind ceremony, allow []CredentialDescriptor) (*extRequest, error) {
	r := &extRequest{}
	bad := func(id, problem string) error {
		return &ConfigError{Field: "extension " + quoteConfig(id), Problem: problem,
			Fix: "use the typed options (WithPRF, WithLargeBlob, WithCredProtect, ...) or the extension's JSON form"}
	}
	for _, id := range slices.Sorted(maps.Keys(in)) {
		raw := in[id]
		switch id {
		case "credProps":
			var v bool
			if json.Unmarshal(raw, &v) != nil {
				return nil, bad(id, "not a boolean")
			}
			r.CredProps = v
		case "appid":
			r.AppID = true
		case "appidExclude":
			r.AppIDExclude = true
		case "prf":
			var v struct {
				Eval             *prfInputJSON           `json:"eval"`
				EvalByCredential map[string]prfInputJSON `json:"evalByCredential"`
			}
			if json.Unmarshal(raw, &v) != nil {
				return nil, bad(id, "not a prf input ({eval: {first, second}, evalByCredential})")
			}
			if v.Eval != nil && v.Eval.inputs() == 0 {
				return nil, bad(id, "eval without first")
			}
			r.PRF = &prfRequest{Eval: v.Eval.inputs()}
			if kind == ceremonyRegistration && len(v.EvalByCredential) > 0 {
				return nil, bad(id, "evalByCredential in a registration")
			}
			if len(v.EvalByCredential) > 0 && len(allow) == 0 {
				return nil, bad(id, "evalByCredential without allowCredentials (a usernameless login)")
			}
			for key, e := range v.EvalByCredential {
				credID, err := ib64.DecodeString(key)
				if err != nil || len(credID) == 0 {
					return nil, bad(id, "an evalByCredential key is not a base64url credential ID")
				}
				if !slices.ContainsFunc(allow, func(d CredentialDescriptor) bool { return string(d.ID) == string(credID) }) {
					return nil, bad(id, "an evalByCredential credential is not in allowCredentials")
				}
				if e.inputs() == 0 {
					return nil, bad(id, "an evalByCredential entry without first")
				}
				if r.PRF.ByCredential == nil {
					r.PRF.ByCredential = map[string]int{}
				}
				// Keyed by the canonical spelling, as Finish looks it up.
				r.PRF.ByCredential[ib64.Encode(credID)] = e.inputs()
			}
		case "largeBlob":
			var v struct {
				Support *string   `json:"support"`
				Read    *bool     `json:"read"`
				Write   *b64Input `json:"write"`
			}
			if json.Unmarshal(raw, &v) != nil {
				return nil, bad(id, "not a largeBlob input ({support} or {read} or {write})")
			}
			lb := &largeBlobRequest{Read: v.Read != nil && *v.Read, Write: v.Write != nil}
			// The client's rules (#sctn-large-blob-extension).
			switch {
			case kind == ceremonyRegistration && (v.Read != nil || v.Write != nil):
				return nil, bad(id, "read or write in a registration")
			case kind == ceremonyRegistration:
				// An unknown value means preferred, as for the client.
				lb.Support = LargeBlobPreferred
				if v.Support != nil && *v.Support == string(LargeBlobRequired) {
					lb.Support = LargeBlobRequired
				}
			case v.Support != nil:
				return nil, bad(id, "support in a login")
			case lb.Read && lb.Write:
				return nil, bad(id, "both read and write")
			case lb.Write && len(allow) != 1:
				return nil, bad(id, "write without exactly one allowCredentials entry: use LargeBlobWrite")
			}
			r.LargeBlob = lb
		case "credentialProtectionPolicy":
			var v string
			if json.Unmarshal(raw, &v) != nil || credProtectLevel(v) == 0 {
				return nil, bad(id, "not a credential protection policy")
			}
			r.CredProtect = credProtectLevel(v)
		case "enforceCredentialProtectionPolicy":
			if json.Unmarshal(raw, &r.EnforceCredProtect) != nil {
				return nil, bad(id, "not a boolean")
			}
		case "minPinLength":
			var v bool
			if json.Unmarshal(raw, &v) != nil {
				return nil, bad(id, "not a boolean")
			}
			r.MinPINLength = v
		default:
			r.Other = append(r.Other, id)
		}
	}
	if r.EnforceCredProtect && r.CredProtect == 0 {
		return nil, bad("enforceCredentialProtectionPolicy", "without credentialProtectionPolicy")
	}
	return r, nil
}

// typedInputs adds the JSON forms of the typed extension options to ext,
// refusing an identifier that WithExtension set too.
func (e *extParams) typedInputs(ext map[string]json.RawMessage, custom map[string]json.RawMessage) error {
	for id, option := range e.ids {
		if _, dup := custom[id]; dup {
			return &ConfigError{Field: "WithExtension", Problem: quoteConfig(id) + " is also set by " + option,
				Fix: "set each extension once"}
		}
	}
	put := func(id string, v any) {
		// Marshalling maps, strings, booleans and ib64.Bytes cannot fail.
		ext[id], _ = json.Marshal(v)
	}
	prfJSON := func(v prfValues) map[string]b64Input {
		m := map[string]b64Input{"first": v.first}
		if v.second != nil {
			m["second"] = v.second
		}
		return m
	}
	if e.prf != nil || len(e.prfByCred) > 0 {
		in := map[string]any{}
		if e.prf != nil && e.prf.first != nil {
			in["eval"] = prfJSON(*e.prf)
		}
		if len(e.prfByCred) > 0 {
			by := map[string]any{}
			for _, c := range e.prfByCred {
				by[ib64.Encode(c.id)] = prfJSON(c.prfValues)
			}
			in["evalByCredential"] = by
		}
		put("prf", in)
	}
	switch {
	case e.largeBlob != "":
		put("largeBlob", map[string]string{"support": string(e.largeBlob)})
	case e.largeBlobRead && e.largeBlobWrite != nil:
		return &ConfigError{Field: "LargeBlobRead", Problem: "given with LargeBlobWrite",
			Fix: "read and write the large blob in two logins (#sctn-large-blob-extension)"}
	case e.largeBlobRead:
		put("largeBlob", map[string]bool{"read": true})
	case e.largeBlobWrite != nil:
		put("largeBlob", map[string]b64Input{"write": e.largeBlobWrite.first})
	}
	if e.credProtect != 0 {
		put("credentialProtectionPolicy", e.credProtect.policy())
		if e.enforceCP {
			put("enforceCredentialProtectionPolicy", true)
		}
	}
	if e.minPIN != nil {
		put("minPinLength", true)
	}
	return nil
}

// registrationExtensions builds a registration's extension inputs: the
// relying party's own (credProps, appidExclude), the typed options', then
// WithExtension's; and what Finish must know of them.
func (rp *RelyingParty) registrationExtensions(p *ceremonyParams) (map[string]json.RawMessage, *extRequest, error) {
	ext := map[string]json.RawMessage{"credProps": json.RawMessage("true")}
	appid := rp.appID
	if p.ext.appidExclude != nil {
		appid = *p.ext.appidExclude
	}
	if appid != "" {
		ext["appidExclude"], _ = json.Marshal(appid)
	}
	if err := p.ext.typedInputs(ext, p.extensions); err != nil {
		return nil, nil, err
	}
	for id, in := range p.extensions {
		ext[id] = in
	}
	req, err := parseExtRequest(ext, ceremonyRegistration, nil)
	if err != nil {
		return nil, nil, err
	}
	if p.ext.minPIN != nil {
		req.MinPINAtLeast = *p.ext.minPIN
	}
	return ext, req, nil
}

// loginExtensions builds a login's extension inputs (appid, the typed
// options', WithExtension's; nil when there are none) for the
// allowCredentials allow, and what Finish must know of them.
func (rp *RelyingParty) loginExtensions(p *ceremonyParams, allow []CredentialDescriptor) (map[string]json.RawMessage, *extRequest, error) {
	ext := map[string]json.RawMessage{}
	if err := p.ext.typedInputs(ext, p.extensions); err != nil {
		return nil, nil, err
	}
	for id, in := range p.extensions {
		ext[id] = in
	}
	if rp.appID != "" {
		ext["appid"], _ = json.Marshal(rp.appID)
	}
	req, err := parseExtRequest(ext, ceremonyLogin, allow)
	if err != nil {
		return nil, nil, err
	}
	if len(ext) == 0 {
		ext = nil
	}
	return ext, req, nil
}

// largeBlobTarget narrows a login's allowCredentials to the credential
// LargeBlobWrite names, which must be one of the user's.
func (p *ceremonyParams) largeBlobTarget(allow []CredentialDescriptor) ([]CredentialDescriptor, error) {
	w := p.ext.largeBlobWrite
	if w == nil {
		return allow, nil
	}
	if p.mode != loginForUser {
		return nil, &ConfigError{Field: "LargeBlobWrite", Problem: "a login without ForUser",
			Fix: "name the user with ForUser: the extension writes to one credential of allowCredentials"}
	}
	i := slices.IndexFunc(allow, func(d CredentialDescriptor) bool { return string(d.ID) == string(w.id) })
	if i < 0 {
		return nil, ErrPasskeyNotFound
	}
	return allow[i : i+1 : i+1], nil
}
