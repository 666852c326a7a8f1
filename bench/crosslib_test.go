package bench

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/migrate"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store/memory"
)

// gwUser is an account as a go-webauthn application models it.
type gwUser struct {
	handle []byte
	name   string
	creds  []webauthn.Credential
}

func (u *gwUser) WebAuthnID() []byte                         { return u.handle }
func (u *gwUser) WebAuthnName() string                       { return u.name }
func (u *gwUser) WebAuthnDisplayName() string                { return u.name }
func (u *gwUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func newGoWebAuthn(t *testing.T) *webauthn.WebAuthn {
	t.Helper()
	wa, err := webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: "Example", RPOrigins: []string{rpOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	return wa
}

// ourRP is a passkey relying party with memory stores.
type ourRP struct {
	rp    *passkey.RelyingParty
	creds *memory.Credentials
}

func newOurRP(t *testing.T) ourRP {
	t.Helper()
	creds := memory.NewCredentials()
	rp, err := passkey.New(passkey.Config{
		RPID: rpID, RPName: "Example", Origins: []string{rpOrigin},
		Credentials: creds, Sessions: memory.NewSessions(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return ourRP{rp: rp, creds: creds}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// registerWithGoWebAuthn runs a go-webauthn registration for u with a as
// the authenticator and returns the credential go-webauthn would store.
func registerWithGoWebAuthn(t *testing.T, wa *webauthn.WebAuthn, u *gwUser, a *passkeytest.Authenticator) webauthn.Credential {
	t.Helper()
	params := webauthn.WithCredentialParameters([]protocol.CredentialParameter{
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgEdDSA},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256},
	})
	creation, session, err := wa.BeginRegistration(u, params, webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired))
	if err != nil {
		t.Fatal(err)
	}
	body, err := a.Create(mustJSON(t, creation), rpOrigin)
	if err != nil {
		t.Fatalf("passkeytest on go-webauthn's options: %v", err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := wa.CreateCredential(u, *session, parsed)
	if err != nil {
		t.Fatalf("go-webauthn registration: %v", err)
	}
	u.creds = append(u.creds, *cred)
	return *cred
}

// loginWithOurs runs a usernameless login on rp and returns its result.
func loginWithOurs(t *testing.T, rp *passkey.RelyingParty, a *passkeytest.Authenticator, tweaks ...passkeytest.Tweak) (*passkey.Login, error) {
	t.Helper()
	ctx := context.Background()
	opts, sid, err := rp.BeginLogin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body, err := a.Get(mustJSON(t, opts), rpOrigin, tweaks...)
	if err != nil {
		t.Fatalf("passkeytest on our options: %v", err)
	}
	return rp.FinishLogin(ctx, sid, body)
}

var crossAlgorithms = []struct {
	name string
	alg  int64
}{
	{"ES256", passkeytest.AlgES256},
	{"RS256", passkeytest.AlgRS256},
	{"EdDSA", passkeytest.AlgEdDSA},
}

// TestGoWebAuthnToPasskey registers with go-webauthn, exports the
// credential as its JSON, imports it with migrate.FromGoWebAuthn and signs
// in with passkey's RelyingParty, usernameless and then for the user.
func TestGoWebAuthnToPasskey(t *testing.T) {
	for _, tc := range crossAlgorithms {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, tc.alg, passkeytest.AttestationNone)
			u := &gwUser{handle: []byte("go-webauthn user 1"), name: "ada"}
			cred := registerWithGoWebAuthn(t, newGoWebAuthn(t), u, a)

			rec, err := migrate.FromGoWebAuthn(mustJSON(t, cred), rpID, migrate.WithUserHandle(u.handle))
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if int64(rec.Alg) != tc.alg {
				t.Errorf("Alg %d, want %d", rec.Alg, tc.alg)
			}
			if rec.BackupEligible != credential.False {
				t.Errorf("BE %v, want false as go-webauthn recorded it", rec.BackupEligible)
			}

			ours := newOurRP(t)
			if err := ours.creds.Create(context.Background(), rec); err != nil {
				t.Fatal(err)
			}
			login, err := loginWithOurs(t, ours.rp, a)
			if err != nil {
				t.Fatalf("passkey login with the imported credential: %v", err)
			}
			if string(login.UserHandle) != string(u.handle) {
				t.Errorf("signed in as %q, want %q", login.UserHandle, u.handle)
			}
			if login.Record.SignCount <= cred.Authenticator.SignCount {
				t.Errorf("sign count %d did not advance past %d", login.Record.SignCount, cred.Authenticator.SignCount)
			}

			// A username-first login lists the imported credential.
			ctx := context.Background()
			opts, sid, err := ours.rp.BeginLogin(ctx, passkey.ForUser(u.handle))
			if err != nil {
				t.Fatal(err)
			}
			if len(opts.AllowCredentials) != 1 || string(opts.AllowCredentials[0].ID) != string(cred.ID) {
				t.Fatalf("allowCredentials %v, want the imported credential", opts.AllowCredentials)
			}
			body, err := a.Get(mustJSON(t, opts), rpOrigin)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ours.rp.FinishLogin(ctx, sid, body); err != nil {
				t.Fatalf("username-first login: %v", err)
			}
		})
	}
}

// TestPasskeyToGoWebAuthn registers with passkey's RelyingParty, builds
// the go-webauthn credential from the record, and signs in with
// go-webauthn: the way back, should a site need it.
func TestPasskeyToGoWebAuthn(t *testing.T) {
	for _, tc := range crossAlgorithms {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, tc.alg, passkeytest.AttestationNone)
			ours := newOurRP(t)
			ctx := context.Background()
			user := passkey.User{Handle: []byte("passkey user 1"), Name: "ada", DisplayName: "Ada"}
			opts, sid, err := ours.rp.BeginRegistration(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			body, err := a.Create(mustJSON(t, opts), rpOrigin)
			if err != nil {
				t.Fatal(err)
			}
			reg, err := ours.rp.FinishRegistration(ctx, sid, body)
			if err != nil {
				t.Fatalf("passkey registration: %v", err)
			}
			rec := reg.Record

			var flags protocol.AuthenticatorFlags = protocol.FlagUserPresent
			if rec.UVInitialized {
				flags |= protocol.FlagUserVerified
			}
			if rec.BackupEligible.Bool() {
				flags |= protocol.FlagBackupEligible
			}
			if rec.BackupState {
				flags |= protocol.FlagBackupState
			}
			transports := make([]protocol.AuthenticatorTransport, len(rec.Transports))
			for i, tr := range rec.Transports {
				transports[i] = protocol.AuthenticatorTransport(tr)
			}
			u := &gwUser{handle: rec.UserHandle, name: "ada", creds: []webauthn.Credential{{
				ID:                rec.ID,
				PublicKey:         rec.PublicKey,
				AttestationType:   rec.AttestationType,
				AttestationFormat: rec.AttestationFormat,
				Transport:         transports,
				Flags:             webauthn.NewCredentialFlags(flags),
				Authenticator:     webauthn.Authenticator{AAGUID: rec.AAGUID[:], SignCount: rec.SignCount},
			}}}

			wa := newGoWebAuthn(t)
			assertion, session, err := wa.BeginLogin(u)
			if err != nil {
				t.Fatal(err)
			}
			body, err = a.Get(mustJSON(t, assertion), rpOrigin)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := wa.ValidateLogin(u, *session, parsed)
			if err != nil {
				t.Fatalf("go-webauthn login with passkey's record: %v", err)
			}
			if cred.Authenticator.CloneWarning {
				t.Error("go-webauthn suspects a clone")
			}
		})
	}
}

// TestBackupEligibilityLearnt imports a go-webauthn credential whose BE was
// never recorded, and checks that the first passkey login records it and
// that a later login with a different BE is then refused.
func TestBackupEligibilityLearnt(t *testing.T) {
	for _, tc := range []struct {
		name string
		// strip removes BE from the exported JSON, as a release that did
		// not store flags left it; otherwise the option says it.
		strip bool
	}{
		{name: "flags absent", strip: true},
		{name: "BackupEligibilityUnknown option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := passkeytest.New(passkeytest.Config{Seed: seed, Algorithms: []int64{passkeytest.AlgES256},
				BackupEligible: true, BackupState: true})
			if err != nil {
				t.Fatal(err)
			}
			u := &gwUser{handle: []byte("go-webauthn user 2"), name: "ada"}
			cred := registerWithGoWebAuthn(t, newGoWebAuthn(t), u, a)
			if !cred.Flags.BackupEligible {
				t.Fatal("go-webauthn did not record BE: the test needs a backup-eligible credential")
			}
			data := mustJSON(t, cred)
			opts := []migrate.Option{migrate.WithUserHandle(u.handle)}
			if tc.strip {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(data, &m); err != nil {
					t.Fatal(err)
				}
				delete(m, "flags")
				data = mustJSON(t, m)
			} else {
				opts = append(opts, migrate.BackupEligibilityUnknown())
			}
			rec, err := migrate.FromGoWebAuthn(data, rpID, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if rec.BackupEligible != credential.Unknown {
				t.Fatalf("imported BE %v, want unknown", rec.BackupEligible)
			}

			ours := newOurRP(t)
			ctx := context.Background()
			if err := ours.creds.Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
			login, err := loginWithOurs(t, ours.rp, a)
			if err != nil {
				t.Fatalf("first login: %v", err)
			}
			if login.Record.BackupEligible != credential.True {
				t.Errorf("BE after the first login %v, want true", login.Record.BackupEligible)
			}
			stored, err := ours.creds.Get(ctx, rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.BackupEligible != credential.True {
				t.Errorf("stored BE %v, want true", stored.BackupEligible)
			}

			// Now that BE is known, an assertion without it is refused.
			_, err = loginWithOurs(t, ours.rp, a, func(k *passkeytest.Knobs) {
				k.BE, k.BS = passkeytest.ForceOff, passkeytest.ForceOff
			})
			if !errors.Is(err, passkey.ErrBackupEligibilityChanged) {
				t.Errorf("login with BE cleared after it was learnt: %v, want %v", err, passkey.ErrBackupEligibilityChanged)
			}
		})
	}
}
