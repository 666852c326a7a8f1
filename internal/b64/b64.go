// Package b64 decodes the base64url members of WebAuthn's JSON encodings
// (#sctn-parseCreationOptionsFromJSON, RegistrationResponseJSON and
// AuthenticationResponseJSON) with one policy: the URL alphabet without
// padding; a correct trailing "=" padding is tolerated; the standard
// alphabet's "+" and "/", white space and line breaks are rejected.
//
// Non-zero trailing bits are tolerated: deployed servers and clients
// round-trip opaque strings such as user handles through base64url
// (SimpleWebAuthn's recorded "internalUserId"), and every comparison in this
// library is on decoded bytes, except the challenge, which is compared as the
// canonical spelling of the issued bytes.
//
// [Member], [Raw] and [Text] read the members of a response body with the
// semantics of [Bytes], json.RawMessage and *string (or string) fields, but
// decode into one buffer per body and keep strings as bytes, so that a body
// costs one allocation for all its members instead of one each.
package b64

import (
	"bytes"
	"encoding/base64"
	"errors"
)

// ErrInvalid is returned for a member that is not a base64url string.
var ErrInvalid = errors.New("not a base64url string")

var enc = base64.RawURLEncoding

// Decode decodes s.
func Decode(s []byte) ([]byte, error) {
	s, err := trimPadding(s)
	if err != nil {
		return nil, err
	}
	out := make([]byte, enc.DecodedLen(len(s)))
	n, err := enc.Decode(out, s)
	if err != nil {
		return nil, ErrInvalid
	}
	return out[:n], nil
}

// trimPadding removes a correct "=" padding from s and refuses the line
// breaks that the standard decoder would skip.
func trimPadding(s []byte) ([]byte, error) {
	if n := len(s); n > 0 && s[n-1] == '=' {
		// Padding is accepted only where it would be correct: the padded
		// length is a multiple of four and at most two "=".
		if n%4 != 0 {
			return nil, ErrInvalid
		}
		s = s[:n-1]
		if len(s) > 0 && s[len(s)-1] == '=' {
			s = s[:len(s)-1]
		}
	}
	// The decoder skips \r and \n; nothing else outside the alphabet gets
	// past it, but reject those two here.
	if bytes.IndexByte(s, '\r') >= 0 || bytes.IndexByte(s, '\n') >= 0 {
		return nil, ErrInvalid
	}
	return s, nil
}

// DecodeString decodes s.
func DecodeString(s string) ([]byte, error) { return Decode([]byte(s)) }

// Encode returns the unpadded base64url encoding of b.
func Encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Bytes is a byte string that reads itself from a JSON base64url string. A
// JSON null leaves it nil; the empty string gives an empty, non-nil slice, so
// a caller can tell "absent" from "empty".
type Bytes []byte

// UnmarshalJSON implements [json.Unmarshaler].
func (b *Bytes) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*b = nil
		return nil
	}
	inner, err := stringContent(data, false)
	if err != nil {
		return err
	}
	d, err := Decode(inner)
	if err != nil {
		return err
	}
	*b = d
	return nil
}

// MarshalJSON implements [json.Marshaler].
func (b Bytes) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, base64.RawURLEncoding.EncodedLen(len(b))+2)
	out = append(out, '"')
	out = base64.RawURLEncoding.AppendEncode(out, b)
	return append(out, '"'), nil
}
