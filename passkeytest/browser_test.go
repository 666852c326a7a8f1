package passkeytest_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// TestCreateBrowserRules: each case breaks one rule of the client's
// #sctn-createCredential algorithm or of authenticator selection, and must
// fail the way a browser fails; the control case shows the same setup
// succeeds without the break.
func TestCreateBrowserRules(t *testing.T) {
	base := func() *createOpts { return newCreateOpts("", []byte("c"), passkeytest.AlgES256) }
	cases := []struct {
		name   string
		cfg    passkeytest.Config
		opts   func() []byte
		origin string
		want   error
	}{
		{name: "control", opts: func() []byte { return base().json(t) }, origin: testOrigin},
		{name: "rp id is a registrable suffix", opts: func() []byte { o := base(); o.RP.ID = "example.com"; return o.json(t) },
			origin: "https://login.example.com:8443"},
		{name: "http localhost", opts: func() []byte { return base().json(t) }, origin: "http://localhost:8080"},
		{name: "rp id of another site", opts: func() []byte { o := base(); o.RP.ID = "evil.com"; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrSecurity},
		{name: "look-alike suffix", opts: func() []byte { o := base(); o.RP.ID = "ample.com"; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrSecurity},
		{name: "rp id a subdomain of the origin", opts: func() []byte { o := base(); o.RP.ID = "a.example.com"; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrSecurity},
		{name: "single-label suffix", opts: func() []byte { o := base(); o.RP.ID = "com"; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrSecurity},
		{name: "plain http", opts: func() []byte { return base().json(t) }, origin: "http://example.com", want: passkeytest.ErrSecurity},
		{name: "origin with a path", opts: func() []byte { return base().json(t) }, origin: "https://example.com/", want: passkeytest.ErrSecurity},
		{name: "origin with the default port", opts: func() []byte { return base().json(t) }, origin: "https://example.com:443", want: passkeytest.ErrSecurity},
		{name: "IP address origin", opts: func() []byte { return base().json(t) }, origin: "https://127.0.0.1", want: passkeytest.ErrSecurity},
		{name: "no supported algorithm", cfg: passkeytest.Config{Algorithms: []int64{passkeytest.AlgEdDSA}},
			opts: func() []byte { return base().json(t) }, origin: testOrigin, want: passkeytest.ErrNotSupported},
		{name: "unknown algorithm only", opts: func() []byte { return newCreateOpts("", []byte("c"), -65000).json(t) },
			origin: testOrigin, want: passkeytest.ErrNotSupported},
		{name: "UV required, none", cfg: passkeytest.Config{NoUserVerification: true},
			opts: func() []byte {
				o := base()
				o.Selection = map[string]any{"userVerification": "required"}
				return o.json(t)
			}, origin: testOrigin, want: passkeytest.ErrNotAllowed},
		{name: "resident key required, none", cfg: passkeytest.Config{NoResidentKeys: true},
			opts: func() []byte {
				o := base()
				o.Selection = map[string]any{"residentKey": "required"}
				return o.json(t)
			}, origin: testOrigin, want: passkeytest.ErrNotAllowed},
		{name: "requireResidentKey, none", cfg: passkeytest.Config{NoResidentKeys: true},
			opts: func() []byte {
				o := base()
				o.Selection = map[string]any{"requireResidentKey": true}
				return o.json(t)
			}, origin: testOrigin, want: passkeytest.ErrNotAllowed},
		{name: "cross-platform wanted", opts: func() []byte {
			o := base()
			o.Selection = map[string]any{"authenticatorAttachment": "cross-platform"}
			return o.json(t)
		}, origin: testOrigin, want: passkeytest.ErrNotAllowed},
		{name: "largeBlob required", opts: func() []byte {
			o := base()
			o.Extensions = map[string]any{"largeBlob": map[string]any{"support": "required"}}
			return o.json(t)
		}, origin: testOrigin, want: passkeytest.ErrNotAllowed},
		{name: "not JSON", opts: func() []byte { return []byte("{") }, origin: testOrigin, want: passkeytest.ErrType},
		{name: "a JSON array", opts: func() []byte { return []byte("[]") }, origin: testOrigin, want: passkeytest.ErrType},
		{name: "no challenge", opts: func() []byte {
			o := base()
			o.Challenge = ""
			return []byte(strings.Replace(string(o.json(t)), `"challenge":"",`, "", 1))
		},
			origin: testOrigin, want: passkeytest.ErrType},
		{name: "no pubKeyCredParams", opts: func() []byte { o := base(); o.PubKeyCredParams = nil; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrType},
		{name: "challenge not base64url", opts: func() []byte { o := base(); o.Challenge = "a+b/"; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrEncoding},
		{name: "user.id over 64 bytes", opts: func() []byte {
			o := base()
			o.User.ID = base64.RawURLEncoding.EncodeToString(make([]byte, 65))
			return o.json(t)
		}, origin: testOrigin, want: passkeytest.ErrType},
		{name: "empty user.id", opts: func() []byte { o := base(); o.User.ID = ""; return o.json(t) },
			origin: testOrigin, want: passkeytest.ErrType},
		{name: "alg of the wrong JSON type", opts: func() []byte {
			return []byte(strings.Replace(string(base().json(t)), `"alg":-7`, `"alg":"-7"`, 1))
		}, origin: testOrigin, want: passkeytest.ErrType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, tc.cfg)
			body, err := a.Create(tc.opts(), tc.origin)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				if len(body) == 0 || len(a.Credentials()) != 1 {
					t.Fatal("no credential")
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if len(a.Credentials()) != 0 {
				t.Fatal("a failed ceremony left a credential")
			}
		})
	}
}

func TestExcludeCredentials(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	if _, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin); err != nil {
		t.Fatal(err)
	}
	held := a.Credentials()[0].ID
	exclude := func(id []byte) []map[string]any {
		return []map[string]any{{"type": "public-key", "id": base64.RawURLEncoding.EncodeToString(id)}}
	}

	o := newCreateOpts(testRPID, []byte("c"), -7)
	o.ExcludeCredentials = exclude(held)
	if _, err := a.Create(o.json(t), testOrigin); !errors.Is(err, passkeytest.ErrInvalidState) {
		t.Fatalf("excluded credential held: err %v, want InvalidStateError", err)
	}
	// The same ID under another RP ID is another RP's business.
	o = newCreateOpts("other.example", []byte("c"), -7)
	o.ExcludeCredentials = exclude(held)
	if _, err := a.Create(o.json(t), "https://other.example"); err != nil {
		t.Fatalf("exclusion leaked across RP IDs: %v", err)
	}
	o = newCreateOpts(testRPID, []byte("c"), -7)
	o.ExcludeCredentials = exclude([]byte("unknown"))
	if _, err := a.Create(o.json(t), testOrigin); err != nil {
		t.Fatalf("unknown excluded ID: %v", err)
	}
}

// TestAlgorithmChoice: the first offered algorithm the authenticator
// supports wins; an empty list means ES256 then RS256.
func TestAlgorithmChoice(t *testing.T) {
	cases := []struct {
		name    string
		support []int64
		offer   []int64
		want    int64
	}{
		{"first offered", nil, []int64{passkeytest.AlgEdDSA, passkeytest.AlgES256, passkeytest.AlgRS256}, passkeytest.AlgEdDSA},
		{"unknown skipped", nil, []int64{-65000, passkeytest.AlgPS384, passkeytest.AlgES256}, passkeytest.AlgPS384},
		{"first supported", []int64{passkeytest.AlgES256}, []int64{passkeytest.AlgEdDSA, passkeytest.AlgES256}, passkeytest.AlgES256},
		{"empty list", nil, []int64{}, passkeytest.AlgES256},
		{"empty list without ES256", []int64{passkeytest.AlgRS256}, []int64{}, passkeytest.AlgRS256},
		{"unknown credential type skipped", nil, nil, passkeytest.AlgES256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{Algorithms: tc.support})
			o := newCreateOpts(testRPID, []byte("c"), tc.offer...)
			o.PubKeyCredParams = append([]map[string]any{}, o.PubKeyCredParams...)
			if tc.offer == nil {
				o.PubKeyCredParams = []map[string]any{{"type": "other-key", "alg": -8}, {"type": "public-key", "alg": -7}}
			}
			body, err := a.Create(o.json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
			if r.key.alg != tc.want {
				t.Fatalf("alg %d, want %d", r.key.alg, tc.want)
			}
		})
	}
}

// TestRPIDDefault: without rp.id the RP ID is the origin's host.
func TestRPIDDefault(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	body, err := a.Create(newCreateOpts("", []byte("c"), -7).json(t), "https://login.example.com:8443")
	if err != nil {
		t.Fatal(err)
	}
	decodeRegistration(t, body, expectation{rpID: "login.example.com", origin: "https://login.example.com:8443", challenge: []byte("c")})
	if got := a.Credentials()[0].RPID; got != "login.example.com" {
		t.Fatalf("credential scoped to %q", got)
	}
	body, err = a.Get(newGetOpts("", []byte("g"), a.Credentials()[0].ID).json(t), "https://login.example.com:8443")
	if err != nil {
		t.Fatal(err)
	}
	decodeAssertion(t, body, expectation{rpID: "login.example.com", origin: "https://login.example.com:8443", challenge: []byte("g")})
}

// TestWrappedOptions: {"publicKey": ..., "mediation": ...} is accepted, and
// a conditional create leaves UP clear.
func TestWrappedOptions(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	inner := string(newCreateOpts(testRPID, []byte("c"), -7).json(t))
	for _, tc := range []struct {
		name   string
		body   string
		wantUP bool
	}{
		{"wrapped", `{"publicKey":` + inner + `}`, true},
		{"wrapped, conditional", `{"mediation":"conditional","publicKey":` + inner + `}`, false},
		{"bare", inner, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := a.Create([]byte(tc.body), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			var r regJSON
			mustUnmarshal(t, body, &r)
			ad, err := parseAuthData(b64(t, r.Response.AuthenticatorData))
			if err != nil {
				t.Fatal(err)
			}
			if got := ad.flags&fUP != 0; got != tc.wantUP {
				t.Fatalf("UP %v, want %v", got, tc.wantUP)
			}
		})
	}
	g := newGetOpts(testRPID, []byte("g"), a.Credentials()[0].ID).json(t)
	if _, err := a.Get([]byte(`{"mediation":"optional","publicKey":`+string(g)+`}`), testOrigin); err != nil {
		t.Fatalf("wrapped request options: %v", err)
	}
}

// TestGetBrowserRules covers credential selection.
func TestGetBrowserRules(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	create := func(rk string, user string) []byte {
		o := newCreateOpts(testRPID, []byte("c"), -7)
		o.Selection = map[string]any{"residentKey": rk}
		o.User.ID = base64.RawURLEncoding.EncodeToString([]byte(user))
		body, err := a.Create(o.json(t), testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		var r regJSON
		mustUnmarshal(t, body, &r)
		return b64(t, r.RawID)
	}
	serverSide := create("discouraged", "u1")

	// Only a server-side credential: an empty allow list finds nothing.
	if _, err := a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("empty allow list, no passkey: err %v", err)
	}
	if _, err := a.Get(newGetOpts(testRPID, []byte("g"), []byte("nope")).json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("unknown allowed ID: err %v", err)
	}
	if _, err := a.Get(newGetOpts("", []byte("g"), serverSide).json(t), "https://other.example"); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("credential of another RP ID: err %v", err)
	}

	// allowCredentials naming only unknown credential types is not an
	// empty list: nothing answers, not even a passkey.
	create("required", "u0")
	unknownType := newGetOpts(testRPID, []byte("g"))
	unknownType.AllowCredentials = []map[string]any{{"type": "other-key", "id": base64.RawURLEncoding.EncodeToString(serverSide)}}
	if _, err := a.Get(unknownType.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("allow list of unknown types: err %v", err)
	}

	older := create("required", "u2")
	newer := create("preferred", "u3")
	cases := []struct {
		name       string
		allow      [][]byte
		tweak      passkeytest.Tweak
		want       []byte
		wantHandle string
	}{
		{name: "allow list order", allow: [][]byte{[]byte("nope"), serverSide, newer}, want: serverSide},
		{name: "newest passkey", want: newer, wantHandle: "u3"},
		{name: "knob picks", tweak: func(k *passkeytest.Knobs) { k.CredentialID = older }, want: older, wantHandle: "u2"},
		{name: "knob overrides allow list", allow: [][]byte{newer}, tweak: func(k *passkeytest.Knobs) { k.CredentialID = serverSide }, want: serverSide},
		{name: "listed passkey", allow: [][]byte{older}, want: older, wantHandle: "u2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := a.Get(newGetOpts(testRPID, []byte("g"), tc.allow...).json(t), testOrigin, tc.tweak)
			if err != nil {
				t.Fatal(err)
			}
			var r authJSON
			mustUnmarshal(t, body, &r)
			if got := b64(t, r.RawID); string(got) != string(tc.want) {
				t.Fatalf("answered with %x, want %x", got, tc.want)
			}
			switch {
			case tc.wantHandle == "" && r.Response.UserHandle != nil:
				t.Fatal("userHandle for a server-side credential")
			case tc.wantHandle != "" && (r.Response.UserHandle == nil || string(b64(t, *r.Response.UserHandle)) != tc.wantHandle):
				t.Fatalf("userHandle %v, want %q", r.Response.UserHandle, tc.wantHandle)
			}
		})
	}
}

// TestUserVerification: UV is set when required or preferred and the
// authenticator can verify; never when discouraged or unsupported.
func TestUserVerification(t *testing.T) {
	for _, tc := range []struct {
		requirement string
		noUV        bool
		want        bool
		wantErr     error
	}{
		{"required", false, true, nil},
		{"preferred", false, true, nil},
		{"", false, true, nil},
		{"discouraged", false, false, nil},
		{"bogus", false, true, nil},
		{"preferred", true, false, nil},
		{"discouraged", true, false, nil},
		{"required", true, false, passkeytest.ErrNotAllowed},
	} {
		t.Run(tc.requirement+map[bool]string{true: "/no UV"}[tc.noUV], func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{NoUserVerification: tc.noUV})
			o := newCreateOpts(testRPID, []byte("c"), -7)
			o.Selection = map[string]any{"userVerification": tc.requirement}
			body, err := a.Create(o.json(t), testOrigin)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr != nil) != (err != nil) {
				t.Fatalf("Create err %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			r := decodeRegistration(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("c")})
			if got := r.ad.flags&fUV != 0; got != tc.want {
				t.Fatalf("registration UV %v, want %v", got, tc.want)
			}
			g := newGetOpts(testRPID, []byte("g"), a.Credentials()[0].ID)
			g.UserVerification = tc.requirement
			body, err = a.Get(g.json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			as := decodeAssertion(t, body, expectation{rpID: testRPID, origin: testOrigin, challenge: []byte("g")})
			if got := as.ad.flags&fUV != 0; got != tc.want {
				t.Fatalf("assertion UV %v, want %v", got, tc.want)
			}
		})
	}
	a := newAuthenticator(t, passkeytest.Config{NoUserVerification: true})
	if _, err := a.Create(newCreateOpts(testRPID, []byte("c"), -7).json(t), testOrigin); err != nil {
		t.Fatal(err)
	}
	g := newGetOpts(testRPID, []byte("g"), a.Credentials()[0].ID)
	g.UserVerification = "required"
	if _, err := a.Get(g.json(t), testOrigin); !errors.Is(err, passkeytest.ErrNotAllowed) {
		t.Fatalf("assertion requiring UV without UV: err %v", err)
	}
}

// TestResidentKey: residentKey decides discoverability, credProps reports
// it, and only discoverable credentials answer an empty allow list.
func TestResidentKey(t *testing.T) {
	for _, tc := range []struct {
		name      string
		selection map[string]any
		noRK      bool
		want      bool
	}{
		{"required", map[string]any{"residentKey": "required"}, false, true},
		{"preferred", map[string]any{"residentKey": "preferred"}, false, true},
		{"discouraged", map[string]any{"residentKey": "discouraged"}, false, false},
		{"absent", nil, false, false},
		{"requireResidentKey", map[string]any{"requireResidentKey": true}, false, true},
		{"residentKey wins over requireResidentKey", map[string]any{"residentKey": "discouraged", "requireResidentKey": true}, false, false},
		{"preferred, unsupported", map[string]any{"residentKey": "preferred"}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthenticator(t, passkeytest.Config{NoResidentKeys: tc.noRK})
			o := newCreateOpts(testRPID, []byte("c"), -7)
			o.Selection = tc.selection
			o.Extensions = map[string]any{"credProps": true}
			body, err := a.Create(o.json(t), testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			var r regJSON
			mustUnmarshal(t, body, &r)
			want := map[bool]string{true: `{"rk":true}`, false: `{"rk":false}`}[tc.want]
			if got := string(r.ClientExtensionResults["credProps"]); got != want {
				t.Fatalf("credProps %s, want %s", got, want)
			}
			if a.Credentials()[0].Discoverable != tc.want {
				t.Fatal("Credentials() disagrees with credProps")
			}
			_, err = a.Get(newGetOpts(testRPID, []byte("g")).json(t), testOrigin)
			if (err == nil) != tc.want {
				t.Fatalf("usernameless Get: err %v", err)
			}
		})
	}
}
