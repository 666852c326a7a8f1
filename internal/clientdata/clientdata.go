package clientdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/gopasskey/passkey/errcode"
)

// The two values of the type member (#dom-collectedclientdata-type).
const (
	TypeCreate = "webauthn.create" // a registration
	TypeGet    = "webauthn.get"    // an authentication
)

// anchorClientData is the spec anchor of the client data's shape.
const anchorClientData = "dictionary-client-data"

// ClientData is the client data of one ceremony as the client sent it.
type ClientData struct {
	// Raw is the received clientDataJSON, BOM included if there was one: the
	// bytes to hash for the signature. Parse keeps a reference to the
	// caller's slice rather than copying it. Never re-serialise the fields.
	Raw []byte
	// Type, Challenge and Origin are the required members.
	Type, Challenge, Origin string
	// CrossOrigin is the crossOrigin member, false when absent;
	// HasCrossOrigin says whether it was present.
	CrossOrigin, HasCrossOrigin bool
	// TopOrigin is the topOrigin member; HasTopOrigin says whether it was
	// present.
	TopOrigin    string
	HasTopOrigin bool
}

// Parse decodes clientDataJSON (#sctn-registering-a-new-credential steps 5
// and 6, #sctn-verifying-assertion steps 8 and 9).
//
// The bytes must be valid UTF-8; a leading byte order mark is skipped, as the
// spec's UTF-8 decode does. They must hold one JSON object whose type,
// challenge and origin members are strings, whose crossOrigin, if present, is
// true or false (null is refused), and whose topOrigin, if present, is a
// string. Other members, in any order and of any shape, are ignored:
// tokenBinding among them, since Level 3 only reserves it.
//
// Each of these five members may appear once. encoding/json would keep the
// last of two, and matches member names without regard to case; Parse
// refuses a second occurrence, case variants included, so a member cannot
// mean one thing to this parser and another to the next. A lone
// differently-cased name (say "Type") is still read as that member; no
// client writes one, and refusing it would need a second parser.
//
// A failure is an [*errcode.Error] with code malformed-client-data.
func Parse(raw []byte) (ClientData, error) {
	if !utf8.Valid(raw) {
		return ClientData{}, errcode.New(errcode.ErrMalformedClientData, anchorClientData,
			"client data is not valid UTF-8")
	}
	doc := raw
	if len(doc) >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF {
		doc = doc[3:]
	}
	w := wire{src: source{doc: doc}}
	w.Type = jsonString{name: "type", src: &w.src}
	w.Challenge = jsonString{name: "challenge", src: &w.src}
	w.Origin = jsonString{name: "origin", src: &w.src}
	w.CrossOrigin = jsonBool{name: "crossOrigin"}
	w.TopOrigin = jsonString{name: "topOrigin", src: &w.src}
	if err := json.Unmarshal(doc, &w); err != nil {
		return ClientData{}, decodeError(err)
	}
	for _, m := range []*jsonString{&w.Type, &w.Challenge, &w.Origin} {
		if !m.seen {
			return ClientData{}, errcode.New(errcode.ErrMalformedClientData, anchorClientData,
				"client data has no "+m.name+" member")
		}
	}
	for _, m := range []struct {
		name string
		seen bool
	}{{"type", true}, {"challenge", true}, {"origin", true}, {"crossOrigin", w.CrossOrigin.seen}, {"topOrigin", w.TopOrigin.seen}} {
		if m.seen && !hasKey(doc, m.name) && !hasEscapedKey(doc, m.name) {
			return ClientData{}, errcode.New(errcode.ErrMalformedClientData, anchorClientData,
				"client data spells the "+m.name+" member in another case")
		}
	}
	return ClientData{
		Raw:            raw,
		Type:           w.Type.val,
		Challenge:      w.Challenge.val,
		Origin:         w.Origin.val,
		CrossOrigin:    w.CrossOrigin.val,
		HasCrossOrigin: w.CrossOrigin.seen,
		TopOrigin:      w.TopOrigin.val,
		HasTopOrigin:   w.TopOrigin.seen,
	}, nil
}

// decodeError turns an encoding/json error into the verdict.
func decodeError(err error) error {
	var (
		me  *memberError
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &me):
		return errcode.New(errcode.ErrMalformedClientData, anchorClientData, "client data "+me.Error())
	case errors.As(err, &se):
		return errcode.Wrap(errcode.ErrMalformedClientData, anchorClientData, "client data is not valid JSON", se)
	case errors.As(err, &ute):
		return errcode.New(errcode.ErrMalformedClientData, anchorClientData,
			"client data is a JSON "+ute.Value+", not an object")
	}
	return errcode.Wrap(errcode.ErrMalformedClientData, anchorClientData, "client data cannot be decoded", err)
}

// hasKey reports whether doc, a valid JSON document, has name spelled
// exactly as a member name: `"name"` followed by optional white space and a
// colon. encoding/json matches member names without regard to case, so
// {"Type": …} would otherwise be read as type; refusing case variants keeps
// every reader of the bytes in agreement. In a string value a quote is
// escaped, so the pattern occurs only as a member name, of the object itself
// or of one nested in it (a case variant at the top beside the exact name in
// a nested object still passes; no browser sends either).
func hasKey(doc []byte, name string) bool {
	for off := 0; off < len(doc); {
		i := bytes.Index(doc[off:], []byte(name))
		if i < 0 {
			return false
		}
		start, end := off+i, off+i+len(name)
		off = end
		if start == 0 || doc[start-1] != '"' || end >= len(doc) || doc[end] != '"' {
			continue
		}
		after := bytes.TrimLeft(doc[end+1:], " \t\r\n")
		if len(after) > 0 && after[0] == ':' {
			return true
		}
	}
	return false
}

// hasEscapedKey is hasKey for the rare document that spells member names
// with escapes ("\u0074ype" is "type"): it decodes the top-level names.
func hasEscapedKey(doc []byte, name string) bool {
	if bytes.IndexByte(doc, '\\') < 0 {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) != nil {
		return false
	}
	_, ok := m[name]
	return ok
}
