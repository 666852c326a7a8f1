// Package credjson holds the members that RegistrationResponseJSON and
// AuthenticationResponseJSON share (#iface-pkcredential: id, rawId, type,
// authenticatorAttachment, clientExtensionResults) and the checks on them,
// so that both ceremonies read the envelope of a PublicKeyCredential the
// same way. Each response embeds an [Envelope] in its decode struct.
package credjson

import (
	"bytes"
	"encoding/json"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
)

// Envelope is the shared members, read without the allocations of the plain
// types (*string, b64.Bytes, json.RawMessage): the base64url members and
// clientExtensionResults are decoded into one buffer per body, and strings
// are compared in place.
type Envelope struct {
	ID                      b64.Text   `json:"id"`
	RawID                   b64.Member `json:"rawId"`
	Type                    b64.Text   `json:"type"`
	AuthenticatorAttachment b64.Text   `json:"authenticatorAttachment"`
	ClientExtensionResults  b64.Raw    `json:"clientExtensionResults"`

	buf []byte
}

// Init prepares e to decode a body of bodyLen bytes and returns the buffer
// the response's own base64url members decode into too.
func (e *Envelope) Init(bodyLen int) *[]byte {
	e.buf = b64.NewBuffer(bodyLen)
	e.AuthenticatorAttachment.KeepOnNull = true
	e.RawID.Use(&e.buf)
	e.ClientExtensionResults.Use(&e.buf)
	return &e.buf
}

// CheckHead is the first shape check (§0.1–0.2 of the checklist): id, rawId
// and type present, type "public-key".
func (e *Envelope) CheckHead(check string) error {
	switch {
	case !e.ID.Present():
		return errcode.New(errcode.ErrMalformedResponse, check, "id is missing")
	case e.RawID.Bytes() == nil:
		return errcode.New(errcode.ErrMalformedResponse, check, "rawId is missing")
	case !e.Type.Is("public-key"):
		return errcode.New(errcode.ErrMalformedResponse, check, `type is not "public-key"`)
	}
	return nil
}

// CheckTail runs after the response member's checks: clientExtensionResults
// is an object when present (older serializers omit it; null reads as
// absent), and id spells rawId. It returns clientExtensionResults.
func (e *Envelope) CheckTail(check string) (json.RawMessage, error) {
	ext := e.ClientExtensionResults.Bytes()
	if t := bytes.TrimSpace(ext); len(t) > 0 && string(t) != "null" && t[0] != '{' {
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "clientExtensionResults is not an object")
	}
	if !b64.Matches(e.ID.Content(), e.RawID.Bytes(), e.buf) {
		return nil, errcode.New(errcode.ErrCredentialIDMismatch, check, "id is not the base64url encoding of rawId")
	}
	return ext, nil
}

// Attachment returns authenticatorAttachment as one of the two values the
// spec defines, as constants; any other value reads as "" (null).
func (e *Envelope) Attachment() string {
	switch t := &e.AuthenticatorAttachment; {
	case t.Is("platform"):
		return "platform"
	case t.Is("cross-platform"):
		return "cross-platform"
	}
	return ""
}

// HasResponse tells a body whose response member is absent from one where it
// is an object without members, which decode alike. It runs only on the way
// to an error.
func HasResponse(body []byte) bool {
	var probe struct {
		Response *json.RawMessage `json:"response"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Response != nil
}
