package attestation

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
)

// plainResponse is RegistrationResponseJSON with the plain types Parse
// decoded into before it used a shared buffer: *string, string, b64.Bytes,
// json.RawMessage, *int64, []string and a pointer to the response object.
// Parse must read every body exactly as these do.
type plainResponse struct {
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
	Transports []string `json:"transports"`
}

// plainParse is Parse as it was written with plainResponse.
func plainParse(body []byte) (*Response, error) {
	const check = "sctn-registering-a-new-credential"
	var j plainResponse
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
	if err := plainCheckExtensionResults(j.ClientExtensionResults); err != nil {
		return nil, err
	}
	if d, err := b64.DecodeString(*j.ID); err != nil || !bytes.Equal(d, j.RawID) {
		return nil, errcode.New(errcode.ErrCredentialIDMismatch, check, "id is not the base64url encoding of rawId")
	}
	transports := j.Response.Transports
	if transports == nil {
		transports = j.Transports
	}
	return &Response{
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

// plainCheckExtensionResults is the reference reading of
// clientExtensionResults: an object when present, null read as absent.
func plainCheckExtensionResults(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || raw[0] == '{' {
		return nil
	}
	return errcode.New(errcode.ErrMalformedResponse, "sctn-registering-a-new-credential",
		"clientExtensionResults is not an object")
}

// plainAttachment keeps the two known values; anything else reads as "".
func plainAttachment(s string) string {
	if s == "platform" || s == "cross-platform" {
		return s
	}
	return ""
}

// sameBytes is bytes.Equal that also tells nil from empty.
func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) && (a == nil) == (b == nil) }

// checkLikePlain parses body both ways and fails on any difference: the
// verdict (code, check, detail) or any decoded value. It returns the
// verdict: verdictOK or the code.
func checkLikePlain(t testing.TB, body []byte) string {
	t.Helper()
	want, werr := plainParse(body)
	got, gerr := Parse(body)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("%s\nParse: %v\nplain types: %v", body, gerr, werr)
	}
	if werr != nil {
		var we, ge *errcode.Error
		if !errors.As(werr, &we) || !errors.As(gerr, &ge) || we.Code != ge.Code || we.Check != ge.Check || we.Detail != ge.Detail {
			t.Fatalf("%s\nParse: %v\nplain types: %v", body, gerr, werr)
		}
		return verdictCode(t, gerr, []errcode.Sentinel{errcode.ErrMalformedResponse, errcode.ErrCredentialIDMismatch})
	}
	if !sameBytes(got.rawID, want.rawID) || !sameBytes(got.clientDataJSON, want.clientDataJSON) ||
		!sameBytes(got.attestationObject, want.attestationObject) || !sameBytes(got.authDataCopy, want.authDataCopy) ||
		!sameBytes(got.extensions, want.extensions) || plainAttachment(got.attachment) != plainAttachment(want.attachment) {
		t.Fatalf("%s\nParse:       %+v\nplain types: %+v", body, got, want)
	}
	if (got.publicKeyAlgorithm == nil) != (want.publicKeyAlgorithm == nil) ||
		got.publicKeyAlgorithm != nil && *got.publicKeyAlgorithm != *want.publicKeyAlgorithm {
		t.Fatalf("%s\npublicKeyAlgorithm %v, plain types %v", body, got.publicKeyAlgorithm, want.publicKeyAlgorithm)
	}
	if !slices.Equal(got.transports, want.transports) || (got.transports == nil) != (want.transports == nil) {
		t.Fatalf("%s\ntransports %q, plain types %q", body, got.transports, want.transports)
	}
	return verdictOK
}

const plainOK = `"id":"AA","rawId":"AA","type":"public-key"`

// plainTypeBodies exercise what the plain types do with null, duplicates,
// escapes, case variants of member names and wrong types.
var plainTypeBodies = []struct{ name, body string }{
	{"minimal", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA"}}`},
	{"every member", `{"id":"AA==","rawId":"AA","type":"public-key","authenticatorAttachment":"cross-platform","clientExtensionResults":{"credProps":{"rk":true}},"response":{"clientDataJSON":"e30","attestationObject":"AA","authenticatorData":"AQ","publicKeyAlgorithm":-7,"publicKey":"AQID","transports":["hybrid","internal"]}}`},
	{"response absent", `{` + plainOK + `}`},
	{"response empty", `{` + plainOK + `,"response":{}}`},
	{"response null", `{` + plainOK + `,"response":null}`},
	{"response null then an object", `{` + plainOK + `,"response":null,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["usb"],"publicKeyAlgorithm":-8}}`},
	{"id then null", `{"id":"AA","id":null,"rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"AA"}}`},
	{"escaped strings", `{"id":"A\u0041","rawId":"AA","type":"public\u002dkey","authenticatorAttachment":"pl\u0061tform","response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["\u0075sb","x\u0041"]}}`},
	{"attachment then null", `{` + plainOK + `,"authenticatorAttachment":"platform","authenticatorAttachment":null,"response":{"clientDataJSON":"e30","attestationObject":"AA"}}`},
	{"transports empty", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":[]},"transports":["nfc"]}`},
	{"transports null", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":null},"transports":["nfc"]}`},
	{"transports at the top only", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA"},"transports":["nfc","smart-card"]}`},
	{"transports many", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["a","b","c","d","e","f","g","h","i","j","usb"]}}`},
	{"transports with null", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["usb",null,"ble"]}}`},
	{"transports twice, shorter", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["usb","nfc"],"transports":[null]}}`},
	{"transports with invalid UTF-8", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["` + "\x80u\xffsb" + `","ble"]}}`},
	{"transports a number", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["usb",5]}}`},
	{"transports a string", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","transports":"usb"}}`},
	{"publicKeyAlgorithm a float", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":-7.0}}`},
	{"publicKeyAlgorithm an exponent", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":1e2}}`},
	{"publicKeyAlgorithm a string", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":"-7"}}`},
	{"publicKeyAlgorithm null", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":null}}`},
	{"publicKeyAlgorithm then null", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":-7,"publicKeyAlgorithm":null}}`},
	{"publicKeyAlgorithm beyond int64", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":9223372036854775808}}`},
	{"publicKeyAlgorithm -0", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":-0}}`},
	{"publicKeyAlgorithm true", `{` + plainOK + `,"response":{"clientDataJSON":"e30","attestationObject":"AA","publicKeyAlgorithm":true}}`},
	{"member names in another case", `{"Id":"AA","RawId":"AA","TYPE":"public-key","RESPONSE":{"clientdatajson":"e30","AttestationObject":"AA","Transports":["usb"]}}`},
	{"attestationObject missing", `{` + plainOK + `,"response":{"clientDataJSON":"e30"}}`},
	{"id another credential", `{"id":"AQ","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"AA"}}`},
	{"extensions a string", `{` + plainOK + `,"clientExtensionResults":"x","response":{"clientDataJSON":"e30","attestationObject":"AA"}}`},
}

func TestParseReadsLikePlainTypes(t *testing.T) {
	for _, c := range plainTypeBodies {
		t.Run(c.name, func(t *testing.T) { checkLikePlain(t, []byte(c.body)) })
	}
}

// FuzzParseReadsLikePlainTypes: Parse reads every body as the plain types
// do (checkLikePlain), starting from plainTypeBodies.
func FuzzParseReadsLikePlainTypes(f *testing.F) {
	for _, c := range plainTypeBodies {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkLikePlain(t, body) })
}
