package passkeytest_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// objectKeys returns an object's member names in document order.
func objectKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func member(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

// TestResponseJSONShape checks the members toJSON() gives
// (#dictdef-registrationresponsejson, #dictdef-authenticationresponsejson),
// in WebIDL's lexicographic member order, with unpadded base64url values.
func TestResponseJSONShape(t *testing.T) {
	cases := []struct {
		name         string
		alg          int64
		discoverable bool
		regResponse  []string
		authResponse []string
	}{
		{"ES256 discoverable", passkeytest.AlgES256, true,
			[]string{"attestationObject", "authenticatorData", "clientDataJSON", "publicKey", "publicKeyAlgorithm", "transports"},
			[]string{"authenticatorData", "clientDataJSON", "signature", "userHandle"}},
		{"RS256 server-side", passkeytest.AlgRS256, false,
			[]string{"attestationObject", "authenticatorData", "clientDataJSON", "publicKey", "publicKeyAlgorithm", "transports"},
			[]string{"authenticatorData", "clientDataJSON", "signature"}},
		// Browsers cannot express these keys as SPKI: publicKey is absent.
		{"ML-DSA-65", passkeytest.AlgMLDSA65, true,
			[]string{"attestationObject", "authenticatorData", "clientDataJSON", "publicKeyAlgorithm", "transports"},
			[]string{"authenticatorData", "clientDataJSON", "signature", "userHandle"}},
		{"Ed448", passkeytest.AlgEd448, false,
			[]string{"attestationObject", "authenticatorData", "clientDataJSON", "publicKeyAlgorithm", "transports"},
			[]string{"authenticatorData", "clientDataJSON", "signature"}},
	}
	top := []string{"authenticatorAttachment", "clientExtensionResults", "id", "rawId", "response", "type"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{})
			opts := newCreateOpts(testRPID, []byte("c"), tc.alg)
			if tc.discoverable {
				opts.Selection = map[string]any{"residentKey": "required"}
			}
			reg, err := a.Create(opts.json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			auth, err := a.Get(newGetOpts(testRPID, []byte("c2"), a.Credentials()[0].ID).json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				body     []byte
				response []string
			}{{reg, tc.regResponse}, {auth, tc.authResponse}} {
				if got := objectKeys(t, c.body); !slices.Equal(got, top) {
					t.Errorf("top-level members %v, want %v", got, top)
				}
				if got := objectKeys(t, member(t, c.body, "response")); !slices.Equal(got, c.response) {
					t.Errorf("response members %v, want %v", got, c.response)
				}
				if s := string(c.body); strings.ContainsAny(s, "=+/") {
					t.Errorf("padded or non-URL base64 in %s", s)
				}
				if got := string(member(t, c.body, "clientExtensionResults")); got != "{}" {
					t.Errorf("clientExtensionResults %s, want {}", got)
				}
				if got := string(member(t, c.body, "authenticatorAttachment")); got != `"platform"` {
					t.Errorf("authenticatorAttachment %s", got)
				}
			}
			var transports []string
			if err := json.Unmarshal(member(t, member(t, reg, "response"), "transports"), &transports); err != nil ||
				!slices.Equal(transports, []string{"hybrid", "internal"}) {
				t.Errorf("transports %v", transports)
			}
		})
	}
}

// TestNoBase64Padding decodes every binary member strictly: a padded or
// standard-alphabet value fails b64().
func TestNoBase64Padding(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPacked})
	opts := newCreateOpts(testRPID, []byte("ab"), passkeytest.AlgES256)
	opts.Attestation = "direct"
	opts.Selection = map[string]any{"residentKey": "required"}
	reg, err := a.Create(opts.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r := decodeRegistration(t, reg, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("ab")})
	for _, s := range []string{r.json.ID, r.json.RawID, r.json.Response.AttestationObject, r.json.Response.AuthenticatorData,
		r.json.Response.ClientDataJSON, *r.json.Response.PublicKey} {
		b64(t, s)
	}
	auth, err := a.Get(newGetOpts(testRPID, []byte("xyz")).json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	as := decodeAssertion(t, auth, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("xyz")})
	for _, s := range []string{as.json.Response.Signature, *as.json.Response.UserHandle} {
		b64(t, s)
	}
}
