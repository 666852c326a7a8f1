package passkeytest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
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

// TestLargeBlob: an authenticator with largeBlob reports support, and an
// assertion writes a blob that a later one reads (#sctn-large-blob-extension);
// a credential created without the extension has nowhere to keep one.
func TestLargeBlob(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{LargeBlob: true})
	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.Extensions = map[string]any{"largeBlob": map[string]any{"support": "required"}}
	body, err := a.Create(o.json(t), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	var r regJSON
	mustUnmarshal(t, body, &r)
	if got := string(r.ClientExtensionResults["largeBlob"]); got != `{"supported":true}` {
		t.Fatalf("registration largeBlob %s", got)
	}
	id := a.Credentials()[0].ID

	get := func(id []byte, in map[string]any) string {
		t.Helper()
		g := newGetOpts(testRPID, []byte("g"), id)
		g.Extensions = map[string]any{"largeBlob": in}
		body, err := a.Get(g.json(t), testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		var as authJSON
		mustUnmarshal(t, body, &as)
		return string(as.ClientExtensionResults["largeBlob"])
	}
	if got := get(id, map[string]any{"read": true}); got != `{}` {
		t.Fatalf("read before any write: %s", got)
	}
	blob := base64.RawURLEncoding.EncodeToString([]byte("a large blob"))
	if got := get(id, map[string]any{"write": blob}); got != `{"written":true}` {
		t.Fatalf("write: %s", got)
	}
	if got := get(id, map[string]any{"read": true}); got != `{"blob":"`+blob+`"}` {
		t.Fatalf("read after write: %s", got)
	}

	// Created without largeBlob: no key, so no blob.
	if _, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin); err != nil {
		t.Fatal(err)
	}
	plain := a.Credentials()[1].ID
	if got := get(plain, map[string]any{"write": blob}); got != `{"written":false}` {
		t.Fatalf("write to a credential without largeBlob: %s", got)
	}
	if got := get(plain, map[string]any{"read": true}); got != `{}` {
		t.Fatalf("read from a credential without largeBlob: %s", got)
	}
}

// TestLargeBlobInputRules: the client's NotSupportedError cases of
// #sctn-large-blob-extension.
func TestLargeBlobInputRules(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{LargeBlob: true})
	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.Extensions = map[string]any{"largeBlob": map[string]any{"read": true}}
	if _, err := a.Create(o.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotSupported) {
		t.Fatalf("read at registration: err %v", err)
	}
	o.Extensions = map[string]any{"largeBlob": map[string]any{"support": "preferred"}}
	if _, err := a.Create(o.json(t), testOrigin); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(o.json(t), testOrigin); err != nil {
		t.Fatal(err)
	}
	ids := [][]byte{a.Credentials()[0].ID, a.Credentials()[1].ID}
	blob := base64.RawURLEncoding.EncodeToString([]byte("b"))
	for _, tc := range []struct {
		name  string
		allow [][]byte
		in    map[string]any
	}{
		{"support in an assertion", ids[:1], map[string]any{"support": "required"}},
		{"read and write", ids[:1], map[string]any{"read": true, "write": blob}},
		{"write with two allowed", ids, map[string]any{"write": blob}},
		{"write with none allowed", nil, map[string]any{"write": blob}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGetOpts(testRPID, []byte("g"), tc.allow...)
			g.Extensions = map[string]any{"largeBlob": tc.in}
			if _, err := a.Get(g.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotSupported) {
				t.Fatalf("err %v, want NotSupportedError", err)
			}
		})
	}
}

// TestLargeBlobRequiredUnsupported: without support, "required" fails the
// ceremony and "preferred" reports supported false.
func TestLargeBlobRequiredUnsupported(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.Extensions = map[string]any{"largeBlob": map[string]any{"support": "required"}}
	if _, err := a.Create(o.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("required and unsupported: err %v", err)
	}
}

// TestMinPinLength: the signed minPinLength output, only when asked and
// only from an authenticator configured to disclose it.
func TestMinPinLength(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    int
		ask    bool
		output []byte // CBOR, nil for none
	}{
		{"disclosed", 8, true, []byte{0x08}},
		{"not asked", 8, false, nil},
		{"not disclosed", 0, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{MinPINLength: tc.cfg})
			o := newCreateOpts(testRPID, []byte("c"), -7)
			if tc.ask {
				o.Extensions = map[string]any{"minPinLength": true}
			}
			body, err := a.Create(o.json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
			got, ok := authExtensions(t, r.ad)["minPinLength"]
			if ok != (tc.output != nil) || string(got) != string(tc.output) {
				t.Fatalf("minPinLength output %x, want %x", got, tc.output)
			}
			if _, ok := r.json.ClientExtensionResults["minPinLength"]; ok {
				t.Fatal("minPinLength has no client output")
			}
		})
	}
	if _, err := passkeytest.New(passkeytest.Config{MinPINLength: 64}); err == nil {
		t.Fatal("MinPINLength 64 accepted")
	}
}

// TestNoCredProtect: a client fails an enforced policy above level 1 on an
// authenticator without credProtect, and drops an unenforced one.
func TestNoCredProtect(t *testing.T) {
	for _, tc := range []struct {
		policy  string
		enforce bool
		fails   bool
	}{
		{"userVerificationRequired", true, true},
		{"userVerificationOptionalWithCredentialIDList", true, true},
		{"userVerificationOptional", true, false},
		{"userVerificationRequired", false, false},
	} {
		t.Run(tc.policy+"/"+strconv.FormatBool(tc.enforce), func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{NoCredProtect: true})
			o := newCreateOpts(testRPID, []byte("c"), -7)
			o.Selection = map[string]any{"residentKey": "required"}
			o.Extensions = map[string]any{"credentialProtectionPolicy": tc.policy, "enforceCredentialProtectionPolicy": tc.enforce}
			body, err := a.Create(o.json(t), testOrigin)
			if tc.fails {
				if !errors.Is(err, passkeytest.ErrNotAllowed) {
					t.Fatalf("err %v, want NotAllowedError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
			if _, ok := authExtensions(t, r.ad)["credProtect"]; ok {
				t.Fatal("credProtect output from an authenticator without it")
			}
			// Unprotected: usable without UV and without an allow list.
			g := newGetOpts(testRPID, []byte("g"))
			g.UserVerification = "discouraged"
			if _, err := a.Get(g.json(t), testOrigin); err != nil {
				t.Fatalf("unprotected credential refused: %v", err)
			}
		})
	}
}
