package credential

import (
	"errors"
	"strconv"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/internal/cbor"
)

// CBOR major types the record encoding writes.
const (
	majorUint   = 0
	majorNegInt = 1
	majorBytes  = 2
	majorArray  = 4
	cborFalse   = 0xf4
	cborTrue    = 0xf5
)

// MarshalBinary encodes r as a deterministic CBOR map with small integer
// keys: key 0 holds the version (1), and the other keys are those of the
// field table documented in the package overview. Zero-valued fields are
// omitted, keys are in ascending order and every head is in its shortest
// form (core deterministic encoding, RFC 8949 §4.2.1), so equal records
// encode to equal bytes.
//
// It fails, wrapping [ErrMalformedRecord], for a record that the decoder
// would not accept: see [Record] for the required fields and limits.
//
// MarshalBinary has a value receiver so that encoders that take a Record by
// value still find it.
func (r Record) MarshalBinary() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	pairs := 1
	size := 16
	for i := range recordFields {
		if !recordFields[i].isZero(&r) {
			pairs++
			size += 8
		}
	}
	size += len(r.ID) + len(r.PublicKey) + len(r.UserHandle) + len(r.Name) + len(r.RPID) + len(r.AppID)
	for _, c := range r.TrustPath {
		size += len(c) + 3
	}
	b := make([]byte, 0, size)
	b = appendHead(b, majorMap, uint64(pairs))
	b = appendHead(b, majorUint, versionNum)
	b = appendHead(b, majorUint, RecordVersion)
	for i := range recordFields {
		f := &recordFields[i]
		if f.isZero(&r) {
			continue
		}
		b = appendHead(b, majorUint, f.num)
		var ok bool
		if b, ok = f.appendCBOR(b, &r); !ok {
			return nil, malformedRecord(f.name, "has no CBOR codec")
		}
	}
	return b, nil
}

// appendCBOR appends the field's value; ok is false for a type without a
// codec.
func (f *recordField) appendCBOR(b []byte, r *Record) (_ []byte, ok bool) {
	switch p := f.at(r).(type) {
	case *[]byte:
		return appendCBORBytes(b, *p), true
	case *string:
		return append(appendHead(b, majorText, uint64(len(*p))), *p...), true
	case *cose.Algorithm:
		return appendCBORInt(b, int64(*p)), true
	case *uint32:
		return appendHead(b, majorUint, uint64(*p)), true
	case *uint8:
		return appendHead(b, majorUint, uint64(*p)), true
	case *bool:
		return appendCBORBool(b, *p), true
	case *Tristate:
		return appendCBORBool(b, p.Bool()), true
	case *[]string:
		b = appendHead(b, majorArray, uint64(len(*p)))
		for _, s := range *p {
			b = append(appendHead(b, majorText, uint64(len(s))), s...)
		}
		return b, true
	case *[][]byte:
		b = appendHead(b, majorArray, uint64(len(*p)))
		for _, e := range *p {
			b = appendCBORBytes(b, e)
		}
		return b, true
	case *AAGUID:
		return appendCBORBytes(b, p[:]), true
	case *time.Time:
		return appendCBORInt(b, p.UnixNano()), true
	}
	return b, false
}

func appendCBORBytes(b, v []byte) []byte {
	return append(appendHead(b, majorBytes, uint64(len(v))), v...)
}

func appendCBORInt(b []byte, n int64) []byte {
	if n >= 0 {
		return appendHead(b, majorUint, uint64(n))
	}
	return appendHead(b, majorNegInt, uint64(-1-n))
}

func appendCBORBool(b []byte, v bool) []byte {
	if v {
		return append(b, cborTrue)
	}
	return append(b, cborFalse)
}

// UnmarshalBinary decodes a record that [Record.MarshalBinary] wrote, with
// the project's strict CBOR decoder: exactly one map with unsigned integer
// keys, no duplicate keys, tags, indefinite lengths or trailing bytes, at
// most 64 entries per array. Key 0 must hold the version: a newer version
// is a [*VersionError] and nothing else is decoded. Within version 1, an
// unknown key is an error rather than skipped, because a record that lost a
// field it does not understand would be written back without it. Each value
// must have its field's CBOR type (null is never accepted); a present
// zero value reads as absent. The id, publicKey and alg fields are required.
//
// The decoded record owns its bytes. On error r is left unchanged.
func (r *Record) UnmarshalBinary(data []byte) error {
	var entries [cbor.MaxElements]cborEntry
	n, err := cborMapEntries(data, &entries)
	if err != nil {
		return err
	}
	var version []byte
	unknown, hasUnknown := uint64(0), false
	for _, e := range entries[:n] {
		switch {
		case e.key == versionNum:
			version = e.raw
		case fieldByNum(e.key) == nil && (!hasUnknown || e.key < unknown):
			// The smallest unknown key, so the error is the same every time.
			unknown, hasUnknown = e.key, true
		}
	}
	if version == nil {
		return malformedRecord(versionName, "is missing")
	}
	var v uint64
	if err := decodeStrict(version, &v); err != nil {
		return malformedRecordErr(versionName, "is not an unsigned integer", err)
	}
	if err := checkVersion(v); err != nil {
		return err
	}
	if hasUnknown {
		return malformedRecord("key "+strconv.FormatUint(unknown, 10), "is not a version-1 field")
	}
	var out Record
	for _, e := range entries[:n] {
		if f := fieldByNum(e.key); f != nil {
			if err := f.decodeCBOR(e.raw, &out); err != nil {
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

// checkVersion accepts exactly RecordVersion.
func checkVersion(v uint64) error {
	switch {
	case v > RecordVersion:
		return &VersionError{Version: v}
	case v != RecordVersion:
		return malformedRecord(versionName, "is "+strconv.FormatUint(v, 10)+", not a record version")
	}
	return nil
}

// cborEntry is one key of the record map and its value, a slice of the input.
type cborEntry struct {
	key uint64
	raw []byte
}

// cborMapEntries checks that data is exactly one CBOR map, well formed and
// within the limits of package internal/cbor (no tags, no indefinite
// lengths, depth and size bounds), whose keys are distinct unsigned
// integers, and lists its entries without copying. The values are decoded
// later, field by field, by the strict decoder.
func cborMapEntries(data []byte, entries *[cbor.MaxElements]cborEntry) (int, error) {
	n, err := cbor.ItemLen(data)
	switch {
	case err != nil:
		return 0, malformedRecordErr("data", "is not well-formed CBOR within the decoder's limits", err)
	case n != len(data):
		return 0, malformedRecord("data", "has bytes after the record")
	case major(data[0]) != majorMap:
		return 0, malformedRecord("data", "is a CBOR "+majorName(data[0])+", not a map")
	}
	// cbor.ItemLen bounds the pairs by cbor.MaxElements, the size of entries.
	pairs, off := headArg(data)
	for i := 0; i < int(pairs); i++ {
		if major(data[off]) != majorUint {
			return 0, malformedRecord("data", "has a "+majorName(data[off])+" key, not an unsigned integer")
		}
		key, hn := headArg(data[off:])
		off += hn
		for _, e := range entries[:i] {
			if e.key == key {
				return 0, malformedRecord("key "+strconv.FormatUint(key, 10), "appears twice")
			}
		}
		vlen, err := cbor.ItemLen(data[off:])
		if err != nil { // unreachable after cbor.ItemLen of the whole map
			return 0, malformedRecordErr("data", "is not well-formed CBOR", err)
		}
		entries[i] = cborEntry{key: key, raw: data[off : off+vlen : off+vlen]}
		off += vlen
	}
	return int(pairs), nil
}

// errNotArray is the cause for a list field holding another type.
var errNotArray = errors.New("not an array")

// cborArray returns the items of the CBOR array raw, slices of raw. The
// caller decodes each one.
func cborArray(raw []byte) ([][]byte, error) {
	if len(raw) == 0 || major(raw[0]) != majorArray {
		return nil, errNotArray
	}
	count, off := headArg(raw)
	items := make([][]byte, 0, count)
	for i := uint64(0); i < count; i++ {
		n, err := cbor.ItemLen(raw[off:])
		if err != nil {
			return nil, err
		}
		items = append(items, raw[off:off+n])
		off += n
	}
	if off != len(raw) {
		return nil, errors.New("bytes after the array")
	}
	return items, nil
}

func fieldByNum(num uint64) *recordField {
	for i := range recordFields {
		if recordFields[i].num == num {
			return &recordFields[i]
		}
	}
	return nil
}

// decodeCBOR decodes raw into the field of r.
func (f *recordField) decodeCBOR(raw []byte, r *Record) error {
	bad := func(err error) error { return malformedRecordErr(f.name, "has the wrong CBOR type or value", err) }
	switch p := f.at(r).(type) {
	case *[]byte:
		v, err := decodeBytes(raw)
		if err != nil {
			return bad(err)
		}
		*p = nonEmpty(v)
	case *string:
		if err := decodeStrict(raw, p); err != nil {
			return bad(err)
		}
	case *cose.Algorithm:
		var v int64
		if err := decodeStrict(raw, &v); err != nil {
			return bad(err)
		}
		*p = cose.Algorithm(v)
	case *uint32:
		if err := decodeStrict(raw, p); err != nil {
			return bad(err)
		}
	case *uint8:
		if err := decodeStrict(raw, p); err != nil {
			return bad(err)
		}
	case *bool:
		if err := decodeStrict(raw, p); err != nil {
			return bad(err)
		}
	case *Tristate:
		var v bool
		if err := decodeStrict(raw, &v); err != nil {
			return bad(err)
		}
		*p = TristateOf(v)
	case *[]string:
		items, err := cborArray(raw)
		if err != nil {
			return bad(err)
		}
		var v []string
		for _, item := range items {
			var s string
			if err := decodeStrict(item, &s); err != nil {
				return bad(err)
			}
			v = append(v, s)
		}
		*p = v
	case *[][]byte:
		items, err := cborArray(raw)
		if err != nil {
			return bad(err)
		}
		var v [][]byte
		for _, item := range items {
			e, err := decodeBytes(item)
			if err != nil {
				return bad(err)
			}
			v = append(v, e)
		}
		*p = v
	case *AAGUID:
		v, err := decodeBytes(raw)
		if err != nil {
			return bad(err)
		}
		if len(v) != len(p) {
			return malformedRecord(f.name, "is "+strconv.Itoa(len(v))+" bytes, not 16")
		}
		copy(p[:], v)
	case *time.Time:
		var v int64
		if err := decodeStrict(raw, &v); err != nil {
			return bad(err)
		}
		*p = time.Unix(0, v).UTC()
	default:
		return malformedRecord(f.name, "has no CBOR codec")
	}
	return nil
}

// errNotBytes is the cause for a byte-string field holding another type.
var errNotBytes = errors.New("not a byte string")

// decodeBytes decodes a CBOR byte string. The type is checked first because
// the decoder would also fill a []byte from an array of small integers.
func decodeBytes(raw []byte) ([]byte, error) {
	if len(raw) == 0 || major(raw[0]) != majorBytes {
		return nil, errNotBytes
	}
	var v []byte
	err := decodeStrict(raw, &v)
	return v, err
}

// nonEmpty maps an empty slice to nil, so that absent and empty decode alike.
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
