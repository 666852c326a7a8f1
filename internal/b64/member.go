package b64

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// A response body carries five or six base64url members. Decoding each into
// a slice of its own costs an allocation per member; the types below decode
// them all into one buffer per body instead, sized up front from the body (a
// base64url string of n characters holds at most 3n/4 bytes, so a body's
// base64url members fit in three quarters of it). They are decoding targets
// for encoding/json, which still parses and validates the whole document.

// NewBuffer returns an empty buffer with room for every base64url member of
// a body of bodyLen bytes. A [Raw] value, kept as sent, may make it grow;
// members decoded before that keep the old array.
func NewBuffer(bodyLen int) []byte {
	return make([]byte, 0, bodyLen-bodyLen/4+8)
}

// Member is a base64url member decoded into a shared buffer. It reads JSON
// exactly as [Bytes] does: null leaves it nil, "" gives an empty non-nil
// slice, anything but a well-formed string is an error. Its zero value
// allocates a slice of its own; [Member.Use] points it at a buffer.
type Member struct {
	buf *[]byte
	val []byte
}

// Use makes m decode into *buf, appending; the decoded bytes are a sub-slice
// of it with its capacity capped, so an append to one member never writes
// into another.
func (m *Member) Use(buf *[]byte) { m.buf = buf }

// Bytes returns the decoded member, nil when absent or null.
func (m *Member) Bytes() []byte { return m.val }

// UnmarshalJSON implements [json.Unmarshaler].
func (m *Member) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		m.val = nil
		return nil
	}
	inner, err := stringContent(data, false)
	if err != nil {
		return err
	}
	if m.buf == nil {
		d, err := Decode(inner)
		if err != nil {
			return err
		}
		m.val = d
		return nil
	}
	start := len(*m.buf)
	out, err := appendDecode(*m.buf, inner)
	if err != nil {
		return err
	}
	*m.buf = out
	m.val = out[start:len(out):len(out)]
	return nil
}

// stringContent returns the content of the JSON string token data,
// unescaped. Without a backslash (and, when utf8Only, with valid UTF-8) the
// content is the bytes between the quotes, with no copy; any other spelling
// goes through encoding/json, which also replaces invalid UTF-8 with
// U+FFFD. Base64url members need no UTF-8 check: a byte outside ASCII fails
// them either way.
func stringContent(data []byte, utf8Only bool) ([]byte, error) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return nil, ErrInvalid
	}
	inner := data[1 : len(data)-1]
	if bytes.IndexByte(inner, '\\') < 0 && (!utf8Only || utf8.Valid(inner)) {
		return inner, nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, ErrInvalid
	}
	return []byte(s), nil
}

// Matches reports whether spelling is a base64url spelling of want, by the
// rules of [Decode]. It decodes into the spare capacity of buf, past its
// length, and allocates only when that is too small.
func Matches(spelling, want, buf []byte) bool {
	d, err := appendDecode(buf[len(buf):], spelling)
	return err == nil && string(d) == string(want)
}

// Raw is a JSON value kept as sent, like [json.RawMessage], but copied into
// a shared buffer. null is kept as the four bytes "null".
type Raw struct {
	buf *[]byte
	val []byte
}

// Use makes r copy into *buf, as [Member.Use].
func (r *Raw) Use(buf *[]byte) { r.buf = buf }

// Bytes returns the value as sent, nil when the member was absent.
func (r *Raw) Bytes() []byte { return r.val }

// UnmarshalJSON implements [json.Unmarshaler].
func (r *Raw) UnmarshalJSON(data []byte) error {
	if r.buf == nil {
		r.val = append([]byte(nil), data...)
		return nil
	}
	start := len(*r.buf)
	out := append(*r.buf, data...)
	*r.buf = out
	r.val = out[start:len(out):len(out)]
	return nil
}

// errNotString is returned for a [Text] member that is not a JSON string.
var errNotString = errors.New("not a JSON string")

// Text is a JSON string member read without allocating a Go string: its
// content is kept as bytes, the same as a Go string would hold, which alias
// the decoded document unless the string had escapes or invalid UTF-8. Use
// it only while that document is in hand.
//
// By default it reads JSON as a *string field does: null unsets it. With
// KeepOnNull it reads as a string field does: null changes nothing.
// Anything but a string or null is an error.
type Text struct {
	raw        []byte
	set        bool
	KeepOnNull bool
}

// UnmarshalJSON implements [json.Unmarshaler].
func (t *Text) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		if !t.KeepOnNull {
			t.raw, t.set = nil, false
		}
		return nil
	}
	if len(data) == 0 || data[0] != '"' {
		return errNotString
	}
	inner, err := stringContent(data, true)
	if err != nil {
		return err
	}
	t.raw, t.set = inner, true
	return nil
}

// Present reports whether the member was a string.
func (t *Text) Present() bool { return t.set }

// Is reports whether the member was the string s.
func (t *Text) Is(s string) bool { return t.set && string(t.raw) == s }

// Content returns the string's content, nil when absent or null.
func (t *Text) Content() []byte { return t.raw }

// appendDecode is [Decode] appending to dst.
func appendDecode(dst, s []byte) ([]byte, error) {
	s, err := trimPadding(s)
	if err != nil {
		return dst, err
	}
	out, err := enc.AppendDecode(dst, s)
	if err != nil {
		return dst, ErrInvalid
	}
	return out, nil
}
