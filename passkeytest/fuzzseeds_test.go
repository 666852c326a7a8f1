package passkeytest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// fuzzOrigin is the page FuzzOptions calls create() and get() from.
const fuzzOrigin = "https://example.com"

// newFuzzAuthenticator is the authenticator FuzzOptions runs on.
func newFuzzAuthenticator(t testing.TB) *passkeytest.Authenticator {
	t.Helper()
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("fuzz"), Algorithms: []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ceremony is navigator.credentials.create() or get() on one authenticator.
type ceremony struct {
	name string
	run  func([]byte, string, ...passkeytest.Tweak) ([]byte, error)
}

// ceremoniesOf lists create() then get(): FuzzOptions runs both, in this
// order, on every input.
func ceremoniesOf(a *passkeytest.Authenticator) []ceremony {
	return []ceremony{{"create", a.Create}, {"get", a.Get}}
}

// optionsSeeds are FuzzOptions's seeds, in the order the target's first
// inputs would run them on one authenticator: options both ceremonies
// accept, and options for each failure a browser reports.
var optionsSeeds = []string{
	`{"rp":{"name":"x"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AA","pubKeyCredParams":[{"type":"public-key","alg":-7}],"extensions":{"prf":{"eval":{"first":"AA"}},"credProps":true}}`,
	`{"rp":{"name":"x","id":"example.com"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AAE=","pubKeyCredParams":[{"type":"public-key","alg":-8}],"authenticatorSelection":{"residentKey":"required"}}`,
	`{"publicKey":{"challenge":"AA","allowCredentials":[{"type":"public-key","id":"AA"}],"extensions":{"appid":"x","prf":{"evalByCredential":{"AA":{"first":"AA"}}}}},"mediation":"conditional"}`,
	`{"publicKey":null}`,
	`{"rp":{"name":"x"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"!","pubKeyCredParams":[]}`,
	`{"rp":{"name":"x","id":"evil.example"},"rpId":"evil.example","user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AA","pubKeyCredParams":[]}`,
	`{"rp":{"name":"x"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AA","pubKeyCredParams":[{"type":"public-key","alg":-257}]}`,
	`{"rp":{"name":"x"},"user":{"id":"AQ","name":"a","displayName":"A"},"challenge":"AA","pubKeyCredParams":[],"authenticatorSelection":{"authenticatorAttachment":"cross-platform"}}`,
	`{"challenge":"AA","allowCredentials":[{"type":"public-key","id":"AA"}]`,
}

// TestFuzzSeedsReachCodes holds FuzzOptions's seeds to reaching, for
// create() and for get() each, success and every DOMException name the
// ceremony reports. InvalidStateError is left out: it needs a credential
// ID the authenticator made in an earlier input, which no seed can know.
func TestFuzzSeedsReachCodes(t *testing.T) {
	names := func(sentinels ...*passkeytest.Error) []string {
		out := []string{""} // success
		for _, s := range sentinels {
			out = append(out, s.Name)
		}
		return out
	}
	want := map[string][]string{
		"create": names(passkeytest.ErrType, passkeytest.ErrEncoding, passkeytest.ErrSecurity, passkeytest.ErrNotSupported, passkeytest.ErrNotAllowed),
		"get":    names(passkeytest.ErrType, passkeytest.ErrEncoding, passkeytest.ErrSecurity, passkeytest.ErrNotAllowed),
	}
	reached := map[string]map[string]int{"create": {}, "get": {}}
	a := newFuzzAuthenticator(t)
	for _, s := range optionsSeeds {
		for _, c := range ceremoniesOf(a) {
			_, err := c.run([]byte(s), fuzzOrigin)
			name := ""
			if err != nil {
				var e *passkeytest.Error
				if !errors.As(err, &e) {
					t.Fatalf("%s(%s): error %v is not a *passkeytest.Error", c.name, s, err)
				}
				name = e.Name
			}
			reached[c.name][name]++
		}
	}
	for ceremony, names := range want {
		for _, n := range names {
			if reached[ceremony][n] == 0 {
				t.Errorf("%s: no seed reaches %q; reached %v", ceremony, n, reached[ceremony])
			}
		}
	}
}

// checkResponse checks what a browser must have put in the response to
// options data (#sctn-createCredential, #sctn-getAssertion): id is rawId,
// type is "public-key", the client data carries the ceremony's type, the
// calling origin and the options' challenge, and the authenticator data
// starts with SHA-256 of the RP ID (the options' one, else the origin's
// host), or of the AppID the appid extension named.
func checkResponse(t *testing.T, data, body []byte, ceremony string) {
	t.Helper()
	opts := data
	var wrapper struct {
		PublicKey json.RawMessage `json:"publicKey"`
	}
	if json.Unmarshal(data, &wrapper) == nil && len(wrapper.PublicKey) > 0 && string(wrapper.PublicKey) != "null" {
		opts = wrapper.PublicKey
	}
	// rp is a member of creation options only: a browser ignores it (and
	// rpId) in the other ceremony, whatever its type, and so does
	// passkeytest, so it is read per ceremony.
	var o struct {
		Challenge  string
		RP         json.RawMessage
		RPID       json.RawMessage
		Extensions struct{ AppID *string }
	}
	if err := json.Unmarshal(opts, &o); err != nil {
		t.Fatalf("%s accepted options encoding/json refuses: %v", ceremony, err)
	}
	rpID := "example.com"
	switch ceremony {
	case "create":
		var rp *struct{ ID *string }
		if err := json.Unmarshal(orNull(o.RP), &rp); err != nil {
			t.Fatalf("create accepted an rp encoding/json refuses: %v", err)
		}
		if rp != nil && rp.ID != nil {
			rpID = *rp.ID
		}
	case "get":
		var id *string
		if err := json.Unmarshal(orNull(o.RPID), &id); err != nil {
			t.Fatalf("get accepted an rpId encoding/json refuses: %v", err)
		}
		if id != nil {
			rpID = *id
		}
	}
	challenge, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(o.Challenge, "="))
	if err != nil {
		t.Fatalf("%s accepted the challenge %q: %v", ceremony, o.Challenge, err)
	}

	var r struct {
		ID, RawID, Type string
		Response        struct{ ClientDataJSON, AuthenticatorData string }
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s response is not JSON: %v", ceremony, err)
	}
	if r.ID != r.RawID || r.ID == "" || r.Type != "public-key" {
		t.Fatalf("%s response: id %q, rawId %q, type %q", ceremony, r.ID, r.RawID, r.Type)
	}
	cdj, err1 := base64.RawURLEncoding.DecodeString(r.Response.ClientDataJSON)
	ad, err2 := base64.RawURLEncoding.DecodeString(r.Response.AuthenticatorData)
	if err1 != nil || err2 != nil || len(ad) < 32 {
		t.Fatalf("%s response members do not decode: %v %v", ceremony, err1, err2)
	}
	var cd struct{ Type, Challenge, Origin string }
	if err := json.Unmarshal(cdj, &cd); err != nil {
		t.Fatalf("%s client data is not JSON: %v", ceremony, err)
	}
	if cd.Type != "webauthn."+ceremony || cd.Origin != fuzzOrigin || cd.Challenge != base64.RawURLEncoding.EncodeToString(challenge) {
		t.Fatalf("%s client data %s for challenge %q", ceremony, cdj, o.Challenge)
	}
	hash := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(ad[:32], hash[:]) {
		appID := sha256.Sum256([]byte(deref(o.Extensions.AppID)))
		if ceremony != "get" || o.Extensions.AppID == nil || !bytes.Equal(ad[:32], appID[:]) {
			t.Fatalf("%s rpIdHash is not SHA-256 of %q", ceremony, rpID)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// orNull is raw, or the JSON null when raw is absent.
func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}
