package passkey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/options")

// golden compares got with testdata/options/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "options", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the golden file:\n%s", name, buf.Bytes())
	}
}

// fixedUser has a handle that does not change between runs.
var fixedUser = passkey.User{Handle: []byte("user-handle-0001"), Name: "ada@example.com", DisplayName: "Ada Lovelace"}

// deterministicEnv is an env whose challenges and session IDs repeat.
func deterministicEnv(t *testing.T, mods ...func(*passkey.Config)) *env {
	return newEnv(t, append([]func(*passkey.Config){func(c *passkey.Config) {
		c.Rand = seededRand(1)
		c.EnumerationKey = bytes.Repeat([]byte{7}, 32)
	}}, mods...)...)
}

func seedRecord(t *testing.T, e *env, id []byte, owner []byte, transports ...string) {
	t.Helper()
	err := e.creds.Create(context.Background(), &credential.Record{
		ID: id, PublicKey: []byte{0xa0}, Alg: -7, UserHandle: owner, Transports: transports, RPID: testRPID,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// b64Member matches a JSON string that is base64url without padding.
var b64Value = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// TestCreationOptionsJSON: the options marshal to
// PublicKeyCredentialCreationOptionsJSON byte for byte as the golden file
// says, and a browser's parseCreationOptionsFromJSON accepts them.
func TestCreationOptionsJSON(t *testing.T) {
	cases := []struct {
		name   string
		mods   []func(*passkey.Config)
		opts   []passkey.RegistrationOption
		golden string
	}{
		{"defaults", nil, nil, "creation-defaults.json"},
		{"policies and options", []func(*passkey.Config){func(c *passkey.Config) {
			c.UserVerification = passkey.VerificationRequired
			c.ResidentKey = passkey.ResidentKeyPreferred
			c.AppID = "https://example.com/app-id.json"
		}}, []passkey.RegistrationOption{
			passkey.Attachment("cross-platform"),
			passkey.Hints("security-key"),
			passkey.WithExtension("credentialProtectionPolicy", json.RawMessage(`"userVerificationRequired"`)),
		}, "creation-policies.json"},
		{"discouraged", []func(*passkey.Config){func(c *passkey.Config) {
			c.UserVerification = passkey.VerificationDiscouraged
			c.ResidentKey = passkey.ResidentKeyDiscouraged
		}}, nil, "creation-second-factor.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := deterministicEnv(t, tc.mods...)
			seedRecord(t, e, []byte("existing-credential"), fixedUser.Handle, "internal", "hybrid")
			seedRecord(t, e, []byte("someone-else"), []byte("other-user"), "usb")
			o, sid, err := e.rp.BeginRegistration(t.Context(), fixedUser, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if !b64Value.MatchString(sid) || len(sid) != 43 {
				t.Errorf("session ID %q is not 32 bytes in base64url", sid)
			}
			data := mustJSON(t, o)
			golden(t, tc.golden, data)
			checkCreationJSON(t, data)
			a := newAuthenticator(t, passkeytest.Config{Attachment: "cross-platform"})
			if _, err := a.Create(data, testOrigin); err != nil {
				t.Errorf("the authenticator refused the options: %v", err)
			}
		})
	}
}

// checkCreationJSON checks the members parseCreationOptionsFromJSON needs,
// independently of the golden file.
func checkCreationJSON(t *testing.T, data []byte) {
	t.Helper()
	var j struct {
		RP        map[string]string `json:"rp"`
		User      map[string]string `json:"user"`
		Challenge string            `json:"challenge"`
		Params    []struct {
			Type string `json:"type"`
			Alg  *int64 `json:"alg"`
		} `json:"pubKeyCredParams"`
		Timeout  *int64 `json:"timeout"`
		Excluded []struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"excludeCredentials"`
		Selection struct {
			ResidentKey        string `json:"residentKey"`
			RequireResidentKey *bool  `json:"requireResidentKey"`
			UserVerification   string `json:"userVerification"`
		} `json:"authenticatorSelection"`
		Attestation string          `json:"attestation"`
		Extensions  map[string]any  `json:"extensions"`
		Mediation   json.RawMessage `json:"mediation"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	if j.RP["id"] != testRPID || j.RP["name"] == "" {
		t.Errorf("rp %v", j.RP)
	}
	for _, v := range []string{j.User["id"], j.Challenge} {
		if v == "" || !b64Value.MatchString(v) {
			t.Errorf("binary member %q is not unpadded base64url", v)
		}
	}
	if j.User["name"] == "" {
		t.Errorf("user.name missing")
	}
	if _, ok := j.User["displayName"]; !ok {
		t.Errorf("user.displayName missing")
	}
	if len(j.Params) == 0 {
		t.Errorf("no pubKeyCredParams")
	}
	for _, p := range j.Params {
		if p.Type != "public-key" || p.Alg == nil {
			t.Errorf("pubKeyCredParams entry %+v", p)
		}
	}
	if j.Timeout == nil || *j.Timeout <= 0 {
		t.Errorf("timeout missing")
	}
	for _, d := range j.Excluded {
		if d.Type != "public-key" || !b64Value.MatchString(d.ID) {
			t.Errorf("excludeCredentials entry %+v", d)
		}
	}
	if j.Selection.RequireResidentKey == nil || *j.Selection.RequireResidentKey != (j.Selection.ResidentKey == "required") {
		t.Errorf("requireResidentKey disagrees with residentKey %q", j.Selection.ResidentKey)
	}
	if j.Extensions["credProps"] != true {
		t.Errorf("credProps not requested")
	}
	if j.Mediation != nil {
		t.Errorf("mediation is inside publicKey")
	}
}

// TestExcludeCredentials: the user's credentials, with their transports,
// and no one else's.
func TestExcludeCredentials(t *testing.T) {
	e := deterministicEnv(t)
	seedRecord(t, e, []byte("mine-1"), fixedUser.Handle, "internal", "hybrid")
	seedRecord(t, e, []byte("mine-2"), fixedUser.Handle)
	seedRecord(t, e, []byte("theirs"), []byte("other"), "usb")
	o, _, err := e.rp.BeginRegistration(t.Context(), fixedUser)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ExcludeCredentials) != 2 {
		t.Fatalf("%d excluded, want 2", len(o.ExcludeCredentials))
	}
	got := map[string][]string{}
	for _, d := range o.ExcludeCredentials {
		got[string(d.ID)] = d.Transports
	}
	if tr, ok := got["mine-1"]; !ok || len(tr) != 2 {
		t.Errorf("mine-1 missing or without transports: %v", got)
	}
	if _, ok := got["theirs"]; ok {
		t.Errorf("another user's credential is excluded")
	}
}

// TestDefaultAlgorithms: -8, -7, -257 in that order.
func TestDefaultAlgorithms(t *testing.T) {
	e := newEnv(t)
	o, _, err := e.rp.BeginRegistration(t.Context(), newUser("ada"))
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Params []struct{ Alg int64 } `json:"pubKeyCredParams"`
	}
	if err := json.Unmarshal(mustJSON(t, o), &j); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range j.Params {
		got = append(got, p.Alg)
	}
	if want := []int64{-8, -7, -257}; !equalInts(got, want) {
		t.Fatalf("pubKeyCredParams %v, want %v", got, want)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRequestOptionsJSON: the login options, against golden files and a
// browser's parseRequestOptionsFromJSON.
func TestRequestOptionsJSON(t *testing.T) {
	cases := []struct {
		name   string
		mods   []func(*passkey.Config)
		opts   []passkey.LoginOption
		golden string
	}{
		{"usernameless", nil, nil, "request-usernameless.json"},
		{"for a user", []func(*passkey.Config){func(c *passkey.Config) {
			c.AppID = "https://example.com/app-id.json"
			c.UserVerification = passkey.VerificationRequired
		}}, []passkey.LoginOption{passkey.ForUser(fixedUser.Handle), passkey.Hints("client-device", "hybrid")}, "request-for-user.json"},
		{"for an unknown user", nil, []passkey.LoginOption{passkey.ForUnknownUser("nobody@example.com")}, "request-unknown-user.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := deterministicEnv(t, tc.mods...)
			seedRecord(t, e, []byte("existing-credential"), fixedUser.Handle, "internal", "hybrid")
			o, _, err := e.rp.BeginLogin(t.Context(), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			data := mustJSON(t, o)
			golden(t, tc.golden, data)
			var j struct {
				Challenge string            `json:"challenge"`
				RPID      string            `json:"rpId"`
				Allow     []json.RawMessage `json:"allowCredentials"`
				UV        string            `json:"userVerification"`
			}
			if err := json.Unmarshal(data, &j); err != nil {
				t.Fatal(err)
			}
			if !b64Value.MatchString(j.Challenge) || len(j.Challenge) != 43 || j.RPID != testRPID || j.UV == "" || j.Allow == nil {
				t.Errorf("request options %s", data)
			}
			// A browser parses them (a NotAllowedError only means this
			// authenticator holds none of the credentials).
			a := newAuthenticator(t, passkeytest.Config{})
			if _, err := a.Get(data, testOrigin); err != nil && !isNotAllowed(err) {
				t.Errorf("the browser refused the options: %v", err)
			}
		})
	}
}

func isNotAllowed(err error) bool {
	var pe *passkeytest.Error
	return errorsAs(err, &pe) && pe.Name == "NotAllowedError"
}

// TestCeremonyOptionErrors: a bad per-ceremony option is a *ConfigError.
func TestCeremonyOptionErrors(t *testing.T) {
	e := newEnv(t)
	regCases := []struct {
		name string
		user passkey.User
		opts []passkey.RegistrationOption
	}{
		{"empty handle", passkey.User{Name: "a"}, nil},
		{"65-byte handle", passkey.User{Handle: make([]byte, 65), Name: "a"}, nil},
		{"no name", passkey.User{Handle: []byte{1}}, nil},
		{"name not UTF-8", passkey.User{Handle: []byte{1}, Name: "\xff"}, nil},
		{"attachment", newUser("a"), []passkey.RegistrationOption{passkey.Attachment("usb")}},
		{"hint", newUser("a"), []passkey.RegistrationOption{passkey.Hints("phone")}},
		{"extension JSON", newUser("a"), []passkey.RegistrationOption{passkey.WithExtension("prf", json.RawMessage(`{`))}},
		{"library extension", newUser("a"), []passkey.RegistrationOption{passkey.WithExtension("credProps", json.RawMessage(`false`))}},
		{"user verification", newUser("a"), []passkey.RegistrationOption{passkey.WithUserVerification("sometimes")}},
	}
	for _, tc := range regCases {
		t.Run("registration/"+tc.name, func(t *testing.T) {
			_, sid, err := e.rp.BeginRegistration(t.Context(), tc.user, tc.opts...)
			var ce *passkey.ConfigError
			if !errorsAs(err, &ce) || sid != "" {
				t.Fatalf("got %v, session %q; want a *ConfigError", err, sid)
			}
		})
	}
	loginCases := []struct {
		name string
		opts []passkey.LoginOption
	}{
		{"empty handle", []passkey.LoginOption{passkey.ForUser(nil)}},
		{"long handle", []passkey.LoginOption{passkey.ForUser(make([]byte, 65))}},
		{"two users", []passkey.LoginOption{passkey.ForUser([]byte{1}), passkey.ForUnknownUser("x")}},
		{"hint", []passkey.LoginOption{passkey.Hints("")}},
	}
	for _, tc := range loginCases {
		t.Run("login/"+tc.name, func(t *testing.T) {
			_, sid, err := e.rp.BeginLogin(t.Context(), tc.opts...)
			var ce *passkey.ConfigError
			if !errorsAs(err, &ce) || sid != "" {
				t.Fatalf("got %v, session %q; want a *ConfigError", err, sid)
			}
		})
	}
	if n := e.sessions.Len(); n != 0 {
		t.Errorf("%d sessions stored by failed Begin calls", n)
	}
}
