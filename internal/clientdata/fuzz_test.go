package clientdata

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey/errcode"
)

// FuzzParse checks Parse against encoding/json's generic decoding and against
// itself:
//   - a failure is a malformed-client-data verdict, and no panic;
//   - on success, each member Parse read is the one member of that name
//     (compared as encoding/json does, without regard to case) in the generic
//     decoding, with the same value: no shortcut changed a value and no
//     duplicate slipped through;
//   - the five members re-marshalled to JSON parse back to the same values,
//     present or absent as they were.
//
// The seeds are parseSeeds; TestFuzzSeedsReachCodes checks that they reach
// every refusal.
func FuzzParse(f *testing.F) {
	for _, raw := range parseSeeds(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := Parse(raw)
		if err != nil {
			if !errors.Is(err, errcode.ErrMalformedClientData) {
				t.Fatalf("Parse error %v is not malformed-client-data", err)
			}
			return
		}
		if string(c.Raw) != string(raw) {
			t.Fatal("Raw is not the input")
		}

		doc := strings.TrimPrefix(string(raw), bom)
		var generic map[string]any
		if err := json.Unmarshal([]byte(doc), &generic); err != nil {
			t.Fatalf("Parse accepted what encoding/json refuses: %v", err)
		}
		member := func(name string) (any, bool) {
			var v any
			n := 0
			for k, x := range generic {
				if strings.EqualFold(k, name) {
					v, n = x, n+1
				}
			}
			if n > 1 {
				t.Fatalf("Parse accepted %d members named like %q", n, name)
			}
			return v, n == 1
		}
		for _, m := range []struct {
			name string
			val  string
			has  bool
		}{{"type", c.Type, true}, {"challenge", c.Challenge, true}, {"origin", c.Origin, true}, {"topOrigin", c.TopOrigin, c.HasTopOrigin}} {
			v, ok := member(m.name)
			if ok != m.has {
				t.Fatalf("%s: present %v, Parse says %v", m.name, ok, m.has)
			}
			if ok && v != m.val {
				t.Fatalf("%s: encoding/json reads %q, Parse %q", m.name, v, m.val)
			}
		}
		if v, ok := member("crossOrigin"); ok != c.HasCrossOrigin || ok && v != c.CrossOrigin {
			t.Fatalf("crossOrigin: encoding/json reads %v (%v), Parse %v (%v)", v, ok, c.CrossOrigin, c.HasCrossOrigin)
		}

		members := map[string]any{"type": c.Type, "challenge": c.Challenge, "origin": c.Origin}
		if c.HasCrossOrigin {
			members["crossOrigin"] = c.CrossOrigin
		}
		if c.HasTopOrigin {
			members["topOrigin"] = c.TopOrigin
		}
		again, err := json.Marshal(members)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Parse(again)
		if err != nil {
			t.Fatalf("re-marshalled members do not parse: %v\n%s", err, again)
		}
		if fieldsOf(c2) != fieldsOf(c) {
			t.Fatalf("round trip changed the members: %+v then %+v", fieldsOf(c), fieldsOf(c2))
		}
	})
}
