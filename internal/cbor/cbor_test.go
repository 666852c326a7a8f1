package cbor

import (
	"bytes"
	"encoding/hex"
	"errors"
	"runtime"
	"strings"
	"testing"

	fx "github.com/fxamacker/cbor/v2"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type sample struct {
	A int    `cbor:"1,keyasint"`
	B []byte `cbor:"2,keyasint"`
}

func TestUnmarshalRejects(t *testing.T) {
	cases := []struct{ name, hex string }{
		{"duplicate key", "a201010101"},
		{"indefinite map", "bf0101ff"},
		{"indefinite bytes", "a1025f4101ff"},
		{"tag", "a102c24101"},
		{"trailing byte", "a1010100"},
		{"truncated", "a10242"},
		{"invalid utf-8 text key", "a162ff0001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v sample
			var m map[string]RawMessage
			data := mustHex(t, c.hex)
			if err := Unmarshal(data, &v); err == nil {
				if err := Unmarshal(data, &m); err == nil {
					t.Fatalf("accepted %s", c.hex)
				}
			}
		})
	}
}

func TestElementLimit(t *testing.T) {
	build := func(n int) []byte {
		b := []byte{0xa1, 0x02, 0x98, byte(n)}
		for i := 0; i < n; i++ {
			b = append(b, 0x40) // empty byte string
		}
		return b
	}
	var w struct {
		B [][]byte `cbor:"2,keyasint"`
	}
	if err := Unmarshal(build(64), &w); err != nil {
		t.Fatalf("64 elements rejected: %v", err)
	}
	if err := Unmarshal(build(65), &w); err == nil {
		t.Fatal("65 elements accepted")
	}
}

func TestDepthLimit(t *testing.T) {
	// Five nested arrays decode; six do not.
	var v any
	ok := append(mustHex(t, "8181818181"), 0x00) // five arrays around one integer
	if err := Unmarshal(ok, &v); err != nil {
		t.Fatalf("depth 5 rejected: %v", err)
	}
	deep := append(mustHex(t, "818181818181"), 0x00)
	if err := Unmarshal(deep, &v); err == nil {
		t.Fatal("depth 6 accepted")
	}
	if _, err := ItemLen(ok); err != nil {
		t.Fatalf("ItemLen depth 5: %v", err)
	}
	if _, err := ItemLen(deep); err == nil {
		t.Fatal("ItemLen accepted depth 6")
	}
}

func TestItemLen(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		n    int // -1: error
	}{
		{"int", "01ff", 1},
		{"uint16", "190100ff", 3},
		{"bytes", "4301020300", 4},
		{"map", "a201020304ff", 5},
		{"cose es256 head", "a5010203262001215820" + string(bytes.Repeat([]byte("00"), 32)) + "225820" + string(bytes.Repeat([]byte("00"), 32)), 77},
		{"float64", "fb3ff0000000000000", 9},
		{"empty", "", -1},
		{"truncated head", "19", -1},
		{"truncated bytes", "4301", -1},
		{"huge declared length", "5bffffffffffffffff00", -1},
		{"indefinite", "5f", -1},
		{"reserved info", "1c", -1},
		{"tag", "c000", -1},
		{"too many elements", "9841", -1},
		{"non-canonical simple", "f801", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := ItemLen(mustHex(t, c.hex))
			if c.n < 0 {
				if err == nil {
					t.Fatalf("accepted, n=%d", n)
				}
				return
			}
			if err != nil || n != c.n {
				t.Fatalf("ItemLen = %d, %v; want %d", n, err, c.n)
			}
		})
	}
}

func TestMarshalDeterministic(t *testing.T) {
	a, err := Marshal(map[int]int{3: 1, 1: 2, -1: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(a); got != "a3010203012003" {
		t.Fatalf("Marshal = %s", got)
	}
}

// TestHostileAllocation feeds 64 KiB inputs built to make a naive decoder
// allocate far more than their size and checks what decoding allocates.
func TestHostileAllocation(t *testing.T) {
	const size = 64 << 10
	var inputs [][]byte
	// An array claiming 2^32 elements followed by garbage.
	inputs = append(inputs, append(mustHex(t, "9affffffff"), make([]byte, size)...))
	// A byte string claiming 2^63 bytes.
	inputs = append(inputs, append(mustHex(t, "5b7fffffffffffffff"), make([]byte, size)...))
	// 64 nested maps of 64 one-byte strings each, repeated to fill 64 KiB.
	var many []byte
	for len(many) < size {
		many = append(many, 0x98, 0x40)
		for i := 0; i < 64; i++ {
			many = append(many, 0x41, byte(i))
		}
	}
	inputs = append(inputs, many)

	for i, in := range inputs {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var s struct {
			X [][]byte `cbor:"1,keyasint"`
		}
		var raw []RawMessage
		_ = Unmarshal(in, &s)
		_ = Unmarshal(in, &raw)
		_, _ = ItemLen(in)
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("input %d: decoding allocated %d bytes", i, got)
		}
	}
}

// FuzzItemLen checks ItemLen against the strict decoder and against itself:
//   - an accepted length is within the data, and the item alone (data cut
//     after it) has the same length: what follows an item never changes it;
//   - the decoder agrees that the data starts with one item of that length,
//     unless only what ItemLen leaves to decoders (duplicate keys, UTF-8)
//     makes it refuse;
//   - whatever ItemLen refuses, the decoder refuses too: both apply the same
//     well-formedness rules and limits.
//
// The seeds are itemLenSeeds; TestFuzzSeedsReachCodes checks that they reach
// every refusal.
func FuzzItemLen(f *testing.F) {
	for _, s := range itemLenSeeds {
		f.Add(mustHex(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ItemLen(data)
		var raw RawMessage
		rest, decErr := UnmarshalFirst(data, &raw)
		if err != nil {
			if decErr == nil {
				t.Fatalf("ItemLen refuses (%v) what the decoder reads as %d bytes", err, len(data)-len(rest))
			}
			return
		}
		if n <= 0 || n > len(data) {
			t.Fatalf("ItemLen = %d for %d bytes", n, len(data))
		}
		if m, err := ItemLen(data[:n]); err != nil || m != n {
			t.Fatalf("ItemLen = %d, but of the item alone %d (%v)", n, m, err)
		}
		var dup *fx.DupMapKeyError
		switch {
		case decErr == nil:
			if len(data)-len(rest) != n {
				t.Fatalf("ItemLen = %d, decoder consumed %d", n, len(data)-len(rest))
			}
		case errors.As(decErr, &dup), strings.Contains(decErr.Error(), "UTF-8"):
		default:
			t.Fatalf("ItemLen accepts %d bytes the decoder refuses: %v", n, decErr)
		}
	})
}

func TestBytesOnlyByteStrings(t *testing.T) {
	var v struct {
		B Bytes `cbor:"1,keyasint"`
	}
	if err := Unmarshal(mustHex(t, "a1014201ff"), &v); err != nil || !bytes.Equal(v.B, []byte{1, 0xff}) {
		t.Fatalf("byte string: %x, %v", v.B, err)
	}
	// The same bytes as an array of integers: plain []byte would take it.
	var plain struct {
		B []byte `cbor:"1,keyasint"`
	}
	arr := mustHex(t, "a101820118ff")
	if err := Unmarshal(arr, &plain); err != nil {
		t.Logf("the decoder no longer fills []byte from arrays: %v", err)
	}
	v.B = nil
	if err := Unmarshal(arr, &v); err == nil {
		t.Fatalf("Bytes accepted an array: %x", v.B)
	}
	v.B = []byte{1}
	if err := Unmarshal(mustHex(t, "a101f6"), &v); err != nil || v.B != nil {
		t.Fatalf("null: %x, %v", v.B, err)
	}
}

func TestFieldNamesCaseSensitive(t *testing.T) {
	var v struct {
		Fmt *string `cbor:"fmt"`
	}
	// {"Fmt": "none"}
	if err := Unmarshal(mustHex(t, "a163466d74646e6f6e65"), &v); err != nil {
		t.Fatal(err)
	}
	if v.Fmt != nil {
		t.Fatalf(`"Fmt" filled the "fmt" member with %q`, *v.Fmt)
	}
}
