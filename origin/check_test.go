package origin

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

func mustSet(t testing.TB, rpID string, origins []string, opts ...Option) *Set {
	t.Helper()
	s, err := NewSet(rpID, origins, opts...)
	if err != nil {
		t.Fatalf("NewSet: %v", err)
	}
	return s
}

func TestCheckMembership(t *testing.T) {
	s := mustSet(t, "example.com", []string{
		"https://example.com", "https://login.example.com:8443", apkHash,
	}, RelatedOrigins("https://example.de"))
	tests := []struct {
		name     string
		received string
		ok       bool
	}{
		{"exact", "https://example.com", true},
		{"exact with port", "https://login.example.com:8443", true},
		{"android app", apkHash, true},
		{"related origin", "https://example.de", true},
		{"default port spelled out", "https://example.com:443", false},
		{"trailing slash", "https://example.com/", false},
		{"path", "https://example.com/login", false},
		{"query", "https://example.com?x=1", false},
		{"fragment", "https://example.com#x", false},
		{"userinfo", "https://user@example.com", false},
		{"upper-case host", "https://EXAMPLE.com", false},
		{"upper-case scheme", "HTTPS://example.com", false},
		{"http instead of https", "http://example.com", false},
		{"other port", "https://example.com:8443", false},
		{"configured host without its port", "https://login.example.com", false},
		{"subdomain covered by the RP ID but not listed", "https://www.example.com", false},
		{"look-alike prefix", "https://evilexample.com", false},
		{"look-alike suffix", "https://example.com.evil.net", false},
		{"trailing dot", "https://example.com.", false},
		{"null", "null", false},
		{"empty", "", false},
		{"leading space", " https://example.com", false},
		{"trailing newline", "https://example.com\n", false},
		{"IPv4", "https://192.0.2.1", false},
		{"IPv6", "https://[::1]", false},
		{"other app", "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false},
		{"app hash padded", apkHash + "=", false},
		{"related origin with default port", "https://example.de:443", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Check(tt.received)
			if tt.ok {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.received, err)
				}
				return
			}
			if !errors.Is(err, errcode.ErrOriginMismatch) {
				t.Fatalf("Check(%q) = %v, want origin-mismatch", tt.received, err)
			}
			var e *errcode.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an *errcode.Error", err)
			}
			if e.Check != anchorValidating {
				t.Errorf("Check anchor = %q", e.Check)
			}
			if e.Expected != "an accepted origin" {
				t.Errorf("Expected = %q, want a description, not the set", e.Expected)
			}
		})
	}
}

// A mismatch names the part that differs from the closest accepted origin.
func TestCheckMismatchPart(t *testing.T) {
	s := mustSet(t, "example.com", []string{"https://example.com", "https://login.example.com:8443", apkHash})
	tests := []struct {
		name     string
		received string
		want     part
		detail   string
	}{
		{"scheme", "http://example.com", partScheme, "its scheme differs"},
		{"host", "https://evil.example.net", partHost, "its host differs"},
		{"look-alike host", "https://evilexample.com", partHost, "its host differs"},
		{"port", "https://example.com:8443", partPort, "its port differs"},
		{"default port", "https://example.com:443", partPort, "never sends the default port"},
		{"missing port", "https://login.example.com", partPort, "its port differs"},
		{"empty port", "https://example.com:", partPort, "its port differs"},
		{"scheme and port", "http://login.example.com:80", partScheme | partPort, "its scheme and port differ"},
		{"scheme, host and port", "wss://evil.net:1", partScheme | partHost | partPort, "its scheme, host and port differ"},
		{"trailing slash", "https://example.com/", partExtra, "trailing slash"},
		{"path", "https://login.example.com:8443/x", partExtra, "path"},
		{"userinfo", "https://a:b@example.com", partExtra, "userinfo"},
		{"host and path", "https://evil.net/example.com", partHost | partExtra, "its host differs from the closest accepted origin; it has a path"},
		{"IPv6 literal", "https://[::1]:443", partHost | partPort, "its host and port differ"},
		{"null", "null", partForm, "opaque origin null"},
		{"not an origin", "example.com", partForm, "not a scheme://host[:port] origin"},
		{"no host", "https://", partForm, "not a scheme://host[:port] origin"},
		{"app hash", "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", partAppHash, "APK key hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.diagnose(tt.received); got != tt.want {
				t.Errorf("diagnose(%q) = %06b, want %06b", tt.received, got, tt.want)
			}
			var e *errcode.Error
			if err := s.Check(tt.received); !errors.As(err, &e) {
				t.Fatalf("Check(%q) = %v", tt.received, err)
			}
			if !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("Detail = %q, want it to contain %q", e.Detail, tt.detail)
			}
		})
	}

	webOnly := mustSet(t, "example.com", []string{"https://example.com"})
	if got := webOnly.diagnose(apkHash); got != partScheme {
		t.Errorf("an app origin against a web-only set: %06b, want scheme", got)
	}
	appOnly := mustSet(t, "example.com", []string{apkHash})
	if got := appOnly.diagnose("https://example.com"); got != partScheme {
		t.Errorf("a web origin against an app-only set: %06b, want scheme", got)
	}
}

// The verdict must not reveal the accepted origins: an attacker probing the
// endpoint learns only which part of its own origin is wrong.
func TestCheckDoesNotListOrigins(t *testing.T) {
	s := mustSet(t, "example.com", []string{"https://example.com", "https://internal-admin.example.com:9443"})
	for _, received := range []string{"https://evil.net", "https://internal.example.com:9443", "null", "https://example.com:443"} {
		err := s.Check(received)
		if err == nil {
			t.Fatalf("Check(%q) accepted", received)
		}
		var e *errcode.Error
		errors.As(err, &e)
		for _, secret := range []string{"internal-admin", "https://example.com\""} {
			if strings.Contains(err.Error(), secret) || strings.Contains(e.Expected, secret) || strings.Contains(e.Detail, secret) {
				t.Errorf("Check(%q) = %q reveals %q", received, err, secret)
			}
		}
	}
}

// The received value is repeated, but bounded and with control characters
// escaped so that a client cannot write log lines.
func TestCheckReceivedIsPrintable(t *testing.T) {
	s := mustSet(t, "example.com", []string{"https://example.com"})
	tests := []struct {
		name, received, want string
	}{
		{"plain", "https://evil.net", "https://evil.net"},
		{"newline", "https://evil.net\nlevel=info msg=ok", `https://evil.net\nlevel=info msg=ok`},
		{"quote", `https://evil.net"`, `https://evil.net\"`},
		{"non-ASCII", "https://bücher.example", `https://b\u00fccher.example`},
		{"long", "https://" + strings.Repeat("a", 300) + ".com", "https://" + strings.Repeat("a", maxPrintable-len("https://")) + "..."},
		{"long multibyte cut on a rune boundary", "https://" + strings.Repeat("ü", 200), "https://" + strings.Repeat(`\u00fc`, (maxPrintable-len("https://"))/2) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *errcode.Error
			if !errors.As(s.Check(tt.received), &e) {
				t.Fatal("accepted")
			}
			if e.Received != tt.want {
				t.Errorf("Received = %q, want %q", e.Received, tt.want)
			}
		})
	}
}

func TestCheckCrossOrigin(t *testing.T) {
	origins := []string{"https://example.com", "https://login.example.com"}
	origins = append(origins, apkHash)
	refuse := mustSet(t, "example.com", origins)
	own := mustSet(t, "example.com", origins, AllowCrossOrigin())
	listed := mustSet(t, "example.com", origins, AllowCrossOrigin("https://partner.example", "https://shop.partner.example:8443"))

	type verdict struct {
		ok     bool
		anchor string // of the refusal
	}
	var (
		ok          = verdict{ok: true}
		crossFlag   = verdict{anchor: anchorCrossOrigin}
		topFlag     = verdict{anchor: anchorTopOrigin}
		topRejected = verdict{anchor: anchorValidating}
	)
	tests := []struct {
		name        string
		crossOrigin bool
		topOrigin   string
		hasTop      bool
		refuse      verdict // no AllowCrossOrigin
		own         verdict // AllowCrossOrigin()
		listed      verdict // AllowCrossOrigin(partner origins)
	}{
		{"same origin, no topOrigin", false, "", false, ok, ok, ok},
		{"cross-origin, no topOrigin (Level 2 client)", true, "", false, crossFlag, ok, ok},
		{"cross-origin in own origin", true, "https://example.com", true, crossFlag, ok, topRejected},
		{"cross-origin in other own origin", true, "https://login.example.com", true, crossFlag, ok, topRejected},
		{"cross-origin in listed partner", true, "https://partner.example", true, crossFlag, topRejected, ok},
		{"cross-origin in listed partner with port", true, "https://shop.partner.example:8443", true, crossFlag, topRejected, ok},
		{"partner spelled with default port", true, "https://partner.example:443", true, crossFlag, topRejected, topRejected},
		{"partner with trailing slash", true, "https://partner.example/", true, crossFlag, topRejected, topRejected},
		{"cross-origin in stranger", true, "https://evil.net", true, crossFlag, topRejected, topRejected},
		{"cross-origin in an app origin", true, apkHash, true, crossFlag, topRejected, topRejected},
		{"cross-origin with empty topOrigin", true, "", true, crossFlag, topRejected, topRejected},
		{"topOrigin without crossOrigin", false, "https://partner.example", true, topFlag, topFlag, topFlag},
		{"own topOrigin without crossOrigin", false, "https://example.com", true, topFlag, topFlag, topFlag},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			name string
			set  *Set
			want verdict
		}{{"refuse", refuse, tt.refuse}, {"own", own, tt.own}, {"listed", listed, tt.listed}} {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				err := c.set.CheckCrossOrigin(tt.crossOrigin, tt.topOrigin, tt.hasTop)
				if c.want.ok {
					if err != nil {
						t.Fatalf("CheckCrossOrigin = %v, want nil", err)
					}
					return
				}
				if !errors.Is(err, errcode.ErrCrossOriginNotAllowed) {
					t.Fatalf("CheckCrossOrigin = %v, want cross-origin-not-allowed", err)
				}
				var e *errcode.Error
				errors.As(err, &e)
				if e.Check != c.want.anchor {
					t.Errorf("anchor = %q, want %q (%s)", e.Check, c.want.anchor, e.Detail)
				}
			})
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	s := mustSet(b, "example.com", []string{
		"https://example.com", "https://login.example.com", "https://www.example.com:8443", apkHash,
	})
	b.Run("accepted", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Check("https://login.example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("refused", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Check("https://login.example.com:443"); err == nil {
				b.Fatal("accepted")
			}
		}
	})
}
