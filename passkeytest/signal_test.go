package passkeytest_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// signalSetup gives an authenticator with three credentials: two of
// user-1 and one of user-2, all for testRPID.
func signalSetup(t *testing.T) (*passkeytest.Authenticator, [][]byte) {
	t.Helper()
	a := newAuthenticator(t, passkeytest.Config{})
	for i, user := range []string{"user-1", "user-1", "user-2"} {
		o := newCreateOpts(testRPID, []byte("c"), -7)
		o.User.ID = base64.RawURLEncoding.EncodeToString([]byte(user))
		o.User.Name = fmt.Sprintf("name-%d", i)
		if _, err := a.Create(o.json(t), testOrigin); err != nil {
			t.Fatal(err)
		}
	}
	var ids [][]byte
	for _, c := range a.Credentials() {
		ids = append(ids, c.ID)
	}
	return a, ids
}

func enc(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func held(a *passkeytest.Authenticator) int { return len(a.Credentials()) }

// TestSignalUnknownCredential removes the named credential only.
func TestSignalUnknownCredential(t *testing.T) {
	a, ids := signalSetup(t)
	if err := a.SignalUnknownCredential([]byte(`{"rpId":"`+testRPID+`","credentialId":"`+enc(ids[1])+`"}`), testOrigin); err != nil {
		t.Fatal(err)
	}
	if c := a.Credentials(); len(c) != 2 || string(c[0].ID) != string(ids[0]) || string(c[1].ID) != string(ids[2]) {
		t.Fatalf("left %d credentials", len(c))
	}
	// Another RP ID's credential of the same ID is not touched.
	if err := a.SignalUnknownCredential([]byte(`{"rpId":"login.`+testRPID+`","credentialId":"`+enc(ids[0])+`"}`), "https://login."+testRPID); err != nil {
		t.Fatal(err)
	}
	if held(a) != 2 {
		t.Fatal("a signal for another RP ID removed a credential")
	}
}

// TestSignalAllAcceptedCredentials removes the user's credentials that the
// list leaves out, and no other user's.
func TestSignalAllAcceptedCredentials(t *testing.T) {
	a, ids := signalSetup(t)
	doc := `{"rpId":"` + testRPID + `","userId":"` + enc([]byte("user-1")) + `","allAcceptedCredentialIds":["` + enc(ids[0]) + `"]}`
	if err := a.SignalAllAcceptedCredentials([]byte(doc), testOrigin); err != nil {
		t.Fatal(err)
	}
	if c := a.Credentials(); len(c) != 2 || string(c[0].ID) != string(ids[0]) || string(c[1].ID) != string(ids[2]) {
		t.Fatalf("left %d credentials", len(c))
	}
	doc = `{"rpId":"` + testRPID + `","userId":"` + enc([]byte("user-1")) + `","allAcceptedCredentialIds":[]}`
	if err := a.SignalAllAcceptedCredentials([]byte(doc), testOrigin); err != nil {
		t.Fatal(err)
	}
	if c := a.Credentials(); len(c) != 1 || string(c[0].ID) != string(ids[2]) {
		t.Fatalf("left %d credentials", len(c))
	}
}

// TestSignalCurrentUserDetails renames the user's credentials only.
func TestSignalCurrentUserDetails(t *testing.T) {
	a, _ := signalSetup(t)
	doc := `{"rpId":"` + testRPID + `","userId":"` + enc([]byte("user-1")) + `","name":"ada@new.example","displayName":"Ada L."}`
	if err := a.SignalCurrentUserDetails([]byte(doc), testOrigin); err != nil {
		t.Fatal(err)
	}
	c := a.Credentials()
	if c[0].UserName != "ada@new.example" || c[1].UserDisplayName != "Ada L." || c[2].UserName != "name-2" {
		t.Fatalf("names %q %q %q", c[0].UserName, c[1].UserDisplayName, c[2].UserName)
	}
}

// TestSignalShapes: each method's TypeError and SecurityError cases.
func TestSignalShapes(t *testing.T) {
	a, ids := signalSetup(t)
	id, user := enc(ids[0]), enc([]byte("user-1"))
	type method func([]byte, string) error
	cases := []struct {
		name   string
		call   method
		doc    string
		origin string
		want   error
	}{
		{"unknown: no credentialId", a.SignalUnknownCredential, `{"rpId":"example.com"}`, testOrigin, passkeytest.ErrType},
		{"unknown: no rpId", a.SignalUnknownCredential, `{"credentialId":"` + id + `"}`, testOrigin, passkeytest.ErrType},
		{"unknown: padded with +", a.SignalUnknownCredential, `{"rpId":"example.com","credentialId":"a+b"}`, testOrigin, passkeytest.ErrType},
		{"unknown: id a number", a.SignalUnknownCredential, `{"rpId":"example.com","credentialId":7}`, testOrigin, passkeytest.ErrType},
		{"unknown: other site", a.SignalUnknownCredential, `{"rpId":"example.com","credentialId":"` + id + `"}`, "https://evil.example", passkeytest.ErrSecurity},
		{"all: no list", a.SignalAllAcceptedCredentials, `{"rpId":"example.com","userId":"` + user + `"}`, testOrigin, passkeytest.ErrType},
		{"all: list null", a.SignalAllAcceptedCredentials, `{"rpId":"example.com","userId":"` + user + `","allAcceptedCredentialIds":null}`, testOrigin, passkeytest.ErrType},
		{"all: bad id", a.SignalAllAcceptedCredentials, `{"rpId":"example.com","userId":"` + user + `","allAcceptedCredentialIds":["*"]}`, testOrigin, passkeytest.ErrType},
		{"all: bad userId", a.SignalAllAcceptedCredentials, `{"rpId":"example.com","userId":"*","allAcceptedCredentialIds":[]}`, testOrigin, passkeytest.ErrType},
		{"all: other site", a.SignalAllAcceptedCredentials, `{"rpId":"example.com","userId":"` + user + `","allAcceptedCredentialIds":[]}`, "https://evil.example", passkeytest.ErrSecurity},
		{"details: no displayName", a.SignalCurrentUserDetails, `{"rpId":"example.com","userId":"` + user + `","name":"a"}`, testOrigin, passkeytest.ErrType},
		{"details: not an object", a.SignalCurrentUserDetails, `[]`, testOrigin, passkeytest.ErrType},
		{"details: other site", a.SignalCurrentUserDetails, `{"rpId":"example.com","userId":"` + user + `","name":"a","displayName":"b"}`, "https://evil.example", passkeytest.ErrSecurity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call([]byte(tc.doc), tc.origin); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if held(a) != 3 {
				t.Fatal("a refused signal changed the credentials")
			}
		})
	}
}
