package b64

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// members is a document shape decoded by the buffer-backed types.
type members struct {
	A   Member `json:"a"`
	B   Member `json:"b"`
	T   Text   `json:"t"`
	K   Text   `json:"k"`
	R   Raw    `json:"r"`
	buf []byte
}

func newMembers(bodyLen int) *members {
	m := &members{buf: NewBuffer(bodyLen)}
	m.A.Use(&m.buf)
	m.B.Use(&m.buf)
	m.R.Use(&m.buf)
	m.K.KeepOnNull = true
	return m
}

// TestMemberReadsLikeBytes decodes the same documents into Bytes and into a
// buffer-backed Member: same values, same nil-ness, same errors.
func TestMemberReadsLikeBytes(t *testing.T) {
	for _, doc := range []string{
		`{"a":"AQID"}`,
		`{"a":null}`,
		`{"a":""}`,
		`{"a":"\u0041Q"}`,
		`{"a":"AQ=="}`,
		`{"a":"AQID","a":null}`,
		`{"a":null,"a":"AQ"}`,
		`{}`,
		`{"a":1}`,
		`{"a":true}`,
		`{"a":["AQ"]}`,
		`{"a":{"x":"AQ"}}`,
		`{"a":"+/"}`,
		`{"a":"\n"}`,
		`{"a":"AQ="}`,
	} {
		t.Run(doc, func(t *testing.T) {
			var plain struct {
				A Bytes `json:"a"`
			}
			perr := json.Unmarshal([]byte(doc), &plain)
			for _, useBuf := range []bool{true, false} {
				var m members
				if useBuf {
					m = *newMembers(len(doc))
					m.A.Use(&m.buf)
				}
				err := json.Unmarshal([]byte(doc), &m)
				if (err == nil) != (perr == nil) {
					t.Fatalf("buffer %v: error %v, Bytes gives %v", useBuf, err, perr)
				}
				if err != nil {
					continue
				}
				got := m.A.Bytes()
				if !bytes.Equal(got, plain.A) || (got == nil) != (plain.A == nil) {
					t.Fatalf("buffer %v: %x (nil %v), Bytes gives %x (nil %v)", useBuf, got, got == nil, plain.A, plain.A == nil)
				}
			}
		})
	}
}

// TestMemberSharesOneBuffer checks that members land in the one buffer,
// that the buffer needs no growth for a body's members, and that an append
// to one member cannot overwrite the next.
func TestMemberSharesOneBuffer(t *testing.T) {
	doc := []byte(`{"a":"AQID","b":"BAUG","r":{"x":1}}`)
	m := newMembers(len(doc))
	first := &m.buf[:1][0]
	if err := json.Unmarshal(doc, m); err != nil {
		t.Fatal(err)
	}
	if &m.buf[:1][0] != first {
		t.Fatal("the buffer was reallocated")
	}
	a, b := m.A.Bytes(), m.B.Bytes()
	if &a[0] != &m.buf[0] || &b[0] != &m.buf[3] {
		t.Fatal("members are not in the buffer, in order")
	}
	if cap(a) != len(a) || cap(b) != len(b) || cap(m.R.Bytes()) != len(m.R.Bytes()) {
		t.Fatal("a member's capacity reaches past its end")
	}
	_ = append(a, 0xff)
	if !bytes.Equal(b, []byte{4, 5, 6}) {
		t.Fatalf("appending to one member changed the next: %x", b)
	}
	if string(m.R.Bytes()) != `{"x":1}` {
		t.Fatalf("Raw %q", m.R.Bytes())
	}
}

// TestBufferFitsEveryMember: the sizing rule holds for a document made only
// of base64url strings, the densest case.
func TestBufferFitsEveryMember(t *testing.T) {
	for n := range 40 {
		s := bytes.Repeat([]byte("A"), n)
		if n%4 == 1 {
			continue // not a possible length of a base64url string
		}
		doc := []byte(`{"a":"` + string(s) + `","b":"` + string(s) + `"}`)
		m := newMembers(len(doc))
		c := cap(m.buf)
		if err := json.Unmarshal(doc, m); err != nil {
			t.Fatal(err)
		}
		if cap(m.buf) != c {
			t.Fatalf("%d characters: the buffer grew from %d", n, c)
		}
	}
}

func TestRawReadsLikeRawMessage(t *testing.T) {
	for _, doc := range []string{`{"r":{}}`, `{"r":null}`, `{"r":[1, 2]}`, `{"r":"x"}`, `{"r":{"a":1},"r":5}`, `{}`} {
		var plain struct {
			R json.RawMessage `json:"r"`
		}
		if err := json.Unmarshal([]byte(doc), &plain); err != nil {
			t.Fatal(err)
		}
		for _, m := range []*members{newMembers(len(doc)), {}} {
			if err := json.Unmarshal([]byte(doc), m); err != nil {
				t.Fatal(err)
			}
			if got := m.R.Bytes(); !bytes.Equal(got, plain.R) || (got == nil) != (plain.R == nil) {
				t.Errorf("%s: Raw %q, RawMessage %q", doc, got, plain.R)
			}
		}
	}
}

// TestTextReadsLikeStrings compares Text with *string, and Text with
// KeepOnNull with string.
func TestTextReadsLikeStrings(t *testing.T) {
	for _, doc := range []string{
		`{"t":"public-key","k":"platform"}`,
		`{"t":"public\u002dkey","k":"plat\u0066orm"}`,
		`{"t":null,"k":null}`,
		`{"t":"x","t":null,"k":"x","k":null}`,
		`{"t":null,"t":"x","k":null,"k":"x"}`,
		`{"t":""}`,
		"{\"t\":\"\x80x\xff\",\"k\":\"\xc3\"}", // invalid UTF-8 becomes U+FFFD
		`{}`,
		`{"t":5}`,
		`{"k":false}`,
		`{"t":{}}`,
		`{"k":["x"]}`,
	} {
		t.Run(doc, func(t *testing.T) {
			var plain struct {
				T *string `json:"t"`
				K string  `json:"k"`
			}
			perr := json.Unmarshal([]byte(doc), &plain)
			m := newMembers(len(doc))
			err := json.Unmarshal([]byte(doc), m)
			if (err == nil) != (perr == nil) {
				t.Fatalf("error %v, plain types give %v", err, perr)
			}
			if err != nil {
				return
			}
			if m.T.Present() != (plain.T != nil) || plain.T != nil && string(m.T.Content()) != *plain.T {
				t.Errorf("t: present %v %q, *string gives %v", m.T.Present(), m.T.Content(), plain.T)
			}
			if string(m.K.Content()) != plain.K {
				t.Errorf("k: %q, string gives %q", m.K.Content(), plain.K)
			}
			if plain.T != nil && (!m.T.Is(*plain.T) || m.T.Is(*plain.T+"x")) || plain.T == nil && m.T.Is("") {
				t.Errorf("Is disagrees with the content %q", m.T.Content())
			}
		})
	}
	var absent Text
	if absent.Present() || absent.Is("") {
		t.Error("an absent Text is present or equal to the empty string")
	}
}

func TestMatches(t *testing.T) {
	want := []byte{1, 2, 3, 4}
	buf := append(make([]byte, 0, 16), 9, 9)
	cases := []struct {
		spelling string
		ok       bool
	}{
		{"AQIDBA", true},
		{"AQIDBA==", true},
		{"AQIDBQ", false},  // other bytes
		{"AQID", false},    // a prefix
		{"AQIDBA=", false}, // wrong padding
		{"AQIDBB", true},   // non-zero trailing bits, as Decode tolerates
		{"AQID\nBA", false},
		{"AQIDB+", false},
		{"", false},
	}
	for _, c := range cases {
		if got := Matches([]byte(c.spelling), want, buf); got != c.ok {
			t.Errorf("Matches(%q) = %v", c.spelling, got)
		}
		if len(buf) != 2 || buf[0] != 9 || buf[1] != 9 {
			t.Fatalf("Matches changed the buffer's contents: %x", buf)
		}
	}
	if !Matches([]byte(""), []byte{}, nil) || !Matches([]byte("AQ"), []byte{1}, nil) {
		t.Error("Matches without spare capacity fails")
	}
}

func TestNewBufferAllocatesOnce(t *testing.T) {
	a, b, r, typ := []byte(`"AQIDBAUGBwgJCgsMDQ4PEA"`), []byte(`"AQID"`), []byte(`{}`), []byte(`"public-key"`)
	bodyLen := len(a) + len(b) + len(r) + len(typ)
	var m *members
	var err error
	n := testing.AllocsPerRun(50, func() {
		m = newMembers(bodyLen)
		err = errors.Join(m.A.UnmarshalJSON(a), m.B.UnmarshalJSON(b), m.R.UnmarshalJSON(r), m.T.UnmarshalJSON(typ))
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 { // the members value and its buffer
		t.Errorf("%v allocations, want 2", n)
	}
}
