package passkey_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// refuseUnsolicited is the unsolicited-output policy knob.
func refuseUnsolicited(c *passkey.Config) { c.RefuseUnsolicitedExtensions = true }

// setClient replaces (or, with a nil value, removes) one client extension
// output just before the response becomes JSON.
func setClient(id string, v any) passkeytest.Tweak {
	return func(k *passkeytest.Knobs) {
		prev := k.TamperAfterSign
		k.TamperAfterSign = func(r *passkeytest.RawResponse) {
			if prev != nil {
				prev(r)
			}
			if r.ClientExtensionResults == nil {
				r.ClientExtensionResults = map[string]any{}
			}
			if v == nil {
				delete(r.ClientExtensionResults, id)
				return
			}
			r.ClientExtensionResults[id] = v
		}
	}
}

// authExt replaces the signed authenticator extension outputs with this
// CBOR map (hex-free: built from the few shapes the tests need).
func authExt(cborMap []byte) passkeytest.Tweak {
	return func(k *passkeytest.Knobs) { k.AuthenticatorExtensions = cborMap }
}

// cborMap1 encodes {key: value} for a short text key and a small CBOR item.
func cborMap1(key string, item ...byte) []byte {
	return append(append([]byte{0xa1, 0x60 | byte(len(key))}, key...), item...)
}

var (
	prfFirst  = []byte("first PRF input")
	prfSecond = []byte("second PRF input")
	b64enc    = base64.RawURLEncoding.EncodeToString
)

// TestRegistrationExtensionOutputs: each extension's accepted and refused
// outputs at registration (#reg-ceremony-verify-extension-outputs).
func TestRegistrationExtensionOutputs(t *testing.T) {
	const appID = "https://example.com/app-id.json"
	short := b64enc(make([]byte, 16))
	full := b64enc(bytes.Repeat([]byte{1}, 32))
	cases := []struct {
		name   string
		mods   []func(*passkey.Config)
		auth   passkeytest.Config
		opts   []passkey.RegistrationOption
		tweaks []passkeytest.Tweak
		want   passkey.Sentinel
		check  func(t *testing.T, reg *passkey.Registration)
	}{
		// credProps.
		{name: "credProps rk", check: func(t *testing.T, r *passkey.Registration) {
			if r.Record.Discoverable != credential.True {
				t.Errorf("Discoverable %v", r.Record.Discoverable)
			}
		}},
		{name: "credProps not an object", tweaks: []passkeytest.Tweak{setClient("credProps", true)}, want: passkey.ErrExtensionInvalid},
		{name: "credProps rk not a boolean", tweaks: []passkeytest.Tweak{setClient("credProps", map[string]any{"rk": "yes"})},
			want: passkey.ErrExtensionInvalid},

		// appidExclude.
		{name: "appidExclude from Config.AppID", mods: []func(*passkey.Config){func(c *passkey.Config) { c.AppID = appID }},
			check: func(t *testing.T, r *passkey.Registration) {
				if !r.Extensions.AppIDExclude {
					t.Error("AppIDExclude false")
				}
			}},
		{name: "appidExclude by option", opts: []passkey.RegistrationOption{passkey.AppIDExclude(appID)},
			check: func(t *testing.T, r *passkey.Registration) {
				if !r.Extensions.AppIDExclude {
					t.Error("AppIDExclude false")
				}
			}},
		{name: "appidExclude not a boolean", opts: []passkey.RegistrationOption{passkey.AppIDExclude(appID)},
			tweaks: []passkeytest.Tweak{setClient("appidExclude", "yes")}, want: passkey.ErrExtensionInvalid},
		{name: "appidExclude unsolicited, ignored", tweaks: []passkeytest.Tweak{setClient("appidExclude", true)},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Extensions.AppIDExclude {
					t.Error("an unsolicited output was surfaced")
				}
			}},
		{name: "appidExclude unsolicited, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{setClient("appidExclude", true)}, want: passkey.ErrExtensionInvalid},

		// prf.
		{name: "prf enabled", opts: []passkey.RegistrationOption{passkey.WithPRF(nil, nil)},
			check: func(t *testing.T, r *passkey.Registration) {
				if p := r.Extensions.PRF; p == nil || !p.Enabled || p.First != nil {
					t.Errorf("PRF %+v", p)
				}
			}},
		{name: "prf evaluated", opts: []passkey.RegistrationOption{passkey.WithPRF(prfFirst, prfSecond)},
			check: func(t *testing.T, r *passkey.Registration) {
				if p := r.Extensions.PRF; p == nil || !p.Enabled || len(p.First) != 32 || len(p.Second) != 32 || bytes.Equal(p.First, p.Second) {
					t.Errorf("PRF %+v", p)
				}
			}},
		{name: "prf result too short", opts: []passkey.RegistrationOption{passkey.WithPRF(prfFirst, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"first": short}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf results without first", opts: []passkey.RegistrationOption{passkey.WithPRF(prfFirst, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"second": full}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf result not base64url", opts: []passkey.RegistrationOption{passkey.WithPRF(prfFirst, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"results": map[string]any{"first": "+/+/"}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf enabled not a boolean", opts: []passkey.RegistrationOption{passkey.WithPRF(nil, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": 1})}, want: passkey.ErrExtensionInvalid},
		{name: "prf results without an input, ignored", opts: []passkey.RegistrationOption{passkey.WithPRF(nil, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"first": full}})},
			check: func(t *testing.T, r *passkey.Registration) {
				if p := r.Extensions.PRF; p == nil || !p.Enabled || p.First != nil {
					t.Errorf("PRF %+v", p)
				}
			}},
		{name: "prf results without an input, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			opts:   []passkey.RegistrationOption{passkey.WithPRF(nil, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"first": full}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf second without a second input, ignored", opts: []passkey.RegistrationOption{passkey.WithPRF(prfFirst, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"first": full, "second": full}})},
			check: func(t *testing.T, r *passkey.Registration) {
				if p := r.Extensions.PRF; p == nil || len(p.First) != 32 || p.Second != nil {
					t.Errorf("PRF %+v", p)
				}
			}},
		{name: "prf second without a second input, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			opts:   []passkey.RegistrationOption{passkey.WithPRF(prfFirst, nil)},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"first": full, "second": full}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf unsolicited, ignored", tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true})},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Extensions.PRF != nil {
					t.Error("an unsolicited output was surfaced")
				}
			}},

		// largeBlob.
		{name: "largeBlob required and supported", auth: passkeytest.Config{LargeBlob: true},
			opts: []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobRequired)},
			check: func(t *testing.T, r *passkey.Registration) {
				if lb := r.Extensions.LargeBlob; lb == nil || !lb.Supported {
					t.Errorf("LargeBlob %+v", lb)
				}
			}},
		{name: "largeBlob preferred and unsupported", opts: []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobPreferred)},
			check: func(t *testing.T, r *passkey.Registration) {
				if lb := r.Extensions.LargeBlob; lb == nil || lb.Supported {
					t.Errorf("LargeBlob %+v", lb)
				}
			}},
		{name: "largeBlob required, reported unsupported", auth: passkeytest.Config{LargeBlob: true},
			opts:   []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobRequired)},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"supported": false})}, want: passkey.ErrExtensionInvalid},
		{name: "largeBlob required, no output", auth: passkeytest.Config{LargeBlob: true},
			opts:   []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobRequired)},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", nil)}, want: passkey.ErrExtensionInvalid},
		{name: "largeBlob preferred, no output", opts: []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobPreferred)},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", nil)},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Extensions.LargeBlob != nil {
					t.Errorf("LargeBlob %+v", r.Extensions.LargeBlob)
				}
			}},
		{name: "largeBlob supported not a boolean", opts: []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobPreferred)},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"supported": "yes"})}, want: passkey.ErrExtensionInvalid},
		{name: "largeBlob written at registration, ignored", auth: passkeytest.Config{LargeBlob: true},
			opts:   []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobPreferred)},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"supported": true, "written": true})},
			check: func(t *testing.T, r *passkey.Registration) {
				if lb := r.Extensions.LargeBlob; lb == nil || !lb.Supported || lb.Written {
					t.Errorf("LargeBlob %+v", lb)
				}
			}},
		{name: "largeBlob written at registration, refused", auth: passkeytest.Config{LargeBlob: true},
			mods:   []func(*passkey.Config){refuseUnsolicited},
			opts:   []passkey.RegistrationOption{passkey.WithLargeBlob(passkey.LargeBlobPreferred)},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"supported": true, "written": true})},
			want:   passkey.ErrExtensionInvalid},

		// credProtect.
		{name: "credProtect enforced", opts: []passkey.RegistrationOption{passkey.WithCredProtect(passkey.CredProtectUVRequired, true)},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Record.CredProtect != 3 {
					t.Errorf("CredProtect %d", r.Record.CredProtect)
				}
			}},
		{name: "credProtect below the enforced level", opts: []passkey.RegistrationOption{
			passkey.WithCredProtect(passkey.CredProtectUVOptionalWithCredentialIDList, true)},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x01))}, want: passkey.ErrExtensionInvalid},
		{name: "credProtect below an unenforced level", opts: []passkey.RegistrationOption{
			passkey.WithCredProtect(passkey.CredProtectUVRequired, false)},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x01))},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Record.CredProtect != 1 {
					t.Errorf("CredProtect %d", r.Record.CredProtect)
				}
			}},
		{name: "credProtect enforced, output missing", opts: []passkey.RegistrationOption{passkey.WithCredProtect(passkey.CredProtectUVRequired, true)},
			tweaks: []passkeytest.Tweak{authExt([]byte{})},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Record.CredProtect != 0 {
					t.Errorf("CredProtect %d, want unknown", r.Record.CredProtect)
				}
			}},
		{name: "credProtect unsupported, not enforced", auth: passkeytest.Config{NoCredProtect: true},
			opts: []passkey.RegistrationOption{passkey.WithCredProtect(passkey.CredProtectUVRequired, false)},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Record.CredProtect != 0 || r.Extensions.Authenticator != nil {
					t.Errorf("CredProtect %d", r.Record.CredProtect)
				}
			}},
		{name: "credProtect out of range", opts: []passkey.RegistrationOption{passkey.WithCredProtect(passkey.CredProtectUVOptional, false)},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x04))}, want: passkey.ErrExtensionInvalid},
		{name: "credProtect unsolicited, recorded", tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x02))},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Record.CredProtect != 2 {
					t.Errorf("CredProtect %d", r.Record.CredProtect)
				}
			}},
		{name: "credProtect unsolicited and malformed, ignored", tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x09))},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Record.CredProtect != 0 {
					t.Errorf("CredProtect %d", r.Record.CredProtect)
				}
			}},
		{name: "credProtect unsolicited, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x02))}, want: passkey.ErrExtensionInvalid},

		// minPinLength.
		{name: "minPinLength disclosed", auth: passkeytest.Config{MinPINLength: 8},
			opts: []passkey.RegistrationOption{passkey.WithMinPINLength(6)},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Extensions.MinPINLength != 8 {
					t.Errorf("MinPINLength %d", r.Extensions.MinPINLength)
				}
			}},
		{name: "minPinLength below policy", auth: passkeytest.Config{MinPINLength: 8},
			opts: []passkey.RegistrationOption{passkey.WithMinPINLength(10)}, want: passkey.ErrExtensionInvalid},
		{name: "minPinLength not disclosed", opts: []passkey.RegistrationOption{passkey.WithMinPINLength(10)},
			check: func(t *testing.T, r *passkey.Registration) {
				if r.Extensions.MinPINLength != 0 {
					t.Errorf("MinPINLength %d", r.Extensions.MinPINLength)
				}
			}},
		{name: "minPinLength out of range", opts: []passkey.RegistrationOption{passkey.WithMinPINLength(0)},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("minPinLength", 0x02))}, want: passkey.ErrExtensionInvalid},
		{name: "minPinLength not an integer", opts: []passkey.RegistrationOption{passkey.WithMinPINLength(0)},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("minPinLength", 0x61, '8'))}, want: passkey.ErrExtensionInvalid},
		{name: "minPinLength unsolicited, refused", auth: passkeytest.Config{MinPINLength: 8},
			mods:   []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("minPinLength", 0x08))}, want: passkey.ErrExtensionInvalid},

		// Other outputs.
		{name: "unknown client output, ignored", tweaks: []passkeytest.Tweak{setClient("somethingElse", 1)}},
		{name: "unknown client output, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{setClient("somethingElse", 1)}, want: passkey.ErrExtensionInvalid},
		{name: "hmac-secret without prf, ignored", tweaks: []passkeytest.Tweak{authExt(cborMap1("hmac-secret", 0xf5))}},
		{name: "hmac-secret without prf, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("hmac-secret", 0xf5))}, want: passkey.ErrExtensionInvalid},
		{name: "hmac-secret with prf, refusing policy", mods: []func(*passkey.Config){refuseUnsolicited},
			opts: []passkey.RegistrationOption{passkey.WithPRF(nil, nil)}},
		{name: "WithExtension output, refusing policy", mods: []func(*passkey.Config){refuseUnsolicited},
			opts:   []passkey.RegistrationOption{passkey.WithExtension("somethingElse", json.RawMessage(`true`))},
			tweaks: []passkeytest.Tweak{setClient("somethingElse", 1), authExt(cborMap1("somethingElse", 0x01))},
			check: func(t *testing.T, r *passkey.Registration) {
				if string(r.Extensions.Authenticator["somethingElse"]) != "\x01" {
					t.Errorf("authenticator outputs %v", r.Extensions.Authenticator)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.mods...)
			a := newAuthenticator(t, tc.auth)
			sid, body := createBody(t, e, a, newUser("ada"), tc.opts, tc.tweaks...)
			reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
			wantCode(t, err, tc.want)
			if err != nil {
				var ve *passkey.Error
				if !errors.As(err, &ve) || ve.Check != "reg-ceremony-verify-extension-outputs" {
					t.Fatalf("check %q, want the extension step", ve.Check)
				}
				return
			}
			if tc.check != nil {
				tc.check(t, reg)
			}
		})
	}
}

// registered is a user with one credential on an authenticator.
type registered struct {
	e    *env
	a    *passkeytest.Authenticator
	user passkey.User
	id   []byte
}

func registerWith(t *testing.T, auth passkeytest.Config, mods []func(*passkey.Config), opts ...passkey.RegistrationOption) *registered {
	t.Helper()
	e := newEnv(t, mods...)
	a := newAuthenticator(t, auth)
	u := newUser("ada")
	sid, body := createBody(t, e, a, u, opts)
	reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	return &registered{e: e, a: a, user: u, id: reg.Record.ID}
}

// login runs one login and returns its outcome.
func (r *registered) login(t *testing.T, opts []passkey.LoginOption, tweaks ...passkeytest.Tweak) (*passkey.Login, error) {
	t.Helper()
	sid, body := getBody(t, r.e, r.a, opts, tweaks...)
	return r.e.rp.FinishLogin(t.Context(), sid, body)
}

// TestLoginExtensionOutputs: each extension's accepted and refused outputs
// in a login (#authn-ceremony-verify-extension-outputs).
func TestLoginExtensionOutputs(t *testing.T) {
	full := b64enc(bytes.Repeat([]byte{1}, 32))
	forUser := func(r *registered) passkey.LoginOption { return passkey.ForUser(r.user.Handle) }
	cases := []struct {
		name   string
		mods   []func(*passkey.Config)
		auth   passkeytest.Config
		opts   func(r *registered) []passkey.LoginOption
		tweaks []passkeytest.Tweak
		want   passkey.Sentinel
		check  func(t *testing.T, r *registered, l *passkey.Login)
	}{
		{name: "prf eval", opts: func(*registered) []passkey.LoginOption {
			return []passkey.LoginOption{passkey.WithPRF(prfFirst, prfSecond)}
		}, check: func(t *testing.T, _ *registered, l *passkey.Login) {
			if p := l.Extensions.PRF; p == nil || len(p.First) != 32 || len(p.Second) != 32 {
				t.Errorf("PRF %+v", p)
			}
		}},
		{name: "prf by credential", opts: func(r *registered) []passkey.LoginOption {
			return []passkey.LoginOption{forUser(r), passkey.WithPRF(prfFirst, prfSecond), passkey.PRFByCredential(r.id, prfSecond, nil)}
		}, check: func(t *testing.T, _ *registered, l *passkey.Login) {
			if p := l.Extensions.PRF; p == nil || len(p.First) != 32 || p.Second != nil {
				t.Errorf("PRF %+v", p)
			}
		}},
		{name: "prf second beyond the credential's inputs, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			opts: func(r *registered) []passkey.LoginOption {
				return []passkey.LoginOption{forUser(r), passkey.WithPRF(prfFirst, prfSecond), passkey.PRFByCredential(r.id, prfSecond, nil)}
			},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"results": map[string]any{"first": full, "second": full}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf result too long", opts: func(*registered) []passkey.LoginOption {
			return []passkey.LoginOption{passkey.WithPRF(prfFirst, prfSecond)}
		}, tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"results": map[string]any{"first": full, "second": b64enc(make([]byte, 64))}})},
			want: passkey.ErrExtensionInvalid},
		{name: "prf enabled in a login, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			opts:   func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.WithPRF(prfFirst, nil)} },
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"enabled": true, "results": map[string]any{"first": full}})},
			want:   passkey.ErrExtensionInvalid},
		{name: "prf results without an input, ignored",
			opts: func(*registered) []passkey.LoginOption {
				return []passkey.LoginOption{passkey.WithExtension("prf", json.RawMessage(`{}`))}
			},
			tweaks: []passkeytest.Tweak{setClient("prf", map[string]any{"results": map[string]any{"first": full}})},
			check: func(t *testing.T, _ *registered, l *passkey.Login) {
				if p := l.Extensions.PRF; p == nil || p.First != nil {
					t.Errorf("PRF %+v", p)
				}
			}},

		{name: "largeBlob read, nothing stored", auth: passkeytest.Config{LargeBlob: true},
			opts: func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.LargeBlobRead()} },
			check: func(t *testing.T, _ *registered, l *passkey.Login) {
				if lb := l.Extensions.LargeBlob; lb == nil || lb.Blob != nil || lb.Written {
					t.Errorf("LargeBlob %+v", lb)
				}
			}},
		{name: "largeBlob blob not base64url", auth: passkeytest.Config{LargeBlob: true},
			opts:   func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.LargeBlobRead()} },
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"blob": "a b"})}, want: passkey.ErrExtensionInvalid},
		{name: "largeBlob written on a read, ignored", auth: passkeytest.Config{LargeBlob: true},
			opts:   func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.LargeBlobRead()} },
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"written": true})},
			check: func(t *testing.T, _ *registered, l *passkey.Login) {
				if lb := l.Extensions.LargeBlob; lb == nil || lb.Written {
					t.Errorf("LargeBlob %+v", lb)
				}
			}},
		{name: "largeBlob written on a read, refused", auth: passkeytest.Config{LargeBlob: true}, mods: []func(*passkey.Config){refuseUnsolicited},
			opts:   func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.LargeBlobRead()} },
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"written": true})}, want: passkey.ErrExtensionInvalid},
		{name: "largeBlob blob on a write, refused", auth: passkeytest.Config{LargeBlob: true}, mods: []func(*passkey.Config){refuseUnsolicited},
			opts: func(r *registered) []passkey.LoginOption {
				return []passkey.LoginOption{forUser(r), passkey.LargeBlobWrite(r.id, []byte("x"))}
			},
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"written": true, "blob": "eA"})}, want: passkey.ErrExtensionInvalid},
		{name: "largeBlob supported in a login, refused", auth: passkeytest.Config{LargeBlob: true}, mods: []func(*passkey.Config){refuseUnsolicited},
			opts:   func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.LargeBlobRead()} },
			tweaks: []passkeytest.Tweak{setClient("largeBlob", map[string]any{"supported": true})}, want: passkey.ErrExtensionInvalid},

		{name: "credProps in a login, ignored", tweaks: []passkeytest.Tweak{setClient("credProps", map[string]any{"rk": true})}},
		{name: "credProps in a login, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{setClient("credProps", map[string]any{"rk": true})}, want: passkey.ErrExtensionInvalid},
		{name: "hmac-secret without prf, refused", mods: []func(*passkey.Config){refuseUnsolicited},
			tweaks: []passkeytest.Tweak{authExt(cborMap1("hmac-secret", 0x41, 0x00))}, want: passkey.ErrExtensionInvalid},
		{name: "hmac-secret with prf, refusing policy", mods: []func(*passkey.Config){refuseUnsolicited},
			opts: func(*registered) []passkey.LoginOption { return []passkey.LoginOption{passkey.WithPRF(prfFirst, nil)} }},
		{name: "credProtect in a login, ignored", tweaks: []passkeytest.Tweak{authExt(cborMap1("credProtect", 0x09))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := registerWith(t, tc.auth, tc.mods, passkey.WithPRF(nil, nil), passkey.WithLargeBlob(passkey.LargeBlobPreferred))
			var opts []passkey.LoginOption
			if tc.opts != nil {
				opts = tc.opts(r)
			}
			l, err := r.login(t, opts, tc.tweaks...)
			wantCode(t, err, tc.want)
			if err != nil {
				var ve *passkey.Error
				if !errors.As(err, &ve) || ve.Check != "authn-ceremony-verify-extension-outputs" {
					t.Fatalf("check %q, want the extension step", ve.Check)
				}
				return
			}
			if tc.check != nil {
				tc.check(t, r, l)
			}
		})
	}
}

// TestPRFMatchesAcrossCeremonies: the same input gives the same result at
// registration and in a login, and the result is the caller's alone.
func TestPRFMatchesAcrossCeremonies(t *testing.T) {
	e := newEnv(t, func(c *passkey.Config) { c.UserVerification = passkey.VerificationRequired })
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")
	sid, body := createBody(t, e, a, u, []passkey.RegistrationOption{passkey.WithPRF(prfFirst, nil)})
	reg, err := e.rp.FinishRegistration(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	sid, body = getBody(t, e, a, []passkey.LoginOption{passkey.WithPRF(prfFirst, prfSecond)})
	l, err := e.rp.FinishLogin(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(reg.Extensions.PRF.First, l.Extensions.PRF.First) || bytes.Equal(l.Extensions.PRF.First, l.Extensions.PRF.Second) {
		t.Fatal("PRF results differ for the same input")
	}
	stored, err := e.creds.Get(t.Context(), reg.Record.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []func() ([]byte, error){stored.MarshalJSON, stored.MarshalBinary} {
		b, err := enc()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, l.Extensions.PRF.First) || strings.Contains(string(b), b64enc(l.Extensions.PRF.First)) {
			t.Fatal("the stored record holds a PRF result")
		}
	}
}

// TestLargeBlobWriteThenRead: a blob written through one login comes back
// in the next; the write names one credential.
func TestLargeBlobWriteThenRead(t *testing.T) {
	r := registerWith(t, passkeytest.Config{LargeBlob: true}, nil, passkey.WithLargeBlob(passkey.LargeBlobRequired))
	// A second credential of the same user, on another authenticator: the
	// write must list only one.
	sid, body := createBody(t, r.e, newAuthenticator(t, passkeytest.Config{Seed: []byte("second")}), r.user, nil)
	if _, err := r.e.rp.FinishRegistration(t.Context(), sid, body); err != nil {
		t.Fatal(err)
	}
	blob := []byte("a certificate, say")
	o, sid, err := r.e.rp.BeginLogin(t.Context(), passkey.ForUser(r.user.Handle), passkey.LargeBlobWrite(r.id, blob))
	if err != nil {
		t.Fatal(err)
	}
	if len(o.AllowCredentials) != 1 || !bytes.Equal(o.AllowCredentials[0].ID, r.id) {
		t.Fatalf("allowCredentials %d entries", len(o.AllowCredentials))
	}
	body, err = r.a.Get(mustJSON(t, o), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	l, err := r.e.rp.FinishLogin(t.Context(), sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if lb := l.Extensions.LargeBlob; lb == nil || !lb.Written {
		t.Fatalf("LargeBlob %+v", lb)
	}
	l, err = r.login(t, []passkey.LoginOption{passkey.ForUser(r.user.Handle), passkey.LargeBlobRead()})
	if err != nil {
		t.Fatal(err)
	}
	if lb := l.Extensions.LargeBlob; lb == nil || !bytes.Equal(lb.Blob, blob) {
		t.Fatalf("LargeBlob %+v", lb)
	}

	// Someone else's credential, or none, is not a write target.
	other := newUser("bob")
	if _, _, err := r.e.rp.BeginLogin(t.Context(), passkey.ForUser(other.Handle), passkey.LargeBlobWrite(r.id, blob)); !errors.Is(err, passkey.ErrPasskeyNotFound) {
		t.Fatalf("write to another user's credential: %v", err)
	}
}

// TestAppIDRecordKept: a login over the AppID hash records the AppID in a
// record that lacked it (#sctn-appid-extension), and a malformed appid
// output is refused.
func TestAppIDRecordKept(t *testing.T) {
	const appID = "https://example.com/app-id.json"
	ctx := context.Background()
	e := newEnv(t, func(c *passkey.Config) { c.AppID = appID })
	a := newAuthenticator(t, passkeytest.Config{Attachment: "cross-platform"})
	u := newUser("ada")
	o, _, err := e.rp.BeginRegistration(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	o.ResidentKey = passkey.ResidentKeyDiscouraged
	if _, err := a.Create(mustJSON(t, o), testOrigin, func(k *passkeytest.Knobs) { k.AppID = appID }); err != nil {
		t.Fatal(err)
	}
	held := a.Credentials()[0]
	// Imported without its AppID.
	if err := e.creds.Create(ctx, &credential.Record{ID: held.ID, PublicKey: held.PublicKey, Alg: -7, UserHandle: u.Handle, RPID: testRPID}); err != nil {
		t.Fatal(err)
	}
	sid, body := getBody(t, e, a, []passkey.LoginOption{passkey.ForUser(u.Handle)}, setClient("appid", "true"))
	_, err = e.rp.FinishLogin(ctx, sid, body)
	wantCode(t, err, passkey.ErrExtensionInvalid)

	sid, body = getBody(t, e, a, []passkey.LoginOption{passkey.ForUser(u.Handle)})
	l, err := e.rp.FinishLogin(ctx, sid, body)
	if err != nil {
		t.Fatal(err)
	}
	if !l.AppIDUsed || !l.Extensions.AppID || l.Record.AppID != appID {
		t.Fatalf("AppIDUsed %v, output %v, record AppID %q", l.AppIDUsed, l.Extensions.AppID, l.Record.AppID)
	}
	stored, err := e.creds.Get(ctx, held.ID)
	if err != nil || stored.AppID != appID {
		t.Fatalf("stored AppID %q (%v)", stored.AppID, err)
	}
}

// recordingSessions keeps a copy of every session state stored.
type recordingSessions struct {
	store.Sessions
	states [][]byte
}

func (s *recordingSessions) Put(ctx context.Context, key [32]byte, data []byte, expires time.Time) error {
	s.states = append(s.states, bytes.Clone(data))
	return s.Sessions.Put(ctx, key, data, expires)
}

// TestSessionKeepsNoExtensionInputs: the session remembers which
// extensions were asked for, not the PRF inputs or the blob.
func TestSessionKeepsNoExtensionInputs(t *testing.T) {
	rec := &recordingSessions{}
	r := registerWith(t, passkeytest.Config{LargeBlob: true}, []func(*passkey.Config){func(c *passkey.Config) {
		rec.Sessions = c.Sessions
		c.Sessions = rec
	}}, passkey.WithPRF(prfFirst, prfSecond), passkey.WithLargeBlob(passkey.LargeBlobRequired))
	blob := []byte("the secret large blob")
	if _, err := r.login(t, []passkey.LoginOption{passkey.ForUser(r.user.Handle), passkey.WithPRF(prfFirst, prfSecond),
		passkey.LargeBlobWrite(r.id, blob)}); err != nil {
		t.Fatal(err)
	}
	if len(rec.states) != 2 {
		t.Fatalf("%d sessions", len(rec.states))
	}
	for _, st := range rec.states {
		for _, secret := range [][]byte{prfFirst, prfSecond, blob} {
			if bytes.Contains(st, secret) || bytes.Contains(st, []byte(b64enc(secret))) {
				t.Fatal("a session state holds an extension input")
			}
		}
	}
}

// TestExtensionInputs: the typed options' JSON forms, as
// parseCreationOptionsFromJSON and parseRequestOptionsFromJSON read them.
func TestExtensionInputs(t *testing.T) {
	e := deterministicEnv(t, func(c *passkey.Config) { c.TrustSource = &fixedTrust{} })
	o, _, err := e.rp.BeginRegistration(t.Context(), fixedUser,
		passkey.WithPRF(prfFirst, prfSecond),
		passkey.WithLargeBlob(passkey.LargeBlobRequired),
		passkey.WithCredProtect(passkey.CredProtectUVOptionalWithCredentialIDList, true),
		passkey.WithMinPINLength(6),
		passkey.AppIDExclude("https://example.com/app-id.json"),
		passkey.AttestationFormats("tpm", "packed"),
		passkey.Hints("security-key", "hybrid"),
	)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "creation-extensions.json", mustJSON(t, o))

	seedRecord(t, e, []byte("credential-one"), fixedUser.Handle)
	ro, _, err := e.rp.BeginLogin(t.Context(), passkey.ForUser(fixedUser.Handle),
		passkey.WithPRF(prfFirst, nil),
		passkey.PRFByCredential([]byte("credential-one"), prfSecond, prfFirst),
		passkey.LargeBlobRead(),
		passkey.Hints("client-device"),
	)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "request-extensions.json", mustJSON(t, ro))
}

// TestExtensionOptionErrors: mistakes in the typed options, and inputs a
// browser would reject, fail Begin with a ConfigError.
func TestExtensionOptionErrors(t *testing.T) {
	e := newEnv(t)
	seedRecord(t, e, []byte("credential-one"), fixedUser.Handle)
	seedRecord(t, e, []byte("credential-two"), fixedUser.Handle)
	reg := []struct {
		name string
		opts []passkey.RegistrationOption
	}{
		{"prf second without first", []passkey.RegistrationOption{passkey.WithPRF(nil, prfSecond)}},
		{"prf twice", []passkey.RegistrationOption{passkey.WithPRF(nil, nil), passkey.WithExtension("prf", json.RawMessage(`{}`))}},
		{"prf JSON without first", []passkey.RegistrationOption{passkey.WithExtension("prf", json.RawMessage(`{"eval":{}}`))}},
		{"prf JSON evalByCredential", []passkey.RegistrationOption{passkey.WithExtension("prf",
			json.RawMessage(`{"evalByCredential":{"AA":{"first":"AA"}}}`))}},
		{"largeBlob unknown support", []passkey.RegistrationOption{passkey.WithLargeBlob("always")}},
		{"largeBlob read at registration", []passkey.RegistrationOption{passkey.WithExtension("largeBlob", json.RawMessage(`{"read":true}`))}},
		{"credProtect level 4", []passkey.RegistrationOption{passkey.WithCredProtect(4, true)}},
		{"credProtect unknown policy", []passkey.RegistrationOption{passkey.WithExtension("credentialProtectionPolicy", json.RawMessage(`"strict"`))}},
		{"enforce without a policy", []passkey.RegistrationOption{passkey.WithExtension("enforceCredentialProtectionPolicy", json.RawMessage(`true`))}},
		{"credProtect twice", []passkey.RegistrationOption{passkey.WithCredProtect(1, false),
			passkey.WithExtension("credentialProtectionPolicy", json.RawMessage(`"userVerificationRequired"`))}},
		{"minPinLength 64", []passkey.RegistrationOption{passkey.WithMinPINLength(64)}},
		{"minPinLength negative", []passkey.RegistrationOption{passkey.WithMinPINLength(-1)}},
		{"minPinLength JSON not a boolean", []passkey.RegistrationOption{passkey.WithExtension("minPinLength", json.RawMessage(`8`))}},
		{"appidExclude over http", []passkey.RegistrationOption{passkey.AppIDExclude("http://example.com/app.json")}},
		{"appidExclude empty", []passkey.RegistrationOption{passkey.AppIDExclude("")}},
		{"attestation format unknown", []passkey.RegistrationOption{passkey.AttestationFormats("x509")}},
		{"attestation format twice", []passkey.RegistrationOption{passkey.AttestationFormats("tpm", "tpm")}},
		{"attestation formats without a trust source", []passkey.RegistrationOption{passkey.AttestationFormats("tpm")}},
	}
	for _, tc := range reg {
		t.Run(tc.name, func(t *testing.T) {
			var ce *passkey.ConfigError
			if _, _, err := e.rp.BeginRegistration(t.Context(), newUser("a"), tc.opts...); !errors.As(err, &ce) {
				t.Fatalf("err %v, want a ConfigError", err)
			}
		})
	}
	login := []struct {
		name string
		opts []passkey.LoginOption
	}{
		{"prf without an input", []passkey.LoginOption{passkey.WithPRF(nil, nil)}},
		{"prf by credential, usernameless", []passkey.LoginOption{passkey.PRFByCredential([]byte("credential-one"), prfFirst, nil)}},
		{"prf by credential, not listed", []passkey.LoginOption{passkey.ForUser(fixedUser.Handle),
			passkey.PRFByCredential([]byte("credential-nine"), prfFirst, nil)}},
		{"prf by credential twice", []passkey.LoginOption{passkey.ForUser(fixedUser.Handle),
			passkey.PRFByCredential([]byte("credential-one"), prfFirst, nil), passkey.PRFByCredential([]byte("credential-one"), prfSecond, nil)}},
		{"prf by credential without first", []passkey.LoginOption{passkey.ForUser(fixedUser.Handle),
			passkey.PRFByCredential([]byte("credential-one"), nil, nil)}},
		{"largeBlob read and write", []passkey.LoginOption{passkey.ForUser(fixedUser.Handle), passkey.LargeBlobRead(),
			passkey.LargeBlobWrite([]byte("credential-one"), []byte("b"))}},
		{"largeBlob write, usernameless", []passkey.LoginOption{passkey.LargeBlobWrite([]byte("credential-one"), []byte("b"))}},
		{"largeBlob write, nil blob", []passkey.LoginOption{passkey.ForUser(fixedUser.Handle), passkey.LargeBlobWrite([]byte("credential-one"), nil)}},
		{"largeBlob JSON write, two allowed", []passkey.LoginOption{passkey.ForUser(fixedUser.Handle),
			passkey.WithExtension("largeBlob", json.RawMessage(`{"write":"AQID"}`))}},
		{"largeBlob JSON support in a login", []passkey.LoginOption{passkey.WithExtension("largeBlob", json.RawMessage(`{"support":"required"}`))}},
	}
	for _, tc := range login {
		t.Run(tc.name, func(t *testing.T) {
			var ce *passkey.ConfigError
			if _, _, err := e.rp.BeginLogin(t.Context(), tc.opts...); !errors.As(err, &ce) {
				t.Fatalf("err %v, want a ConfigError", err)
			}
		})
	}
}

// TestHints: hints reach both ceremonies' options in order, and the
// emulated browser accepts them.
func TestHints(t *testing.T) {
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	u := newUser("ada")
	o, sid, err := e.rp.BeginRegistration(t.Context(), u, passkey.Hints("hybrid", "security-key"))
	if err != nil {
		t.Fatal(err)
	}
	var creation struct {
		Hints []string `json:"hints"`
	}
	if err := json.Unmarshal(mustJSON(t, o), &creation); err != nil || strings.Join(creation.Hints, ",") != "hybrid,security-key" {
		t.Fatalf("creation hints %v (%v)", creation.Hints, err)
	}
	body, err := a.Create(mustJSON(t, o), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rp.FinishRegistration(t.Context(), sid, body); err != nil {
		t.Fatal(err)
	}
	ro, _, err := e.rp.BeginLogin(t.Context(), passkey.Hints("client-device"))
	if err != nil {
		t.Fatal(err)
	}
	var request struct {
		Hints []string `json:"hints"`
	}
	if err := json.Unmarshal(mustJSON(t, ro), &request); err != nil || strings.Join(request.Hints, ",") != "client-device" {
		t.Fatalf("request hints %v (%v)", request.Hints, err)
	}
	ro, _, err = e.rp.BeginLogin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mustJSON(t, ro)), "hints") {
		t.Fatal("hints sent without the option")
	}
}

// TestExtensionStepOrder: the extension step comes after the checks the
// spec puts before it, so an earlier failure is the one reported.
func TestExtensionStepOrder(t *testing.T) {
	bad := setClient("credProps", "not an object")

	// Registration: R26 (already registered) before R28.
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{})
	ada := newUser("ada")
	reg := register(t, e, a, ada)
	other := newAuthenticator(t, passkeytest.Config{Seed: []byte("other")})
	sid, body := createBody(t, e, other, newUser("bob"), nil, bad)
	_, err := e.rp.FinishRegistration(t.Context(), sid, body)
	wantCode(t, err, passkey.ErrExtensionInvalid)
	sid, body = createBody(t, e, other, newUser("carol"), nil, bad, func(k *passkeytest.Knobs) { k.CredentialID = reg.Record.ID })
	_, err = e.rp.FinishRegistration(t.Context(), sid, body)
	wantCode(t, err, passkey.ErrCredentialAlreadyRegistered)

	// Login: A21 (signature) before A23.
	strict := e.withConfig(t, refuseUnsolicited)
	unsolicited := setClient("somethingElse", 1)
	forAda := []passkey.LoginOption{passkey.ForUser(ada.Handle)}
	sid, body = getBody(t, strict, a, forAda, unsolicited)
	_, err = strict.rp.FinishLogin(t.Context(), sid, body)
	wantCode(t, err, passkey.ErrExtensionInvalid)
	sid, body = getBody(t, strict, a, forAda, unsolicited, func(k *passkeytest.Knobs) {
		prev := k.TamperAfterSign
		k.TamperAfterSign = func(r *passkeytest.RawResponse) {
			prev(r)
			r.Signature[len(r.Signature)-1] ^= 1
		}
	})
	_, err = strict.rp.FinishLogin(t.Context(), sid, body)
	wantCode(t, err, passkey.ErrSignatureInvalid)
}
