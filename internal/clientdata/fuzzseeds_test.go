package clientdata

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// parseSeeds are FuzzParse's seeds: every recorded clientDataJSON, and one
// document for each way Parse refuses one, so the fuzzer starts on both
// sides of every check. TestFuzzSeedsReachCodes checks them.
func parseSeeds(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, r := range loadRecorded(t) {
		out = append(out, b64(t, r.ClientDataJSON))
	}
	for _, s := range []string{
		`{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","crossOrigin":true,"topOrigin":"https://a.example"}`,
		`{"type":"webauthn\u002eget","challenge":"\"","origin":"\\","tokenBinding":{"status":"present"}}`,
		bom + `{"Type":"x","challenge":"","origin":""}`,
		`{"type":"a","type":"b"}`,
		`{"crossOrigin":null}`,
		"{\"type\":\"webauthn.get\",\"challenge\":\"\xff\",\"origin\":\"\"}",
		`{"type":"webauthn.get","challenge":"AA"`,
		`["webauthn.get"]`,
		`{"type":"webauthn.get","origin":"https://example.com"}`,
		`{"type":"webauthn.get","challenge":["AA"],"origin":"https://example.com"}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// TestFuzzSeedsReachCodes holds FuzzParse's seeds to reaching acceptance and
// malformed-client-data, the one code Parse gives, through each of its
// refusals, which the verdict's detail names.
func TestFuzzSeedsReachCodes(t *testing.T) {
	refusals := []string{
		"not valid UTF-8",
		"not valid JSON",
		"not an object",
		"has no challenge member",
		"member appears more than once",
		"member is not a JSON string",
		"member is not a JSON boolean",
		"in another case",
	}
	accepted := 0
	reached := map[string]int{}
	for _, raw := range parseSeeds(t) {
		_, err := Parse(raw)
		if err == nil {
			accepted++
			continue
		}
		var e *errcode.Error
		if !errors.As(err, &e) || e.Code != string(errcode.ErrMalformedClientData) {
			t.Fatalf("seed %q: error %v is not malformed-client-data", raw, err)
		}
		for _, r := range refusals {
			if strings.Contains(e.Detail, r) {
				reached[r]++
			}
		}
	}
	if accepted == 0 {
		t.Error("no seed is accepted")
	}
	for _, r := range refusals {
		if reached[r] == 0 {
			t.Errorf("no seed is refused with %q", r)
		}
	}
}
