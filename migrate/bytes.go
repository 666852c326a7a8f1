package migrate

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// flexBytes is a byte string as the other libraries' users store it in
// JSON. Go's encoding/json writes []byte as standard base64 with padding;
// SimpleWebAuthn's guide keeps base64url strings, a JavaScript Uint8Array
// through JSON.stringify becomes {"0":165,"1":1,...}, a Node.js Buffer
// {"type":"Buffer","data":[...]}, and a PostgreSQL bytea exported as text
// "\x…" hexadecimal. Each of those decodes; null decodes as nil.
type flexBytes []byte

var (
	errBase64Alphabets = errors.New("mixes the standard and URL base64 alphabets")
	errBase64Padding   = errors.New("has misplaced base64 padding")
	errByteValue       = errors.New("holds a number that is not a byte (0 to 255)")
	errIndexObject     = errors.New("is an object that is neither a Buffer nor a Uint8Array's indices 0 to n-1")
	errBytesType       = errors.New("is neither a string, an array of bytes nor a byte object")
)

// UnmarshalJSON implements json.Unmarshaler.
func (b *flexBytes) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errBytesType
	}
	switch data[0] {
	case 'n':
		if string(data) != "null" {
			return errBytesType
		}
		*b = nil
		return nil
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		out, err := decodeByteString(s)
		if err != nil {
			return err
		}
		*b = out
		return nil
	case '[':
		out, err := decodeByteArray(data)
		if err != nil {
			return err
		}
		*b = out
		return nil
	case '{':
		out, err := decodeByteObject(data)
		if err != nil {
			return err
		}
		*b = out
		return nil
	}
	return errBytesType
}

// decodeBytes decodes the member name, whose JSON value is raw (nil when
// absent), as flexBytes.
func decodeBytes(name string, raw json.RawMessage) ([]byte, error) {
	if raw == nil {
		return nil, nil
	}
	var b flexBytes
	if err := b.UnmarshalJSON(raw); err != nil {
		return nil, malformedWrap(name, err)
	}
	return b, nil
}

// decodeByteString decodes base64 in either alphabet, padded or not, or
// PostgreSQL's "\x" hexadecimal form.
func decodeByteString(s string) ([]byte, error) {
	if hexDigits, ok := strings.CutPrefix(s, `\x`); ok {
		return hex.DecodeString(hexDigits)
	}
	trimmed := strings.TrimRight(s, "=")
	if pad := len(s) - len(trimmed); pad > 2 || (pad > 0 && len(s)%4 != 0) {
		return nil, errBase64Padding
	}
	url := strings.ContainsAny(trimmed, "-_")
	std := strings.ContainsAny(trimmed, "+/")
	if url && std {
		return nil, errBase64Alphabets
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	return enc.DecodeString(trimmed)
}

func decodeByteArray(data []byte) ([]byte, error) {
	var nums []json.RawMessage
	if err := json.Unmarshal(data, &nums); err != nil {
		return nil, err
	}
	out := make([]byte, len(nums))
	for i, n := range nums {
		v, err := strconv.ParseUint(string(bytes.TrimSpace(n)), 10, 8)
		if err != nil {
			return nil, errByteValue
		}
		out[i] = byte(v)
	}
	return out, nil
}

func decodeByteObject(data []byte) ([]byte, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, err
	}
	if t, ok := members["type"]; ok {
		if string(bytes.TrimSpace(t)) != `"Buffer"` || len(members) != 2 || members["data"] == nil {
			return nil, errIndexObject
		}
		return decodeByteArray(members["data"])
	}
	out := make([]byte, len(members))
	for k, v := range members {
		i, err := strconv.ParseUint(k, 10, 31)
		if err != nil || i >= uint64(len(members)) || strconv.FormatUint(i, 10) != k {
			return nil, errIndexObject
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 8)
		if err != nil {
			return nil, errByteValue
		}
		out[i] = byte(n)
	}
	return out, nil
}
