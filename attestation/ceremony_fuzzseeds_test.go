package attestation_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/fuzztargets"
)

// verdictOK is the verdict of an accepted input.
const verdictOK = "ok"

// ceremonyFuzzReach is, for one fuzz target of this package, what its seed
// corpus (the f.Add seeds) must reach; TestFuzzSeedsReachCodes of package
// attestation does the same for the targets there.
type ceremonyFuzzReach struct {
	verdicts func(t *testing.T) []string
	// malformed are the malformed-* codes the code under test can return.
	malformed []errcode.Sentinel
	// others are the other verdicts the seeds must reach.
	others []errcode.Sentinel
}

var ceremonyFuzzReaches = map[string]ceremonyFuzzReach{
	// Parse: malformed-response, and credential-id-mismatch for an id that
	// is not rawId.
	"FuzzParse": {
		verdicts: func(t *testing.T) []string {
			var out []string
			for _, b := range parseSeeds(t) {
				out = append(out, checkParse(t, b))
			}
			return out
		},
		malformed: []errcode.Sentinel{errcode.ErrMalformedResponse},
		others:    []errcode.Sentinel{verdictOK, errcode.ErrCredentialIDMismatch},
	},
	// Parse then Verify, with the body's other members fixed:
	// malformed-response from Verify (the body keeps publicKeyAlgorithm,
	// which a changed credential key contradicts; Parse itself never fails
	// on a re-encoded member), malformed-client-data from clientdata,
	// malformed-attestation-object from the object and the statement,
	// malformed-authenticator-data and malformed-public-key from the
	// authenticator data and its key.
	//
	// Not listed as others, because the fixed expectations make them
	// unreachable: user-not-verified (UV is not required),
	// authenticator-not-allowed and authenticator-status-untrusted (no
	// model lists, no metadata), and the codes of notStateless and
	// authenticationOnly.
	"FuzzVerify": {
		verdicts: func(t *testing.T) []string {
			targets, err := fuzzTargets()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range verifySeeds(t, targets) {
				out = append(out, checkVerify(t, targets, s.kind, s.cdj, s.attObj))
			}
			return out
		},
		malformed: []errcode.Sentinel{errcode.ErrMalformedResponse, errcode.ErrMalformedClientData,
			errcode.ErrMalformedAttestationObject, errcode.ErrMalformedAuthenticatorData, errcode.ErrMalformedPublicKey},
		others: []errcode.Sentinel{verdictOK, errcode.ErrTypeMismatch, errcode.ErrChallengeMismatch, errcode.ErrOriginMismatch,
			errcode.ErrCrossOriginNotAllowed, errcode.ErrCredentialIDMismatch, errcode.ErrRPIDMismatch,
			errcode.ErrUserNotPresent, errcode.ErrBackupFlagsInvalid, errcode.ErrMissingCredentialData,
			errcode.ErrUnsupportedAlgorithm, errcode.ErrUnsupportedAttestationFormat, errcode.ErrAttestationInvalid,
			errcode.ErrAttestationTypeNotAllowed, errcode.ErrAttestationUntrusted},
	},
}

// TestCeremonyFuzzSeedsReachCodes checks that the seeds of this package's fuzz
// targets reach every malformed-* code the code under test can return and
// the other verdicts listed, that no seed reaches a malformed-* code not
// listed, and that every fuzz target of the package is listed.
func TestCeremonyFuzzSeedsReachCodes(t *testing.T) {
	if got, want := fuzztargets.Of(t, "attestation_test"), slices.Sorted(maps.Keys(ceremonyFuzzReaches)); !slices.Equal(got, want) {
		t.Fatalf("fuzz targets %v, listed %v", got, want)
	}
	for _, name := range slices.Sorted(maps.Keys(ceremonyFuzzReaches)) {
		r := ceremonyFuzzReaches[name]
		t.Run(name, func(t *testing.T) {
			reached := map[string]int{}
			for _, v := range r.verdicts(t) {
				reached[v]++
			}
			for _, w := range append(slices.Clone(r.malformed), r.others...) {
				if reached[string(w)] == 0 {
					t.Errorf("no seed reaches %s", w)
				}
			}
			for v := range reached {
				if strings.HasPrefix(v, "malformed-") && !slices.Contains(r.malformed, errcode.Sentinel(v)) {
					t.Errorf("a seed reaches %s, which the list says the code cannot return", v)
				}
			}
			t.Logf("seed verdicts: %v", reached)
		})
	}
}
