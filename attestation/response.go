package attestation

import (
	"bytes"
	"encoding/json"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
)

// MaxBodySize is the largest response body Parse accepts by default: 64 KiB,
// well above the largest attestation a real authenticator sends.
const MaxBodySize = 64 << 10

// responseJSON is RegistrationResponseJSON (#dictdef-registrationresponsejson).
type responseJSON struct {
	ID                      *string         `json:"id"`
	RawID                   b64.Bytes       `json:"rawId"`
	Type                    *string         `json:"type"`
	AuthenticatorAttachment string          `json:"authenticatorAttachment"`
	ClientExtensionResults  json.RawMessage `json:"clientExtensionResults"`
	Response                *struct {
		ClientDataJSON     b64.Bytes `json:"clientDataJSON"`
		AttestationObject  b64.Bytes `json:"attestationObject"`
		AuthenticatorData  b64.Bytes `json:"authenticatorData"`
		PublicKeyAlgorithm *int64    `json:"publicKeyAlgorithm"`
		Transports         []string  `json:"transports"`
	} `json:"response"`
	// Transports at the top level: some older serializers put them here.
	Transports []string `json:"transports"`
}

// Response is a registration response as the browser sent it, decoded once.
// It is not yet verified: call [Response.Verify].
type Response struct {
	id                 string
	rawID              []byte
	attachment         string
	extensions         json.RawMessage
	clientDataJSON     []byte
	attestationObject  []byte
	authDataCopy       []byte
	publicKeyAlgorithm *int64
	transports         []string
}

// Parse decodes a RegistrationResponseJSON body. It checks the shape only
// (#sctn-registering-a-new-credential steps 3–4): required members present
// with the right types, base64url members well formed, id equal to rawId.
// Bodies over [MaxBodySize] are refused before decoding.
func Parse(body []byte) (*Response, error) {
	return ParseLimit(body, MaxBodySize)
}

// ParseLimit is [Parse] with a body limit of max bytes.
func ParseLimit(body []byte, max int) (*Response, error) {
	const check = "sctn-registering-a-new-credential"
	if len(body) > max {
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response body larger than the limit")
	}
	var j responseJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return nil, errcode.Wrap(errcode.ErrMalformedResponse, check, "response is not RegistrationResponseJSON", err)
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
	case j.Response.AttestationObject == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.attestationObject is missing")
	}
	if err := checkExtensionResults(j.ClientExtensionResults); err != nil {
		return nil, err
	}
	if !equalID(*j.ID, j.RawID) {
		return nil, errcode.New(errcode.ErrCredentialIDMismatch, check, "id is not the base64url encoding of rawId")
	}
	transports := j.Response.Transports
	if transports == nil {
		transports = j.Transports
	}
	return &Response{
		id:                 *j.ID,
		rawID:              j.RawID,
		attachment:         j.AuthenticatorAttachment,
		extensions:         j.ClientExtensionResults,
		clientDataJSON:     j.Response.ClientDataJSON,
		attestationObject:  j.Response.AttestationObject,
		authDataCopy:       j.Response.AuthenticatorData,
		publicKeyAlgorithm: j.Response.PublicKeyAlgorithm,
		transports:         transports,
	}, nil
}

// checkExtensionResults requires clientExtensionResults to be an object when
// present. Older serializers omit it, and null is read as absent.
func checkExtensionResults(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || raw[0] == '{' {
		return nil
	}
	return errcode.New(errcode.ErrMalformedResponse, "sctn-registering-a-new-credential",
		"clientExtensionResults is not an object")
}

// equalID reports whether id spells rawID in base64url; a correct padding is
// tolerated as it is for every other member.
func equalID(id string, rawID []byte) bool {
	d, err := b64.DecodeString(id)
	return err == nil && bytes.Equal(d, rawID)
}

// CredentialID returns the credential ID (rawId) the response claims.
func (r *Response) CredentialID() []byte { return r.rawID }

// ClientExtensionResults returns the clientExtensionResults object as sent
// (nil when absent). The client's outputs are unsigned hints.
func (r *Response) ClientExtensionResults() json.RawMessage { return r.extensions }

// Transports returns the transports the browser reported (unknown values kept).
func (r *Response) Transports() []string { return r.transports }
