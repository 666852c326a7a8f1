package bench

import "testing"

// allocTargets are the allocation budgets of the performance issue for
// passkey's side, where it set one.
var allocTargets = map[string]float64{
	"assertion/ES256":   40,
	"assertion/RS256":   40,
	"assertion/EdDSA":   40,
	"assertion/ES384":   40,
	"assertion/PS256":   40,
	"registration/none": 45,
}

// allocCeilings are passkey's allocations per verification when they were
// last lowered: any new allocation fails TestAllocs. Lower them as
// allocations go. The bare checks allocate inside crypto/ecdsa and
// crypto/x509 too (10 for a P-256 verification, 17 for P-384, 119 for the
// certificate path of the anchored input), and passkey pays those as well.
var allocCeilings = map[string]float64{
	"assertion/ES256":                  26,
	"assertion/RS256":                  27,
	"assertion/EdDSA":                  16,
	"assertion/ES384":                  33,
	"assertion/PS256":                  31,
	"registration/none":                22,
	"registration/packed-self":         32,
	"registration/packed-x5c":          114,
	"registration/packed-x5c-anchored": 147,
}

// TestAllocs measures the heap allocations of one verification on each
// side. It fails if passkey allocates as much as go-webauthn on any input,
// or more than its ceiling, and logs the targets (at most 40 per
// assertion, 45 per "none" registration, fewer than half of go-webauthn's),
// which -v shows.
func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("measures allocations")
	}
	for _, c := range allCases(t) {
		t.Run(c.name, func(t *testing.T) {
			ours := testing.AllocsPerRun(20, func() { _ = c.ours() })
			theirs := testing.AllocsPerRun(20, func() { _ = c.theirs() })
			bare := testing.AllocsPerRun(20, func() { _ = c.bare() })
			if ours >= theirs {
				t.Errorf("passkey allocates %.0f times per verification, go-webauthn %.0f", ours, theirs)
			}
			if ceiling, ok := allocCeilings[c.name]; !ok {
				t.Errorf("no allocation ceiling for %s", c.name)
			} else if ours > ceiling && !raceDetector {
				t.Errorf("passkey allocates %.0f times per verification, more than the %.0f measured before", ours, ceiling)
			}
			verdict := func(ok bool) string {
				if ok {
					return "met"
				}
				return "MISSED"
			}
			t.Logf("allocs/op: passkey %.0f, go-webauthn %.0f, bare %.0f; fewer than half of go-webauthn's: %s",
				ours, theirs, bare, verdict(ours < theirs/2))
			if target, ok := allocTargets[c.name]; ok {
				t.Logf("target ≤ %.0f: %s", target, verdict(ours <= target))
			}
		})
	}
}
