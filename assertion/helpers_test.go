package assertion_test

// Test helpers shared by the ceremony, mutation, benchmark and fuzz tests of
// this package. Every response comes from passkeytest, the module's
// independent software authenticator; the stored record is built from what
// the authenticator reports about its own credential, never from this
// module's registration verifier, so the two ceremonies are tested apart.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

const (
	testRPID   = "example.com"
	testOrigin = "https://example.com"
	// testAppID is the FIDO AppID of a U2F-era credential (#sctn-appid-extension).
	testAppID = "https://example.com/appid.json"
)

// testChallenge is the challenge every request carries.
var testChallenge = []byte("assertion-challenge-0123456789ab")

// testUser is the user handle (user.id) of the test account.
var testUser = []byte("user-handle-ada")

var b64 = base64.RawURLEncoding

// env is one authenticator holding one credential, and the relying party's
// view of it: the stored record and the expectations of a login.
type env struct {
	auth *passkeytest.Authenticator
	cred passkeytest.Credential
	cfg  passkeytest.Config
}

// newEnv registers one discoverable credential of alg with an authenticator
// made from cfg (Seed defaults to a fixed one, so runs are reproducible).
// createTweaks apply to the registration only.
func newEnv(t testing.TB, alg int64, cfg passkeytest.Config, createTweaks ...passkeytest.Tweak) *env {
	return newEnvRK(t, alg, cfg, "required", createTweaks...)
}

// newEnvRK is newEnv with the residentKey requirement of the registration.
func newEnvRK(t testing.TB, alg int64, cfg passkeytest.Config, residentKey string, createTweaks ...passkeytest.Tweak) *env {
	t.Helper()
	if cfg.Seed == nil {
		cfg.Seed = []byte("assertion ceremony tests")
	}
	a, err := passkeytest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := json.Marshal(map[string]any{
		"rp":                     map[string]any{"id": testRPID, "name": "Example"},
		"user":                   map[string]any{"id": b64.EncodeToString(testUser), "name": "ada", "displayName": "Ada"},
		"challenge":              b64.EncodeToString([]byte("registration-challenge-01234567")),
		"pubKeyCredParams":       []any{map[string]any{"type": "public-key", "alg": alg}},
		"authenticatorSelection": map[string]any{"residentKey": residentKey, "userVerification": "preferred"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(opts, testOrigin, createTweaks...); err != nil {
		t.Fatalf("passkeytest Create: %v", err)
	}
	creds := a.Credentials()
	return &env{auth: a, cred: creds[len(creds)-1], cfg: cfg}
}

// request is the request options a test sends.
type request struct {
	allow            [][]byte
	userVerification string
	appID            string
}

func (r request) json(t testing.TB) []byte {
	t.Helper()
	m := map[string]any{"challenge": b64.EncodeToString(testChallenge), "rpId": testRPID}
	if len(r.allow) > 0 {
		var list []any
		for _, id := range r.allow {
			list = append(list, map[string]any{"type": "public-key", "id": b64.EncodeToString(id)})
		}
		m["allowCredentials"] = list
	}
	if r.userVerification != "" {
		m["userVerification"] = r.userVerification
	}
	if r.appID != "" {
		m["extensions"] = map[string]any{"appid": r.appID}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// get runs navigator.credentials.get() for req and returns the
// AuthenticationResponseJSON.
func (e *env) get(t testing.TB, req request, tweaks ...passkeytest.Tweak) []byte {
	t.Helper()
	body, err := e.auth.Get(req.json(t), testOrigin, tweaks...)
	if err != nil {
		t.Fatalf("passkeytest Get: %v", err)
	}
	return body
}

// record is the credential record the relying party stored at
// registration: the credential's ID, COSE key and owner, counter 0, and BE
// and BS as the authenticator was configured.
func (e *env) record() *credential.Record {
	return &credential.Record{
		ID:             bytes.Clone(e.cred.ID),
		PublicKey:      bytes.Clone(e.cred.PublicKey),
		Alg:            cose.Algorithm(e.cred.Algorithm),
		UserHandle:     bytes.Clone(e.cred.UserHandle),
		BackupEligible: credential.TristateOf(e.cfg.BackupEligible && e.cred.AppID == ""),
		BackupState:    e.cfg.BackupEligible && e.cfg.BackupState,
		RPID:           e.cred.RPID,
		AppID:          e.cred.AppID,
	}
}

// testOrigins is the accepted-origin set of the test RP.
func testOrigins(t testing.TB, opts ...origin.Option) *origin.Set {
	t.Helper()
	set, err := origin.NewSet(testRPID, []string{testOrigin}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// expectFor is a username-first login of the test user.
func expectFor(t testing.TB) assertion.Expect {
	return assertion.Expect{
		RPID:       testRPID,
		Origins:    testOrigins(t),
		Challenge:  bytes.Clone(testChallenge),
		UserHandle: bytes.Clone(testUser),
	}
}

// verifyBody parses and verifies body.
func verifyBody(body []byte, rec *credential.Record, e assertion.Expect) (*assertion.Result, error) {
	r, err := assertion.Parse(body)
	if err != nil {
		return nil, err
	}
	return r.Verify(rec, e)
}

// editBody decodes body, lets edit change the top-level object and the
// response object, and encodes it again. Member values are kept verbatim.
func editBody(t testing.TB, body []byte, edit func(top, resp map[string]json.RawMessage)) []byte {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatal(err)
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(top["response"], &resp); err != nil {
		t.Fatal(err)
	}
	orig := top["response"]
	edit(top, resp)
	if now, ok := top["response"]; ok && bytes.Equal(now, orig) {
		raw, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		top["response"] = raw
	}
	out, err := json.Marshal(top)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// jsonString is s as a JSON string value.
func jsonString(s string) json.RawMessage {
	out, _ := json.Marshal(s)
	return out
}

// members are the decoded binary members of an AuthenticationResponseJSON.
type members struct {
	clientDataJSON, authenticatorData, signature []byte
}

func decodeMembers(t testing.TB, body []byte) members {
	t.Helper()
	var j struct {
		Response struct {
			ClientDataJSON, AuthenticatorData, Signature string
		}
	}
	if err := json.Unmarshal(body, &j); err != nil {
		t.Fatal(err)
	}
	dec := func(s string) []byte {
		b, err := b64.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return members{dec(j.Response.ClientDataJSON), dec(j.Response.AuthenticatorData), dec(j.Response.Signature)}
}

// wantCode fails t unless err is a verdict with code want and a non-empty
// Check (equal to check when check is not empty).
func wantCode(t testing.TB, err error, want errcode.Sentinel, check string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %s", want)
	}
	if !errors.Is(err, want) || errcode.Code(err) != string(want) {
		t.Fatalf("code %q, want %q (%v)", errcode.Code(err), want, err)
	}
	var e *errcode.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not an *errcode.Error", err)
	}
	if e.Check == "" {
		t.Fatalf("verdict %v has no Check anchor", err)
	}
	if check != "" && e.Check != check {
		t.Fatalf("check %q, want %q (%v)", e.Check, check, err)
	}
}
