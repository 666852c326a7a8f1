package passkeytest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/gopasskey/passkey/passkeytest"
)

type prfOut struct {
	Enabled *bool `json:"enabled"`
	Results *struct {
		First  string  `json:"first"`
		Second *string `json:"second"`
	} `json:"results"`
}

func prfOf(t *testing.T, results map[string]json.RawMessage) prfOut {
	t.Helper()
	var p prfOut
	if raw, ok := results["prf"]; !ok {
		t.Fatal("no prf output")
	} else {
		mustUnmarshal(t, raw, &p)
	}
	return p
}

func authExtensions(t *testing.T, ad authData) map[string]cbor.RawMessage {
	t.Helper()
	var m map[string]cbor.RawMessage
	if ad.ext != nil {
		if err := cbor.Unmarshal(ad.ext, &m); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestPRF: results are the credential's hmac-secret over the salted inputs
// (#prf-extension), stable across ceremonies, different with and without UV
// and per credential.
func TestPRF(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	first := base64.RawURLEncoding.EncodeToString([]byte("input one"))
	second := base64.RawURLEncoding.EncodeToString([]byte("input two"))
	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.Selection = map[string]any{"residentKey": "required"}
	o.Extensions = map[string]any{"prf": map[string]any{"eval": map[string]any{"first": first}}}
	body, err := a.Create(o.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	reg := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
	p := prfOf(t, reg.json.ClientExtensionResults)
	if p.Enabled == nil || !*p.Enabled || p.Results == nil || len(b64(t, p.Results.First)) != 32 {
		t.Fatalf("registration prf output %+v", p)
	}
	if ext := authExtensions(t, reg.ad); string(ext["hmac-secret"]) != "\xf5" {
		t.Fatal("registration authData lacks hmac-secret: true")
	}

	get := func(uv string, eval map[string]any) prfOut {
		g := newGetOpts(testRPID, []byte("g"), reg.ad.credID)
		g.UserVerification = uv
		g.Extensions = map[string]any{"prf": eval}
		body, err := a.Get(g.json(t), testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		as := decodeAssertion(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("g")})
		if len(authExtensions(t, as.ad)["hmac-secret"]) == 0 {
			t.Fatal("assertion authData lacks hmac-secret")
		}
		if err := as.verify(reg.key); err != nil {
			t.Fatal(err)
		}
		return prfOf(t, as.json.ClientExtensionResults)
	}
	both := map[string]any{"eval": map[string]any{"first": first, "second": second}}
	uv1, uv2, noUV := get("required", both), get("preferred", both), get("discouraged", both)
	if uv1.Results.First != p.Results.First {
		t.Fatal("PRF at registration differs from the assertion's")
	}
	if uv1.Results.First != uv2.Results.First || *uv1.Results.Second != *uv2.Results.Second {
		t.Fatal("PRF not stable")
	}
	if uv1.Results.First == *uv1.Results.Second || uv1.Results.First == noUV.Results.First {
		t.Fatal("PRF ignores its input or the UV state")
	}
	byCred := get("required", map[string]any{"eval": map[string]any{"first": second},
		"evalByCredential": map[string]any{base64.RawURLEncoding.EncodeToString(reg.ad.credID): map[string]any{"first": first}}})
	if byCred.Results.First != uv1.Results.First || byCred.Results.Second != nil {
		t.Fatal("evalByCredential not preferred over eval")
	}

	g := newGetOpts(testRPID, []byte("g"))
	g.Extensions = map[string]any{"prf": map[string]any{"evalByCredential": map[string]any{"AA": map[string]any{"first": first}}}}
	if _, err := a.Get(g.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotSupported) {
		t.Fatalf("evalByCredential without allowCredentials: err %v", err)
	}
	g.Extensions = map[string]any{"prf": map[string]any{"eval": map[string]any{"second": first}}}
	if _, err := a.Get(g.json(t), testOrigin); !errors.Is(err, passkeytest.ErrType) {
		t.Fatalf("eval without first: err %v", err)
	}
}

// TestAppID: a U2F-era credential answers only through the appid extension,
// over the AppID hash (#sctn-appid-extension); appidExclude excludes it
// (#sctn-appid-exclude-extension).
func TestAppID(t *testing.T) {
	const appID = "https://example.com/appid.json"
	a := newAuthenticator(t, passkeytest.Config{})
	body, err := a.Create(newCreateOpts(testRPID, []byte("c"), -8, -7).json(t), testOrigin,
		func(k *passkeytest.Knobs) { k.AppID = appID })
	if err != nil {
		t.Fatal(err)
	}
	cred := a.Credentials()[0]
	if cred.AppID != appID || cred.Algorithm != passkeytest.AlgES256 || cred.Discoverable {
		t.Fatalf("U2F-era credential %+v", cred)
	}
	r := decodeRegistration(t, body, expectation{rpID: appID, origin: testOrigin, challenge: []byte("c")})
	if r.ad.flags&fUV != 0 {
		t.Fatal("a U2F key verified the user")
	}
	key, err := parseCOSE(cred.PublicKey)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := a.Get(newGetOpts(testRPID, []byte("g"), cred.ID).json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("without appid: err %v", err)
	}
	g := newGetOpts(testRPID, []byte("g"), cred.ID)
	g.Extensions = map[string]any{"appid": appID}
	body, err = a.Get(g.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	as := decodeAssertion(t, body, expectation{rpID: appID, origin: testOrigin, challenge: []byte("g")})
	if err := as.verify(key); err != nil {
		t.Fatal(err)
	}
	if string(as.json.ClientExtensionResults["appid"]) != "true" {
		t.Fatalf("appid output %s", as.json.ClientExtensionResults["appid"])
	}
	if as.ad.flags&fUV != 0 {
		t.Fatal("a U2F key verified the user")
	}
	g.UserVerification = "required"
	if _, err := a.Get(g.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("U2F credential with UV required: err %v", err)
	}

	// An ordinary credential with the appid extension: appid is false.
	if _, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin); err != nil {
		t.Fatal(err)
	}
	g = newGetOpts(testRPID, []byte("g"), a.Credentials()[1].ID)
	g.Extensions = map[string]any{"appid": appID}
	body, err = a.Get(g.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	as = decodeAssertion(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("g")})
	if string(as.json.ClientExtensionResults["appid"]) != "false" {
		t.Fatalf("appid output %s", as.json.ClientExtensionResults["appid"])
	}

	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.ExcludeCredentials = []map[string]any{{"type": "public-key", "id": base64.RawURLEncoding.EncodeToString(cred.ID)}}
	if _, err := a.Create(o.json(t), testOrigin); err != nil {
		t.Fatalf("U2F credential excluded without appidExclude: %v", err)
	}
	o.Extensions = map[string]any{"appidExclude": appID}
	if _, err := a.Create(o.json(t), testOrigin); !errors.Is(err, passkeytest.ErrInvalidState) {
		t.Fatalf("appidExclude: err %v", err)
	}
	o.ExcludeCredentials = nil
	body, err = a.Create(o.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	var reg regJSON
	mustUnmarshal(t, body, &reg)
	if string(reg.ClientExtensionResults["appidExclude"]) != "true" {
		t.Fatal("appidExclude output missing")
	}
}

// TestCredProtect: the signed credProtect output, and the policy enforced
// in assertions (CTAP 2.1 credProtect).
func TestCredProtect(t *testing.T) {
	for _, tc := range []struct {
		policy    string
		level     byte
		noUVAllow bool // usable without UV when listed
		noUVEmpty bool // usable without UV with an empty allow list
	}{
		{"userVerificationOptional", 1, true, true},
		{"userVerificationOptionalWithCredentialIDList", 2, true, false},
		{"userVerificationRequired", 3, false, false},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{})
			o := newCreateOpts(testRPID, []byte("c"), -7)
			o.Selection = map[string]any{"residentKey": "required"}
			o.Extensions = map[string]any{"credentialProtectionPolicy": tc.policy, "enforceCredentialProtectionPolicy": true}
			body, err := a.Create(o.json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
			if got := authExtensions(t, r.ad)["credProtect"]; len(got) != 1 || got[0] != tc.level {
				t.Fatalf("credProtect output %x, want %d", got, tc.level)
			}
			if len(r.json.ClientExtensionResults) != 0 {
				t.Fatal("credProtect has no client output")
			}
			try := func(uv string, allow bool) bool {
				g := newGetOpts(testRPID, []byte("g"))
				if allow {
					g = newGetOpts(testRPID, []byte("g"), r.ad.credID)
				}
				g.UserVerification = uv
				_, err := a.Get(g.json(t), testOrigin)
				return err == nil
			}
			if !try("required", false) || !try("required", true) {
				t.Fatal("not usable with UV")
			}
			if try("discouraged", true) != tc.noUVAllow || try("discouraged", false) != tc.noUVEmpty {
				t.Fatal("policy not enforced")
			}
		})
	}
}

func TestLargeBlobUnsupported(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.Extensions = map[string]any{"largeBlob": map[string]any{"support": "preferred"}, "unknownExtension": 1}
	body, err := a.Create(o.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	var r regJSON
	mustUnmarshal(t, body, &r)
	if got := string(r.ClientExtensionResults["largeBlob"]); got != `{"supported":false}` || len(r.ClientExtensionResults) != 1 {
		t.Fatalf("clientExtensionResults %v", r.ClientExtensionResults)
	}
	g := newGetOpts(testRPID, []byte("g"), a.Credentials()[0].ID)
	g.Extensions = map[string]any{"largeBlob": map[string]any{"write": "AQID"}}
	body, err = a.Get(g.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	var as authJSON
	mustUnmarshal(t, body, &as)
	if got := string(as.ClientExtensionResults["largeBlob"]); got != `{"written":false}` {
		t.Fatalf("largeBlob %s", got)
	}
}
