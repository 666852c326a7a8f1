package b64

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		in   string
		want []byte // nil: must fail
	}{
		{"", []byte{}},
		{"AQID", []byte{1, 2, 3}},
		{"AQI", []byte{1, 2}},
		{"AQI=", []byte{1, 2}},
		{"AQ", []byte{1}},
		{"AQ==", []byte{1}},
		{"-_8", []byte{0xfb, 0xff}},
		{"+/8", nil},          // standard alphabet
		{"AQ=", nil},          // wrong padding
		{"AQ===", nil},        // too much padding
		{"AR", []byte{1}},     // non-zero trailing bits are tolerated
		{"AQ\nID", nil},       // line break
		{"AQ\rID", nil},       // carriage return
		{"AQ ID", nil},        // space
		{"AQ\tID", nil},       // tab
		{"=", nil},            // padding alone
		{"AQIDBA==AQ", nil},   // padding in the middle
		{"AQIDBA%3D%3D", nil}, // percent-encoding
	}
	for _, c := range cases {
		got, err := DecodeString(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("Decode(%q) = %x, want an error", c.in, got)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("Decode(%q) = %x, %v; want %x", c.in, got, err, c.want)
		}
	}
}

func TestBytesJSON(t *testing.T) {
	var v struct {
		A Bytes `json:"a"`
		B Bytes `json:"b"`
		C Bytes `json:"c"`
		D Bytes `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"a":"AQID","b":null,"c":"","d":"\u0041Q"}`), &v); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v.A, []byte{1, 2, 3}) || v.B != nil || v.C == nil || len(v.C) != 0 || !bytes.Equal(v.D, []byte{1}) {
		t.Fatalf("decoded %+v", v)
	}
	for _, bad := range []string{`{"a":1}`, `{"a":true}`, `{"a":["AQ"]}`, `{"a":"+/"}`, `{"a":"\n"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	out, _ := json.Marshal(Bytes{0xfb, 0xff})
	if string(out) != `"-_8"` {
		t.Errorf("Marshal = %s", out)
	}
}

// FuzzDecode checks Decode and the decoders that share its rules:
//   - an accepted string is base64url (RFC 4648 §5): alphabet characters,
//     then at most two "=";
//   - the canonical spelling of the result decodes to the same bytes, and
//     differs from the input only in padding and the last character's
//     unused bits;
//   - Member (with and without a shared buffer), Bytes and Matches read the
//     same string as a JSON member exactly as Decode does.
//
// The seeds are decodeSeeds; TestFuzzSeedsReachCodes checks that they reach
// every refusal.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeString(s)
		checkMembersAgree(t, s, b, err)
		if err != nil {
			return
		}
		body := strings.TrimRight(s, "=")
		if len(s)-len(body) > 2 || strings.IndexFunc(body, func(r rune) bool {
			return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			t.Fatalf("accepted %q, which is not base64url", s)
		}
		// The canonical spelling decodes to the same bytes, and differs
		// from s only in padding and the last character's unused bits.
		e := Encode(b)
		again, err := DecodeString(e)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%q decodes to %x, whose encoding %q does not decode back", s, b, e)
		}
		trimmed := s
		for len(trimmed) > 0 && trimmed[len(trimmed)-1] == '=' {
			trimmed = trimmed[:len(trimmed)-1]
		}
		if len(e) != len(trimmed) || (len(e) > 0 && e[:len(e)-1] != trimmed[:len(trimmed)-1]) {
			t.Fatalf("%q decodes to %x, which encodes as %q", s, b, e)
		}
	})
}

// checkMembersAgree reads s as a JSON string member with every decoder of
// the package and fails unless each gives Decode's result: b, or an error
// when err is one.
func checkMembersAgree(t *testing.T, s string, b []byte, err error) {
	t.Helper()
	doc, jerr := json.Marshal(s)
	if jerr != nil {
		t.Fatal(jerr)
	}
	agree := func(name string, got []byte, gotErr error) {
		t.Helper()
		if (gotErr != nil) != (err != nil) || err == nil && !bytes.Equal(got, b) {
			t.Fatalf("%s reads %q as %x (%v), Decode as %x (%v)", name, s, got, gotErr, b, err)
		}
	}
	var alone Member
	e := alone.UnmarshalJSON(doc)
	agree("Member", alone.Bytes(), e)
	buf := NewBuffer(len(doc))
	buf = append(buf, 0xee) // a member decoded earlier
	var shared Member
	shared.Use(&buf)
	e = shared.UnmarshalJSON(doc)
	agree("Member with a buffer", shared.Bytes(), e)
	if buf[0] != 0xee {
		t.Fatal("Member overwrote an earlier member in the buffer")
	}
	var plain Bytes
	e = plain.UnmarshalJSON(doc)
	agree("Bytes", plain, e)
	if err == nil && !Matches([]byte(s), b, nil) {
		t.Fatalf("Matches(%q) is false for what it decodes to", s)
	}
}
