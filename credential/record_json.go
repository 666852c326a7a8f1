package credential

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gopasskey/passkey/cose"
)

// b64 is the base64url alphabet without padding; Strict rejects non-zero
// trailing bits, so each byte string has exactly one encoding.
var b64 = base64.RawURLEncoding.Strict()

// MarshalJSON encodes r as one JSON object: "v" (the version, 1) first,
// then the fields in the order of the field table, zero values omitted.
// Byte strings are base64url without padding, times RFC 3339 in UTC with
// nanoseconds as needed, the AAGUID a dashed UUID, and a [Tristate] true or
// false (Unknown is omitted). The output is compact and deterministic.
//
// It fails, wrapping [ErrMalformedRecord], for a record that the decoder
// would not accept: see [Record] for the required fields and limits.
//
// MarshalJSON has a value receiver so that encoding/json uses it for a
// Record held by value, not only through a pointer.
func (r Record) MarshalJSON() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 64+2*(len(r.ID)+len(r.PublicKey))+len(r.Name))
	b = append(b, `{"`+versionName+`":`...)
	b = strconv.AppendInt(b, RecordVersion, 10)
	for i := range recordFields {
		f := &recordFields[i]
		if f.isZero(&r) {
			continue
		}
		b = append(b, `,"`...)
		b = append(b, f.name...)
		b = append(b, `":`...)
		var ok bool
		if b, ok = f.appendJSON(b, &r); !ok {
			return nil, malformedRecord(f.name, "has no JSON codec")
		}
	}
	return append(b, '}'), nil
}

// appendJSON appends the field's value; ok is false for a type without a
// codec.
func (f *recordField) appendJSON(b []byte, r *Record) (_ []byte, ok bool) {
	switch p := f.at(r).(type) {
	case *[]byte:
		return appendJSONBytes(b, *p), true
	case *string:
		return appendJSONString(b, *p), true
	case *cose.Algorithm:
		return strconv.AppendInt(b, int64(*p), 10), true
	case *uint32:
		return strconv.AppendUint(b, uint64(*p), 10), true
	case *uint8:
		return strconv.AppendUint(b, uint64(*p), 10), true
	case *bool:
		return strconv.AppendBool(b, *p), true
	case *Tristate:
		return strconv.AppendBool(b, p.Bool()), true
	case *[]string:
		b = append(b, '[')
		for i, s := range *p {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		return append(b, ']'), true
	case *[][]byte:
		b = append(b, '[')
		for i, e := range *p {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONBytes(b, e)
		}
		return append(b, ']'), true
	case *AAGUID:
		return append(append(append(b, '"'), p.String()...), '"'), true
	case *time.Time:
		return append(p.UTC().AppendFormat(append(b, '"'), time.RFC3339Nano), '"'), true
	}
	return b, false
}

func appendJSONBytes(b, v []byte) []byte {
	b = append(b, '"')
	b = b64.AppendEncode(b, v)
	return append(b, '"')
}

// appendJSONString appends s as a JSON string, exactly as encoding/json
// writes it. Printable ASCII that encoding/json leaves alone is copied
// directly; anything else goes through encoding/json. The record was
// validated, so s is UTF-8 and encoding/json cannot fail or substitute
// characters.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// UnmarshalJSON decodes a record that [Record.MarshalJSON] wrote. The input
// must be UTF-8 and hold exactly one JSON object with at most 64 members
// and no repeated names.
// "v" must be 1: a newer version is a [*VersionError] and nothing else is
// decoded. Within version 1 an unknown member is an error rather than
// skipped, because a record that lost a field it does not understand would
// be written back without it. Member names match exactly (not ignoring
// case). Each value must have its field's JSON type; null is accepted only
// for the tri-state fields, where it means Unknown, as an absent member
// does. A present zero value reads as absent. Times may carry any RFC 3339
// offset and are converted to UTC. The id, publicKey and alg fields are
// required.
//
// Unlike most Unmarshalers, UnmarshalJSON rejects a bare null: a null where
// a record is expected is a storage error, not an empty record. On error r
// is left unchanged.
func (r *Record) UnmarshalJSON(data []byte) error {
	var members [maxJSONMembers]jsonMember
	n, err := jsonObjectMembers(data, &members)
	if err != nil {
		return err
	}
	var version, unknown []byte
	hasUnknown := false
	for _, m := range members[:n] {
		switch {
		case string(m.name) == versionName:
			version = m.raw
		case fieldByName(m.name) == nil && (!hasUnknown || bytes.Compare(m.name, unknown) < 0):
			// The smallest unknown name, so the error is the same every time.
			unknown, hasUnknown = m.name, true
		}
	}
	if version == nil {
		return malformedRecord(versionName, "is missing")
	}
	v, err := strconv.ParseUint(string(version), 10, 64)
	if err != nil {
		return malformedRecord(versionName, "is not an unsigned integer")
	}
	if err := checkVersion(v); err != nil {
		return err
	}
	if hasUnknown {
		return malformedRecord(quoteName(unknown), "is not a version-1 field")
	}
	var out Record
	for _, m := range members[:n] {
		if f := fieldByName(m.name); f != nil {
			if err := f.decodeJSON(m.raw, &out); err != nil {
				return err
			}
		}
	}
	if err := out.validate(); err != nil {
		return err
	}
	*r = out
	return nil
}

func fieldByName(name []byte) *recordField {
	for i := range recordFields {
		if recordFields[i].name == string(name) {
			return &recordFields[i]
		}
	}
	return nil
}

// decodeJSON decodes raw, one JSON value, into the field of r.
func (f *recordField) decodeJSON(raw []byte, r *Record) error {
	bad := func(want string) error { return malformedRecord(f.name, "is not "+want) }
	switch p := f.at(r).(type) {
	case *[]byte:
		v, ok := jsonBytes(raw)
		if !ok {
			return bad("a base64url string")
		}
		*p = nonEmpty(v)
	case *string:
		v, ok := jsonString(raw)
		if !ok {
			return bad("a string")
		}
		*p = v
	case *cose.Algorithm:
		v, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return bad("an integer")
		}
		*p = cose.Algorithm(v)
	case *uint32:
		v, err := strconv.ParseUint(string(raw), 10, 32)
		if err != nil {
			return bad("an unsigned 32-bit integer")
		}
		*p = uint32(v)
	case *uint8:
		v, err := strconv.ParseUint(string(raw), 10, 8)
		if err != nil {
			return bad("an integer from 0 to 255")
		}
		*p = uint8(v)
	case *bool:
		v, ok := jsonBool(raw)
		if !ok {
			return bad("true or false")
		}
		*p = v
	case *Tristate:
		if string(raw) == "null" {
			*p = Unknown
			break
		}
		v, ok := jsonBool(raw)
		if !ok {
			return bad("true, false or null")
		}
		*p = TristateOf(v)
	case *[]string:
		items, ok := jsonArrayItems(raw)
		if !ok {
			return bad("an array of strings")
		}
		var v []string
		for _, item := range items {
			s, ok := jsonString(item)
			if !ok {
				return bad("an array of strings")
			}
			v = append(v, s)
		}
		*p = v
	case *[][]byte:
		items, ok := jsonArrayItems(raw)
		if !ok {
			return bad("an array of base64url strings")
		}
		var v [][]byte
		for _, item := range items {
			e, ok := jsonBytes(item)
			if !ok {
				return bad("an array of base64url strings")
			}
			v = append(v, e)
		}
		*p = v
	case *AAGUID:
		s, ok := jsonString(raw)
		if !ok {
			return bad("a string")
		}
		v, err := ParseAAGUID(s)
		if err != nil {
			return malformedRecordErr(f.name, "is not a dashed UUID", err)
		}
		*p = v
	case *time.Time:
		var v time.Time
		// time.Time's own UnmarshalJSON insists on RFC 3339, but accepts
		// null as a no-op, which a string check excludes first.
		if len(raw) == 0 || raw[0] != '"' || v.UnmarshalJSON(raw) != nil {
			return bad("an RFC 3339 time")
		}
		*p = v.UTC()
	default:
		return malformedRecord(f.name, "has no JSON codec")
	}
	return nil
}

func jsonString(raw []byte) (string, bool) {
	s, ok := jsonUnquote(raw)
	return string(s), ok
}

// jsonBytes decodes a base64url string without padding. The standard
// decoder skips CR and LF inside the text; they are refused here so that
// each byte string has one encoding.
func jsonBytes(raw []byte) ([]byte, bool) {
	s, ok := jsonUnquote(raw)
	if !ok || bytes.ContainsAny(s, "\r\n") {
		return nil, false
	}
	v := make([]byte, b64.DecodedLen(len(s)))
	n, err := b64.Decode(v, s)
	return v[:n], err == nil
}

func jsonBool(raw []byte) (v, ok bool) {
	switch string(raw) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
