package attestation

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/fuzztargets"
)

// fuzzSeedReach is, for one fuzz target, what its seed corpus (the f.Add
// seeds; files under testdata/fuzz are regressions on top) must reach.
type fuzzSeedReach struct {
	// verdicts runs every seed through the target's own check and returns
	// the verdicts.
	verdicts func(t *testing.T) []string
	// malformed are the malformed-* codes the code under test can return
	// (read from the code: which parser runs, and what it wraps).
	malformed []errcode.Sentinel
	// others are the other verdicts the seeds must reach: verdictOK,
	// codes, or the target's own labels.
	others []string
}

// stmtReach is the reach of a statement target: checkStmt (or
// parseCompound) is the only source of malformed-attestation-object, and
// every other failure is attestation-invalid.
func stmtReach(fixture func(testing.TB) *stmtFuzz, others ...string) fuzzSeedReach {
	return fuzzSeedReach{
		verdicts: func(t *testing.T) []string {
			fx := fixture(t)
			var out []string
			for _, s := range fx.seeds {
				out = append(out, fx.check(t, s))
			}
			return out
		},
		malformed: []errcode.Sentinel{errcode.ErrMalformedAttestationObject},
		others:    append([]string{verdictOK, string(errcode.ErrAttestationInvalid)}, others...),
	}
}

// seedsThrough runs seeds through check.
func seedsThrough(seeds func(testing.TB) [][]byte, check func(testing.TB, []byte) string) func(*testing.T) []string {
	return func(t *testing.T) []string {
		var out []string
		for _, s := range seeds(t) {
			out = append(out, check(t, s))
		}
		return out
	}
}

var fuzzSeedReaches = map[string]fuzzSeedReach{
	// Parse: credjson and the response members give malformed-response;
	// id against rawId gives credential-id-mismatch.
	"FuzzParseReadsLikePlainTypes": {
		verdicts: seedsThrough(func(testing.TB) [][]byte {
			var out [][]byte
			for _, c := range plainTypeBodies {
				out = append(out, []byte(c.body))
			}
			return out
		}, checkLikePlain),
		malformed: []errcode.Sentinel{errcode.ErrMalformedResponse},
		others:    []string{verdictOK, string(errcode.ErrCredentialIDMismatch)},
	},
	// parseAttestationObject refuses only with malformed-attestation-object.
	"FuzzParseAttestationObject": {
		verdicts:  seedsThrough(objectSeeds, func(t testing.TB, b []byte) string { return objectVerdict(checkAgainstReference(t, b)) }),
		malformed: []errcode.Sentinel{errcode.ErrMalformedAttestationObject},
		others:    []string{verdictOK},
	},
	"FuzzPackedStatement":     stmtReach(newPackedFuzz),
	"FuzzTPMStatement":        stmtReach(newTPMFuzz),
	"FuzzAndroidKeyStatement": stmtReach(newAndroidKeyFuzz),
	"FuzzSafetyNetStatement":  stmtReach(newSafetyNetFuzz),
	"FuzzAppleStatement":      stmtReach(newAppleFuzz),
	"FuzzFIDOU2FStatement":    stmtReach(newFIDOU2FFuzz),
	"FuzzNoneStatement":       stmtReach(newNoneFuzz),
	// A statement of a format the library does not implement is
	// unsupported-attestation-format; an inner statement's
	// malformed-attestation-object comes through unchanged.
	"FuzzCompoundStatement": stmtReach(newCompoundFuzz, string(errcode.ErrUnsupportedAttestationFormat)),
	// The sub-parsers only see bytes a statement's CBOR delivered, so none
	// of them says malformed-*: every failure is attestation-invalid (or,
	// for the Apple nonce, a refusal its caller makes attestation-invalid).
	"FuzzTPMStructures": {
		verdicts: func(t *testing.T) []string {
			var out []string
			for _, s := range tpmStructSeeds(t) {
				out = append(out, checkTPMStructures(t, s)...)
			}
			return out
		},
		others: []string{"pubArea:ok", "pubArea:attestation-invalid", "name:ok", "name:attestation-invalid",
			"certInfo:ok", "certInfo:attestation-invalid"},
	},
	"FuzzKeyDescription": {
		verdicts: seedsThrough(func(testing.TB) [][]byte { return keyDescriptionSeeds() }, checkKeyDescription),
		others:   []string{verdictOK, string(errcode.ErrAttestationInvalid)},
	},
	"FuzzSafetyNetPayload": {
		verdicts: seedsThrough(func(testing.TB) [][]byte { return safetyNetPayloadSeeds() }, checkSafetyNetPayload),
		others:   []string{verdictOK, string(errcode.ErrAttestationInvalid)},
	},
	"FuzzAppleNonce": {
		verdicts: seedsThrough(func(testing.TB) [][]byte { return appleNonceSeeds() }, checkAppleNonce),
		others:   []string{verdictOK, "refused"},
	},
}

// TestFuzzSeedsReachCodes checks that the seeds of every fuzz target of
// the package reach every malformed-* code its code under test can return,
// and the other verdicts listed (acceptance among them), so that the
// fuzzer starts on both sides of each check; that no seed reaches a
// malformed-* code not listed; and that every fuzz target is listed.
func TestFuzzSeedsReachCodes(t *testing.T) {
	if got, want := fuzztargets.Of(t, "attestation"), slices.Sorted(maps.Keys(fuzzSeedReaches)); !slices.Equal(got, want) {
		t.Fatalf("fuzz targets %v, listed %v", got, want)
	}
	for _, name := range slices.Sorted(maps.Keys(fuzzSeedReaches)) {
		r := fuzzSeedReaches[name]
		t.Run(name, func(t *testing.T) {
			reached := map[string]int{}
			for _, v := range r.verdicts(t) {
				reached[v]++
			}
			want := slices.Clone(r.others)
			for _, c := range r.malformed {
				want = append(want, string(c))
			}
			for _, w := range want {
				if reached[w] == 0 {
					t.Errorf("no seed reaches %s", w)
				}
			}
			for v := range reached {
				code := v[strings.LastIndexByte(v, ':')+1:] // after a target's label
				if strings.HasPrefix(code, "malformed-") && !slices.Contains(r.malformed, errcode.Sentinel(code)) {
					t.Errorf("a seed reaches %s, which the list says the code cannot return", code)
				}
			}
			t.Logf("seed verdicts: %v", reached)
		})
	}
}
