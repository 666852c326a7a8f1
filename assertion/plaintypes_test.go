package assertion

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
)

// plainResponse is AuthenticationResponseJSON with the plain types Parse
// decoded into before it used a shared buffer: *string, string, b64.Bytes,
// json.RawMessage and a pointer to the response object. Parse must read
// every body exactly as these do.
type plainResponse struct {
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

// plainParse is Parse as it was written with plainResponse.
func plainParse(body []byte) (*Response, error) {
	const check = "sctn-verifying-assertion"
	var j plainResponse
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

// sameBytes is bytes.Equal that also tells nil from empty.
func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) && (a == nil) == (b == nil) }

// checkLikePlain parses body both ways and fails on any difference: the
// verdict (code, check, detail) or any decoded value.
func checkLikePlain(t *testing.T, body []byte) {
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
		return
	}
	if !sameBytes(got.rawID, want.rawID) || !sameBytes(got.clientDataJSON, want.clientDataJSON) ||
		!sameBytes(got.authenticatorData, want.authenticatorData) || !sameBytes(got.signature, want.signature) ||
		!sameBytes(got.userHandle, want.userHandle) || !sameBytes(got.extensions, want.extensions) ||
		got.AuthenticatorAttachment() != want.AuthenticatorAttachment() {
		t.Fatalf("%s\nParse:       %+v\nplain types: %+v", body, got, want)
	}
}

// plainTypeBodies exercise what the plain types do with null, duplicates,
// escapes, case variants of member names and wrong types.
var plainTypeBodies = []struct{ name, body string }{
	{"minimal", `{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"every member", `{"id":"AA==","rawId":"AA","type":"public-key","authenticatorAttachment":"platform","clientExtensionResults":{"a":[1]},"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","userHandle":"AQ"}}`},
	{"empty members", `{"id":"","rawId":"","type":"public-key","response":{"clientDataJSON":"","authenticatorData":"","signature":"","userHandle":""}}`},
	{"response absent", `{"id":"AA","rawId":"AA","type":"public-key"}`},
	{"response empty", `{"id":"AA","rawId":"AA","type":"public-key","response":{}}`},
	{"response null", `{"id":"AA","rawId":"AA","type":"public-key","response":null}`},
	{"response null then an object", `{"id":"AA","rawId":"AA","type":"public-key","response":null,"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"response an object then null", `{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"},"response":null}`},
	{"response twice, merged", `{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30"},"response":{"authenticatorData":"AA","signature":"AA"}}`},
	{"response a string", `{"id":"AA","rawId":"AA","type":"public-key","response":"x"}`},
	{"id then null", `{"id":"AA","id":null,"rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"type null", `{"id":"AA","rawId":"AA","type":null,"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"type another value", `{"id":"AA","rawId":"AA","type":"public-keys","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"escaped strings", `{"id":"A\u0041","rawId":"AA","type":"public\u002dkey","authenticatorAttachment":"cross\u002dplatform","response":{"clientDataJSON":"e\u0033\u0030","authenticatorData":"AA","signature":"AA"}}`},
	{"attachment then null", `{"id":"AA","rawId":"AA","type":"public-key","authenticatorAttachment":"platform","authenticatorAttachment":null,"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"attachment unknown", `{"id":"AA","rawId":"AA","type":"public-key","authenticatorAttachment":"usb","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"attachment a number", `{"id":"AA","rawId":"AA","type":"public-key","authenticatorAttachment":5,"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"extensions null", `{"id":"AA","rawId":"AA","type":"public-key","clientExtensionResults":null,"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"extensions an array", `{"id":"AA","rawId":"AA","type":"public-key","clientExtensionResults":[],"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"member names in another case", `{"ID":"AA","RAWID":"AA","Type":"public-key","Response":{"ClientDataJSON":"e30","authenticatorData":"AA","signature":"AA","USERHANDLE":"AQ"}}`},
	{"id a number", `{"id":5,"rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"id not base64url", `{"id":"!!","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"id another credential", `{"id":"AQ","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"rawId not base64url", `{"id":"AA","rawId":"A+","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`},
	{"signature null", `{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":null}}`},
	{"userHandle null", `{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","userHandle":null}}`},
	{"unknown members", `{"id":"AA","rawId":"AA","type":"public-key","x":{"y":[null]},"response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","z":1}}`},
	{"not JSON", `{"id":"AA"`},
	{"an array", `[]`},
}

func TestParseReadsLikePlainTypes(t *testing.T) {
	for _, c := range plainTypeBodies {
		t.Run(c.name, func(t *testing.T) { checkLikePlain(t, []byte(c.body)) })
	}
}

// FuzzParseReadsLikePlainTypes checks that Parse reads every body as the
// plain encoding/json types do (checkLikePlain), and that an accepted body's
// members, written back as AuthenticationResponseJSON, parse to the same
// values (checkReencodes).
//
// The seeds are plainTypeBodies; TestPlainTypeSeedsReachCodes checks that
// they reach every verdict.
func FuzzParseReadsLikePlainTypes(f *testing.F) {
	for _, c := range plainTypeBodies {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkLikePlain(t, body)
		checkReencodes(t, body)
	})
}

// checkReencodes writes the members Parse read from body back as the
// toJSON() encoding of an AuthenticationResponseJSON and fails unless that
// parses to the same values. clientExtensionResults is copied verbatim.
func checkReencodes(t *testing.T, body []byte) {
	t.Helper()
	r, err := Parse(body)
	if err != nil {
		return
	}
	str := func(s string) string {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	id := str(b64.Encode(r.rawID))
	var w bytes.Buffer
	w.WriteString(`{"id":` + id + `,"rawId":` + id + `,"type":"public-key","response":{`)
	w.WriteString(`"clientDataJSON":` + str(b64.Encode(r.clientDataJSON)))
	w.WriteString(`,"authenticatorData":` + str(b64.Encode(r.authenticatorData)))
	w.WriteString(`,"signature":` + str(b64.Encode(r.signature)))
	if r.userHandle != nil {
		w.WriteString(`,"userHandle":` + str(b64.Encode(r.userHandle)))
	}
	w.WriteString("}")
	if r.attachment != "" {
		w.WriteString(`,"authenticatorAttachment":` + str(r.attachment))
	}
	if r.extensions != nil {
		w.WriteString(`,"clientExtensionResults":` + string(r.extensions))
	}
	w.WriteString("}")
	again, err := Parse(w.Bytes())
	if err != nil {
		t.Fatalf("the members written back do not parse: %v\n%s", err, w.Bytes())
	}
	if !sameBytes(again.rawID, r.rawID) || !sameBytes(again.clientDataJSON, r.clientDataJSON) ||
		!sameBytes(again.authenticatorData, r.authenticatorData) || !sameBytes(again.signature, r.signature) ||
		!sameBytes(again.userHandle, r.userHandle) || !sameBytes(again.extensions, r.extensions) ||
		again.attachment != r.attachment {
		t.Fatalf("the members changed on the way back:\n%+v\n%+v", r, again)
	}
}

// TestPlainTypeSeedsReachCodes holds FuzzParseReadsLikePlainTypes's seeds
// to reaching acceptance and both verdicts Parse gives.
func TestPlainTypeSeedsReachCodes(t *testing.T) {
	want := []string{"", string(errcode.ErrMalformedResponse), string(errcode.ErrCredentialIDMismatch)}
	reached := map[string][]string{}
	for _, c := range plainTypeBodies {
		_, err := Parse([]byte(c.body))
		code := ""
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) {
				t.Fatalf("%s: error %v is not an *errcode.Error", c.name, err)
			}
			code = e.Code
		}
		reached[code] = append(reached[code], c.name)
	}
	for _, c := range want {
		if len(reached[c]) == 0 {
			t.Errorf("no seed reaches %q", c)
		}
	}
	if len(reached) != len(want) {
		t.Errorf("seeds reach %d verdicts, the test names %d: %v", len(reached), len(want), reached)
	}
}
