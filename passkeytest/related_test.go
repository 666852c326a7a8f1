package passkeytest_test

import (
	"errors"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// TestRelatedOrigins: a page outside the RP ID uses it when the RP ID's
// well-known document lists the page within its first five registrable
// origin labels (#sctn-validating-relation-origin).
func TestRelatedOrigins(t *testing.T) {
	six := `{"origins":["https://one.example","https://login.two.example","https://two.example",` +
		`"https://three.co.uk","https://three.de","https://four.example","https://five.example",` +
		`"https://six.example","https://www.five.example"]}`
	cases := []struct {
		name   string
		doc    string
		fetch  error
		origin string
		want   error // nil: accepted
	}{
		{"listed", six, nil, "https://one.example", nil},
		{"same label again", six, nil, "https://three.de", nil},
		{"label already seen past the limit", six, nil, "https://www.five.example", nil},
		{"sixth label", six, nil, "https://six.example", passkeytest.ErrSecurity},
		{"not listed", six, nil, "https://seven.example", passkeytest.ErrSecurity},
		{"other port", `{"origins":["https://one.example:8443"]}`, nil, "https://one.example", passkeytest.ErrSecurity},
		{"default port spelled out", `{"origins":["https://one.example:443"]}`, nil, "https://one.example", nil},
		{"no origins member", `{"origin":["https://one.example"]}`, nil, "https://one.example", passkeytest.ErrSecurity},
		{"origins not strings", `{"origins":[1]}`, nil, "https://one.example", passkeytest.ErrSecurity},
		{"fetch fails", "", errors.New("404"), "https://one.example", passkeytest.ErrSecurity},
		{"public suffix entry skipped", `{"origins":["https://co.uk","https://one.example"]}`, nil, "https://one.example", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var asked string
			a := newAuthenticator(t, passkeytest.Config{WellKnown: func(rpID string) ([]byte, error) {
				asked = rpID
				return []byte(tc.doc), tc.fetch
			}})
			_, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), tc.origin)
			if asked != testRPID {
				t.Fatalf("fetched the document of %q", asked)
			}
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if c := a.Credentials(); len(c) != 1 || c[0].RPID != testRPID {
					t.Fatalf("credentials %+v", c)
				}
				o := newGetOpts(testRPID, []byte("g"), a.Credentials()[0].ID)
				if _, err := a.Get(o.json(t), tc.origin); err != nil {
					t.Fatalf("get: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}

	// Without WellKnown the client does not support related origins.
	a := newAuthenticator(t, passkeytest.Config{})
	if _, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), "https://one.example"); !errors.Is(err, passkeytest.ErrSecurity) {
		t.Fatalf("without WellKnown: err %v", err)
	}
	// The RP ID's own origins never fetch the document.
	a = newAuthenticator(t, passkeytest.Config{WellKnown: func(string) ([]byte, error) {
		t.Fatal("document fetched for a same-site origin")
		return nil, nil
	}})
	if _, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), "https://login."+testRPID); err != nil {
		t.Fatal(err)
	}
}
