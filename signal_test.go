package passkey_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// memberTypes maps each member of a JSON object to its JSON type, for
// comparing a payload with the shapes of checklist §8.
func memberTypes(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range m {
		switch v.(type) {
		case string:
			out[k] = "string"
		case []any:
			out[k] = "array"
		default:
			out[k] = "other"
		}
	}
	return out
}

// TestSignalPayloadShapes: the three payloads have exactly the members of
// #sctn-signal-methods (checklist §8), binary members in unpadded base64url.
func TestSignalPayloadShapes(t *testing.T) {
	e := deterministicEnv(t)
	seedRecord(t, e, []byte("credential-one"), fixedUser.Handle)
	seedRecord(t, e, []byte("credential-two"), fixedUser.Handle)

	unknown, err := e.rp.SignalUnknownCredential(t.Context(), []byte("credential-gone"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := e.rp.SignalAllAcceptedCredentials(t.Context(), fixedUser.Handle)
	if err != nil {
		t.Fatal(err)
	}
	details, err := e.rp.SignalCurrentUserDetails(fixedUser)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		payload any
		members map[string]string
		file    string
	}{
		{"signalUnknownCredential", unknown, map[string]string{"rpId": "string", "credentialId": "string"}, "signal-unknown-credential.json"},
		{"signalAllAcceptedCredentials", all, map[string]string{"rpId": "string", "userId": "string", "allAcceptedCredentialIds": "array"},
			"signal-all-accepted-credentials.json"},
		{"signalCurrentUserDetails", details, map[string]string{"rpId": "string", "userId": "string", "name": "string", "displayName": "string"},
			"signal-current-user-details.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := mustJSON(t, tc.payload)
			if got := memberTypes(t, data); !reflect.DeepEqual(got, tc.members) {
				t.Fatalf("members %v, want %v", got, tc.members)
			}
			if bytes.ContainsAny(data, "=+/") {
				t.Fatalf("padded or standard base64 in %s", data)
			}
			golden(t, tc.file, data)
		})
	}

	var ids struct {
		RPID string   `json:"rpId"`
		IDs  []string `json:"allAcceptedCredentialIds"`
	}
	if err := json.Unmarshal(mustJSON(t, all), &ids); err != nil {
		t.Fatal(err)
	}
	want := []string{b64enc([]byte("credential-one")), b64enc([]byte("credential-two"))}
	sort.Strings(ids.IDs)
	sort.Strings(want)
	if ids.RPID != testRPID || !reflect.DeepEqual(ids.IDs, want) {
		t.Fatalf("payload %+v", ids)
	}

	// An account without credentials gets an empty list, never null.
	empty, err := e.rp.SignalAllAcceptedCredentials(t.Context(), []byte("nobody"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(mustJSON(t, empty)); got != `{"rpId":"example.com","userId":"bm9ib2R5","allAcceptedCredentialIds":[]}` {
		t.Fatalf("empty list: %s", got)
	}
}

// TestSignalRefusals: a stored credential is never signalled unknown, and
// arguments are checked.
func TestSignalRefusals(t *testing.T) {
	e := newEnv(t)
	seedRecord(t, e, []byte("credential-one"), fixedUser.Handle)
	if _, err := e.rp.SignalUnknownCredential(t.Context(), []byte("credential-one")); !errors.Is(err, store.ErrExists) {
		t.Fatalf("stored credential: %v", err)
	}
	var ce *passkey.ConfigError
	if _, err := e.rp.SignalUnknownCredential(t.Context(), nil); !errors.As(err, &ce) {
		t.Fatalf("empty ID: %v", err)
	}
	if _, err := e.rp.SignalAllAcceptedCredentials(t.Context(), nil); !errors.As(err, &ce) {
		t.Fatalf("empty handle: %v", err)
	}
	if _, err := e.rp.SignalCurrentUserDetails(passkey.User{Handle: []byte("h")}); !errors.As(err, &ce) {
		t.Fatalf("user without a name: %v", err)
	}
	failing := e.withConfig(t, func(c *passkey.Config) { c.Credentials = failingCredentials{e.creds} })
	if _, err := failing.rp.SignalUnknownCredential(t.Context(), []byte("x")); !errors.Is(err, errStoreDown) {
		t.Fatalf("store failure: %v", err)
	}
}

// TestSignalsReachTheAuthenticator: the payloads, passed to the emulated
// browser's signal methods, make the authenticator forget deleted
// passkeys and show the new names.
func TestSignalsReachTheAuthenticator(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")
	first := registerAgain(t, e, a, u)
	second := registerAgain(t, e, a, u)
	third := registerAgain(t, e, a, u)

	// Deleted on the server, then a usernameless login with it: the
	// verdict carries the payload.
	if err := e.rp.DeletePasskey(t.Context(), u.Handle, first); err != nil {
		t.Fatal(err)
	}
	sid, body := getBody(t, e, a, nil, func(k *passkeytest.Knobs) { k.CredentialID = first })
	_, err := e.rp.FinishLogin(t.Context(), sid, body)
	wantCode(t, err, passkey.ErrUnknownCredential)
	var unknown *passkey.UnknownCredentialError
	if !errors.As(err, &unknown) {
		t.Fatalf("%T carries no signal", err)
	}
	if !bytes.Equal(unknown.Signal.CredentialID, first) || unknown.Signal.RPID != testRPID {
		t.Fatal("the signal names another credential")
	}
	if err := a.SignalUnknownCredential(mustJSON(t, unknown.Signal), testOrigin); err != nil {
		t.Fatal(err)
	}
	if held := heldIDs(a); len(held) != 2 || !held[string(second)] || !held[string(third)] {
		t.Fatalf("held after signalUnknownCredential: %d", len(held))
	}

	// Deleted on the server, then the full list after a login.
	if err := e.rp.DeletePasskey(t.Context(), u.Handle, second); err != nil {
		t.Fatal(err)
	}
	all, err := e.rp.SignalAllAcceptedCredentials(t.Context(), u.Handle)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SignalAllAcceptedCredentials(mustJSON(t, all), testOrigin); err != nil {
		t.Fatal(err)
	}
	if held := heldIDs(a); len(held) != 1 || !held[string(third)] {
		t.Fatalf("held after signalAllAcceptedCredentials: %d", len(held))
	}

	renamed := passkey.User{Handle: u.Handle, Name: "ada@new.example", DisplayName: "Ada King"}
	details, err := e.rp.SignalCurrentUserDetails(renamed)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SignalCurrentUserDetails(mustJSON(t, details), testOrigin); err != nil {
		t.Fatal(err)
	}
	if c := a.Credentials()[0]; c.UserName != renamed.Name || c.UserDisplayName != renamed.DisplayName {
		t.Fatalf("names %q %q", c.UserName, c.UserDisplayName)
	}
}

// registerAgain registers one more credential of u on a, which
// excludeCredentials would otherwise refuse, and returns its ID.
func registerAgain(t *testing.T, e *env, a *passkeytest.Authenticator, u passkey.User) []byte {
	t.Helper()
	o, sid, err := e.rp.BeginRegistration(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	o.ExcludeCredentials = nil
	body, err := a.Create(mustJSON(t, o), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	return reg.Record.ID
}

func heldIDs(a *passkeytest.Authenticator) map[string]bool {
	m := map[string]bool{}
	for _, c := range a.Credentials() {
		m[string(c.ID)] = true
	}
	return m
}

// TestUnknownCredentialSignalOnlyWhenUnknown: the payload comes only with
// credentials the store does not hold; a stored credential that fails for
// another reason is never signalled away.
func TestUnknownCredentialSignalOnlyWhenUnknown(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	ada, bob := newUser("ada"), newUser("bob")
	adaID := register(t, e, a, ada).Record.ID
	bobID := register(t, e, a, bob).Record.ID
	ghost := []byte("a credential this relying party never saw")
	if _, err := a.Create(mustJSON(t, map[string]any{
		"rp": map[string]any{"id": testRPID, "name": "x"}, "challenge": "AAAA",
		"user":                   map[string]any{"id": b64enc([]byte("ghost")), "name": "g", "displayName": "g"},
		"pubKeyCredParams":       []map[string]any{{"type": "public-key", "alg": -7}},
		"authenticatorSelection": map[string]any{"residentKey": "required"},
	}), testOrigin, func(k *passkeytest.Knobs) { k.CredentialID = ghost }); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		opts   []passkey.LoginOption
		cred   []byte
		signal bool
	}{
		{"never registered, usernameless", nil, ghost, true},
		{"never registered, for a user", []passkey.LoginOption{passkey.ForUser(ada.Handle)}, ghost, true},
		{"never registered, unknown user", []passkey.LoginOption{passkey.ForUnknownUser("carol")}, ghost, true},
		{"another user's, for a user", []passkey.LoginOption{passkey.ForUser(ada.Handle)}, bobID, false},
		{"a stored one, unknown user", []passkey.LoginOption{passkey.ForUnknownUser("carol")}, adaID, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sid, body := getBody(t, e, a, tc.opts, func(k *passkeytest.Knobs) { k.CredentialID = tc.cred })
			_, err := e.rp.FinishLogin(t.Context(), sid, body)
			if passkey.Code(err) != string(passkey.ErrUnknownCredential) && passkey.Code(err) != string(passkey.ErrUserHandleMismatch) {
				t.Fatalf("err %v", err)
			}
			var unknown *passkey.UnknownCredentialError
			if errors.As(err, &unknown) != tc.signal {
				t.Fatalf("signal attached: %v, want %v", !tc.signal, tc.signal)
			}
		})
	}
}
