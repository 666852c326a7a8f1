package passkeytest

import (
	"bytes"
	"encoding/json"
	"maps"
)

// RawResponse is a response before it becomes JSON: the members of
// RegistrationResponseJSON or AuthenticationResponseJSON with binary values
// as bytes. A TamperAfterSign hook may change any of them; nothing is signed
// again.
//
// A nil slice, an empty string, a nil map or a zero PublicKeyAlgorithm leaves
// its member out of the JSON (an empty, non-nil Transports gives []).
type RawResponse struct {
	// ID is the id member, normally base64url(RawID).
	ID                      string
	RawID                   []byte
	Type                    string
	AuthenticatorAttachment string
	// ClientExtensionResults is encoded with encoding/json.
	ClientExtensionResults map[string]any

	ClientDataJSON []byte
	// AuthenticatorData is the signed authenticator data (assertions) or
	// the response.authenticatorData copy (registrations).
	AuthenticatorData []byte

	// Registration members.
	AttestationObject  []byte
	Transports         []string
	PublicKey          []byte // DER SubjectPublicKeyInfo
	PublicKeyAlgorithm int64

	// Assertion members.
	Signature  []byte
	UserHandle []byte

	// Extra and ResponseExtra add members to the top-level object and to
	// the response object, or replace members, with these JSON values
	// (which must be valid JSON; e.g. "userHandle": null).
	Extra, ResponseExtra map[string]json.RawMessage

	registration bool
}

// MarshalJSON renders the response as toJSON() does. Members appear in
// lexicographic order, as WebIDL orders a dictionary's members when it
// converts them to a JavaScript object.
func (r *RawResponse) MarshalJSON() ([]byte, error) {
	resp := map[string]any{}
	putBytes := func(m map[string]any, name string, b []byte) {
		if b != nil {
			m[name] = b64url(b)
		}
	}
	putBytes(resp, "clientDataJSON", r.ClientDataJSON)
	putBytes(resp, "authenticatorData", r.AuthenticatorData)
	if r.registration {
		putBytes(resp, "attestationObject", r.AttestationObject)
		putBytes(resp, "publicKey", r.PublicKey)
		if r.Transports != nil {
			resp["transports"] = r.Transports
		}
		if r.PublicKeyAlgorithm != 0 {
			resp["publicKeyAlgorithm"] = r.PublicKeyAlgorithm
		}
	} else {
		putBytes(resp, "signature", r.Signature)
		putBytes(resp, "userHandle", r.UserHandle)
	}
	maps.Copy(resp, toAny(r.ResponseExtra))

	top := map[string]any{"response": resp}
	if r.ID != "" {
		top["id"] = r.ID
	}
	putBytes(top, "rawId", r.RawID)
	if r.Type != "" {
		top["type"] = r.Type
	}
	if r.AuthenticatorAttachment != "" {
		top["authenticatorAttachment"] = r.AuthenticatorAttachment
	}
	if r.ClientExtensionResults != nil {
		top["clientExtensionResults"] = r.ClientExtensionResults
	}
	maps.Copy(top, toAny(r.Extra))

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// toJSON() output goes through JSON.stringify, which does not escape
	// <, > and &.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(top); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func toAny(m map[string]json.RawMessage) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
