package credential

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The JSON record decoder checks the whole input with json.Valid once, then
// walks it with the small scanner below, which may therefore assume valid
// JSON. The values it returns are slices of the input; only the values a
// field needs are decoded, so a record costs few allocations.

// maxJSONMembers bounds the members of a record object, as cbor.MaxElements
// bounds the pairs of the CBOR map.
const maxJSONMembers = 64

// jsonMember is one member of a JSON object: its name, unescaped, and its
// raw value, a slice of the input without surrounding whitespace.
type jsonMember struct {
	name []byte
	raw  []byte
}

// jsonObjectMembers checks that data is UTF-8 holding exactly one JSON
// object with at most maxJSONMembers distinct member names, and lists them.
func jsonObjectMembers(data []byte, members *[maxJSONMembers]jsonMember) (int, error) {
	// json.Valid accepts invalid UTF-8 that encoding/json would later
	// replace with U+FFFD; a record never holds it.
	if !utf8.Valid(data) {
		return 0, malformedRecord("data", "is not UTF-8")
	}
	if !json.Valid(data) {
		return 0, malformedRecord("data", "is not valid JSON (one value, nothing after it)")
	}
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return 0, malformedRecord("data", "is not a JSON object")
	}
	i = skipSpace(data, i+1)
	n := 0
	for data[i] != '}' {
		end := stringEnd(data, i)
		name, ok := jsonUnquote(data[i:end])
		if !ok {
			return 0, malformedRecord("data", "has a member name that cannot be decoded")
		}
		for _, m := range members[:n] {
			if bytes.Equal(m.name, name) {
				return 0, malformedRecord(quoteName(name), "appears twice")
			}
		}
		if n == len(members) {
			return 0, malformedRecord("data", "has too many members")
		}
		i = skipSpace(data, skipSpace(data, end)+1) // past the colon
		vend := valueEnd(data, i)
		members[n] = jsonMember{name: name, raw: data[i:vend:vend]}
		n++
		i = skipSpace(data, vend)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return n, nil
}

// jsonArrayItems returns the items of the JSON array raw, or false if raw is
// not an array.
func jsonArrayItems(raw []byte) ([][]byte, bool) {
	if len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	var items [][]byte
	i := skipSpace(raw, 1)
	for raw[i] != ']' {
		end := valueEnd(raw, i)
		items = append(items, raw[i:end:end])
		i = skipSpace(raw, end)
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return items, true
}

// jsonUnquote returns the contents of the JSON string raw. Without escapes
// they are raw's own bytes; only an escaped string is decoded.
func jsonUnquote(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just after the string that starts at data[i].
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// valueEnd returns the index just after the value that starts at data[i].
func valueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = stringEnd(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(data)
	default: // a number, true, false or null
		for i < len(data) && !isSpace(data[i]) && data[i] != ',' && data[i] != '}' && data[i] != ']' {
			i++
		}
		return i
	}
}

// quoteName quotes a member name for an error message.
func quoteName(name []byte) string {
	q, _ := json.Marshal(string(name))
	return string(q)
}
