package origin

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// checkSeeds are FuzzCheck's seeds: accepted origins and one received
// origin for each diagnosis a mismatch can carry. TestFuzzSeedsReachCodes
// checks them.
var checkSeeds = []string{
	"https://example.com", apkHash,
	"https://example.com:443", "https://example.com/", "null", "", "https://[::1]:8443",
	"android:apk-key-hash:x", "https://a@b:c/d?e#f", "http://example.com", "http://evil.example:1",
}

// checkSeedSet is the accepted-origin set FuzzCheck checks against.
func checkSeedSet(t testing.TB) *Set {
	return mustSet(t, "example.com", []string{"https://example.com", "https://login.example.com:8443", apkHash})
}

// newSetSeeds are FuzzNewSet's seeds, an RP ID and one origin each: valid
// configurations and one for each problem NewSet reports.
var newSetSeeds = [][2]string{
	{"example.com", "https://example.com:443"},
	{"localhost", "http://localhost:8080"},
	{"example.com", apkHash},
	{"xn--bcher-kva.example", "https://a.xn--bcher-kva.example:1"},
	// The RP ID.
	{"", "https://example.com"},
	{"https://example.com", "https://example.com"},
	{"example.com/login", "https://example.com"},
	{"192.0.2.1", "https://example.com"},
	{"example.com:443", "https://example.com"},
	{"Example.com", "https://example.com"},
	{"bücher.example", "https://example.com"},
	{"example.com.", "https://example.com"},
	{"a..example", "https://example.com"},
	{strings.Repeat("a", 64) + ".example", "https://example.com"},
	{strings.Repeat("a.", 127) + "example", "https://example.com"},
	{"exa mple.com", "https://example.com"},
	{"example.0x1f", "https://example.com"},
	// A web origin.
	{"example.com", ""},
	{"example.com", "null"},
	{"example.com", "example.com"},
	{"example.com", "HTTPS://example.com"},
	{"example.com", "ftp://example.com"},
	{"example.com", "https://example.com/"},
	{"example.com", "https://example.com/login"},
	{"example.com", "https://user@example.com"},
	{"example.com", "https://[2001:db8::1]"},
	{"example.com", "https://example.com:"},
	{"example.com", "https://example.com:0443"},
	{"example.com", "https://example.com:65536"},
	{"example.com", "https://:8443"},
	{"example.com", "https://192.0.2.1"},
	{"example.com", "http://example.com"},
	{"example.com", "https://evil.example"},
	{"co.uk", "https://example.co.uk"},
	// An app origin.
	{"example.com", apkHash + "="},
	{"example.com", "android:apk-key-hash:gx7sq+pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd438Q"},
	{"example.com", "android:apk-key-hash:!"},
	{"example.com", "android:apk-key-hash:AAAA"},
}

// TestFuzzSeedsReachCodes holds the seeds of FuzzCheck and FuzzNewSet to
// reaching acceptance and each refusal. Check has one code,
// origin-mismatch, whose detail names what differs; NewSet's refusals are
// configuration errors without a code, named by their Problem.
func TestFuzzSeedsReachCodes(t *testing.T) {
	t.Run("FuzzCheck", func(t *testing.T) {
		s := checkSeedSet(t)
		diagnoses := []string{
			"opaque origin null",
			"not a scheme://host[:port] origin",
			"APK key hash is not an accepted one",
			"its scheme differs",
			"its host differs",
			"its port differs",
			"and port differ",
			"never sends the default port",
			"path, query, fragment, userinfo or trailing slash",
		}
		accepted := 0
		reached := map[string]int{}
		for _, o := range checkSeeds {
			err := s.Check(o)
			if err == nil {
				accepted++
				continue
			}
			var e *errcode.Error
			if !errors.As(err, &e) || e.Code != string(errcode.ErrOriginMismatch) {
				t.Fatalf("Check(%q) = %v, not origin-mismatch", o, err)
			}
			for _, d := range diagnoses {
				if strings.Contains(e.Detail, d) {
					reached[d]++
				}
			}
		}
		if accepted == 0 {
			t.Error("no seed is accepted")
		}
		for _, d := range diagnoses {
			if reached[d] == 0 {
				t.Errorf("no seed is refused with %q", d)
			}
		}
	})
	t.Run("FuzzNewSet", func(t *testing.T) {
		problems := []string{
			"the RP ID is empty",
			"the RP ID has a scheme",
			"the RP ID has a path",
			"the RP ID is an IP address",
			"the RP ID has a port",
			"the domain has upper-case letters",
			"the domain is not ASCII",
			"the domain ends with a dot",
			"the domain has an empty label",
			"a label of the domain is longer than 63 characters",
			"the domain is longer than 253 characters",
			"the domain has the character",
			"ends in a numeric label",
			"the origin is empty",
			"is an opaque origin",
			"the origin has no scheme://",
			"the scheme has upper-case letters",
			"is not https",
			"the origin ends with a slash",
			"the origin has a path, query or fragment",
			"the origin has userinfo",
			"the host is an IP address",
			"the port after ':' is empty",
			"the port has a leading zero",
			"is not a number from 1 to 65535",
			"the host is empty",
			"http is allowed only for localhost",
			"neither the RP ID nor a subdomain of it",
			"the RP ID is a public suffix of its host",
			"the APK key hash is padded",
			"is standard base64, not base64url",
			"is not valid base64url",
			"not the 32 of a SHA-256 digest",
		}
		accepted := 0
		reached := map[string]int{}
		for _, seed := range newSetSeeds {
			_, err := NewSet(seed[0], []string{seed[1]})
			if err == nil {
				accepted++
				continue
			}
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("NewSet(%q, %q) = %v, not a configuration error", seed[0], seed[1], err)
			}
			for _, p := range problems {
				if strings.Contains(ce.Problem, p) {
					reached[p]++
				}
			}
		}
		if accepted == 0 {
			t.Error("no seed is accepted")
		}
		for _, p := range problems {
			if reached[p] == 0 {
				t.Errorf("no seed is refused with %q", p)
			}
		}
	})
}
