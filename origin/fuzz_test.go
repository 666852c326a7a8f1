package origin

import (
	"errors"
	"slices"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// FuzzCheck: Check never panics and accepts exactly the listed origins.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{"https://example.com", "https://example.com:443", "https://example.com/", "null", "", "https://[::1]:8443", "android:apk-key-hash:x", "https://a@b:c/d?e#f"} {
		f.Add(seed)
	}
	s := mustSet(f, "example.com", []string{"https://example.com", "https://login.example.com:8443", apkHash})
	accepted := s.Origins()
	f.Fuzz(func(t *testing.T, received string) {
		err := s.Check(received)
		if slices.Contains(accepted, received) != (err == nil) {
			t.Fatalf("Check(%q) = %v", received, err)
		}
		if err != nil && !errors.Is(err, errcode.ErrOriginMismatch) {
			t.Fatalf("Check(%q) = %v, want origin-mismatch", received, err)
		}
	})
}

// FuzzNewSet: NewSet never panics; what it accepts is already normalised, so
// building again from its own output gives the same set.
func FuzzNewSet(f *testing.F) {
	f.Add("example.com", "https://example.com:443")
	f.Add("localhost", "http://localhost:8080")
	f.Add("co.uk", "https://example.co.uk")
	f.Add("example.com", apkHash)
	f.Add("xn--bcher-kva.example", "https://a.xn--bcher-kva.example:1")
	f.Fuzz(func(t *testing.T, rpID, o string) {
		s, err := NewSet(rpID, []string{o})
		if err != nil {
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("NewSet error %T %v", err, err)
			}
			return
		}
		again, err := NewSet(s.RPID(), s.Origins())
		if err != nil {
			t.Fatalf("NewSet(%q, %q) refuses its own output: %v", s.RPID(), s.Origins(), err)
		}
		if !slices.Equal(again.Origins(), s.Origins()) {
			t.Fatalf("not idempotent: %q then %q", s.Origins(), again.Origins())
		}
		for _, a := range s.Origins() {
			if err := s.Check(a); err != nil {
				t.Fatalf("Check(%q) on its own set: %v", a, err)
			}
		}
	})
}
