package bench

import "testing"

// allocTargets are the allocation budgets of the performance issue for
// passkey's side, where it set one.
var allocTargets = map[string]float64{
	"assertion/ES256":   40,
	"assertion/RS256":   40,
	"assertion/EdDSA":   40,
	"registration/none": 45,
}

// TestAllocs measures the heap allocations of one verification on each
// side. It fails if passkey allocates as much as go-webauthn on any input,
// and logs the targets (at most 40 per assertion, 45 per "none"
// registration, fewer than half of go-webauthn's), which -v shows.
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
