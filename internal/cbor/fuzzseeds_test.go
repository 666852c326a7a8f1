package cbor

import (
	"errors"
	"strings"
	"testing"
)

// itemLenSeeds are FuzzItemLen's seeds, hex-encoded: well-formed items and
// one item for each refusal of ItemLen. TestFuzzSeedsReachCodes checks them.
var itemLenSeeds = []string{
	"a201020304",     // a map
	"8181818100",     // arrays four deep
	"4301020300",     // a byte string, then a byte ItemLen leaves alone
	"f820",           // the smallest two-byte simple value
	"",               // nothing at all
	"8201",           // an array short of an element
	"1901",           // a head short of its argument
	"9f00ff",         // an indefinite-length array
	"1c",             // reserved additional information
	"4301",           // a byte string longer than the data
	"81818181818100", // arrays six deep
	"9841",           // an array of 65 elements
	"c000",           // a tag
	"f810",           // a simple value in two bytes that fits in one
}

// TestFuzzSeedsReachCodes holds FuzzItemLen's seeds to reaching acceptance
// and each refusal of ItemLen. They all wrap ErrMalformed, so the refusal is
// named by its message.
func TestFuzzSeedsReachCodes(t *testing.T) {
	refusals := []string{
		"unexpected end of data",
		"truncated head",
		"indefinite length",
		"reserved additional information",
		"string longer than the data",
		"nested deeper than",
		"more than 64 elements",
		"tags are not allowed",
		"non-canonical simple value",
	}
	accepted := 0
	reached := map[string]int{}
	for _, s := range itemLenSeeds {
		_, err := ItemLen(mustHex(t, s))
		if err == nil {
			accepted++
			continue
		}
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("seed %s: error %v does not wrap ErrMalformed", s, err)
		}
		for _, r := range refusals {
			if strings.Contains(err.Error(), r) {
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
