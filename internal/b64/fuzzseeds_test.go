package b64

import (
	"errors"
	"strings"
	"testing"
)

// decodeSeeds are FuzzDecode's seeds: spellings Decode accepts (unpadded,
// padded, the URL-only characters, non-zero trailing bits, empty) and one
// for each way it refuses one. TestFuzzSeedsReachCodes checks them.
var decodeSeeds = []string{
	"AQID", "AQ==", "-_8", "AR", "",
	"AQ=",   // padding that makes no multiple of four
	"AQ\n",  // a line break, which the standard decoder would skip
	"A+/B",  // the standard alphabet
	"AQIDB", // a length no encoding has
}

// decodeRefusal names the step of Decode that refuses s, or "" when it is
// accepted. Every refusal is ErrInvalid, so the step is found by running
// Decode's stages one by one.
func decodeRefusal(s string) string {
	if _, err := DecodeString(s); err == nil {
		return ""
	}
	if _, err := trimPadding([]byte(s)); err != nil {
		if strings.ContainsAny(s, "\r\n") {
			return "line break"
		}
		return "padding"
	}
	return "not base64url"
}

// TestFuzzSeedsReachCodes holds FuzzDecode's seeds to reaching acceptance
// and each refusal. Decode has no error codes: its one error is ErrInvalid,
// which every refusal must be.
func TestFuzzSeedsReachCodes(t *testing.T) {
	reached := map[string]int{}
	for _, s := range decodeSeeds {
		if _, err := DecodeString(s); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("seed %q: error %v is not ErrInvalid", s, err)
		}
		reached[decodeRefusal(s)]++
	}
	for _, want := range []string{"", "padding", "line break", "not base64url"} {
		if reached[want] == 0 {
			t.Errorf("no seed reaches %q", want)
		}
	}
}
