package migrate

import (
	"bytes"
	"errors"
	"testing"
)

func TestFlexBytes(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []byte // nil with ok: JSON null
		ok   bool
	}{
		{name: "null", in: `null`, ok: true},
		{name: "empty string", in: `""`, want: []byte{}, ok: true},
		{name: "standard base64, padded", in: `"+/8="`, want: []byte{0xfb, 0xff}, ok: true},
		{name: "standard base64, unpadded", in: `"+/8"`, want: []byte{0xfb, 0xff}, ok: true},
		{name: "base64url, unpadded", in: `"-_8"`, want: []byte{0xfb, 0xff}, ok: true},
		{name: "base64url, padded", in: `"-_8="`, want: []byte{0xfb, 0xff}, ok: true},
		{name: "both alphabets", in: `"-/8="`},
		{name: "padding on a length not a multiple of 4", in: `"AA="`},
		{name: "three padding characters", in: `"A==="`},
		{name: "padding inside", in: `"AA==AA=="`},
		{name: "not base64", in: `"a b"`},
		{name: "PostgreSQL hex", in: `"\\x0aFF"`, want: []byte{0x0a, 0xff}, ok: true},
		{name: "PostgreSQL hex, odd length", in: `"\\x0aF"`},
		{name: "number array", in: `[0, 1, 255]`, want: []byte{0, 1, 255}, ok: true},
		{name: "empty array", in: `[]`, want: []byte{}, ok: true},
		{name: "array with 256", in: `[256]`},
		{name: "array with -1", in: `[-1]`},
		{name: "array with a fraction", in: `[1.5]`},
		{name: "array with a string", in: `["1"]`},
		{name: "Uint8Array", in: `{"1": 2, "0": 1}`, want: []byte{1, 2}, ok: true},
		{name: "Uint8Array, empty", in: `{}`, want: []byte{}, ok: true},
		{name: "Uint8Array with a gap", in: `{"0": 1, "2": 2}`},
		{name: "Uint8Array with a leading zero index", in: `{"00": 1}`},
		{name: "Uint8Array with a negative index", in: `{"-0": 1}`},
		{name: "Uint8Array with 256", in: `{"0": 256}`},
		{name: "Buffer", in: `{"type": "Buffer", "data": [7, 8]}`, want: []byte{7, 8}, ok: true},
		{name: "Buffer without data", in: `{"type": "Buffer"}`},
		{name: "Buffer with another member", in: `{"type": "Buffer", "data": [7], "x": 1}`},
		{name: "another type", in: `{"type": "Blob", "data": [7]}`},
		{name: "boolean", in: `true`},
		{name: "number", in: `5`},
		{name: "nul", in: `nul`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := flexBytes("preset")
			err := b.UnmarshalJSON([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("error %v, want ok %v", err, tc.ok)
			}
			if tc.ok && (!bytes.Equal(b, tc.want) || (tc.want == nil) != (b == nil)) {
				t.Errorf("got %x (nil %v), want %x (nil %v)", []byte(b), b == nil, tc.want, tc.want == nil)
			}
		})
	}
}

func TestDecodeBytesNamesTheMember(t *testing.T) {
	_, err := decodeBytes("publicKey", []byte(`true`))
	if !errors.Is(err, ErrMalformed) || !errors.Is(err, errBytesType) {
		t.Fatalf("error %v, want ErrMalformed and errBytesType", err)
	}
	if got, err := decodeBytes("publicKey", nil); got != nil || err != nil {
		t.Errorf("absent member: %x, %v", got, err)
	}
}
