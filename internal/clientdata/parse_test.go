package clientdata

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// fields is what a test expects of a parsed ClientData, Raw aside.
type fields struct {
	typ, challenge, origin string
	crossOrigin, hasCross  bool
	topOrigin              string
	hasTop                 bool
}

func fieldsOf(c ClientData) fields {
	return fields{c.Type, c.Challenge, c.Origin, c.CrossOrigin, c.HasCrossOrigin, c.TopOrigin, c.HasTopOrigin}
}

const bom = "\xef\xbb\xbf"

func TestParseAccepts(t *testing.T) {
	base := fields{typ: "webauthn.get", challenge: "AAECAw", origin: "https://example.com"}
	with := func(f func(*fields)) fields { v := base; f(&v); return v }
	tests := []struct {
		name string
		in   string
		want fields
	}{
		{"minimal", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com"}`, base},
		{"browser serialization", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","crossOrigin":false}`,
			with(func(f *fields) { f.hasCross = true })},
		{"cross-origin with top origin", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","crossOrigin":true,"topOrigin":"https://top.example"}`,
			with(func(f *fields) {
				f.crossOrigin, f.hasCross, f.topOrigin, f.hasTop = true, true, "https://top.example", true
			})},
		{"members in reverse order", `{"topOrigin":"https://top.example","crossOrigin":true,"origin":"https://example.com","challenge":"AAECAw","type":"webauthn.get"}`,
			with(func(f *fields) {
				f.crossOrigin, f.hasCross, f.topOrigin, f.hasTop = true, true, "https://top.example", true
			})},
		{"Chrome's extra member", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","crossOrigin":false,"other_keys_can_be_added_here":"do not compare clientDataJSON against a template. See https://goo.gl/yabPex"}`,
			with(func(f *fields) { f.hasCross = true })},
		{"unknown members of every shape", `{"a":1,"b":[1,{"type":"x"}],"c":{"origin":"https://evil.net"},"d":null,"e":true,"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","f":-1.5e3}`, base},
		{"tokenBinding object", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":{"status":"present","id":"AAEC"}}`, base},
		{"tokenBinding supported", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":{"status":"supported"}}`, base},
		{"tokenBinding string", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":"unused"}`, base},
		{"tokenBinding number", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":0}`, base},
		{"tokenBinding null", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":null}`, base},
		{"tokenBinding array", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":[]}`, base},
		{"tokenBinding boolean", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":false}`, base},
		{"tokenBinding twice", `{"tokenBinding":1,"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","tokenBinding":{}}`, base},
		{"unknown member twice", `{"x":1,"x":2,"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com"}`, base},
		{"whitespace", " \t\r\n{ \"type\" : \"webauthn.get\" ,\n\"challenge\":\"AAECAw\", \"origin\":\"https://example.com\" }\n", base},
		{"BOM stripped", bom + `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com"}`, base},
		{"escaped strings", `{"type":"webauthn\u002eget","challenge":"AAEC\u0041w","origin":"https:\/\/example.com"}`, base},
		{"escaped quote and backslash", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://ex\"am\\ple.com"}`,
			with(func(f *fields) { f.origin = `https://ex"am\ple.com` })},
		{"escaped member name", `{"\u0074ype":"webauthn.get","challenge":"AAECAw","origin":"https://example.com"}`, base},
		{"non-ASCII value", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://bücher.example"}`,
			with(func(f *fields) { f.origin = "https://bücher.example" })},
		{"empty strings are well formed", `{"type":"","challenge":"","origin":""}`, fields{}},
		{"empty top origin", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com","topOrigin":""}`,
			with(func(f *fields) { f.hasTop = true })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.in)
			c, err := Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := fieldsOf(c); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			// Raw is the received bytes, BOM and all, not a re-serialisation.
			if !bytes.Equal(c.Raw, raw) || &c.Raw[0] != &raw[0] {
				t.Error("Raw is not the received slice")
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	const ok = `"type":"webauthn.get","challenge":"AAECAw","origin":"https://example.com"`
	tests := []struct {
		name   string
		in     string
		detail string // a phrase of the verdict's Detail
	}{
		{"invalid UTF-8 in a value", `{"type":"webauthn.get","challenge":"AAECAw","origin":"https://ex` + "\xff" + `ample.com"}`, "UTF-8"},
		{"invalid UTF-8 in an unknown member", `{` + ok + `,"x":"` + "\xc3" + `"}`, "UTF-8"},
		{"overlong encoding", `{` + ok + `,"x":"` + "\xc0\xaf" + `"}`, "UTF-8"},
		{"encoded surrogate", `{` + ok + `,"x":"` + "\xed\xa0\x80" + `"}`, "UTF-8"},
		{"truncated sequence at the end", `{` + ok + `}` + "\xe2\x82", "UTF-8"},
		{"BOM then invalid UTF-8", bom + `{` + ok + `,"x":"` + "\xff" + `"}`, "UTF-8"},
		{"two BOMs", bom + bom + `{` + ok + `}`, "not valid JSON"},
		{"UTF-16 BOM", "\xfe\xff{" + ok + "}", "UTF-8"},
		{"BOM after whitespace", " " + bom + `{` + ok + `}`, "not valid JSON"},
		{"empty", ``, "not valid JSON"},
		{"BOM only", bom, "not valid JSON"},
		{"whitespace only", " \n", "not valid JSON"},
		{"not JSON", `type=webauthn.get`, "not valid JSON"},
		{"truncated", `{` + ok, "not valid JSON"},
		{"trailing data", `{` + ok + `}x`, "not valid JSON"},
		{"two objects", `{` + ok + `}{` + ok + `}`, "not valid JSON"},
		{"trailing comma", `{` + ok + `,}`, "not valid JSON"},
		{"single quotes", `{'type':'webauthn.get'}`, "not valid JSON"},
		{"array", `[{` + ok + `}]`, "JSON array, not an object"},
		{"string", `"webauthn.get"`, "JSON string, not an object"},
		{"number", `1`, "JSON number, not an object"},
		{"boolean", `true`, "JSON bool, not an object"},
		{"null", `null`, "no type member"},
		{"empty object", `{}`, "no type member"},
		{"missing type", `{"challenge":"AAECAw","origin":"https://example.com"}`, "no type member"},
		{"missing challenge", `{"type":"webauthn.get","origin":"https://example.com"}`, "no challenge member"},
		{"missing origin", `{"type":"webauthn.get","challenge":"AAECAw"}`, "no origin member"},
		{"member only nested", `{"x":{"type":"webauthn.get"},"challenge":"AAECAw","origin":"https://example.com"}`, "no type member"},
		{"type number", `{"type":1,"challenge":"AAECAw","origin":"https://example.com"}`, "type: member is not a JSON string"},
		{"type null", `{"type":null,"challenge":"AAECAw","origin":"https://example.com"}`, "type: member is not a JSON string"},
		{"type object", `{"type":{},"challenge":"AAECAw","origin":"https://example.com"}`, "type: member is not a JSON string"},
		{"type array", `{"type":["webauthn.get"],"challenge":"AAECAw","origin":"https://example.com"}`, "type: member is not a JSON string"},
		{"type boolean", `{"type":true,"challenge":"AAECAw","origin":"https://example.com"}`, "type: member is not a JSON string"},
		{"challenge null", `{"type":"webauthn.get","challenge":null,"origin":"https://example.com"}`, "challenge: member is not a JSON string"},
		{"challenge array of bytes", `{"type":"webauthn.get","challenge":[0,1,2,3],"origin":"https://example.com"}`, "challenge: member is not a JSON string"},
		{"origin number", `{"type":"webauthn.get","challenge":"AAECAw","origin":443}`, "origin: member is not a JSON string"},
		{"origin null", `{"type":"webauthn.get","challenge":"AAECAw","origin":null}`, "origin: member is not a JSON string"},
		{"crossOrigin string", `{` + ok + `,"crossOrigin":"true"}`, "crossOrigin: member is not a JSON boolean"},
		{"crossOrigin number", `{` + ok + `,"crossOrigin":1}`, "crossOrigin: member is not a JSON boolean"},
		{"crossOrigin null", `{` + ok + `,"crossOrigin":null}`, "crossOrigin: member is not a JSON boolean"},
		{"crossOrigin object", `{` + ok + `,"crossOrigin":{}}`, "crossOrigin: member is not a JSON boolean"},
		{"topOrigin number", `{` + ok + `,"crossOrigin":true,"topOrigin":1}`, "topOrigin: member is not a JSON string"},
		{"topOrigin null", `{` + ok + `,"crossOrigin":true,"topOrigin":null}`, "topOrigin: member is not a JSON string"},
		{"topOrigin boolean", `{` + ok + `,"crossOrigin":true,"topOrigin":true}`, "topOrigin: member is not a JSON string"},
		{"duplicate type", `{` + ok + `,"type":"webauthn.create"}`, "type: member appears more than once"},
		{"duplicate type, same value", `{` + ok + `,"type":"webauthn.get"}`, "type: member appears more than once"},
		{"duplicate challenge", `{` + ok + `,"challenge":"BBBBBB"}`, "challenge: member appears more than once"},
		{"duplicate origin", `{` + ok + `,"origin":"https://evil.net"}`, "origin: member appears more than once"},
		{"duplicate crossOrigin", `{` + ok + `,"crossOrigin":false,"crossOrigin":true}`, "crossOrigin: member appears more than once"},
		{"duplicate topOrigin", `{` + ok + `,"crossOrigin":true,"topOrigin":"https://a.example","topOrigin":"https://b.example"}`, "topOrigin: member appears more than once"},
		{"case-variant duplicate type", `{` + ok + `,"Type":"webauthn.create"}`, "type: member appears more than once"},
		{"case-variant duplicate origin", `{"ORIGIN":"https://evil.net",` + ok + `}`, "origin: member appears more than once"},
		{"escaped duplicate origin", `{` + ok + `,"\u006frigin":"https://evil.net"}`, "origin: member appears more than once"},
		{"duplicate after a wrong type", `{"type":1,` + ok + `}`, "type: member is not a JSON string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", fieldsOf(c))
			}
			if !errors.Is(err, errcode.ErrMalformedClientData) {
				t.Fatalf("Parse = %v, want malformed-client-data", err)
			}
			var e *errcode.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an *errcode.Error", err)
			}
			if e.Check != anchorClientData {
				t.Errorf("Check = %q", e.Check)
			}
			if !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("Detail = %q, want it to contain %q", e.Detail, tt.detail)
			}
			if c.Raw != nil || c.Type != "" {
				t.Errorf("a failed Parse returned a half-filled value: %+v", c)
			}
		})
	}
}

// The shortcut that takes unescaped strings as substrings of one copy of the
// document must give what encoding/json gives, wherever b comes from.
func TestSourceText(t *testing.T) {
	doc := []byte(`{"type":"webauthn.get","origin":"https://example.com"}`)
	s := &source{doc: doc}
	in := doc[9:21] // webauthn.get, a slice of doc
	if got := s.text(in); got != "webauthn.get" {
		t.Errorf("slice of doc: %q", got)
	}
	if s.str == "" {
		t.Error("a slice of doc did not use the shared copy")
	}
	for _, b := range [][]byte{
		[]byte("webauthn.get"), // another array
		doc[:0],                // empty
		append(make([]byte, 0, cap(doc)-9), "webauthn.xyz"...), // same capacity offset, other bytes
	} {
		if got := s.text(b); got != string(b) {
			t.Errorf("text(%q) = %q", b, got)
		}
	}
	var none *source
	if got := none.text([]byte("x")); got != "x" {
		t.Errorf("nil source: %q", got)
	}
}

func TestMemberNamesExact(t *testing.T) {
	good := `{"type":"webauthn.get","challenge":"AAAA","origin":"https://example.com","crossOrigin":false}`
	if _, err := Parse([]byte(good)); err != nil {
		t.Fatalf("exact names refused: %v", err)
	}
	spaced := `{"type" :"webauthn.get", "challenge"	: "AAAA","origin":"https://example.com"}`
	if _, err := Parse([]byte(spaced)); err != nil {
		t.Fatalf("white space before the colon refused: %v", err)
	}
	for _, bad := range []string{
		`{"Type":"webauthn.get","challenge":"AAAA","origin":"https://example.com"}`,
		`{"type":"webauthn.get","chAllenge":"AAAA","origin":"https://example.com"}`,
		`{"type":"webauthn.get","challenge":"AAAA","ORIGIN":"https://example.com"}`,
		`{"type":"webauthn.get","challenge":"AAAA","origin":"https://example.com","crossorigin":false}`,
		`{"type":"webauthn.get","challenge":"AAAA","origin":"https://example.com","crossOrigin":true,"toporigin":"https://a.example"}`,
		// The exact name only inside a value does not count.
		`{"Type":"webauthn.get","challenge":"AAAA","origin":"https://example.com","x":"\"type\":"}`,
	} {
		if _, err := Parse([]byte(bad)); errcode.Code(err) != "malformed-client-data" {
			t.Errorf("Parse(%s) = %v, want malformed-client-data", bad, err)
		}
	}
}
