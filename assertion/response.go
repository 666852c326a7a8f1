package assertion

import (
	"encoding/json"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
	"github.com/gopasskey/passkey/internal/credjson"
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
	credjson.Envelope
	Response *responseMembers `json:"response"`

	members responseMembers // what Response points to unless the body sets it to null
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
	buf := j.Init(len(body))
	j.Response = &j.members
	j.members.ClientDataJSON.Use(buf)
	j.members.AuthenticatorData.Use(buf)
	j.members.Signature.Use(buf)
	j.members.UserHandle.Use(buf)
	if err := json.Unmarshal(body, j); err != nil {
		return nil, errcode.Wrap(errcode.ErrMalformedResponse, check, "response is not AuthenticationResponseJSON", err)
	}
	if err := j.CheckHead(check); err != nil {
		return nil, err
	}
	resp := j.Response
	switch {
	case resp == nil || resp.ClientDataJSON.Bytes() == nil && resp == &j.members && !credjson.HasResponse(body):
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response is missing")
	case resp.ClientDataJSON.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.clientDataJSON is missing")
	case resp.AuthenticatorData.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.authenticatorData is missing")
	case resp.Signature.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.signature is missing")
	}
	ext, err := j.CheckTail(check)
	if err != nil {
		return nil, err
	}
	uh := resp.UserHandle.Bytes()
	if len(uh) == 0 {
		// Absent, null and "" all mean: no user handle.
		uh = nil
	}
	out := Response{
		rawID:             j.RawID.Bytes(),
		attachment:        j.Attachment(),
		extensions:        ext,
		clientDataJSON:    resp.ClientDataJSON.Bytes(),
		authenticatorData: resp.AuthenticatorData.Bytes(),
		signature:         resp.Signature.Bytes(),
		userHandle:        uh,
	}
	*r = out // drops wire, and with it every reference to body
	return r, nil
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
