package credential

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// checkScannerAgrees fails t if the record scanner splits data differently
// from encoding/json. It is a no-op for input that the scanner rejects.
func checkScannerAgrees(t *testing.T, data []byte) {
	t.Helper()
	var members [maxJSONMembers]jsonMember
	n, err := jsonObjectMembers(data, &members)
	if err != nil {
		return
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("the scanner accepted %q, encoding/json did not: %v", data, err)
	}
	if n != len(want) {
		t.Fatalf("%q: %d members, encoding/json found %d", data, n, len(want))
	}
	for _, m := range members[:n] {
		w, ok := want[string(m.name)]
		if !ok || !bytes.Equal(m.raw, w) {
			t.Fatalf("%q: member %q = %q, encoding/json says %q", data, m.name, m.raw, w)
		}
		if items, ok := jsonArrayItems(m.raw); ok {
			var wantItems []json.RawMessage
			if err := json.Unmarshal(m.raw, &wantItems); err != nil || len(items) != len(wantItems) {
				t.Fatalf("%q: array %q: %d items, encoding/json: %d, %v", data, m.raw, len(items), len(wantItems), err)
			}
			for i := range items {
				if !bytes.Equal(items[i], wantItems[i]) {
					t.Fatalf("%q: item %d = %q, encoding/json says %q", data, i, items[i], wantItems[i])
				}
			}
		}
		if s, ok := jsonString(m.raw); ok {
			var ws string
			if err := json.Unmarshal(m.raw, &ws); err != nil || s != ws {
				t.Fatalf("%q: string %q = %q, encoding/json says %q", data, m.raw, s, ws)
			}
		}
	}
}

func TestJSONScanner(t *testing.T) {
	for _, data := range []string{
		`{}`,
		" \t\n{ } \r\n",
		`{"a":1}`,
		`{"a" : [ 1 , "]" , {"b":"}"} , [] ] , "c":"\"}", "d" :{"e":[{"f":"\\"}]}}`,
		`{"\u0069d":"x","n\"ame":"\u00e9\ud83d\ude00","e":""}`,
		`{"t":true,"f":false,"n":null,"num":-1.5e+3,"z":0}`,
		`{"s":"{[,:]}"}`,
		`{"a":[],"b":[[]],"c":[""]}`,
	} {
		t.Run(data, func(t *testing.T) {
			var members [maxJSONMembers]jsonMember
			if _, err := jsonObjectMembers([]byte(data), &members); err != nil {
				t.Fatal(err)
			}
			checkScannerAgrees(t, []byte(data))
		})
	}
}

func TestJSONScannerRejects(t *testing.T) {
	for _, c := range []struct{ name, data, mention string }{
		{"repeated name", `{"a":1,"a":2}`, `"a" appears twice`},
		{"repeated name, one escaped", `{"a":1,"\u0061":2}`, `"a" appears twice`},
		{"65 members", "{" + manyMembers(65) + "}", "too many members"},
		{"not an object", `[1]`, "not a JSON object"},
		{"two values", `{} {}`, "not valid JSON"},
		{"invalid UTF-8 in a string", "{\"a\":\"\xff\"}", "not UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var members [maxJSONMembers]jsonMember
			_, err := jsonObjectMembers([]byte(c.data), &members)
			if err == nil || !strings.Contains(err.Error(), c.mention) {
				t.Errorf("err = %v, want one mentioning %q", err, c.mention)
			}
		})
	}
	var members [maxJSONMembers]jsonMember
	if n, err := jsonObjectMembers([]byte("{"+manyMembers(64)+"}"), &members); err != nil || n != 64 {
		t.Errorf("64 members: %d, %v", n, err)
	}
	if got, ok := jsonArrayItems([]byte(`"[]"`)); ok || got != nil {
		t.Errorf("a string read as an array: %q", got)
	}
	if !reflect.DeepEqual(members[0].name, []byte("m0")) {
		t.Errorf("first name %q", members[0].name)
	}
}

// manyMembers returns n distinct members "m0":0,"m1":1,...
func manyMembers(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `"m` + strconv.Itoa(i) + `":` + strconv.Itoa(i)
	}
	return strings.Join(parts, ",")
}
