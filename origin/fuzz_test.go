package origin

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// FuzzCheck: Check never panics and accepts exactly the listed origins, the
// exact string comparison of #sctn-validating-origin; a refusal is an
// origin-mismatch verdict.
//
// The seeds are checkSeeds; TestFuzzSeedsReachCodes checks that they reach
// every diagnosis.
func FuzzCheck(f *testing.F) {
	for _, seed := range checkSeeds {
		f.Add(seed)
	}
	s := checkSeedSet(f)
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

// FuzzNewSet: NewSet never panics, and a refusal is a configuration error
// naming the field at fault. What it accepts is already normalised, so
// building again from its own output gives the same set, and it keeps the
// RP ID as given; every web origin it accepts has the RP ID as its host or
// a suffix of it (#rp-id), and Check accepts every origin of the set.
//
// The seeds are newSetSeeds; TestFuzzSeedsReachCodes checks that they reach
// every problem NewSet reports.
func FuzzNewSet(f *testing.F) {
	for _, seed := range newSetSeeds {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, rpID, o string) {
		s, err := NewSet(rpID, []string{o})
		if err != nil {
			var ce *errcode.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("NewSet error %T %v", err, err)
			}
			if ce.Field != "RPID" && ce.Field != "Origins[0]" {
				t.Fatalf("NewSet error names the field %q", ce.Field)
			}
			return
		}
		if s.RPID() != rpID {
			t.Fatalf("RP ID %q became %q", rpID, s.RPID())
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
			if strings.HasPrefix(a, androidPrefix) {
				continue
			}
			u, err := url.Parse(a)
			if err != nil {
				t.Fatalf("accepted origin %q does not parse as a URL: %v", a, err)
			}
			if h := u.Hostname(); h != rpID && !strings.HasSuffix(h, "."+rpID) {
				t.Fatalf("accepted origin %q for RP ID %q", a, rpID)
			}
		}
	})
}
