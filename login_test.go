package passkey_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// loginCase is one path through FinishLogin. The env has two users, ada and
// bob, each with one passkey on their own authenticator.
type loginCase struct {
	name string
	// regMods configure the relying party that registers; mods the one
	// that logs in (on the same stores).
	regMods, mods []func(*passkey.Config)
	adaAuth       passkeytest.Config
	// opts are the login options; forAda makes it a ForUser(ada) login.
	opts   func(ada, bob passkey.User) []passkey.LoginOption
	tweaks func(bobCred []byte) []passkeytest.Tweak
	// prepare runs between registration and login.
	prepare func(t *testing.T, e *env, ada passkey.User, adaCred []byte)
	want    passkey.Sentinel
	check   func(t *testing.T, e *env, l *passkey.Login, ada passkey.User)
}

func forUser(u func(ada, bob passkey.User) passkey.User) func(ada, bob passkey.User) []passkey.LoginOption {
	return func(ada, bob passkey.User) []passkey.LoginOption {
		return []passkey.LoginOption{passkey.ForUser(u(ada, bob).Handle)}
	}
}

func adaOf(ada, _ passkey.User) passkey.User { return ada }
func bobOf(_, bob passkey.User) passkey.User { return bob }

func tweak(f func(k *passkeytest.Knobs)) func([]byte) []passkeytest.Tweak {
	return func([]byte) []passkeytest.Tweak { return []passkeytest.Tweak{f} }
}

func TestLogin(t *testing.T) {
	cases := []loginCase{
		{name: "usernameless", check: func(t *testing.T, e *env, l *passkey.Login, ada passkey.User) {
			if !bytes.Equal(l.UserHandle, ada.Handle) || !l.UserVerified || !l.UserVerifiedTrusted {
				t.Errorf("login %+v", l)
			}
		}},
		{name: "for the user", opts: forUser(adaOf)},
		{name: "for the user, no userHandle in the response", opts: forUser(adaOf),
			tweaks: tweak(func(k *passkeytest.Knobs) { k.OmitUserHandle = true }),
			check: func(t *testing.T, _ *env, l *passkey.Login, ada passkey.User) {
				if !bytes.Equal(l.UserHandle, ada.Handle) {
					t.Errorf("the owner was not found from the credential ID")
				}
			}},
		{name: "usernameless without userHandle", tweaks: tweak(func(k *passkeytest.Knobs) { k.OmitUserHandle = true }),
			want: passkey.ErrUserHandleMissing},
		{name: "usernameless, another user's handle",
			tweaks: tweak(func(k *passkeytest.Knobs) { k.UserHandle = []byte("someone else entirely") }),
			want:   passkey.ErrUserHandleMismatch},
		{name: "for the user, another user's handle", opts: forUser(adaOf),
			tweaks: tweak(func(k *passkeytest.Knobs) { k.UserHandle = []byte("someone else entirely") }),
			want:   passkey.ErrUserHandleMismatch},
		{name: "for another user", opts: forUser(bobOf),
			// ada's authenticator answers with ada's credential, which is
			// not in bob's allowCredentials.
			tweaks: func([]byte) []passkeytest.Tweak {
				return []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.CredentialID = []byte("ada-credential") }}
			},
			want: passkey.ErrUnknownCredential},
		{name: "deleted credential", prepare: func(t *testing.T, e *env, ada passkey.User, id []byte) {
			if err := e.rp.DeletePasskey(context.Background(), ada.Handle, id); err != nil {
				t.Fatal(err)
			}
		}, want: passkey.ErrUnknownCredential},
		{name: "wrong origin", tweaks: tweak(func(k *passkeytest.Knobs) { k.Origin = "https://example.org" }),
			want: passkey.ErrOriginMismatch},
		{name: "bad signature", tweaks: tweak(func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.Signature[len(r.Signature)-1] ^= 1 }
		}), want: passkey.ErrSignatureInvalid},
		{name: "UP clear", tweaks: tweak(func(k *passkeytest.Knobs) { k.UP = passkeytest.ForceOff }), want: passkey.ErrUserNotPresent},
		{name: "UV required and clear", mods: []func(*passkey.Config){func(c *passkey.Config) { c.UserVerification = passkey.VerificationRequired }},
			tweaks: tweak(func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }), want: passkey.ErrUserNotVerified},
		{name: "step-up requires UV", opts: func(ada, _ passkey.User) []passkey.LoginOption {
			return []passkey.LoginOption{passkey.ForUser(ada.Handle), passkey.WithUserVerification(passkey.VerificationRequired)}
		}, tweaks: tweak(func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }), want: passkey.ErrUserNotVerified},
		{name: "UV preferred and clear", tweaks: tweak(func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }),
			check: func(t *testing.T, _ *env, l *passkey.Login, _ passkey.User) {
				if l.UserVerified || l.UserVerifiedTrusted {
					t.Errorf("UV reported without the flag")
				}
			}},
		{name: "counter regression rejected", tweaks: tweak(func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(7) }),
			prepare: setCount(10), want: passkey.ErrSignCountRegression,
			check: nil},
		{name: "counter regression accepted and flagged",
			mods:    []func(*passkey.Config){func(c *passkey.Config) { c.AcceptCounterRegression = true }},
			tweaks:  tweak(func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(7) }),
			prepare: setCount(10),
			check: func(t *testing.T, e *env, l *passkey.Login, _ passkey.User) {
				if !l.CloneSuspected || l.Record.SignCount != 10 {
					t.Errorf("CloneSuspected %v, stored count %d; want true, 10 (never back)", l.CloneSuspected, l.Record.SignCount)
				}
			}},
		{name: "counter jumps ahead", tweaks: tweak(func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(1000) }),
			prepare: setCount(10),
			check: func(t *testing.T, e *env, l *passkey.Login, _ passkey.User) {
				if l.CloneSuspected || l.Record.SignCount != 1000 {
					t.Errorf("CloneSuspected %v, count %d", l.CloneSuspected, l.Record.SignCount)
				}
			}},
		{name: "BE changed since registration", adaAuth: passkeytest.Config{BackupEligible: true},
			tweaks: tweak(func(k *passkeytest.Knobs) { k.BE = passkeytest.ForceOff }), want: passkey.ErrBackupEligibilityChanged},
		{name: "BS changed", adaAuth: passkeytest.Config{BackupEligible: true},
			tweaks: tweak(func(k *passkeytest.Knobs) { k.BS = passkeytest.ForceOn }),
			check: func(t *testing.T, e *env, l *passkey.Login, _ passkey.User) {
				if !l.BackupStateChanged || !l.BackupState || !l.Record.BackupState {
					t.Errorf("BS change not reported or not stored: %+v", l)
				}
			}},
		{name: "BE learnt for a record that did not know it", adaAuth: passkeytest.Config{BackupEligible: true},
			prepare: func(t *testing.T, e *env, _ passkey.User, id []byte) {
				editRecord(t, e, id, func(r *credential.Record) { r.BackupEligible = credential.Unknown })
			},
			check: func(t *testing.T, e *env, l *passkey.Login, _ passkey.User) {
				if l.Record.BackupEligible != credential.True {
					t.Errorf("BE %v, want true", l.Record.BackupEligible)
				}
			}},
		{name: "synced passkeys refused after registration", adaAuth: passkeytest.Config{BackupEligible: true},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.Synced = passkey.SyncedRefused }},
			want: passkey.ErrAuthenticatorNotAllowed},
		{name: "model denied after registration", adaAuth: passkeytest.Config{AAGUID: [16]byte{5}},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.DeniedAuthenticators = []credential.AAGUID{{5}} }},
			want: passkey.ErrAuthenticatorNotAllowed},
		{name: "UV not yet initialised does not count", tweaks: nil,
			prepare: func(t *testing.T, e *env, _ passkey.User, id []byte) {
				editRecord(t, e, id, func(r *credential.Record) { r.UVInitialized = false })
			},
			check: func(t *testing.T, e *env, l *passkey.Login, _ passkey.User) {
				if !l.UserVerified || l.UserVerifiedTrusted || l.Record.UVInitialized {
					t.Errorf("UV %v trusted %v initialised %v; want true false false", l.UserVerified, l.UserVerifiedTrusted, l.Record.UVInitialized)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := newEnv(t, tc.regMods...)
			adaAuth := tc.adaAuth
			adaAuth.Seed = []byte("ada")
			adaA := newAuthenticator(t, adaAuth)
			bobA := newAuthenticator(t, passkeytest.Config{Seed: []byte("bob")})
			ada, bob := newUser("ada"), newUser("bob")
			adaReg := register(t, base, adaA, ada, func(k *passkeytest.Knobs) { k.CredentialID = []byte("ada-credential") })
			bobReg := register(t, base, bobA, bob)
			e := base.withConfig(t, tc.mods...)
			if tc.prepare != nil {
				tc.prepare(t, e, ada, adaReg.Record.ID)
			}
			before, _ := e.creds.Get(context.Background(), adaReg.Record.ID)
			var opts []passkey.LoginOption
			if tc.opts != nil {
				opts = tc.opts(ada, bob)
			}
			var tweaks []passkeytest.Tweak
			if tc.tweaks != nil {
				tweaks = tc.tweaks(bobReg.Record.ID)
			}
			e.clock.Advance(time.Minute)
			sid, body := getBody(t, e, adaA, opts, tweaks...)
			l, err := e.rp.FinishLogin(context.Background(), sid, body)
			wantCode(t, err, tc.want)
			after, _ := e.creds.Get(context.Background(), adaReg.Record.ID)
			if err != nil {
				if l != nil {
					t.Errorf("a rejected login returned %+v", l)
				}
				if before != nil && (after.SignCount != before.SignCount || !after.LastUsedAt.Equal(before.LastUsedAt)) {
					t.Errorf("a rejected login updated the record")
				}
				return
			}
			if !l.Record.LastUsedAt.Equal(e.clock.Now()) || !after.LastUsedAt.Equal(e.clock.Now()) {
				t.Errorf("last use %v / stored %v, want %v", l.Record.LastUsedAt, after.LastUsedAt, e.clock.Now())
			}
			if after.SignCount != l.Record.SignCount || after.SignCount < before.SignCount {
				t.Errorf("stored count %d, login's %d, before %d", after.SignCount, l.Record.SignCount, before.SignCount)
			}
			if tc.check != nil {
				tc.check(t, e, l, ada)
			}
		})
	}
}

func editRecord(t *testing.T, e *env, id []byte, edit func(*credential.Record)) {
	t.Helper()
	ctx := context.Background()
	old, err := e.creds.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	updated := old.Clone()
	edit(updated)
	if err := e.creds.CompareAndSwap(ctx, old, updated); err != nil {
		t.Fatal(err)
	}
}

func setCount(n uint32) func(*testing.T, *env, passkey.User, []byte) {
	return func(t *testing.T, e *env, _ passkey.User, id []byte) {
		editRecord(t, e, id, func(r *credential.Record) { r.SignCount = n })
	}
}

// TestLoginCounterAdvances: each login stores the new counter.
func TestLoginCounterAdvances(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")
	reg := register(t, e, a, u)
	for want := uint32(1); want <= 3; want++ {
		sid, body := getBody(t, e, a, []passkey.LoginOption{passkey.ForUser(u.Handle)})
		l, err := e.rp.FinishLogin(t.Context(), sid, body)
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := e.creds.Get(t.Context(), reg.Record.ID)
		if l.Record.SignCount != want || rec.SignCount != want {
			t.Fatalf("count %d (stored %d), want %d", l.Record.SignCount, rec.SignCount, want)
		}
	}
}

// TestLoginSessions: replay, expiry, the wrong ceremony and unknown
// sessions fail with challenge-mismatch.
func TestLoginSessions(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*env, *passkeytest.Authenticator) {
		e := newEnv(t)
		a := newAuthenticator(t, passkeytest.Config{})
		register(t, e, a, newUser("ada"))
		return e, a
	}
	t.Run("replay", func(t *testing.T) {
		e, a := setup(t)
		sid, body := getBody(t, e, a, nil)
		if _, err := e.rp.FinishLogin(ctx, sid, body); err != nil {
			t.Fatal(err)
		}
		_, err := e.rp.FinishLogin(ctx, sid, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	t.Run("replay of a body under a new session", func(t *testing.T) {
		e, a := setup(t)
		sid, body := getBody(t, e, a, nil)
		if _, err := e.rp.FinishLogin(ctx, sid, body); err != nil {
			t.Fatal(err)
		}
		_, sid2, err := e.rp.BeginLogin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.rp.FinishLogin(ctx, sid2, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	t.Run("a failed finish consumes the session", func(t *testing.T) {
		e, a := setup(t)
		sid, body := getBody(t, e, a, nil)
		_, err := e.rp.FinishLogin(ctx, sid, []byte(`not json`))
		wantCode(t, err, passkey.ErrMalformedResponse)
		_, err = e.rp.FinishLogin(ctx, sid, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		advance time.Duration
		want    passkey.Sentinel
	}{
		{"in time", 0, 5 * time.Minute, ""},
		{"in the grace minute", 0, 6*time.Minute - time.Second, ""},
		{"expired", 0, 6 * time.Minute, passkey.ErrChallengeMismatch},
		{"expired under a shorter timeout", 30 * time.Second, 91 * time.Second, passkey.ErrChallengeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, a := setup(t)
			e = e.withConfig(t, func(c *passkey.Config) { c.Timeout = tc.timeout })
			o, sid, err := e.rp.BeginLogin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.timeout != 0 && o.Timeout != tc.timeout {
				t.Errorf("options timeout %v", o.Timeout)
			}
			body, err := a.Get(mustJSON(t, o), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(tc.advance)
			_, err = e.rp.FinishLogin(ctx, sid, body)
			wantCode(t, err, tc.want)
		})
	}
	t.Run("registration session", func(t *testing.T) {
		e, a := setup(t)
		_, body := getBody(t, e, a, nil)
		_, regSID, err := e.rp.BeginRegistration(ctx, newUser("eve"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.rp.FinishLogin(ctx, regSID, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
		// The wrong-ceremony Finish consumed it.
		_, err = e.rp.FinishRegistration(ctx, regSID, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	t.Run("session of another RP ID", func(t *testing.T) {
		e, a := setup(t)
		other := e.withConfig(t, func(c *passkey.Config) {
			c.RPID = "login.example.com"
			c.Origins = []string{"https://login.example.com"}
		})
		sid, body := getBody(t, e, a, nil)
		_, err := other.rp.FinishLogin(ctx, sid, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	t.Run("unknown session", func(t *testing.T) {
		e, a := setup(t)
		_, body := getBody(t, e, a, nil)
		_, err := e.rp.FinishLogin(ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
}

// TestEnumerationSafeOptions: options for a name without an account look
// like a real account's, stay the same for that name, and can never log in.
func TestEnumerationSafeOptions(t *testing.T) {
	ctx := context.Background()
	key := bytes.Repeat([]byte{0x42}, 32)
	e := newEnv(t, func(c *passkey.Config) { c.EnumerationKey = key })
	a := newAuthenticator(t, passkeytest.Config{})
	real := newUser("ada")
	register(t, e, a, real)

	allow := func(e *env, opts ...passkey.LoginOption) []passkey.CredentialDescriptor {
		t.Helper()
		o, _, err := e.rp.BeginLogin(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return o.AllowCredentials
	}
	same := func(x, y []passkey.CredentialDescriptor) bool {
		return string(mustJSON(t, descriptorsJSON(x))) == string(mustJSON(t, descriptorsJSON(y)))
	}

	first := allow(e, passkey.ForUnknownUser("nobody@example.com"))
	if len(first) < 1 || len(first) > 3 {
		t.Fatalf("%d decoys, want 1 to 3", len(first))
	}
	for _, d := range first {
		if len(d.ID) < 16 || len(d.ID) > 64 || len(d.Transports) == 0 {
			t.Errorf("decoy %d bytes, transports %v", len(d.ID), d.Transports)
		}
	}
	if again := allow(e, passkey.ForUnknownUser("nobody@example.com")); !same(first, again) {
		t.Errorf("the decoys for one name changed between requests")
	}
	second := e.withConfig(t, func(c *passkey.Config) { c.EnumerationKey = key })
	if other := allow(second, passkey.ForUnknownUser("nobody@example.com")); !same(first, other) {
		t.Errorf("two instances with one key give different decoys")
	}
	rekeyed := e.withConfig(t, func(c *passkey.Config) { c.EnumerationKey = bytes.Repeat([]byte{0x43}, 32) })
	if other := allow(rekeyed, passkey.ForUnknownUser("nobody@example.com")); same(first, other) {
		t.Errorf("the decoys do not depend on the key")
	}
	distinct := map[string]bool{}
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		distinct[string(mustJSON(t, descriptorsJSON(allow(e, passkey.ForUnknownUser(name)))))] = true
	}
	if len(distinct) != 8 {
		t.Errorf("8 names gave %d distinct decoy lists", len(distinct))
	}

	// A real account without passkeys looks the same way, and stays stable.
	empty := passkey.User{Handle: []byte("no-passkeys"), Name: "carol"}
	d1 := allow(e, passkey.ForUser(empty.Handle))
	if len(d1) == 0 || !same(d1, allow(e, passkey.ForUser(empty.Handle))) {
		t.Errorf("an account without passkeys gets %d unstable or no decoys", len(d1))
	}

	// Finishing an unknown user's login fails, even with a real credential.
	o, sid, err := e.rp.BeginLogin(ctx, passkey.ForUnknownUser("nobody@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	o.AllowCredentials = nil // the attacker's browser answers with any passkey it has
	body, err := a.Get(mustJSON(t, o), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.rp.FinishLogin(ctx, sid, body)
	wantCode(t, err, passkey.ErrUnknownCredential)

	// The options of an unknown and a known user have the same members.
	known, _, _ := e.rp.BeginLogin(ctx, passkey.ForUser(real.Handle))
	unknown, _, _ := e.rp.BeginLogin(ctx, passkey.ForUnknownUser("x"))
	if keysOf(t, mustJSON(t, known)) != keysOf(t, mustJSON(t, unknown)) {
		t.Errorf("members differ: %s vs %s", mustJSON(t, known), mustJSON(t, unknown))
	}
}

func descriptorsJSON(ds []passkey.CredentialDescriptor) any {
	type d struct {
		ID         []byte
		Transports []string
	}
	out := make([]d, len(ds))
	for i, x := range ds {
		out[i] = d{x.ID, x.Transports}
	}
	return out
}

func keysOf(t *testing.T, data []byte) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, k := range []string{"challenge", "timeout", "rpId", "allowCredentials", "userVerification", "hints", "extensions"} {
		if _, ok := m[k]; ok {
			s += k + ","
		}
	}
	return s + string(rune('0'+len(m)))
}

// TestAppIDMigration: a credential registered with U2F under an AppID signs
// in with the appid extension, and the login says so.
func TestAppIDMigration(t *testing.T) {
	const appID = "https://example.com/app-id.json"
	ctx := context.Background()
	e := newEnv(t, func(c *passkey.Config) { c.AppID = appID })
	a := newAuthenticator(t, passkeytest.Config{Attachment: "cross-platform"})
	u := newUser("ada")
	// The U2F-era registration: the authenticator makes the credential and
	// the test seeds the store, as a migration would.
	o, _, err := e.rp.BeginRegistration(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	o.ResidentKey = passkey.ResidentKeyDiscouraged
	if _, err := a.Create(mustJSON(t, o), testOrigin, func(k *passkeytest.Knobs) { k.AppID = appID }); err != nil {
		t.Fatal(err)
	}
	held := a.Credentials()[0]
	if err := e.creds.Create(ctx, &credential.Record{
		ID: held.ID, PublicKey: held.PublicKey, Alg: -7, UserHandle: u.Handle, AppID: appID, RPID: testRPID,
	}); err != nil {
		t.Fatal(err)
	}
	sid, body := getBody(t, e, a, []passkey.LoginOption{passkey.ForUser(u.Handle)})
	l, err := e.rp.FinishLogin(ctx, sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if !l.AppIDUsed {
		t.Errorf("AppIDUsed false")
	}
	var client map[string]any
	if err := json.Unmarshal(l.Extensions.Client, &client); err != nil || client["appid"] != true {
		t.Errorf("client outputs %s", l.Extensions.Client)
	}

	// Without the AppID configured, the same credential cannot sign in.
	// A client that sends appid on its own gets no further.
	plain := e.withConfig(t)
	ro, sid, err := plain.rp.BeginLogin(ctx, passkey.ForUser(u.Handle))
	if err != nil {
		t.Fatal(err)
	}
	if ro.Extensions != nil {
		t.Fatalf("extensions %v without an AppID", ro.Extensions)
	}
	ro.Extensions = map[string]json.RawMessage{"appid": json.RawMessage(`"` + appID + `"`)}
	body, err = a.Get(mustJSON(t, ro), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	_, err = plain.rp.FinishLogin(ctx, sid, body)
	wantCode(t, err, passkey.ErrRPIDMismatch)
}

// TestLoginExtensions: requested extension outputs come back, the signed
// ones decoded by identifier.
func TestLoginExtensions(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")
	sid, body := createBody(t, e, a, u, []passkey.RegistrationOption{passkey.WithExtension("prf", json.RawMessage(`{}`))})
	if _, err := e.rp.FinishRegistration(t.Context(), sid, body); err != nil {
		t.Fatal(err)
	}
	sid, body = getBody(t, e, a, []passkey.LoginOption{
		passkey.WithExtension("prf", json.RawMessage(`{"eval":{"first":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}`)),
	})
	l, err := e.rp.FinishLogin(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	var client struct {
		PRF struct {
			Results struct {
				First string `json:"first"`
			} `json:"results"`
		} `json:"prf"`
	}
	if err := json.Unmarshal(l.Extensions.Client, &client); err != nil || client.PRF.Results.First == "" {
		t.Errorf("prf results missing from %s", l.Extensions.Client)
	}
	if _, ok := l.Extensions.Authenticator["hmac-secret"]; !ok {
		t.Errorf("authenticator outputs %v lack hmac-secret", l.Extensions.Authenticator)
	}
}

// TestLoginStoreFailure: a store error is returned as such, with no code.
func TestLoginStoreFailure(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	register(t, e, a, newUser("ada"))
	failing := e.withConfig(t, func(c *passkey.Config) { c.Credentials = failingCredentials{c.Credentials} })
	sid, body := getBody(t, e, a, nil)
	_, err := failing.rp.FinishLogin(context.Background(), sid, body)
	if err == nil || passkey.Code(err) != "" || !errors.Is(err, errStoreDown) {
		t.Fatalf("got %v (code %q), want the store's error", err, passkey.Code(err))
	}
}

// conflictingCredentials loses the first `conflicts` compare-and-swaps, as
// if a concurrent login had just updated the record.
type conflictingCredentials struct {
	store.Credentials
	conflicts, calls *atomic.Int64
}

func (c conflictingCredentials) CompareAndSwap(ctx context.Context, old, updated *credential.Record) error {
	c.calls.Add(1)
	if c.conflicts.Add(-1) >= 0 {
		return store.ErrConflict
	}
	return c.Credentials.CompareAndSwap(ctx, old, updated)
}

// TestLoginRetriesLostUpdates: a lost compare-and-swap is retried against
// the re-read record a bounded number of times.
func TestLoginRetriesLostUpdates(t *testing.T) {
	cases := []struct {
		name      string
		conflicts int64
		wantCalls int64
		wantErr   error
	}{
		{"no conflict", 0, 1, nil},
		{"two conflicts", 2, 3, nil},
		{"conflicts without end", 1000, 3, store.ErrConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			a := newAuthenticator(t, passkeytest.Config{})
			reg := register(t, e, a, newUser("ada"))
			var conflicts, calls atomic.Int64
			conflicts.Store(tc.conflicts)
			c := e.withConfig(t, func(cfg *passkey.Config) {
				cfg.Credentials = conflictingCredentials{cfg.Credentials, &conflicts, &calls}
			})
			sid, body := getBody(t, c, a, nil)
			_, err := c.rp.FinishLogin(context.Background(), sid, body)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err != nil && passkey.Code(err) != "" {
				t.Errorf("a store conflict has code %q", passkey.Code(err))
			}
			if calls.Load() != tc.wantCalls {
				t.Errorf("%d compare-and-swaps, want %d", calls.Load(), tc.wantCalls)
			}
			rec, _ := e.creds.Get(context.Background(), reg.Record.ID)
			if want := uint32(1); err == nil && rec.SignCount != want {
				t.Errorf("stored count %d, want %d", rec.SignCount, want)
			}
		})
	}
}

// TestSweepSessions: expired sessions go, live ones stay.
func TestSweepSessions(t *testing.T) {
	e := newEnv(t)
	if _, _, err := e.rp.BeginLogin(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Minute)
	if _, _, err := e.rp.BeginLogin(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute + time.Second)
	if err := e.rp.SweepSessions(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.sessions.Len(); n != 1 {
		t.Fatalf("%d sessions after the sweep, want 1", n)
	}
}

// countingCredentials counts the store calls a ceremony makes.
type countingCredentials struct {
	store.Credentials
	gets, lists *atomic.Int64
}

func (c countingCredentials) Get(ctx context.Context, id []byte) (*credential.Record, error) {
	c.gets.Add(1)
	return c.Credentials.Get(ctx, id)
}

func (c countingCredentials) ListByUser(ctx context.Context, h []byte) ([]*credential.Record, error) {
	c.lists.Add(1)
	return c.Credentials.ListByUser(ctx, h)
}

// TestUnknownUserStoreCalls: an unknown user's login makes the store calls
// a real user's failing login makes, so that their timing is alike.
func TestUnknownUserStoreCalls(t *testing.T) {
	ctx := context.Background()
	base := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	ada := newUser("ada")
	register(t, base, a, ada)
	type calls struct{ lists, gets int64 }
	run := func(opt passkey.LoginOption) (begin, finish calls) {
		var gets, lists atomic.Int64
		e := base.withConfig(t, func(c *passkey.Config) {
			c.Credentials = countingCredentials{c.Credentials, &gets, &lists}
		})
		o, sid, err := e.rp.BeginLogin(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		begin = calls{lists.Load(), gets.Load()}
		o.AllowCredentials = nil
		body, err := a.Get(mustJSON(t, o), testOrigin, func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.Signature[len(r.Signature)-1] ^= 1 }
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.rp.FinishLogin(ctx, sid, body); err == nil {
			t.Fatal("a tampered login succeeded")
		}
		return begin, calls{lists.Load() - begin.lists, gets.Load() - begin.gets}
	}
	realBegin, realFinish := run(passkey.ForUser(ada.Handle))
	unknownBegin, unknownFinish := run(passkey.ForUnknownUser("nobody"))
	if realBegin != unknownBegin || realFinish != unknownFinish {
		t.Errorf("store calls differ: real %v then %v, unknown %v then %v", realBegin, realFinish, unknownBegin, unknownFinish)
	}
}

// cancellingTrust fails as a trust source does when its context ends.
type cancellingTrust struct{}

func (cancellingTrust) TrustAnchors(ctx context.Context, _ string, _ [16]byte, _ []*x509.Certificate) (*x509.CertPool, error) {
	return nil, ctx.Err()
}

// TestTrustSourceCancelled: a cancelled context is not a verdict on the
// authenticator.
func TestTrustSourceCancelled(t *testing.T) {
	e := newEnv(t, func(c *passkey.Config) { c.TrustSource = cancellingTrust{} })
	a := newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPacked})
	sid, body := createBody(t, e, a, newUser("ada"), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.rp.FinishRegistration(ctx, sid, body)
	if !errors.Is(err, context.Canceled) || passkey.Code(err) != "" {
		t.Fatalf("got %v (code %q), want context.Canceled without a code", err, passkey.Code(err))
	}
}
