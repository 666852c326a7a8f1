package attestation

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
	"github.com/gopasskey/passkey/internal/credjson"
)

// MaxBodySize is the largest response body Parse accepts by default: 64 KiB,
// well above the largest attestation a real authenticator sends.
const MaxBodySize = 64 << 10

// responseJSON is RegistrationResponseJSON (#dictdef-registrationresponsejson).
// Its members read JSON as the plain types would (id and type as *string,
// authenticatorAttachment as string, the base64url members as b64.Bytes,
// clientExtensionResults as json.RawMessage, publicKeyAlgorithm as *int64,
// transports as []string), without their allocations: the base64url members
// and clientExtensionResults are decoded into buf, one allocation per body,
// and strings are compared in place.
type responseJSON struct {
	credjson.Envelope
	Response *responseMembers `json:"response"`
	// Transports at the top level: some older serializers put them here.
	Transports []string `json:"transports"`

	members responseMembers // what Response points to unless the body sets it to null
}

// responseMembers is AuthenticatorAttestationResponseJSON.
type responseMembers struct {
	ClientDataJSON     b64.Member  `json:"clientDataJSON"`
	AttestationObject  b64.Member  `json:"attestationObject"`
	AuthenticatorData  b64.Member  `json:"authenticatorData"`
	PublicKeyAlgorithm optionalInt `json:"publicKeyAlgorithm"`
	Transports         []b64.Text  `json:"transports"`

	// transports backs Transports while the body has at most as many.
	transports [8]b64.Text
}

// Response is a registration response as the browser sent it, decoded once.
// It is not yet verified: call [Response.Verify].
type Response struct {
	rawID              []byte
	attachment         string
	extensions         json.RawMessage
	clientDataJSON     []byte
	attestationObject  []byte
	authDataCopy       []byte
	publicKeyAlgorithm *int64 // nil, or &alg
	transports         []string
	alg                int64

	// wire is where Parse decodes the body; it shares the Response's
	// allocation and is cleared before Parse returns.
	wire responseJSON
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
	r := new(Response)
	j := &r.wire
	buf := j.Init(len(body))
	j.Response = &j.members
	m := &j.members
	m.ClientDataJSON.Use(buf)
	m.AttestationObject.Use(buf)
	m.AuthenticatorData.Use(buf)
	for i := range m.transports {
		// A null element leaves a string element as it was.
		m.transports[i].KeepOnNull = true
	}
	m.Transports = m.transports[:0]
	if err := json.Unmarshal(body, j); err != nil {
		return nil, errcode.Wrap(errcode.ErrMalformedResponse, check, "response is not RegistrationResponseJSON", err)
	}
	if err := j.CheckHead(check); err != nil {
		return nil, err
	}
	resp := j.Response
	switch {
	case resp == nil || resp.ClientDataJSON.Bytes() == nil && resp == m && !credjson.HasResponse(body):
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response is missing")
	case resp.ClientDataJSON.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.clientDataJSON is missing")
	case resp.AttestationObject.Bytes() == nil:
		return nil, errcode.New(errcode.ErrMalformedResponse, check, "response.attestationObject is missing")
	}
	ext, err := j.CheckTail(check)
	if err != nil {
		return nil, err
	}
	transports, ok := resp.transportList()
	if !ok {
		transports = j.Transports
	}
	hasAlg := resp.PublicKeyAlgorithm.set
	out := Response{
		rawID:             j.RawID.Bytes(),
		attachment:        j.Attachment(),
		extensions:        ext,
		clientDataJSON:    resp.ClientDataJSON.Bytes(),
		attestationObject: resp.AttestationObject.Bytes(),
		authDataCopy:      resp.AuthenticatorData.Bytes(),
		transports:        transports,
		alg:               resp.PublicKeyAlgorithm.v,
	}
	*r = out // drops wire, and with it every reference to body
	if hasAlg {
		r.publicKeyAlgorithm = &r.alg
	}
	return r, nil
}

// transportList returns response.transports, or false when it was absent or
// null. Known transports are the package's constants, not copies.
func (m *responseMembers) transportList() ([]string, bool) {
	t := m.Transports
	if t == nil || len(t) == 0 && cap(t) == len(m.transports) && &t[:1][0] == &m.transports[0] {
		return nil, false // still the preset empty slice: absent
	}
	list := make([]string, len(t))
	for i := range t {
		list[i] = transportName(t[i].Content())
	}
	return list, true
}

// transportName returns the AuthenticatorTransport value b as a string,
// without a copy for the values the spec defines.
func transportName(b []byte) string {
	for _, name := range [...]string{"usb", "nfc", "ble", "smart-card", "hybrid", "internal"} {
		if string(b) == name {
			return name
		}
	}
	return string(b)
}

// optionalInt reads a JSON member as a *int64 field does: null unsets it, a
// number that is an int64 sets it, anything else is an error.
type optionalInt struct {
	v   int64
	set bool
}

// errNotInt64 is the error for a publicKeyAlgorithm that is not an int64.
var errNotInt64 = errors.New("not an integer in the int64 range")

func (o *optionalInt) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		o.v, o.set = 0, false
		return nil
	}
	if len(data) == 0 || data[0] != '-' && (data[0] < '0' || data[0] > '9') {
		return errNotInt64
	}
	n, err := strconv.ParseInt(string(data), 10, 64)
	if err != nil {
		return errNotInt64
	}
	o.v, o.set = n, true
	return nil
}

// CredentialID returns the credential ID (rawId) the response claims.
func (r *Response) CredentialID() []byte { return r.rawID }

// ClientExtensionResults returns the clientExtensionResults object as sent
// (nil when absent). The client's outputs are unsigned hints.
func (r *Response) ClientExtensionResults() json.RawMessage { return r.extensions }

// Transports returns the transports the browser reported (unknown values kept).
func (r *Response) Transports() []string { return r.transports }
