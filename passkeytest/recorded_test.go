package passkeytest_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// TestChromeClientData compares clientDataJSON with what Chrome sent in
// recorded ceremonies (testdata/recorded, from py_webauthn's tests): for the
// same challenge and origin the bytes must be identical.
func TestChromeClientData(t *testing.T) {
	cases := []struct {
		file  string
		extra []passkeytest.Member
	}{
		{file: "recorded/none-chrome-localhost.json"},
		{file: "recorded/auth-eddsa.json"},
		// Chrome added its anti-template member to this one.
		{file: "recorded/auth-ml-dsa-44.json", extra: []passkeytest.Member{passkeytest.ChromeTemplateWarning()}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			v := loadVectors(t, tc.file)[0]
			var recorded struct {
				Response struct {
					ClientDataJSON string `json:"clientDataJSON"`
				} `json:"response"`
			}
			if err := json.Unmarshal(v.Response, &recorded); err != nil {
				t.Fatal(err)
			}
			want := b64(t, recorded.Response.ClientDataJSON)
			challenge := b64(t, v.Challenge)
			extra := func(k *passkeytest.Knobs) { k.ClientDataExtra = tc.extra }

			a := newAuthenticator(t, passkeytest.Config{})
			reg, err := a.Create(newCreateOpts(v.RPID, challenge, passkeytest.AlgES256).json(t), v.Origins[0], extra)
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			if v.Ceremony == "registration" {
				got = decodeRegistration(t, reg, expectation{rpID: v.RPID, origin: v.Origins[0], challenge: challenge}).cdj
			} else {
				body, err := a.Get(newGetOpts(v.RPID, challenge, a.Credentials()[0].ID).json(t), v.Origins[0], extra)
				if err != nil {
					t.Fatal(err)
				}
				got = decodeAssertion(t, body, expectation{rpID: v.RPID, origin: v.Origins[0], challenge: challenge}).cdj
			}
			if !bytes.Equal(got, want) {
				t.Errorf("clientDataJSON\n got %s\nwant %s", got, want)
			}
		})
	}
}
