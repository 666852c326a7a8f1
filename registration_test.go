package passkey_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"github.com/gopasskey/passkey/attestation"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
)

// TestRegistration: the verdicts of FinishRegistration, each case a path
// through it.
func TestRegistration(t *testing.T) {
	cases := []struct {
		name   string
		mods   []func(*passkey.Config)
		auth   passkeytest.Config
		opts   []passkey.RegistrationOption
		tweaks []passkeytest.Tweak
		want   passkey.Sentinel
	}{
		{name: "platform passkey"},
		{name: "security key", auth: passkeytest.Config{Attachment: "cross-platform", NoResidentKeys: true},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.ResidentKey = passkey.ResidentKeyDiscouraged }}},
		{name: "wrong origin", tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.Origin = "https://evil.example" }},
			want: passkey.ErrOriginMismatch},
		{name: "UP clear", tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.UP = passkeytest.ForceOff }},
			want: passkey.ErrUserNotPresent},
		{name: "UV required and clear",
			mods:   []func(*passkey.Config){func(c *passkey.Config) { c.UserVerification = passkey.VerificationRequired }},
			tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }},
			want:   passkey.ErrUserNotVerified},
		{name: "UV required per ceremony",
			opts:   []passkey.RegistrationOption{passkey.WithUserVerification(passkey.VerificationRequired)},
			tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }},
			want:   passkey.ErrUserNotVerified},
		{name: "UV preferred and clear",
			tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff }}},
		{name: "algorithm not offered",
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.Algorithms = []cose.Algorithm{cose.ES256} }},
			tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) {
				k.TamperCOSEKey = func(m map[int64]any) { m[3] = int64(-36) }
			}},
			want: passkey.ErrUnsupportedAlgorithm},
		{name: "synced passkey refused", auth: passkeytest.Config{BackupEligible: true, BackupState: true},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.Synced = passkey.SyncedRefused }},
			want: passkey.ErrAuthenticatorNotAllowed},
		{name: "device-bound refused", mods: []func(*passkey.Config){func(c *passkey.Config) { c.Synced = passkey.SyncedRequired }},
			want: passkey.ErrAuthenticatorNotAllowed},
		{name: "synced required and synced", auth: passkeytest.Config{BackupEligible: true},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.Synced = passkey.SyncedRequired }}},
		{name: "model on the deny list", auth: passkeytest.Config{AAGUID: [16]byte{9, 9}},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.DeniedAuthenticators = []credential.AAGUID{{9, 9}} }},
			want: passkey.ErrAuthenticatorNotAllowed},
		{name: "model not on the allow list", auth: passkeytest.Config{AAGUID: [16]byte{9, 9}},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.AllowedAuthenticators = []credential.AAGUID{{8}} }},
			want: passkey.ErrAuthenticatorNotAllowed},
		{name: "model on the allow list", auth: passkeytest.Config{AAGUID: [16]byte{9, 9}},
			mods: []func(*passkey.Config){func(c *passkey.Config) { c.AllowedAuthenticators = []credential.AAGUID{{8}, {9, 9}} }}},
		{name: "malformed credProtect output",
			opts: []passkey.RegistrationOption{passkey.WithCredProtect(passkey.CredProtectUVRequired, false)},
			tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) {
				k.AuthenticatorExtensions = []byte{0xa1, 0x6b, 'c', 'r', 'e', 'd', 'P', 'r', 'o', 't', 'e', 'c', 't', 0x09}
			}},
			want: passkey.ErrExtensionInvalid},
		{name: "malformed body", tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) {
			k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.Type = "private-key" }
		}}, want: passkey.ErrMalformedResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.mods...)
			a := newAuthenticator(t, tc.auth)
			u := newUser("ada")
			sid, body := createBody(t, e, a, u, tc.opts, tc.tweaks...)
			reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
			wantCode(t, err, tc.want)
			stored, _ := e.rp.Passkeys(t.Context(), u.Handle)
			if tc.want != "" {
				if reg != nil || len(stored) != 0 {
					t.Fatalf("a rejected registration returned %v and stored %d records", reg, len(stored))
				}
				return
			}
			if len(stored) != 1 || !bytes.Equal(stored[0].ID, reg.Record.ID) {
				t.Fatalf("stored %d records, want the new one", len(stored))
			}
			held := a.Credentials()
			if len(held) != 1 || !bytes.Equal(held[0].ID, reg.Record.ID) || !bytes.Equal(held[0].PublicKey, reg.Record.PublicKey) {
				t.Fatalf("the record is not the authenticator's credential")
			}
			if !bytes.Equal(reg.UserHandle, u.Handle) || !bytes.Equal(reg.Record.UserHandle, u.Handle) ||
				reg.UserName != u.Name || reg.UserDisplayName != u.DisplayName {
				t.Errorf("registration for %q/%q, want %q/%q", reg.UserName, reg.UserDisplayName, u.Name, u.DisplayName)
			}
			if reg.AttestationType != "none" || reg.Record.RPID != testRPID || !reg.Record.CreatedAt.Equal(e.clock.Now()) {
				t.Errorf("attestation %q, RP ID %q, created %v", reg.AttestationType, reg.Record.RPID, reg.Record.CreatedAt)
			}
			if want := credential.TristateOf(tc.auth.BackupEligible); reg.Record.BackupEligible != want {
				t.Errorf("BE %v, want %v", reg.Record.BackupEligible, want)
			}
		})
	}
}

// TestRegistrationSessions: replay, expiry, the wrong ceremony and session
// IDs nobody issued all fail with challenge-mismatch, and a failed Finish
// still consumes the session.
func TestRegistrationSessions(t *testing.T) {
	ctx := context.Background()
	t.Run("replay", func(t *testing.T) {
		e := newEnv(t)
		a := newAuthenticator(t, passkeytest.Config{})
		sid, body := createBody(t, e, a, newUser("ada"), nil)
		if _, err := e.rp.VerifyRegistration(ctx, sid, body); err != nil {
			t.Fatal(err)
		}
		_, err := e.rp.VerifyRegistration(ctx, sid, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	t.Run("a failed finish consumes the session", func(t *testing.T) {
		e := newEnv(t)
		a := newAuthenticator(t, passkeytest.Config{})
		sid, body := createBody(t, e, a, newUser("ada"), nil)
		_, err := e.rp.FinishRegistration(ctx, sid, []byte(`{}`))
		wantCode(t, err, passkey.ErrMalformedResponse)
		_, err = e.rp.FinishRegistration(ctx, sid, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
	})
	for _, tc := range []struct {
		name    string
		advance time.Duration
		want    passkey.Sentinel
	}{
		{"just inside the timeout and grace", 5*time.Minute + time.Minute - time.Nanosecond, ""},
		{"expired", 5*time.Minute + time.Minute, passkey.ErrChallengeMismatch},
		{"long expired", 24 * time.Hour, passkey.ErrChallengeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			a := newAuthenticator(t, passkeytest.Config{})
			sid, body := createBody(t, e, a, newUser("ada"), nil)
			e.clock.Advance(tc.advance)
			_, err := e.rp.FinishRegistration(ctx, sid, body)
			wantCode(t, err, tc.want)
			if tc.want != "" && e.sessions.Len() != 0 {
				t.Errorf("the expired session is still stored")
			}
		})
	}
	t.Run("login session", func(t *testing.T) {
		e := newEnv(t)
		a := newAuthenticator(t, passkeytest.Config{})
		_, body := createBody(t, e, a, newUser("ada"), nil)
		_, loginSID, err := e.rp.BeginLogin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.rp.FinishRegistration(ctx, loginSID, body)
		wantCode(t, err, passkey.ErrChallengeMismatch)
		var pe *passkey.Error
		if !errors.As(err, &pe) || pe.Expected != "registration" || pe.Received != "login" {
			t.Errorf("the error does not say which ceremony: %v", err)
		}
	})
	for _, id := range []string{"", "x", "AAAA", "not base64url!", "U_Fld8VIh8qB0ZDgccFGCfZy5dIP4z6M4ojBRhpBxmk",
		"U_Fld8VIh8qB0ZDgccFGCfZy5dIP4z6M4ojBRhpBxmk=", "U_Fld8VIh8qB0ZDgccFGCfZy5dIP4z6M4ojBRhpBxm"} {
		t.Run("unknown session "+id, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.rp.FinishRegistration(ctx, id, []byte(`{}`))
			wantCode(t, err, passkey.ErrChallengeMismatch)
		})
	}
}

// TestAlreadyRegistered: a credential ID that anyone registered is refused,
// by Verify when it is stored already, and by Save when two registrations
// race.
func TestAlreadyRegistered(t *testing.T) {
	ctx := context.Background()
	sameID := func(k *passkeytest.Knobs) { k.CredentialID = []byte("the-same-credential-id") }
	t.Run("registered to another user", func(t *testing.T) {
		e := newEnv(t)
		register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("victim")}), newUser("victim"), sameID)
		sid, body := createBody(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("attacker")}), newUser("attacker"), nil, sameID)
		_, err := e.rp.VerifyRegistration(ctx, sid, body)
		wantCode(t, err, passkey.ErrCredentialAlreadyRegistered)
	})
	t.Run("registered to the same user", func(t *testing.T) {
		e := newEnv(t)
		u := newUser("ada")
		register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("one")}), u, sameID)
		sid, body := createBody(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("two")}), u, nil, sameID)
		_, err := e.rp.FinishRegistration(ctx, sid, body)
		wantCode(t, err, passkey.ErrCredentialAlreadyRegistered)
	})
	t.Run("two registrations race", func(t *testing.T) {
		e := newEnv(t)
		sid1, body1 := createBody(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("one")}), newUser("a"), nil, sameID)
		sid2, body2 := createBody(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("two")}), newUser("b"), nil, sameID)
		reg1, err := e.rp.VerifyRegistration(ctx, sid1, body1)
		if err != nil {
			t.Fatal(err)
		}
		reg2, err := e.rp.VerifyRegistration(ctx, sid2, body2)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.rp.SaveRegistration(ctx, reg1); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.rp.SaveRegistration(ctx, reg2), passkey.ErrCredentialAlreadyRegistered)
		rec, err := e.creds.Get(ctx, reg1.Record.ID)
		if err != nil || !bytes.Equal(rec.UserHandle, reg1.UserHandle) {
			t.Fatalf("the first registration's record was replaced: %v", err)
		}
	})
}

// TestVerifyStoresNothing: VerifyRegistration leaves the store alone, so the
// application decides when (and in which transaction) to save.
func TestVerifyStoresNothing(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")
	sid, body := createBody(t, e, a, u, nil)
	reg, err := e.rp.VerifyRegistration(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if recs, _ := e.creds.ListByUser(t.Context(), u.Handle); len(recs) != 0 {
		t.Fatalf("VerifyRegistration stored %d records", len(recs))
	}
	if err := e.rp.SaveRegistration(t.Context(), reg); err != nil {
		t.Fatal(err)
	}
	if recs, _ := e.creds.ListByUser(t.Context(), u.Handle); len(recs) != 1 {
		t.Fatalf("SaveRegistration stored %d records", len(recs))
	}
	var ce *passkey.ConfigError
	if err := e.rp.SaveRegistration(t.Context(), nil); !errors.As(err, &ce) {
		t.Errorf("SaveRegistration(nil): %v", err)
	}
}

// TestConditionalCreate: a conditional create may leave UP clear; the same
// response to an ordinary registration fails.
func TestConditionalCreate(t *testing.T) {
	cases := []struct {
		name        string
		conditional bool
		up          passkeytest.Force
		want        passkey.Sentinel
	}{
		{"conditional, UP clear", true, passkeytest.Auto, ""},
		{"conditional, UP set", true, passkeytest.ForceOn, ""},
		{"modal, UP clear", false, passkeytest.ForceOff, passkey.ErrUserNotPresent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			a := newAuthenticator(t, passkeytest.Config{})
			var opts []passkey.RegistrationOption
			if tc.conditional {
				opts = append(opts, passkey.ConditionalCreate())
			}
			o, sid, err := e.rp.BeginRegistration(t.Context(), newUser("ada"), opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.Mediation == "conditional"; got != tc.conditional {
				t.Fatalf("mediation %q", o.Mediation)
			}
			body, err := a.Create(wrapCreation(t, o), testOrigin, func(k *passkeytest.Knobs) { k.UP = tc.up })
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.rp.FinishRegistration(t.Context(), sid, body)
			wantCode(t, err, tc.want)
		})
	}
}

// TestCredProps: the client's credProps.rk becomes Record.Discoverable.
func TestCredProps(t *testing.T) {
	cases := []struct {
		name string
		auth passkeytest.Config
		rk   passkey.ResidentKey
		drop bool
		want credential.Tristate
	}{
		{"passkey", passkeytest.Config{}, passkey.ResidentKeyRequired, false, credential.True},
		{"server-side", passkeytest.Config{NoResidentKeys: true}, passkey.ResidentKeyDiscouraged, false, credential.False},
		{"not reported", passkeytest.Config{}, passkey.ResidentKeyRequired, true, credential.Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *passkey.Config) { c.ResidentKey = tc.rk })
			reg := register(t, e, newAuthenticator(t, tc.auth), newUser("ada"), func(k *passkeytest.Knobs) {
				if tc.drop {
					k.TamperAfterSign = func(r *passkeytest.RawResponse) { r.ClientExtensionResults = nil }
				}
			})
			if reg.Record.Discoverable != tc.want {
				t.Fatalf("Discoverable %v, want %v", reg.Record.Discoverable, tc.want)
			}
		})
	}
}

// TestRegistrationExtensions: requested extension outputs come back.
func TestRegistrationExtensions(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	sid, body := createBody(t, e, a, newUser("ada"), []passkey.RegistrationOption{
		passkey.WithExtension("credentialProtectionPolicy", json.RawMessage(`"userVerificationRequired"`)),
		passkey.WithExtension("enforceCredentialProtectionPolicy", json.RawMessage(`true`)),
	})
	reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if reg.Record.CredProtect != 3 {
		t.Errorf("CredProtect %d, want 3", reg.Record.CredProtect)
	}
	if _, ok := reg.Extensions.Authenticator["credProtect"]; !ok {
		t.Errorf("authenticator outputs %v lack credProtect", reg.Extensions.Authenticator)
	}
	var client map[string]json.RawMessage
	if err := json.Unmarshal(reg.Extensions.Client, &client); err != nil || client["credProps"] == nil {
		t.Errorf("client outputs %s lack credProps", reg.Extensions.Client)
	}
}

// fixedTrust is a trust source with fixed answers.
type fixedTrust struct {
	roots *x509.CertPool
	err   error
	asked [16]byte
}

func (f *fixedTrust) TrustAnchors(_ context.Context, _ string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
	f.asked = aaguid
	return f.roots, f.err
}

type names map[[16]byte]string

func (n names) AuthenticatorName(aaguid [16]byte) string { return n[aaguid] }

// TestTrustSource: with a trust source, the attestation must chain to the
// roots it gives for the model.
func TestTrustSource(t *testing.T) {
	model := [16]byte{0xee, 1}
	packed := passkeytest.Config{Attestation: passkeytest.AttestationPacked, AAGUID: model, Seed: []byte("packed")}
	rootOf := func(t *testing.T) *x509.CertPool {
		pool := x509.NewCertPool()
		pool.AddCert(newAuthenticator(t, packed).AttestationRoot())
		return pool
	}
	otherRoot := func(t *testing.T) *x509.CertPool {
		pool := x509.NewCertPool()
		pool.AddCert(newAuthenticator(t, passkeytest.Config{Attestation: passkeytest.AttestationPacked, Seed: []byte("other")}).AttestationRoot())
		return pool
	}
	cases := []struct {
		name  string
		auth  passkeytest.Config
		trust func(*testing.T) *fixedTrust
		want  passkey.Sentinel
		typ   string
	}{
		{"chains to the model's root", packed, func(t *testing.T) *fixedTrust { return &fixedTrust{roots: rootOf(t)} }, "", "basic"},
		{"another root", packed, func(t *testing.T) *fixedTrust { return &fixedTrust{roots: otherRoot(t)} }, passkey.ErrAttestationUntrusted, ""},
		{"unknown model", packed, func(*testing.T) *fixedTrust { return &fixedTrust{} }, passkey.ErrAttestationUntrusted, ""},
		{"distrusted model", packed, func(t *testing.T) *fixedTrust {
			return &fixedTrust{roots: rootOf(t), err: errors.New("REVOKED")}
		}, passkey.ErrAuthenticatorStatusUntrusted, ""},
		{"none attestation", passkeytest.Config{AAGUID: model}, func(t *testing.T) *fixedTrust { return &fixedTrust{roots: rootOf(t)} },
			passkey.ErrAttestationTypeNotAllowed, ""},
		{"none attestation, unknown model", passkeytest.Config{AAGUID: model}, func(t *testing.T) *fixedTrust { return &fixedTrust{} },
			passkey.ErrAttestationTypeNotAllowed, ""},
		{"self attestation", passkeytest.Config{Attestation: passkeytest.AttestationPackedSelf, AAGUID: model},
			func(t *testing.T) *fixedTrust { return &fixedTrust{roots: rootOf(t)} }, passkey.ErrAttestationTypeNotAllowed, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			trust := tc.trust(t)
			e := newEnv(t, func(c *passkey.Config) {
				c.TrustSource = trust
				c.AuthenticatorNames = names{model: "Test Key"}
			})
			a := newAuthenticator(t, tc.auth)
			o, sid, err := e.rp.BeginRegistration(t.Context(), newUser("ada"))
			if err != nil {
				t.Fatal(err)
			}
			if o.Attestation != "direct" {
				t.Errorf("attestation conveyance %q, want direct", o.Attestation)
			}
			body, err := a.Create(mustJSON(t, o), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
			wantCode(t, err, tc.want)
			if err != nil {
				return
			}
			if reg.AttestationType != tc.typ || len(reg.TrustPath) == 0 || reg.AuthenticatorName != "Test Key" {
				t.Errorf("type %q, path %d, name %q", reg.AttestationType, len(reg.TrustPath), reg.AuthenticatorName)
			}
			if trust.asked != model {
				t.Errorf("the trust source was asked about %x", trust.asked)
			}
		})
	}
}

type statusErr struct{}

func (statusErr) Error() string               { return "REVOKED" }
func (statusErr) AuthenticatorStatus() string { return "REVOKED" }

// TestTrustSourceOf: a context-free source (metadata, roots) keeps the
// attestation package's reading of its errors.
func TestTrustSourceOf(t *testing.T) {
	model := [16]byte{0xee, 2}
	packed := passkeytest.Config{Attestation: passkeytest.AttestationPacked, AAGUID: model, Seed: []byte("packed-of")}
	root := x509.NewCertPool()
	root.AddCert(newAuthenticator(t, packed).AttestationRoot())
	cases := []struct {
		name string
		pool *x509.CertPool
		err  error
		want passkey.Sentinel
	}{
		{"roots for the model", root, nil, ""},
		{"an error without a status", nil, errors.New("unknown authenticator"), passkey.ErrAttestationUntrusted},
		{"a status report", nil, statusErr{}, passkey.ErrAuthenticatorStatusUntrusted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var format string
			src := attestation.TrustSourceFunc(func(f string, _ [16]byte, _ []*x509.Certificate) (*x509.CertPool, error) {
				format = f
				return tc.pool, tc.err
			})
			e := newEnv(t, func(c *passkey.Config) { c.TrustSource = passkey.TrustSourceOf(src) })
			o, sid, err := e.rp.BeginRegistration(t.Context(), newUser("ada"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := newAuthenticator(t, packed).Create(mustJSON(t, o), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.rp.FinishRegistration(t.Context(), sid, body)
			wantCode(t, err, tc.want)
			if format != "packed" {
				t.Errorf("the source was asked about format %q", format)
			}
		})
	}
}
