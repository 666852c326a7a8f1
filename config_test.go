package passkey_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
)

func validConfig() passkey.Config {
	return passkey.Config{
		RPID:        testRPID,
		RPName:      "Example",
		Origins:     []string{testOrigin},
		Credentials: memory.NewCredentials(),
		Sessions:    memory.NewSessions(),
	}
}

// TestNewConfigErrors: every configuration mistake is a *ConfigError that
// names the field, and says how to fix it.
func TestNewConfigErrors(t *testing.T) {
	cases := []struct {
		name    string
		mod     func(*passkey.Config)
		field   string
		fixHint string // a word the fix must contain
	}{
		{"no RP ID", func(c *passkey.Config) { c.RPID = "" }, "Config.RPID", ""},
		{"RP ID with a scheme", func(c *passkey.Config) { c.RPID = "https://example.com" }, "Config.RPID", ""},
		{"no origins", func(c *passkey.Config) { c.Origins = nil }, "Config.Origins", "https://example.com"},
		{"origin of another site", func(c *passkey.Config) { c.Origins = []string{"https://example.org"} }, "Config.Origins[0]", ""},
		{"top origins without cross-origin", func(c *passkey.Config) { c.TopOrigins = []string{"https://a.example"} }, "Config.TopOrigins", "AllowCrossOrigin"},
		{"bad top origin", func(c *passkey.Config) {
			c.AllowCrossOrigin = true
			c.TopOrigins = []string{"ftp://x"}
		}, "Config.TopOrigins[0]", ""},
		{"no RP name", func(c *passkey.Config) { c.RPName = " " }, "Config.RPName", ""},
		{"RP name not UTF-8", func(c *passkey.Config) { c.RPName = "\xff" }, "Config.RPName", ""},
		{"unknown user verification", func(c *passkey.Config) { c.UserVerification = "always" }, "Config.UserVerification", "VerificationRequired"},
		{"unknown resident key", func(c *passkey.Config) { c.ResidentKey = "yes" }, "Config.ResidentKey", "ResidentKeyRequired"},
		{"unsupported algorithm", func(c *passkey.Config) { c.Algorithms = []cose.Algorithm{cose.ES256, -4242} }, "Config.Algorithms[1]", "cose"},
		{"RS1 is no credential algorithm", func(c *passkey.Config) { c.Algorithms = []cose.Algorithm{cose.RS1} }, "Config.Algorithms[0]", ""},
		{"algorithm twice", func(c *passkey.Config) { c.Algorithms = []cose.Algorithm{cose.ES256, cose.EdDSA, cose.ES256} }, "Config.Algorithms[2]", "once"},
		{"negative timeout", func(c *passkey.Config) { c.Timeout = -time.Second }, "Config.Timeout", ""},
		{"timeout too short", func(c *passkey.Config) { c.Timeout = time.Second }, "Config.Timeout", ""},
		{"timeout too long", func(c *passkey.Config) { c.Timeout = time.Hour }, "Config.Timeout", ""},
		{"no credential store", func(c *passkey.Config) { c.Credentials = nil }, "Config.Credentials", "memory.NewCredentials"},
		{"no session store", func(c *passkey.Config) { c.Sessions = nil }, "Config.Sessions", "memory.NewSessions"},
		{"short enumeration key", func(c *passkey.Config) { c.EnumerationKey = make([]byte, 16) }, "Config.EnumerationKey", "32"},
		{"unknown synced policy", func(c *passkey.Config) { c.Synced = 7 }, "Config.Synced", ""},
		{"allow and deny lists", func(c *passkey.Config) {
			c.AllowedAuthenticators = []credential.AAGUID{{1}}
			c.DeniedAuthenticators = []credential.AAGUID{{2}}
		}, "Config.DeniedAuthenticators", ""},
		{"AppID over http", func(c *passkey.Config) { c.AppID = "http://example.com/app.json" }, "Config.AppID", ""},
		{"AppID not a URL", func(c *passkey.Config) { c.AppID = "example" }, "Config.AppID", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.mod(&cfg)
			rp, err := passkey.New(cfg)
			if err == nil {
				t.Fatalf("New accepted the configuration")
			}
			if rp != nil {
				t.Errorf("New returned a relying party with its error")
			}
			var ce *passkey.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %T %v, want *ConfigError", err, err)
			}
			if ce.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", ce.Field, tc.field, err)
			}
			if ce.Fix == "" && ce.Problem == "" {
				t.Errorf("no problem or fix: %v", err)
			}
			if tc.fixHint != "" && !strings.Contains(ce.Fix, tc.fixHint) {
				t.Errorf("fix %q does not mention %q", ce.Fix, tc.fixHint)
			}
			if passkey.Code(err) != "" {
				t.Errorf("a configuration error has code %q", passkey.Code(err))
			}
		})
	}
}

// TestSessionsRequiredMessage: the message tells a single instance from
// several.
func TestSessionsRequiredMessage(t *testing.T) {
	cfg := validConfig()
	cfg.Sessions = nil
	_, err := passkey.New(cfg)
	if err == nil || !strings.Contains(err.Error(), "memory.NewSessions") || !strings.Contains(err.Error(), "sqlstore") {
		t.Fatalf("message %v names neither memory.NewSessions nor sqlstore", err)
	}
}

// TestNewAccepts: the valid variations build.
func TestNewAccepts(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*passkey.Config)
	}{
		{"minimal", func(*passkey.Config) {}},
		{"everything", func(c *passkey.Config) {
			c.Origins = append(c.Origins, "https://login.example.com:8443")
			c.RelatedOrigins = []string{"https://example.org"}
			c.AllowCrossOrigin = true
			c.TopOrigins = []string{"https://partner.example"}
			c.UserVerification = passkey.VerificationRequired
			c.ResidentKey = passkey.ResidentKeyDiscouraged
			c.Algorithms = []cose.Algorithm{cose.ES256, cose.MLDSA65, cose.Ed448}
			c.Timeout = 10 * time.Minute
			c.EnumerationKey = make([]byte, 32)
			c.AcceptCounterRegression = true
			c.Synced = passkey.SyncedRefused
			c.AllowedAuthenticators = []credential.AAGUID{{1}}
			c.AppID = "https://example.com/app-id.json"
		}},
		{"localhost in development", func(c *passkey.Config) {
			c.RPID = "localhost"
			c.Origins = []string{"http://localhost:8080"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.mod(&cfg)
			rp, err := passkey.New(cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if rp.RPID() != cfg.RPID || rp.Origins().RPID() != cfg.RPID {
				t.Errorf("RP ID %q / %q, want %q", rp.RPID(), rp.Origins().RPID(), cfg.RPID)
			}
		})
	}
}

// TestConfigNotAliased: changing the Config after New changes nothing.
func TestConfigNotAliased(t *testing.T) {
	cfg := validConfig()
	cfg.Algorithms = []cose.Algorithm{cose.ES256}
	rp, err := passkey.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Algorithms[0] = cose.RS256
	o, _, err := rp.BeginRegistration(t.Context(), newUser("ada"))
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Algorithms) != 1 || o.Algorithms[0] != cose.ES256 {
		t.Fatalf("algorithms %v, want [ES256]", o.Algorithms)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

type fullSessions struct{ store.Sessions }

func (fullSessions) Put(context.Context, [32]byte, []byte, time.Time) error { return store.ErrFull }

// TestBeginFailures: a failing random source or session store makes Begin
// fail with that error, without a code and without options.
func TestBeginFailures(t *testing.T) {
	cfg := validConfig()
	cfg.Rand = failingReader{}
	var ce *passkey.ConfigError
	if _, err := passkey.New(cfg); !errors.As(err, &ce) || ce.Field != "Config.Rand" {
		t.Errorf("New with a failing Rand and no EnumerationKey: %v", err)
	}
	cases := []struct {
		name string
		mod  func(*passkey.Config)
		want string
	}{
		{"random source", func(c *passkey.Config) {
			c.Rand = failingReader{}
			c.EnumerationKey = make([]byte, 32)
		}, "entropy exhausted"},
		{"full session store", func(c *passkey.Config) { c.Sessions = fullSessions{c.Sessions} }, store.ErrFull.Error()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.mod(&cfg)
			rp, err := passkey.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			o, sid, err := rp.BeginLogin(t.Context())
			if err == nil || o != nil || sid != "" || !strings.Contains(err.Error(), tc.want) || passkey.Code(err) != "" {
				t.Errorf("BeginLogin: %v, %v, %q", o, err, sid)
			}
			ro, sid, err := rp.BeginRegistration(t.Context(), newUser("ada"))
			if err == nil || ro != nil || sid != "" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("BeginRegistration: %v, %v, %q", ro, err, sid)
			}
		})
	}
}
