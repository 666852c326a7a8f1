package passkey

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store/memory"
)

// TestUnknownUserNeverLogsIn: a login begun for a name without an account,
// or for another user, fails even if its allowCredentials named the
// credential (which decoys never do, nor another user's list): the session's
// account decides, not the list alone.
func TestUnknownUserNeverLogsIn(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	rp, err := New(Config{
		RPID: "example.com", RPName: "Example", Origins: []string{"https://example.com"},
		Clock: func() time.Time { return now }, Credentials: memory.NewCredentials(), Sessions: memory.NewSessions(),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("unknown user")})
	if err != nil {
		t.Fatal(err)
	}
	o, sid, err := rp.BeginRegistration(ctx, User{Handle: []byte("ada"), Name: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	oj, _ := json.Marshal(o)
	body, err := a.Create(oj, "https://example.com")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := rp.FinishRegistration(ctx, sid, body)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		mode   loginMode
		handle []byte
		want   errcode.Sentinel
	}{
		{"control: the owner", loginForUser, []byte("ada"), ""},
		{"another identified user", loginForUser, []byte("bob"), errcode.ErrUnknownCredential},
		{"a name without an account", loginUnknownUser, nil, errcode.ErrUnknownCredential},
	}
	for _, tc := range cases {
		challenge, _ := rp.newChallenge()
		sid, err := rp.newSession(ctx, &sessionState{
			kind: ceremonyLogin, expires: rp.expiry(now), challenge: challenge, rpID: rp.rpID,
			user: User{Handle: tc.handle}, uv: rp.uv, rk: rp.rk, mode: tc.mode, allow: [][]byte{reg.Record.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		ro := RequestOptions{Challenge: challenge, RPID: rp.rpID, AllowCredentials: []CredentialDescriptor{{ID: reg.Record.ID}}, UserVerification: rp.uv}
		rj, _ := json.Marshal(ro)
		body, err := a.Get(rj, "https://example.com")
		if err != nil {
			t.Fatal(err)
		}
		_, err = rp.FinishLogin(ctx, sid, body)
		if errcode.Code(err) != string(tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
