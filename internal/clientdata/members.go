package clientdata

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Errors a member decoder reports; Parse turns them into one verdict.
var (
	errDuplicate  = errors.New("member appears more than once")
	errNotString  = errors.New("member is not a JSON string")
	errNotBoolean = errors.New("member is not a JSON boolean")
)

// jsonString decodes one string member and records that it was present.
//
// encoding/json keeps the last of duplicate members and matches names
// without regard to case; seen makes a second occurrence (including "Type"
// next to "type") an error, so no two readers of the same bytes can disagree
// on a member's value.
type jsonString struct {
	name string  // the member, for errors
	src  *source // the document, to take the value from
	val  string
	seen bool
}

func (s *jsonString) UnmarshalJSON(b []byte) error {
	if s.seen {
		return &memberError{s.name, errDuplicate}
	}
	s.seen = true
	if len(b) < 2 || b[0] != '"' {
		return &memberError{s.name, errNotString}
	}
	// encoding/json has already checked the whole document, so b is one
	// valid string token; without a backslash its value is the bytes between
	// the quotes (UTF-8 validity was checked before decoding). This saves a
	// second decoder per member; escaped strings take the full decoder.
	if bytes.IndexByte(b, '\\') < 0 {
		s.val = s.src.text(b[1 : len(b)-1])
		return nil
	}
	return json.Unmarshal(b, &s.val)
}

// source is the document being decoded. Members take their values as
// substrings of one string copy of it rather than one allocation each.
type source struct {
	doc []byte
	str string // string(doc), made on first use
}

// text returns string(b). When b is where encoding/json found it, a slice of
// doc (the decoder hands Unmarshalers sub-slices of its input), the result
// shares the one copy; the byte comparison makes the result right whatever
// b is.
func (s *source) text(b []byte) string {
	if s == nil {
		return string(b)
	}
	start := cap(s.doc) - cap(b)
	if start < 0 || start+len(b) > len(s.doc) || !bytes.Equal(s.doc[start:start+len(b)], b) {
		return string(b)
	}
	if s.str == "" {
		s.str = string(s.doc)
	}
	return s.str[start : start+len(b)]
}

// jsonBool decodes one boolean member; null or any other type is an error.
type jsonBool struct {
	name string
	val  bool
	seen bool
}

func (v *jsonBool) UnmarshalJSON(b []byte) error {
	if v.seen {
		return &memberError{v.name, errDuplicate}
	}
	v.seen = true
	switch string(b) {
	case "true":
		v.val = true
	case "false":
		v.val = false
	default:
		return &memberError{v.name, errNotBoolean}
	}
	return nil
}

// memberError says which member was wrong.
type memberError struct {
	member string
	err    error
}

func (e *memberError) Error() string { return e.member + ": " + e.err.Error() }
func (e *memberError) Unwrap() error { return e.err }

// wire is the client data as received. Members it does not name, such as
// the reserved tokenBinding, are skipped whatever their shape
// (#dictionary-client-data: parsers must tolerate unknown members).
type wire struct {
	Type        jsonString `json:"type"`
	Challenge   jsonString `json:"challenge"`
	Origin      jsonString `json:"origin"`
	CrossOrigin jsonBool   `json:"crossOrigin"`
	TopOrigin   jsonString `json:"topOrigin"`

	src source // unexported: encoding/json leaves it alone
}
