package attestation

import (
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// Every format's procedure begins "verify that attStmt is valid CBOR
// conforming to the syntax defined above" (#sctn-defined-attestation-formats).
// checkStmt does that step for the map-shaped formats before their members
// are decoded, so that the two kinds of failure get their own codes
// (SPEC-CHECKLIST §10): CBOR that is not well-formed, or that breaks the
// project's CBOR rules (duplicate keys, invalid UTF-8), is
// malformed-attestation-object; well-formed CBOR of the wrong shape (not a
// map, a missing or unknown member, a member of the wrong type) is
// attestation-invalid. Doing the shape check by hand also means a member
// never reaches a Go value by a silent conversion: a null sig would
// otherwise decode as an empty byte string.

// kind is the CBOR type a member of attStmt must have.
type kind uint8

const (
	// kindInt is an integer (major type 0 or 1) that fits an int64.
	kindInt kind = iota
	// kindBytes is a byte string.
	kindBytes
	// kindText is a text string.
	kindText
	// kindBytesArray is an array whose elements are all byte strings.
	kindBytesArray
)

var kindNames = [...]string{
	kindInt:        "an integer",
	kindBytes:      "a byte string",
	kindText:       "a text string",
	kindBytesArray: "an array of byte strings",
}

// member is one member of a format's attStmt CDDL.
type member struct {
	name     string
	kind     kind
	required bool
}

// CBOR major types.
const (
	majorUint  = 0
	majorNeg   = 1
	majorBytes = 2
	majorText  = 3
	majorArray = 4
	majorMap   = 5
)

var majorNames = [8]string{"an unsigned integer", "a negative integer", "a byte string", "a text string",
	"an array", "a map", "a tag", "a simple value or float"}

// maxMembers bounds the members a format defines, so that checkStmt can
// track them in a fixed-size set.
const maxMembers = 8

// checkStmt checks that raw is exactly one well-formed CBOR map whose keys
// are text strings naming distinct members, each of its member's kind, with
// every required member present. forbidden names members that some
// authenticators still send but the format no longer allows, with the reason
// to report (packed's ecdaaKeyId); every other unknown key is refused too,
// because the formats' CDDL maps are closed. It returns which members are
// present, indexed like members.
func checkStmt(raw []byte, check string, members []member, forbidden map[string]string) (present [maxMembers]bool, err error) {
	vals, err := stmtValues(raw, check, members, forbidden)
	for i := range vals {
		present[i] = vals[i] != nil
	}
	return present, err
}

// stmtValues is checkStmt returning each present member's value, the whole
// CBOR item (head included) as a sub-slice of raw, and nil for an absent
// member: a format whose members are all of fixed kinds reads them from
// there without decoding raw a second time.
func stmtValues(raw []byte, check string, members []member, forbidden map[string]string) (vals [maxMembers][]byte, err error) {
	var present [maxMembers]bool
	n, err := cbor.ItemLen(raw)
	if err != nil {
		return vals, errcode.Wrap(errcode.ErrMalformedAttestationObject, check, "attStmt is not well-formed CBOR", err)
	}
	if n != len(raw) {
		return vals, errcode.Mismatch(errcode.ErrMalformedAttestationObject, check, "attStmt is followed by trailing bytes",
			"one CBOR item", strconv.Itoa(len(raw)-n)+" more bytes")
	}
	if major(raw[0]) != majorMap {
		return vals, errcode.Mismatch(errcode.ErrAttestationInvalid, check, "attStmt is not a map", "a map", majorNames[major(raw[0])])
	}
	count, off := head(raw)
	for range count {
		if major(raw[off]) != majorText {
			return vals, errcode.Mismatch(errcode.ErrAttestationInvalid, check, "attStmt has a key that is not a text string",
				"a text string", majorNames[major(raw[off])])
		}
		klen, h := head(raw[off:])
		key := raw[off+h : off+h+int(klen)]
		off += h + int(klen)
		if !utf8.Valid(key) {
			return vals, errcode.New(errcode.ErrMalformedAttestationObject, check, "attStmt has a key that is not valid UTF-8")
		}
		vlen, _ := cbor.ItemLen(raw[off:]) // cannot fail: raw as a whole is well-formed
		val := raw[off : off+vlen]
		off += vlen

		i := memberIndex(members, key)
		if i < 0 {
			if why, ok := forbidden[string(key)]; ok {
				return vals, errcode.Mismatch(errcode.ErrAttestationInvalid, check, why, "no "+string(key), string(key))
			}
			return vals, errcode.Mismatch(errcode.ErrAttestationInvalid, check, "attStmt has a member the format does not define",
				memberList(members), printable(string(key)))
		}
		m := members[i]
		if present[i] {
			// Duplicate keys break the project's CBOR rules (SPEC-CHECKLIST §0.4),
			// which makes this a decoding failure rather than a shape one.
			return vals, errcode.Mismatch(errcode.ErrMalformedAttestationObject, check, "attStmt has a duplicate key",
				"one "+m.name, "two or more")
		}
		present[i] = true
		if err := checkKind(val, m, check); err != nil {
			return vals, err
		}
		vals[i] = val[:len(val):len(val)]
	}
	for i, m := range members {
		if m.required && !present[i] {
			return vals, errcode.Mismatch(errcode.ErrAttestationInvalid, check, "attStmt lacks a required member", m.name, "nothing")
		}
	}
	return vals, nil
}

// checkKind checks the CBOR type of one member's value.
func checkKind(val []byte, m member, check string) error {
	got := major(val[0])
	ok := false
	switch m.kind {
	case kindInt:
		if got == majorUint || got == majorNeg {
			// A negative integer encodes -1-arg, so both fit an int64 exactly
			// when arg does.
			arg, _ := head(val)
			if arg > math.MaxInt64 {
				return errcode.Mismatch(errcode.ErrAttestationInvalid, check, "attStmt "+m.name+" is out of range",
					"a 64-bit signed integer", "a larger integer")
			}
			ok = true
		}
	case kindBytes:
		ok = got == majorBytes
	case kindText:
		if got == majorText {
			n, h := head(val)
			if !utf8.Valid(val[h : h+int(n)]) {
				return errcode.New(errcode.ErrMalformedAttestationObject, check, "attStmt "+m.name+" is not valid UTF-8")
			}
			ok = true
		}
	case kindBytesArray:
		if got == majorArray {
			count, off := head(val)
			for i := range count {
				if major(val[off]) != majorBytes {
					return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
						"attStmt "+m.name+"["+strconv.FormatUint(i, 10)+"] is not a byte string",
						"a byte string", majorNames[major(val[off])])
				}
				n, h := head(val[off:])
				off += h + int(n)
			}
			ok = true
		}
	}
	if !ok {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check, "attStmt "+m.name+" has the wrong type",
			kindNames[m.kind], majorNames[got])
	}
	return nil
}

// The readers below take a member's value as stmtValues returned it, after
// checkKind has vouched for its kind: they read heads only and never fail.

// intValue reads a kindInt value.
func intValue(val []byte) int64 {
	arg, _ := head(val)
	if major(val[0]) == majorNeg {
		return -1 - int64(arg)
	}
	return int64(arg)
}

// bytesValue reads a kindBytes value: its content, a sub-slice of val with
// its capacity capped, never nil.
func bytesValue(val []byte) []byte {
	n, h := head(val)
	return val[h : h+int(n) : h+int(n)]
}

// bytesArray reads a kindBytesArray value: its elements' contents, each as
// bytesValue reads it, in a slice that is empty but not nil for an empty
// array.
func bytesArray(val []byte) []cbor.Bytes {
	count, off := head(val)
	out := make([]cbor.Bytes, count)
	for i := range out {
		n, h := head(val[off:])
		out[i] = val[off+h : off+h+int(n) : off+h+int(n)]
		off += h + int(n)
	}
	return out
}

func memberIndex(members []member, key []byte) int {
	for i, m := range members {
		if m.name == string(key) {
			return i
		}
	}
	return -1
}

func memberList(members []member) string {
	if len(members) == 0 {
		return "no members"
	}
	s := ""
	for i, m := range members {
		if i > 0 {
			s += ", "
		}
		s += m.name
	}
	return "only " + s
}

func major(initial byte) byte { return initial >> 5 }

// head returns the argument of the CBOR head at b[0] and the head's length.
// The caller has checked well-formedness with cbor.ItemLen, so the head is
// complete and has a definite length.
func head(b []byte) (arg uint64, n int) {
	switch info := b[0] & 0x1f; {
	case info < 24:
		return uint64(info), 1
	case info == 24:
		return uint64(b[1]), 2
	case info == 25:
		return uint64(binary.BigEndian.Uint16(b[1:3])), 3
	case info == 26:
		return uint64(binary.BigEndian.Uint32(b[1:5])), 5
	default:
		return binary.BigEndian.Uint64(b[1:9]), 9
	}
}
