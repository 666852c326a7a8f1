package passkey_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
)

const (
	testRPID   = "example.com"
	testOrigin = "https://example.com"
)

// testClock is a settable clock shared by the relying party and the test.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a relying party with memory stores, a test clock and the stores
// in reach.
type env struct {
	rp       *passkey.RelyingParty
	creds    *memory.Credentials
	sessions *memory.Sessions
	clock    *testClock
}

// seededRand is a deterministic source for challenges and session IDs.
func seededRand(seed uint64) io.Reader {
	return rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 'p', 'k'})
}

func newEnv(t testing.TB, mods ...func(*passkey.Config)) *env {
	t.Helper()
	e := &env{creds: memory.NewCredentials(), sessions: memory.NewSessions(), clock: newTestClock()}
	cfg := passkey.Config{
		RPID:        testRPID,
		RPName:      "Example",
		Origins:     []string{testOrigin},
		Clock:       e.clock.Now,
		Credentials: e.creds,
		Sessions:    e.sessions,
	}
	for _, m := range mods {
		m(&cfg)
	}
	rp, err := passkey.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.rp = rp
	return e
}

func newAuthenticator(t testing.TB, cfg passkeytest.Config) *passkeytest.Authenticator {
	t.Helper()
	if cfg.Seed == nil {
		cfg.Seed = []byte(t.Name())
	}
	a, err := passkeytest.New(cfg)
	if err != nil {
		t.Fatalf("passkeytest.New: %v", err)
	}
	return a
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// wrapCreation gives the credential-request shape with mediation, as a page
// passes it to create().
func wrapCreation(t testing.TB, o *passkey.CreationOptions) []byte {
	t.Helper()
	if o.Mediation == "" {
		return mustJSON(t, o)
	}
	return mustJSON(t, map[string]any{"publicKey": o, "mediation": o.Mediation})
}

func newUser(name string) passkey.User {
	return passkey.User{Handle: passkey.NewUserHandle(), Name: name, DisplayName: "Display " + name}
}

// createBody begins a registration and has the authenticator answer it.
func createBody(t testing.TB, e *env, a *passkeytest.Authenticator, u passkey.User, opts []passkey.RegistrationOption, tweaks ...passkeytest.Tweak) (string, []byte) {
	t.Helper()
	o, sid, err := e.rp.BeginRegistration(context.Background(), u, opts...)
	if err != nil {
		t.Fatalf("BeginRegistration: %v", err)
	}
	body, err := a.Create(wrapCreation(t, o), testOrigin, tweaks...)
	if err != nil {
		t.Fatalf("authenticator Create: %v", err)
	}
	return sid, body
}

// register runs a whole registration and fails the test if it is rejected.
func register(t testing.TB, e *env, a *passkeytest.Authenticator, u passkey.User, tweaks ...passkeytest.Tweak) *passkey.Registration {
	t.Helper()
	sid, body := createBody(t, e, a, u, nil, tweaks...)
	reg, err := e.rp.FinishRegistration(context.Background(), sid, body)
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	return reg
}

// getBody begins a login and has the authenticator answer it.
func getBody(t testing.TB, e *env, a *passkeytest.Authenticator, opts []passkey.LoginOption, tweaks ...passkeytest.Tweak) (string, []byte) {
	t.Helper()
	o, sid, err := e.rp.BeginLogin(context.Background(), opts...)
	if err != nil {
		t.Fatalf("BeginLogin: %v", err)
	}
	body, err := a.Get(mustJSON(t, o), testOrigin, tweaks...)
	if err != nil {
		t.Fatalf("authenticator Get: %v", err)
	}
	return sid, body
}

// wantCode fails unless err carries code ("" wants success).
func wantCode(t testing.TB, err error, code passkey.Sentinel) {
	t.Helper()
	switch {
	case code == "" && err != nil:
		t.Fatalf("rejected: %v", err)
	case code == "":
	case err == nil:
		t.Fatalf("accepted; want %s", code)
	case !errors.Is(err, code) || passkey.Code(err) != string(code):
		t.Fatalf("got %v (code %q); want %s", err, passkey.Code(err), code)
	}
}

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }

// withConfig returns a relying party on the same stores and clock as e,
// with its configuration changed: a policy change after registration, or a
// second instance.
func (e *env) withConfig(t testing.TB, mods ...func(*passkey.Config)) *env {
	t.Helper()
	cfg := passkey.Config{
		RPID:        testRPID,
		RPName:      "Example",
		Origins:     []string{testOrigin},
		Clock:       e.clock.Now,
		Credentials: e.creds,
		Sessions:    e.sessions,
	}
	for _, m := range mods {
		m(&cfg)
	}
	rp, err := passkey.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &env{rp: rp, creds: e.creds, sessions: e.sessions, clock: e.clock}
}

var errStoreDown = errors.New("store down")

// failingCredentials fails every read.
type failingCredentials struct{ store.Credentials }

func (failingCredentials) Get(context.Context, []byte) (*credential.Record, error) {
	return nil, errStoreDown
}
