package assertion

import (
	"bytes"
	"encoding/json"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
)

// MaxBodySize is the largest response body Parse accepts by default: 64 KiB.
const MaxBodySize = 64 << 10

// responseJSON is AuthenticationResponseJSON (#dictdef-authenticationresponsejson).
type responseJSON struct {
	ID                      *string         `json:"id"`
	RawID                   b64.Bytes       `json:"rawId"`
	Type                    *string         `json:"type"`
	AuthenticatorAttachment string          `json:"authenticatorAttachment"`
	ClientExtensionResults  json.RawMessage `json:"clientExtensionResults"`
	Response                *struct {
		ClientDataJSON    b64.Bytes `json:"clientDataJSON"`
		AuthenticatorData b64.Bytes `json:"authenticatorData"`
		Signature         b64.Bytes `json:"signature"`
		UserHandle        b64.Bytes `json:"userHandle"`
	} `json:"response"`
}

// Response is an authentication response as the browser sent it, decoded
// once and not yet verified.
type Response struct {
	rawID             []byte
	attachment        string
	extensions        json.RawMessage
	clientDataJSON    []byte
	authenticatorData []byte
	signature         []byte
	userHandle        []byte
}

// Parse decodes an AuthenticationResponseJSON body and checks its shape
// (#sctn-verifying-assertion steps 3–4). Bodies over [MaxBodySize] are
// refused before decoding.
func Parse(body []byte) (*Response, error) {
	return ParseLimit(body, MaxBodySize)
}

// ParseLimit is [Parse] with a body limit of max bytes.
func ParseLimit(body []byte, max int) (*Response, error) {
	const check = "sctn-verifying-assertion"
	if len(body) > max {
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response body larger than the limit")
	}
	var j responseJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return nil, errcode.Wrap(errcode.ErrMalformedResponse, check, "response is not AuthenticationResponseJSON", err)
	}
	switch {
	case j.ID == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "id is missing")
	case j.RawID == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "rawId is missing")
	case j.Type == nil || *j.Type != "public-key":
		return nil, errcode.New(errcode.ErrMalformedResponse, check, `type is not "public-key"`)
	case j.Response == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response is missing")
	case j.Response.ClientDataJSON == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.clientDataJSON is missing")
	case j.Response.AuthenticatorData == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.authenticatorData is missing")
	case j.Response.Signature == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.signature is missing")
	}
	if ext := bytes.TrimSpace(j.ClientExtensionResults); len(ext) > 0 && string(ext) != "null" && ext[0] != '{' {
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "clientExtensionResults is not an object")
	}
	if d, err := b64.DecodeString(*j.ID); err != nil || !bytes.Equal(d, j.RawID) {
		return nil, errcode.New(errcode.ErrCredentialIDMismatch, check, "id is not the base64url encoding of rawId")
	}
	uh := j.Response.UserHandle
	if len(uh) == 0 {
		// Absent, null and "" all mean: no user handle.
		uh = nil
	}
	return &Response{
		rawID:             j.RawID,
		attachment:        j.AuthenticatorAttachment,
		extensions:        j.ClientExtensionResults,
		clientDataJSON:    j.Response.ClientDataJSON,
		authenticatorData: j.Response.AuthenticatorData,
		signature:         j.Response.Signature,
		userHandle:        uh,
	}, nil
}

// CredentialID returns the credential ID (rawId) the response claims: look
// the credential record up with it.
func (r *Response) CredentialID() []byte { return r.rawID }

// UserHandle returns the user handle the authenticator returned, or nil. A
// usernameless login finds the account with it.
func (r *Response) UserHandle() []byte { return r.userHandle }

// ClientExtensionResults returns the clientExtensionResults object as sent
// (nil when absent). The client's outputs are unsigned hints.
func (r *Response) ClientExtensionResults() json.RawMessage { return r.extensions }

// AuthenticatorAttachment returns "platform", "cross-platform" or "".
func (r *Response) AuthenticatorAttachment() string {
	if r.attachment == "platform" || r.attachment == "cross-platform" {
		return r.attachment
	}
	return ""
}
