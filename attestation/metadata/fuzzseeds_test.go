package metadata

import (
	"maps"
	"slices"
	"testing"

	"github.com/gopasskey/passkey/internal/fuzztargets"
)

// This package returns sentinel errors, not the module's error codes
// (errcode), because it imports no other package of the module; its one
// "malformed" verdict is ErrMalformed: bytes that are not the JWS or the
// payload JSON the MDS3 format defines.

// fuzzSeedReach is, for one fuzz target, what its seed corpus (the f.Add
// seeds) must reach.
type fuzzSeedReach struct {
	// verdicts runs every seed through the target's own check and returns
	// the verdicts.
	verdicts func(t *testing.T) []string
	// malformed are the malformed verdicts the target's parser can give.
	malformed []string
	// others are the other verdicts the seeds must reach.
	others []string
}

var fuzzSeedReaches = map[string]fuzzSeedReach{
	// parsePayload refuses only with ErrMalformed.
	"FuzzParsePayload": {
		verdicts: func(t *testing.T) []string {
			var out []string
			for _, s := range payloadSeeds(t) {
				out = append(out, checkPayload(t, s))
			}
			return out
		},
		malformed: []string{"ErrMalformed"},
		others:    []string{verdictOK},
	},
	// Verify: ErrMalformed from the JWS, the header or the payload. Of the
	// other sentinels, ErrCRLMissing, ErrRevoked, ErrLegalHeader and
	// ErrStale need options the target does not set (CRLs required, a
	// legal header, FailStale): the options are fixed, so no input reaches
	// them.
	"FuzzVerify": {
		verdicts: func(t *testing.T) []string {
			fx := newVerifyFuzz(t)
			var out []string
			for _, s := range fx.seeds {
				out = append(out, fx.check(t, s))
			}
			return out
		},
		malformed: []string{"ErrMalformed"},
		others:    []string{verdictOK, "ErrTooLarge", "ErrAlgorithm", "ErrChain", "ErrSignature"},
	},
}

// TestFuzzSeedsReachCodes checks that every fuzz target's seeds reach each
// malformed verdict its parser can give, and the other verdicts listed, so
// that the fuzzer starts from inputs on both sides of every check; and
// that every fuzz target of the package is listed.
func TestFuzzSeedsReachCodes(t *testing.T) {
	if got, want := fuzztargets.Of(t, "metadata"), slices.Sorted(maps.Keys(fuzzSeedReaches)); !slices.Equal(got, want) {
		t.Fatalf("fuzz targets %v, listed %v", got, want)
	}
	for _, name := range slices.Sorted(maps.Keys(fuzzSeedReaches)) {
		r := fuzzSeedReaches[name]
		t.Run(name, func(t *testing.T) {
			reached := map[string]int{}
			for _, v := range r.verdicts(t) {
				reached[v]++
			}
			for _, want := range append(slices.Clone(r.malformed), r.others...) {
				if reached[want] == 0 {
					t.Errorf("no seed reaches %s", want)
				}
			}
			t.Logf("seed verdicts: %v", reached)
		})
	}
}
