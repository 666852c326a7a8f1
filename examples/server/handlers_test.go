package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// gpmAAGUID is Google Password Manager's AAGUID, which the example names.
var gpmAAGUID = [16]byte{0xea, 0x9b, 0x8d, 0x66, 0x4d, 0x01, 0x1d, 0x21, 0x3c, 0xe4, 0xb6, 0xb4, 0x8c, 0xb5, 0x75, 0xd4}

// user is a person with a software authenticator and a browser (cookie
// jar) talking to the server's API the way the page does.
type user struct {
	t      *testing.T
	c      *apiClient
	auth   *passkeytest.Authenticator
	origin string
}

func newUser(t *testing.T, srv *testServer, cfg passkeytest.Config) *user {
	t.Helper()
	if cfg.Seed == nil {
		cfg.Seed = []byte(t.Name())
	}
	a, err := passkeytest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &user{t: t, c: newAPIClient(t, srv), auth: a, origin: "http://localhost:" + srv.port}
}

// register signs up (name set) or adds a passkey (name empty) and returns
// the status and the body of the finish request.
func (u *user) register(name string, tweaks ...passkeytest.Tweak) (int, []byte) {
	u.t.Helper()
	req := map[string]any{}
	if name != "" {
		req["username"] = name
	}
	opts := u.c.post("/api/register/begin", req, http.StatusOK)
	body, err := u.auth.Create(opts, u.origin, tweaks...)
	if err != nil {
		u.t.Fatalf("create: %v", err)
	}
	res, b := u.c.request(http.MethodPost, "/api/register/finish", body, nil)
	return res.StatusCode, b
}

// login logs in (by name, or usernameless with "") and returns the status
// and the body of the finish request.
func (u *user) login(name string, tweaks ...passkeytest.Tweak) (int, []byte) {
	u.t.Helper()
	req := map[string]any{}
	if name != "" {
		req["username"] = name
	}
	opts := u.c.post("/api/login/begin", req, http.StatusOK)
	body, err := u.auth.Get(opts, u.origin, tweaks...)
	if err != nil {
		u.t.Fatalf("get: %v", err)
	}
	res, b := u.c.request(http.MethodPost, "/api/login/finish", body, nil)
	return res.StatusCode, b
}

// me returns the account page data.
func (u *user) me() meJSON {
	u.t.Helper()
	var m meJSON
	if err := json.Unmarshal(u.c.expect(http.MethodGet, "/api/me", nil, http.StatusOK), &m); err != nil {
		u.t.Fatal(err)
	}
	return m
}

func mustStatus(t *testing.T, what string, got int, body []byte, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, got, want, body)
	}
}

func TestSignUpLoginAndAccount(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	ada := newUser(t, srv, passkeytest.Config{AAGUID: gpmAAGUID, BackupEligible: true, BackupState: true})

	st, body := ada.register("Ada")
	mustStatus(t, "registration", st, body, http.StatusOK)
	if !strings.Contains(string(body), `"status":"registered"`) {
		t.Fatalf("registration answer %s", body)
	}
	// Registering does not sign in.
	res, b := ada.c.request(http.MethodGet, "/api/me", nil, nil)
	if res.StatusCode != http.StatusUnauthorized || errorCode(t, b) != codeNotSignedIn {
		t.Fatalf("GET /api/me before login: %d %s", res.StatusCode, b)
	}

	// User names are case-insensitive.
	st, body = ada.login("ada")
	mustStatus(t, "login by name", st, body, http.StatusOK)
	var login struct {
		Status, Username, Token string
		UserVerified            bool
	}
	if err := json.Unmarshal(body, &login); err != nil {
		t.Fatal(err)
	}
	if login.Status != "signed in" || login.Username != "Ada" || !login.UserVerified || login.Token == "" {
		t.Fatalf("login answer %s", body)
	}

	m := ada.me()
	if m.Username != "Ada" || m.RPID != "localhost" || m.Mediation != "modal" || len(m.Passkeys) != 1 {
		t.Fatalf("me = %+v", m)
	}
	p := m.Passkeys[0]
	if p.Model != "Google Password Manager" || p.Name != "Google Password Manager" || p.Named || !p.Synced || !p.BackedUp ||
		!p.Current || p.LastUsedAt == nil || p.Discoverable == nil || !*p.Discoverable {
		t.Fatalf("passkey = %+v", p)
	}
	if want := b64(ada.auth.Credentials()[0].ID); p.ID != want {
		t.Fatalf("passkey ID %s, want %s", p.ID, want)
	}
	if m.UserID != b64(ada.auth.Credentials()[0].UserHandle) {
		t.Fatalf("userId %s is not the credential's user handle", m.UserID)
	}
	verifyToken(t, ada, login.Token, "Ada", ada.auth.Credentials()[0].UserHandle, []string{"pop", "swk", "user", "mfa"})

	// Usernameless, from another browser with the same authenticator.
	other := &user{t: t, c: newAPIClient(t, srv), auth: ada.auth, origin: ada.origin}
	st, body = other.login("")
	mustStatus(t, "usernameless login", st, body, http.StatusOK)
	if m := other.me(); m.Username != "Ada" {
		t.Fatalf("usernameless login signed in %q", m.Username)
	}
}

// verifyToken checks the hand-off token against the published key.
func verifyToken(t *testing.T, u *user, token, name string, handle []byte, amr []string) {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(u.c.expect(http.MethodGet, "/.well-known/jwks.json", nil, http.StatusOK), &set); err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	if len(tok.Headers) != 1 || len(set.Key(tok.Headers[0].KeyID)) != 1 {
		t.Fatalf("token key %q not in the JWKS", tok.Headers[0].KeyID)
	}
	var c tokenClaims
	if err := tok.Claims(set.Key(tok.Headers[0].KeyID)[0].Key, &c); err != nil {
		t.Fatalf("token signature: %v", err)
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: u.origin, AnyAudience: jwt.Audience{tokenAudience}, Time: time.Now()}, 0); err != nil {
		t.Fatalf("token claims: %v", err)
	}
	if c.Subject != b64(handle) || c.PreferredUsername != name || !slices.Equal(c.AMR, amr) || c.AuthTime == nil {
		t.Fatalf("token claims %+v, want sub %s, name %s, amr %v", c, b64(handle), name, amr)
	}
	if exp := c.Expiry.Time().Sub(c.IssuedAt.Time()); exp != tokenTTL {
		t.Fatalf("token lifetime %v, want %v", exp, tokenTTL)
	}
	// A token signed by another key does not verify.
	other, err := newTokenIssuer(u.origin, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.mint(&account{Handle: handle, Name: name}, signIn{AuthTime: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	ftok, err := jwt.ParseSigned(forged, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	if err := ftok.Claims(set.Key(tok.Headers[0].KeyID)[0].Key, &c); err == nil {
		t.Fatal("a token from another key verified against the server's JWKS")
	}
}

func TestTokenAMR(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    signIn
		want []string
	}{
		{"synced with UV", signIn{Synced: true, UserVerified: true}, []string{"pop", "swk", "user", "mfa"}},
		{"device-bound with UV", signIn{UserVerified: true}, []string{"pop", "hwk", "user", "mfa"}},
		{"device-bound without UV", signIn{}, []string{"pop", "hwk", "user"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := amr(tc.s); !slices.Equal(got, tc.want) {
				t.Fatalf("amr = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCeremonyErrors(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	ada := newUser(t, srv, passkeytest.Config{})
	if st, body := ada.register("ada"); st != http.StatusOK {
		t.Fatalf("registration: %d %s", st, body)
	}

	t.Run("origin-mismatch", func(t *testing.T) {
		wrong := "http://localhost:1" // a valid origin for RP ID localhost, not the server's
		u := newUser(t, srv, passkeytest.Config{})
		u.origin = wrong
		st, body := u.register("mallory")
		if st != http.StatusBadRequest || errorCode(t, body) != "origin-mismatch" {
			t.Fatalf("registration from %s: %d %s", wrong, st, body)
		}
		// The answer names the code, never the origins compared.
		if strings.Contains(string(body), "localhost") {
			t.Fatalf("error answer leaks detail: %s", body)
		}
		if _, err := srv.app.accounts.ByName(t.Context(), "mallory"); err == nil {
			t.Fatal("a refused registration created its account")
		}
		other := &user{t: t, c: newAPIClient(t, srv), auth: ada.auth, origin: wrong}
		st, body = other.login("ada")
		if st != http.StatusBadRequest || errorCode(t, body) != "origin-mismatch" {
			t.Fatalf("login from %s: %d %s", wrong, st, body)
		}
		if len(srv.logs.lines("path=/api/login/finish", "status=400", "code=origin-mismatch")) != 1 {
			t.Fatal("the request log lacks the refused login's code")
		}
	})

	t.Run("replayed response", func(t *testing.T) {
		opts := ada.c.post("/api/login/begin", map[string]string{"username": "ada"}, http.StatusOK)
		body, err := ada.auth.Get(opts, ada.origin)
		if err != nil {
			t.Fatal(err)
		}
		ada.c.postRaw("/api/login/finish", body, http.StatusOK)
		b := ada.c.postRaw("/api/login/finish", body, http.StatusBadRequest)
		if errorCode(t, b) != "challenge-mismatch" {
			t.Fatalf("replay: %s", b)
		}
	})

	t.Run("response without a ceremony", func(t *testing.T) {
		opts := ada.c.post("/api/login/begin", map[string]string{}, http.StatusOK)
		body, err := ada.auth.Get(opts, ada.origin)
		if err != nil {
			t.Fatal(err)
		}
		fresh := newAPIClient(t, srv) // no ceremony cookie
		if code := errorCode(t, fresh.postRaw("/api/login/finish", body, http.StatusBadRequest)); code != "challenge-mismatch" {
			t.Fatalf("finish without the cookie: %s", code)
		}
	})

	t.Run("autofill and modal ceremonies keep separate cookies", func(t *testing.T) {
		auto := ada.c.post("/api/login/begin", map[string]any{"autofill": true}, http.StatusOK)
		modal := ada.c.post("/api/login/begin", map[string]any{"username": "ada"}, http.StatusOK)
		// The modal login, finished first, does not consume the autofill
		// one's session.
		body, err := ada.auth.Get(modal, ada.origin)
		if err != nil {
			t.Fatal(err)
		}
		ada.c.postRaw("/api/login/finish", body, http.StatusOK)
		body, err = ada.auth.Get(auto, ada.origin)
		if err != nil {
			t.Fatal(err)
		}
		ada.c.postRaw("/api/login/finish?autofill=1", body, http.StatusOK)
		if m := ada.me(); m.Mediation != "conditional" {
			t.Fatalf("mediation after the autofill login = %q", m.Mediation)
		}
	})

	t.Run("malformed response", func(t *testing.T) {
		ada.c.post("/api/login/begin", map[string]string{"username": "ada"}, http.StatusOK)
		if code := errorCode(t, ada.c.postRaw("/api/login/finish", []byte(`{"id":"AAAA","type":"public-key"}`), http.StatusBadRequest)); code != "malformed-response" {
			t.Fatalf("code %s, want malformed-response", code)
		}
	})

	t.Run("unknown user gets decoys", func(t *testing.T) {
		var known, unknown struct {
			AllowCredentials []json.RawMessage `json:"allowCredentials"`
		}
		c := newAPIClient(t, srv)
		if err := json.Unmarshal(c.post("/api/login/begin", map[string]string{"username": "ada"}, http.StatusOK), &known); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c.post("/api/login/begin", map[string]string{"username": "nobody"}, http.StatusOK), &unknown); err != nil {
			t.Fatal(err)
		}
		if len(known.AllowCredentials) == 0 || len(unknown.AllowCredentials) == 0 {
			t.Fatalf("allowCredentials: known %d, unknown %d; both must list credentials", len(known.AllowCredentials), len(unknown.AllowCredentials))
		}
	})

	t.Run("user name taken", func(t *testing.T) {
		c := newAPIClient(t, srv)
		if code := errorCode(t, c.post("/api/register/begin", map[string]string{"username": "ADA"}, http.StatusConflict)); code != codeUsernameTaken {
			t.Fatalf("code %s", code)
		}
	})

	t.Run("two sign-ups race for one name", func(t *testing.T) {
		a := newUser(t, srv, passkeytest.Config{Seed: []byte("racer a")})
		b := newUser(t, srv, passkeytest.Config{Seed: []byte("racer b")})
		optsA := a.c.post("/api/register/begin", map[string]string{"username": "grace"}, http.StatusOK)
		optsB := b.c.post("/api/register/begin", map[string]string{"username": "grace"}, http.StatusOK)
		bodyA, errA := a.auth.Create(optsA, a.origin)
		bodyB, errB := b.auth.Create(optsB, b.origin)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		a.c.postRaw("/api/register/finish", bodyA, http.StatusOK)
		if code := errorCode(t, b.c.postRaw("/api/register/finish", bodyB, http.StatusConflict)); code != codeUsernameTaken {
			t.Fatalf("second sign-up: %s", code)
		}
		// The loser's credential was not stored.
		if _, err := srv.app.rp.Passkeys(t.Context(), b.auth.Credentials()[0].UserHandle); err != nil {
			t.Fatal(err)
		}
		if list, _ := srv.app.rp.Passkeys(t.Context(), b.auth.Credentials()[0].UserHandle); len(list) != 0 {
			t.Fatalf("the refused sign-up stored %d passkeys", len(list))
		}
	})

	t.Run("invalid user names", func(t *testing.T) {
		c := newAPIClient(t, srv)
		for _, name := range []string{"   ", strings.Repeat("x", 65), "a\x00b", "tab\there"} {
			if code := errorCode(t, c.post("/api/register/begin", map[string]string{"username": name}, http.StatusBadRequest)); code != codeInvalidUsername {
				t.Errorf("register %q: %s", name, code)
			}
			if code := errorCode(t, c.post("/api/login/begin", map[string]string{"username": name}, http.StatusBadRequest)); code != codeInvalidUsername {
				t.Errorf("login %q: %s", name, code)
			}
		}
		// 64 characters (not bytes) is the limit.
		c.post("/api/register/begin", map[string]string{"username": strings.Repeat("é", 64)}, http.StatusOK)
	})
}

func TestPasskeyManagement(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	ada := newUser(t, srv, passkeytest.Config{})
	if st, body := ada.register("ada"); st != http.StatusOK {
		t.Fatalf("registration: %d %s", st, body)
	}
	if st, body := ada.login("ada"); st != http.StatusOK {
		t.Fatalf("login: %d %s", st, body)
	}
	first := ada.me().Passkeys[0].ID

	// Rename.
	b, _ := json.Marshal(map[string]string{"name": "  Laptop  "})
	ada.c.expect(http.MethodPatch, "/api/passkeys/"+first, b, http.StatusOK)
	if p := ada.me().Passkeys[0]; p.Name != "Laptop" || !p.Named {
		t.Fatalf("after rename: %+v", p)
	}
	for _, tc := range []struct {
		name, id, newName string
		status            int
		code              string
	}{
		{"empty name", first, "  ", http.StatusBadRequest, codeInvalidName},
		{"name too long", first, strings.Repeat("n", 65), http.StatusBadRequest, codeInvalidName},
		{"control character", first, "a\nb", http.StatusBadRequest, codeInvalidName},
		{"no such passkey", b64([]byte("nope")), "x", http.StatusNotFound, codeNotFound},
		{"not base64url", "%2B%2B", "x", http.StatusNotFound, codeNotFound},
	} {
		t.Run("rename: "+tc.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]string{"name": tc.newName})
			if code := errorCode(t, ada.c.expect(http.MethodPatch, "/api/passkeys/"+tc.id, b, tc.status)); code != tc.code {
				t.Fatalf("code %s, want %s", code, tc.code)
			}
		})
	}

	// The only passkey cannot go.
	if code := errorCode(t, ada.c.expect(http.MethodDelete, "/api/passkeys/"+first, nil, http.StatusConflict)); code != codeLastPasskey {
		t.Fatalf("deleting the last passkey: %s", code)
	}

	// Add another (signed in, no user name): it joins ada's account.
	key := newUser(t, srv, passkeytest.Config{Seed: []byte("security key"), Attachment: "cross-platform", NoUserVerification: true, NoResidentKeys: true})
	key.c = ada.c
	opts := ada.c.post("/api/register/begin", map[string]any{"securityKey": true}, http.StatusOK)
	var creation struct {
		AuthenticatorSelection struct {
			ResidentKey             string `json:"residentKey"`
			AuthenticatorAttachment string `json:"authenticatorAttachment"`
		} `json:"authenticatorSelection"`
		Hints              []string          `json:"hints"`
		ExcludeCredentials []json.RawMessage `json:"excludeCredentials"`
	}
	if err := json.Unmarshal(opts, &creation); err != nil {
		t.Fatal(err)
	}
	if creation.AuthenticatorSelection.ResidentKey != "discouraged" || creation.AuthenticatorSelection.AuthenticatorAttachment != "cross-platform" ||
		!slices.Equal(creation.Hints, []string{"security-key"}) || len(creation.ExcludeCredentials) != 1 {
		t.Fatalf("security key options: %s", opts)
	}
	body, err := key.auth.Create(opts, ada.origin)
	if err != nil {
		t.Fatal(err)
	}
	ada.c.postRaw("/api/register/finish", body, http.StatusOK)
	list := ada.me().Passkeys
	if len(list) != 2 || list[1].Synced || list[1].Name != "Security key" || list[1].Discoverable == nil || *list[1].Discoverable {
		t.Fatalf("after adding a security key: %+v", list)
	}
	second := list[1].ID

	// Somebody else cannot touch ada's passkeys.
	bob := newUser(t, srv, passkeytest.Config{Seed: []byte("bob")})
	if st, body := bob.register("bob"); st != http.StatusOK {
		t.Fatalf("bob: %d %s", st, body)
	}
	if st, body := bob.login("bob"); st != http.StatusOK {
		t.Fatalf("bob login: %d %s", st, body)
	}
	bob.c.expect(http.MethodDelete, "/api/passkeys/"+first, nil, http.StatusNotFound)
	b, _ = json.Marshal(map[string]string{"name": "mine"})
	bob.c.expect(http.MethodPatch, "/api/passkeys/"+first, b, http.StatusNotFound)

	// Delete the first; it can no longer sign in, the second can.
	ada.c.expect(http.MethodDelete, "/api/passkeys/"+first, nil, http.StatusOK)
	if list := ada.me().Passkeys; len(list) != 1 || list[0].ID != second {
		t.Fatalf("after delete: %+v", list)
	}
	st, body := ada.login("")
	if st != http.StatusBadRequest || errorCode(t, body) != "unknown-credential" {
		t.Fatalf("login with the deleted passkey: %d %s", st, body)
	}
	key.c = newAPIClient(t, srv)
	if st, body := key.login("ada"); st != http.StatusOK {
		t.Fatalf("login with the security key: %d %s", st, body)
	}
	if m := key.me(); m.UserVerified || !m.Passkeys[0].Current {
		t.Fatalf("security key sign-in: %+v", m)
	}
}

func TestSessions(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	ada := newUser(t, srv, passkeytest.Config{})
	if st, body := ada.register("ada"); st != http.StatusOK {
		t.Fatalf("registration: %d %s", st, body)
	}
	cookieOf := func() string {
		for _, c := range ada.c.http.Jar.Cookies(mustURL(t, srv.url+"/")) {
			if c.Name == "session" {
				return c.Value
			}
		}
		return ""
	}
	if st, body := ada.login("ada"); st != http.StatusOK {
		t.Fatalf("login: %d %s", st, body)
	}
	firstToken := cookieOf()
	if st, body := ada.login("ada"); st != http.StatusOK {
		t.Fatalf("second login: %d %s", st, body)
	}
	secondToken := cookieOf()
	if firstToken == "" || firstToken == secondToken {
		t.Fatal("a login must issue a fresh session token")
	}
	// The replaced session is gone on the server.
	old := newAPIClient(t, srv)
	res, _ := old.request(http.MethodGet, "/api/me", nil, http.Header{"Cookie": {"session=" + firstToken}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the session before the second login still works: %d", res.StatusCode)
	}

	ada.c.expect(http.MethodPost, "/api/logout", nil, http.StatusOK)
	res, _ = old.request(http.MethodGet, "/api/me", nil, http.Header{"Cookie": {"session=" + secondToken}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a signed-out session still works: %d", res.StatusCode)
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/api/me"},
		{http.MethodPost, "/api/token"},
		{http.MethodDelete, "/api/passkeys/AAAA"},
		{http.MethodPatch, "/api/passkeys/AAAA"},
	} {
		var body []byte
		if tc.method == http.MethodPatch {
			body = []byte(`{"name":"x"}`)
		}
		if code := errorCode(t, ada.c.expect(tc.method, tc.path, body, http.StatusUnauthorized)); code != codeNotSignedIn {
			t.Errorf("%s %s signed out: %s", tc.method, tc.path, code)
		}
	}
	// Adding a passkey needs a signed-in user.
	if code := errorCode(t, ada.c.post("/api/register/begin", map[string]string{}, http.StatusUnauthorized)); code != codeNotSignedIn {
		t.Errorf("add a passkey signed out: %s", code)
	}

	// Expiry, by the session store's clock.
	now := time.Now()
	ws := newWebSessions(time.Hour, func() time.Time { return now })
	tok := ws.create(signIn{Handle: []byte{1}})
	if _, ok := ws.get(tok); !ok {
		t.Fatal("a fresh session is not found")
	}
	now = now.Add(time.Hour)
	if _, ok := ws.get(tok); ok {
		t.Fatal("an expired session is still found")
	}
	tok = ws.create(signIn{Handle: []byte{2}})
	now = now.Add(2 * time.Hour)
	ws.sweep()
	if len(ws.byKey) != 0 {
		t.Fatalf("sweep left %d expired sessions", len(ws.byKey))
	}
	for _, bad := range []string{"", "not base64!", b64([]byte("short"))} {
		if _, ok := ws.get(bad); ok {
			t.Fatalf("token %q accepted", bad)
		}
	}
	_ = tok
}

func TestRequestLimits(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	c := newAPIClient(t, srv)

	// The cap is exactly 64 KiB: one byte more is refused before it is read
	// as JSON, the cap itself is read (and is then bad JSON).
	atCap := bytes.Repeat([]byte(" "), maxBody)
	if code := errorCode(t, c.postRaw("/api/login/finish", append(atCap, ' '), http.StatusRequestEntityTooLarge)); code != codeTooLarge {
		t.Fatalf("over the cap: %s", code)
	}
	if code := errorCode(t, c.postRaw("/api/login/begin", append(atCap[:maxBody-2], '{', '}'), http.StatusOK)); code != "" {
		t.Fatalf("at the cap: %s", code)
	}

	for _, tc := range []struct {
		name, path, contentType, body string
		status                        int
		code                          string
	}{
		{"not JSON", "/api/login/begin", "text/plain", `{}`, http.StatusUnsupportedMediaType, codeMediaType},
		{"form post", "/api/register/finish", "application/x-www-form-urlencoded", `a=b`, http.StatusUnsupportedMediaType, codeMediaType},
		{"unknown member", "/api/login/begin", "application/json", `{"user":"ada"}`, http.StatusBadRequest, codeBadRequest},
		{"two values", "/api/login/begin", "application/json", `{} {}`, http.StatusBadRequest, codeBadRequest},
		{"wrong type", "/api/register/begin", "application/json", `{"username":1}`, http.StatusBadRequest, codeBadRequest},
		{"garbage response", "/api/register/finish", "application/json; charset=utf-8", `{"id":`, http.StatusBadRequest, "challenge-mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, b := c.request(http.MethodPost, tc.path, []byte(tc.body), http.Header{"Content-Type": {tc.contentType}})
			if res.StatusCode != tc.status || errorCode(t, b) != tc.code {
				t.Fatalf("%d %s, want %d %s", res.StatusCode, b, tc.status, tc.code)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("error Content-Type %q", ct)
			}
		})
	}

	t.Run("cross-origin request", func(t *testing.T) {
		res, _ := c.request(http.MethodPost, "/api/logout", nil, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d, want 403", res.StatusCode)
		}
		res, _ = c.request(http.MethodPost, "/api/logout", nil, http.Header{"Sec-Fetch-Site": {"same-origin"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("same-origin POST: %d, want 200", res.StatusCode)
		}
	})
}

func TestCookies(t *testing.T) {
	for _, tc := range []struct {
		name, origin, session string
		secure                bool
	}{
		{"http localhost", "http://localhost:8080", "session", false},
		{"https", "https://example.com", "__Host-session", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rpID := mustURL(t, tc.origin).Hostname()
			st, err := openStorage(t.Context(), dbSpec{kind: "memory"})
			if err != nil {
				t.Fatal(err)
			}
			a, err := newApp(&settings{rpID: rpID, rpName: "t", origins: []string{tc.origin}}, st, discardLogger())
			if err != nil {
				t.Fatal(err)
			}
			h := a.handler()

			req := httptest.NewRequest(http.MethodPost, "/api/register/begin", strings.NewReader(`{"username":"ada"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			c := findCookie(t, rec, cookieRegister)
			if !c.HttpOnly || c.Secure != tc.secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/" || c.MaxAge != 360 {
				t.Fatalf("ceremony cookie %+v", c)
			}

			rec = httptest.NewRecorder()
			a.setCookie(rec, a.sessionCookie(), "x", "/", signInTTL, http.SameSiteLaxMode)
			c = findCookie(t, rec, tc.session)
			if !c.HttpOnly || c.Secure != tc.secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Fatalf("session cookie %+v", c)
			}
		})
	}
}

func findCookie(t *testing.T, rec *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cookie %s in %v", name, rec.Result().Header["Set-Cookie"])
	return nil
}

func TestPagesAndHeaders(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	c := newAPIClient(t, srv)

	res, index := c.request(http.MethodGet, "/", nil, nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no X-Content-Type-Options")
	}
	// The page's contract: the ids and attributes tests and users rely on.
	for _, want := range []string{
		`id="username"`, `autocomplete="username webauthn"`,
		`<button type="button" id="register"`, `<button type="button" id="login"`, `id="status"`,
	} {
		if !bytes.Contains(index, []byte(want)) {
			t.Errorf("index page lacks %s", want)
		}
	}
	// No inline script: the CSP would block it.
	if bytes.Contains(index, []byte("<script>")) {
		t.Error("index page has an inline script")
	}
	// Signed out, the account page sends the browser to the sign-in page.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(srv.url + "/account")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("GET /account signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	account, err := webFiles.ReadFile("web/account.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="passkeys"`, `id="add-passkey"`, `id="signout"`, `id="status"`} {
		if !bytes.Contains(account, []byte(want)) {
			t.Errorf("account page lacks %s", want)
		}
	}
	for _, page := range [][]byte{index, account} {
		if n, m := bytes.Count(page, []byte("<button")), bytes.Count(page, []byte(`<button type="button"`)); n != m {
			t.Errorf("%d of %d buttons lack type=\"button\"", n-m, n)
		}
	}
	for _, f := range []string{"index.js", "account.js", "webauthn.js", "style.css", "icon.svg"} {
		res, _ := c.request(http.MethodGet, "/static/"+f, nil, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET /static/%s: %d", f, res.StatusCode)
		}
	}
	if res, _ := c.request(http.MethodGet, "/nope", nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope: %d", res.StatusCode)
	}
	if len(srv.logs.lines("msg=request", "method=GET", "path=/nope", "status=404")) != 1 {
		t.Errorf("no request log line for GET /nope")
	}
}

func TestConcurrentLogins(t *testing.T) {
	srv := startServer(t, "localhost", nil)
	ada := newUser(t, srv, passkeytest.Config{})
	if st, body := ada.register("ada"); st != http.StatusOK {
		t.Fatalf("registration: %d %s", st, body)
	}
	// Several browsers log in at once with one passkey: every login that
	// the server accepts has a counter above the last, none fails with a
	// server error.
	var wg sync.WaitGroup
	codes := make(chan int, 8)
	for range 8 {
		wg.Go(func() {
			u := &user{t: t, c: newAPIClient(t, srv), auth: ada.auth, origin: ada.origin}
			st, _ := u.login("ada")
			codes <- st
		})
	}
	wg.Wait()
	close(codes)
	for st := range codes {
		if st != http.StatusOK && st != http.StatusBadRequest {
			t.Errorf("concurrent login: status %d", st)
		}
	}
	if n := len(srv.logs.lines("status=500")); n != 0 {
		t.Errorf("%d server errors", n)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// failingCreate is a credential store whose Create fails, as a database
// that went away between the checks and the insert.
type failingCreate struct {
	store.Credentials
}

func (failingCreate) Create(context.Context, *credential.Record) error {
	return errors.New("db: connection to 10.0.0.7 refused (secret detail)")
}

func TestStoreFailures(t *testing.T) {
	st, err := openStorage(t.Context(), dbSpec{kind: "memory"})
	if err != nil {
		t.Fatal(err)
	}
	st.credentials = failingCreate{st.credentials}
	logs := &logBuffer{}
	a, err := newApp(&settings{rpID: "localhost", rpName: "t", origins: []string{"http://localhost:8080"}}, st, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(a.handler())
	t.Cleanup(hs.Close)
	srv := &testServer{url: hs.URL, app: a, logs: logs, srv: hs}
	u := newUser(t, srv, passkeytest.Config{})
	u.origin = "http://localhost:8080"

	st2, body := u.register("ada")
	if st2 != http.StatusInternalServerError || errorCode(t, body) != codeInternal {
		t.Fatalf("registration with a failing store: %d %s", st2, body)
	}
	if bytes.Contains(body, []byte("secret")) || bytes.Contains(body, []byte("10.0.0.7")) {
		t.Fatalf("the answer leaks the store's error: %s", body)
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Fatal("the server log lacks the store's error")
	}
	// The account made for the sign-up was removed again: the name is free.
	if _, err := a.accounts.ByName(t.Context(), "ada"); !errors.Is(err, errAccountNotFound) {
		t.Fatalf("the account of a failed sign-up remains: %v", err)
	}
}
