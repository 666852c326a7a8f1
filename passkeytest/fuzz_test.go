package passkeytest_test

import (
	"errors"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// FuzzOptions feeds arbitrary options JSON to Create and Get: they never
// panic, a refusal is one a browser reports (a *passkeytest.Error), and a
// response carries what a browser must put in it (checkResponse).
//
// The seeds are optionsSeeds; TestFuzzSeedsReachCodes checks that they
// reach every failure a browser reports.
func FuzzOptions(f *testing.F) {
	for _, s := range optionsSeeds {
		f.Add([]byte(s))
	}
	// One authenticator for every input: it is safe for concurrent use, and
	// building one per input would dominate the run.
	a := newFuzzAuthenticator(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range ceremoniesOf(a) {
			body, err := c.run(data, fuzzOrigin)
			if err != nil {
				var e *passkeytest.Error
				if !errors.As(err, &e) {
					t.Fatalf("%s: error %v is not one a browser reports", c.name, err)
				}
				continue
			}
			checkResponse(t, data, body, c.name)
		}
	})
}
