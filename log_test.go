package passkey_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
)

// TestLogsHoldNoSecrets: with a Debug logger, successful and failed
// ceremonies log their outcome but never a challenge, session ID, user
// handle, credential ID or signature, in any encoding.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, func(c *passkey.Config) { c.Logger = logger })
	ctx := context.Background()
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")

	var secrets [][]byte
	o, sid, err := e.rp.BeginRegistration(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, o.Challenge, []byte(sid), u.Handle)
	body, err := a.Create(mustJSON(t, o), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := e.rp.FinishRegistration(ctx, sid, body)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, reg.Record.ID, reg.Record.PublicKey)
	_, err = e.rp.FinishRegistration(ctx, sid, body) // replay: a failure record
	wantCode(t, err, passkey.ErrChallengeMismatch)

	lo, sid, err := e.rp.BeginLogin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body, err = a.Get(mustJSON(t, lo), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Response struct{ Signature string } `json:"response"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, lo.Challenge, []byte(sid), []byte(resp.Response.Signature))
	if _, err := e.rp.FinishLogin(ctx, sid, body); err != nil {
		t.Fatal(err)
	}
	sid2, bad := getBody(t, e, a, nil, func(k *passkeytest.Knobs) { k.Origin = "https://evil.example" })
	secrets = append(secrets, []byte(sid2))
	_, err = e.rp.FinishLogin(ctx, sid2, bad)
	wantCode(t, err, passkey.ErrOriginMismatch)

	out := buf.String()
	for _, want := range []string{"registration verified", "login verified", `"code":"challenge-mismatch"`, `"code":"origin-mismatch"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	for _, s := range secrets {
		for _, enc := range []string{string(s), base64.RawURLEncoding.EncodeToString(s), base64.StdEncoding.EncodeToString(s), hex.EncodeToString(s)} {
			if len(enc) >= 8 && strings.Contains(out, enc) {
				t.Errorf("the log holds a secret (%q):\n%s", enc, out)
			}
		}
	}
}
