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
// Its members read JSON as the plain types would (id and type as *string,
// authenticatorAttachment as string, the base64url members as b64.Bytes,
// clientExtensionResults as json.RawMessage), without their allocations:
// the base64url members and clientExtensionResults are decoded into buf,
// one allocation per body, and the strings are compared in place.
type responseJSON struct {
	ID                      b64.Text         `json:"id"`
	RawID                   b64.Member       `json:"rawId"`
	Type                    b64.Text         `json:"type"`
	AuthenticatorAttachment b64.Text         `json:"authenticatorAttachment"`
	ClientExtensionResults  b64.Raw          `json:"clientExtensionResults"`
	Response                *responseMembers `json:"response"`

	members responseMembers // what Response points to unless the body sets it to null
	buf     []byte
}

// responseMembers is AuthenticatorAssertionResponseJSON.
type responseMembers struct {
	ClientDataJSON    b64.Member `json:"clientDataJSON"`
	AuthenticatorData b64.Member `json:"authenticatorData"`
	Signature         b64.Member `json:"signature"`
	UserHandle        b64.Member `json:"userHandle"`
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

	// wire is where Parse decodes the body; it shares the Response's
	// allocation and is cleared before Parse returns.
	wire responseJSON
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
	r := new(Response)
	j := &r.wire
	j.buf = b64.NewBuffer(len(body))
	j.AuthenticatorAttachment.KeepOnNull = true
	j.RawID.Use(&j.buf)
	j.ClientExtensionResults.Use(&j.buf)
	j.Response = &j.members
	j.members.ClientDataJSON.Use(&j.buf)
	j.members.AuthenticatorData.Use(&j.buf)
	j.members.Signature.Use(&j.buf)
	j.members.UserHandle.Use(&j.buf)
	if err := json.Unmarshal(body, j); err != nil {
		return nil, errcode.Wrap(errcode.ErrMalformedResponse, check, "response is not AuthenticationResponseJSON", err)
	}
	resp := j.Response
	switch {
	case !j.ID.Present():
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "id is missing")
	case j.RawID.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "rawId is missing")
	case !j.Type.Is("public-key"):
		return nil, errcode.New(errcode.ErrMalformedResponse, check, `type is not "public-key"`)
	case resp == nil || resp.ClientDataJSON.Bytes() == nil && resp == &j.members && !hasResponse(body):
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response is missing")
	case resp.ClientDataJSON.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.clientDataJSON is missing")
	case resp.AuthenticatorData.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.authenticatorData is missing")
	case resp.Signature.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.signature is missing")
	}
	ext := j.ClientExtensionResults.Bytes()
	if t := bytes.TrimSpace(ext); len(t) > 0 && string(t) != "null" && t[0] != '{' {
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "clientExtensionResults is not an object")
	}
	if !b64.Matches(j.ID.Content(), j.RawID.Bytes(), j.buf) {
		return nil, errcode.New(errcode.ErrCredentialIDMismatch, check, "id is not the base64url encoding of rawId")
	}
	uh := resp.UserHandle.Bytes()
	if len(uh) == 0 {
		// Absent, null and "" all mean: no user handle.
		uh = nil
	}
	out := Response{
		rawID:             j.RawID.Bytes(),
		attachment:        attachment(&j.AuthenticatorAttachment),
		extensions:        ext,
		clientDataJSON:    resp.ClientDataJSON.Bytes(),
		authenticatorData: resp.AuthenticatorData.Bytes(),
		signature:         resp.Signature.Bytes(),
		userHandle:        uh,
	}
	*r = out // drops wire, and with it every reference to body
	return r, nil
}

// hasResponse tells a body whose response member is absent from one where it
// is an object without members: Response points to the same place in both.
// It runs only on the way to an error.
func hasResponse(body []byte) bool {
	var probe struct {
		Response *json.RawMessage `json:"response"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Response != nil
}

// attachment keeps the two values AuthenticatorAttachment reports, as
// constants; any other value reads as "".
func attachment(t *b64.Text) string {
	switch {
	case t.Is("platform"):
		return "platform"
	case t.Is("cross-platform"):
		return "cross-platform"
	}
	return ""
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
