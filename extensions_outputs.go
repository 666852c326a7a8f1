package passkey

import (
	"encoding/json"
	"github.com/gopasskey/passkey/internal/logsafe"
	"maps"
	"slices"
	"strconv"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	ib64 "github.com/gopasskey/passkey/internal/b64"
	"github.com/gopasskey/passkey/internal/cbor"
)

// The spec anchors of the extension-output steps (R28, A23).
const (
	checkRegExtensions   = "reg-ceremony-verify-extension-outputs"
	checkLoginExtensions = "authn-ceremony-verify-extension-outputs"
)

// prfResultLen is the length of a PRF result: an HMAC-SHA-256 output
// (#prf-extension).
const prfResultLen = 32

// The minimum PIN lengths CTAP 2.1 allows (#sctn-minpinlength-extension,
// authenticatorClientPIN: at least 4, PINs at most 63 bytes).
const (
	minPINLengthFloor = 4
	minPINLengthCeil  = maxMinPINLength
)

// extOutcome is what a ceremony's extension outputs give.
type extOutcome struct {
	ext Extensions
	// Registration only: the credProps rk claim and the signed credProtect
	// level, for the record.
	discoverable credential.Tristate
	credProtect  uint8
}

// extVerifier checks one ceremony's outputs against what it asked for.
type extVerifier struct {
	req    *extRequest
	login  bool
	refuse bool // Config.RefuseUnsolicitedExtensions
	check  string
	credID []byte
}

// verifyExtensionOutputs is #reg-ceremony-verify-extension-outputs and
// #authn-ceremony-verify-extension-outputs (§9 of the checklist): the
// outputs of the extensions the ceremony asked for are checked and typed;
// outputs it did not ask for are ignored, or refused when
// Config.RefuseUnsolicitedExtensions is set; a requested output that is
// missing is no failure unless policy needs it (largeBlob required).
// Failures are extension-invalid.
func (rp *RelyingParty) verifyExtensionOutputs(req *extRequest, kind ceremony, credID []byte, client json.RawMessage, authExt []byte) (*extOutcome, error) {
	v := &extVerifier{req: req, login: kind == ceremonyLogin, refuse: rp.refuseUnsolicited, check: checkRegExtensions, credID: credID}
	if v.login {
		v.check = checkLoginExtensions
	}
	out := &extOutcome{ext: Extensions{Client: client}}
	if err := v.clientOutputs(client, out); err != nil {
		return nil, err
	}
	if err := v.authenticatorOutputs(authExt, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (v *extVerifier) invalid(detail string) error {
	return errcode.New(errcode.ErrExtensionInvalid, v.check, detail)
}

// unsolicited applies the unsolicited-output policy to what (an output or
// a member of one): nil when such outputs are ignored.
func (v *extVerifier) unsolicited(what string) error {
	if !v.refuse {
		return nil
	}
	return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check,
		"an extension output the relying party did not ask for, refused by policy", "only requested outputs", what)
}

// printableID shortens and escapes an extension identifier from the
// response for an error message.
func printableID(id string) string { return logsafe.Printable(id, 40) }

// clientOutputs checks clientExtensionResults, unsigned claims of the
// browser.
func (v *extVerifier) clientOutputs(raw json.RawMessage, out *extOutcome) error {
	// With no checked output requested and unsolicited outputs ignored
	// there is nothing to check: the object is not read a second time (up
	// to 64 KiB that the response parser has walked already).
	if !v.refuse && !v.req.checksClientOutputs() {
		return nil
	}
	var members map[string]json.RawMessage
	if len(raw) > 0 && json.Unmarshal(raw, &members) != nil {
		// The response parsers already require a JSON object.
		return errcode.New(errcode.ErrMalformedResponse, "sctn-registering-a-new-credential", "clientExtensionResults is not a JSON object")
	}
	for _, id := range slices.Sorted(maps.Keys(members)) {
		if !v.req.solicitsClient(id) {
			if err := v.unsolicited("client output " + printableID(id)); err != nil {
				return err
			}
			continue
		}
		val := members[id]
		if string(val) == "null" {
			continue
		}
		var err error
		switch id {
		case "credProps":
			err = v.credProps(val, out)
		case "appid":
			err = v.boolOutput(id, val, &out.ext.AppID)
		case "appidExclude":
			err = v.boolOutput(id, val, &out.ext.AppIDExclude)
		case "prf":
			err = v.prf(val, out)
		case "largeBlob":
			err = v.largeBlob(val, out)
		}
		if err != nil {
			return err
		}
	}
	// The one requested output whose absence policy refuses.
	if lb := v.req.LargeBlob; lb != nil && lb.Support == LargeBlobRequired {
		switch {
		case out.ext.LargeBlob == nil:
			return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check,
				"largeBlob support was required and the client did not report it", "supported true", "no output")
		case !out.ext.LargeBlob.Supported:
			return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check,
				"largeBlob support was required and the credential has none", "supported true", "supported false")
		}
	}
	return nil
}

func (v *extVerifier) boolOutput(id string, val json.RawMessage, dst *bool) error {
	if json.Unmarshal(val, dst) != nil {
		return v.invalid("the " + id + " output is not a boolean")
	}
	return nil
}

// credProps is #sctn-authenticator-credential-properties-extension: rk
// says whether the credential is discoverable. For user interfaces only.
func (v *extVerifier) credProps(val json.RawMessage, out *extOutcome) error {
	var cp struct {
		RK *bool `json:"rk"`
	}
	if json.Unmarshal(val, &cp) != nil {
		return v.invalid("the credProps output is not {rk: boolean}")
	}
	if cp.RK != nil {
		out.discoverable = credential.TristateOf(*cp.RK)
	}
	return nil
}

// prf is #prf-extension: enabled at registration, and results (32 bytes
// each) for the inputs the ceremony gave for this credential.
func (v *extVerifier) prf(val json.RawMessage, out *extOutcome) error {
	var p struct {
		Enabled *bool `json:"enabled"`
		Results *struct {
			First  *ib64.Bytes `json:"first"`
			Second *ib64.Bytes `json:"second"`
		} `json:"results"`
	}
	if json.Unmarshal(val, &p) != nil {
		return v.invalid("the prf output is not {enabled: boolean, results: {first, second}} with base64url results")
	}
	o := &PRFOutputs{}
	if p.Enabled != nil {
		if v.login {
			if err := v.unsolicited("prf.enabled in a login"); err != nil {
				return err
			}
		} else {
			o.Enabled = *p.Enabled
		}
	}
	if r := p.Results; r != nil {
		inputs := v.req.PRF.inputsFor(v.credID)
		switch {
		case inputs == 0:
			if err := v.unsolicited("prf.results without an input"); err != nil {
				return err
			}
		case r.First == nil:
			return v.invalid("the prf results lack first")
		default:
			if len(*r.First) != prfResultLen {
				return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check, "a prf result has the wrong length",
					"32 bytes", strconv.Itoa(len(*r.First))+" bytes")
			}
			o.First = *r.First
			if r.Second != nil {
				if inputs < 2 {
					if err := v.unsolicited("prf.results.second without a second input"); err != nil {
						return err
					}
					break
				}
				if len(*r.Second) != prfResultLen {
					return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check, "a prf result has the wrong length",
						"32 bytes", strconv.Itoa(len(*r.Second))+" bytes")
				}
				o.Second = *r.Second
			}
		}
	}
	out.ext.PRF = o
	return nil
}

// largeBlob is #sctn-large-blob-extension: supported at registration,
// blob (read) or written (write) at login.
func (v *extVerifier) largeBlob(val json.RawMessage, out *extOutcome) error {
	var lb struct {
		Supported *bool       `json:"supported"`
		Blob      *ib64.Bytes `json:"blob"`
		Written   *bool       `json:"written"`
	}
	if json.Unmarshal(val, &lb) != nil {
		return v.invalid("the largeBlob output is not {supported, blob, written} with a base64url blob")
	}
	req := v.req.LargeBlob
	o := &LargeBlobOutputs{}
	members := []struct {
		name  string
		given bool
		asked bool
		set   func()
	}{
		{"supported", lb.Supported != nil, !v.login, func() { o.Supported = *lb.Supported }},
		{"blob", lb.Blob != nil, v.login && req.Read, func() { o.Blob = *lb.Blob }},
		{"written", lb.Written != nil, v.login && req.Write, func() { o.Written = *lb.Written }},
	}
	for _, m := range members {
		switch {
		case !m.given:
		case m.asked:
			m.set()
		default:
			if err := v.unsolicited("largeBlob." + m.name); err != nil {
				return err
			}
		}
	}
	out.ext.LargeBlob = o
	return nil
}

// authenticatorOutputs checks the signed extension outputs of the
// authenticator data. A well-formed credProtect or minPinLength output the
// relying party did not ask for is still a fact about the credential and is
// kept (browsers add credProtect themselves); a malformed one is ignored
// unless it was asked for.
func (v *extVerifier) authenticatorOutputs(raw []byte, out *extOutcome) error {
	if len(raw) == 0 {
		return nil
	}
	ad := credential.AuthenticatorData{Extensions: raw}
	outs, err := ad.ExtensionOutputs()
	if err != nil { // unreachable: the verifier parsed the same bytes
		return err
	}
	out.ext.Authenticator = outs
	for _, id := range slices.Sorted(maps.Keys(outs)) {
		solicited := v.req.solicitsAuthenticator(id)
		if !solicited {
			if err := v.unsolicited("authenticator output " + printableID(id)); err != nil {
				return err
			}
		}
		if v.login {
			// Both are registration outputs; nothing in a login updates them.
			continue
		}
		switch id {
		case "credProtect":
			level, err := outs.CredProtect()
			if err != nil {
				if solicited {
					return err
				}
				continue
			}
			if solicited && v.req.EnforceCredProtect && CredProtectLevel(level) < v.req.CredProtect {
				return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check,
					"the credential's protection is below the level the relying party enforces",
					"at least "+strconv.Itoa(int(v.req.CredProtect)), strconv.Itoa(int(level)))
			}
			out.credProtect = level
		case "minPinLength":
			n, err := minPINLength(outs[id])
			if err != nil {
				if solicited {
					return errcode.Wrap(errcode.ErrExtensionInvalid, v.check, "the minPinLength output is not a PIN length", err)
				}
				continue
			}
			if solicited && v.req.MinPINAtLeast > 0 && n < v.req.MinPINAtLeast {
				return errcode.Mismatch(errcode.ErrExtensionInvalid, v.check,
					"the authenticator's minimum PIN length is below policy",
					"at least "+strconv.Itoa(v.req.MinPINAtLeast), strconv.Itoa(n))
			}
			out.ext.MinPINLength = n
		}
	}
	return nil
}

// minPINLength decodes a minPinLength output: an unsigned integer within
// CTAP 2.1's PIN lengths.
func minPINLength(raw []byte) (int, error) {
	var n uint64
	if err := cbor.Unmarshal(raw, &n); err != nil {
		return 0, err
	}
	if n < minPINLengthFloor || n > minPINLengthCeil {
		return 0, errcode.Mismatch(errcode.ErrExtensionInvalid, checkRegExtensions,
			"the minPinLength output is out of range", "4 to 63", strconv.FormatUint(n, 10))
	}
	return int(n), nil
}
