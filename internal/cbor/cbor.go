// Package cbor is the project's one CBOR configuration. Every decoder of
// attacker-supplied CBOR goes through it, so the limits below hold everywhere:
//
//   - duplicate map keys, indefinite lengths and tags are rejected;
//   - nesting is at most [MaxDepth] levels (a compound attestation needs 5);
//   - arrays and maps hold at most [MaxElements] entries;
//   - nothing may follow the item unless the caller asks for the rest.
//
// Byte and text strings are bounded by the input itself: the decoder checks
// that a declared length fits in what remains before it allocates, so a
// hostile input of n bytes cannot make it allocate much more than n.
package cbor

import (
	"errors"
	"fmt"

	fx "github.com/fxamacker/cbor/v2"
)

// MaxDepth is the deepest nesting accepted.
const MaxDepth = 5

// MaxElements is the largest array or map accepted.
const MaxElements = 64

// RawMessage is an undecoded CBOR item.
type RawMessage = fx.RawMessage

// dec and enc are built once and never changed: a DecMode is immutable.
var (
	dec = mustDec()
	enc = mustEnc()
)

func mustDec() fx.DecMode {
	m, err := fx.DecOptions{
		DupMapKey: fx.DupMapKeyEnforcedAPF,
		// Text keys name members exactly: "Fmt" is not "fmt".
		FieldNameMatching: fx.FieldNameMatchingCaseSensitive,
		IndefLength:       fx.IndefLengthForbidden,
		TagsMd:            fx.TagsForbidden,
		MaxNestedLevels:   MaxDepth,
		MaxArrayElements:  MaxElements,
		MaxMapPairs:       MaxElements,
		UTF8:              fx.UTF8RejectInvalid,
		IntDec:            fx.IntDecConvertSignedOrFail,
		DefaultMapType:    nil,
	}.DecMode()
	if err != nil {
		panic(err) // the options above are constants; a failure is a programming error
	}
	return m
}

func mustEnc() fx.EncMode {
	m, err := fx.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

// Unmarshal decodes data, which must hold exactly one item, into v.
func Unmarshal(data []byte, v any) error {
	return dec.Unmarshal(data, v)
}

// UnmarshalFirst decodes the first item of data into v and returns the bytes
// after it.
func UnmarshalFirst(data []byte, v any) (rest []byte, err error) {
	return dec.UnmarshalFirst(data, v)
}

// Marshal encodes v in CTAP2 canonical (core deterministic) form. It is for
// data this project writes, such as stored records and test inputs.
func Marshal(v any) ([]byte, error) {
	return enc.Marshal(v)
}

// ErrMalformed is returned by [ItemLen] for bytes that are not one
// well-formed item within the limits.
var ErrMalformed = errors.New("cbor: malformed item")

// ItemLen returns the length of the first CBOR item in data, checking that it
// is well formed and within the limits (depth, element counts, no tags, no
// indefinite lengths) without decoding it. Duplicate map keys are not
// checked here: they are the concern of whoever decodes the item.
func ItemLen(data []byte) (int, error) {
	n, err := itemLen(data, 0, 1)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// itemLen walks the item at data[off:] and returns the offset just after it.
func itemLen(data []byte, off, depth int) (int, error) {
	if off >= len(data) {
		return 0, fmt.Errorf("%w: unexpected end of data", ErrMalformed)
	}
	major := data[off] >> 5
	info := data[off] & 0x1f
	off++
	var arg uint64
	switch {
	case info < 24:
		arg = uint64(info)
	case info <= 27:
		size := 1 << (info - 24)
		if len(data)-off < size {
			return 0, fmt.Errorf("%w: truncated head", ErrMalformed)
		}
		for i := 0; i < size; i++ {
			arg = arg<<8 | uint64(data[off+i])
		}
		off += size
	case info == 31:
		return 0, fmt.Errorf("%w: indefinite length", ErrMalformed)
	default:
		return 0, fmt.Errorf("%w: reserved additional information %d", ErrMalformed, info)
	}
	switch major {
	case 0, 1: // integers
		return off, nil
	case 2, 3: // byte and text strings
		if arg > uint64(len(data)-off) {
			return 0, fmt.Errorf("%w: string longer than the data", ErrMalformed)
		}
		return off + int(arg), nil
	case 4, 5: // arrays and maps
		if depth > MaxDepth {
			return 0, fmt.Errorf("%w: nested deeper than %d", ErrMalformed, MaxDepth)
		}
		if arg > MaxElements {
			return 0, fmt.Errorf("%w: more than %d elements", ErrMalformed, MaxElements)
		}
		items := int(arg)
		if major == 5 {
			items *= 2
		}
		var err error
		for i := 0; i < items; i++ {
			if off, err = itemLen(data, off, depth+1); err != nil {
				return 0, err
			}
		}
		return off, nil
	case 6:
		return 0, fmt.Errorf("%w: tags are not allowed", ErrMalformed)
	default: // 7: simple values and floats
		if info == 24 && arg < 32 {
			return 0, fmt.Errorf("%w: non-canonical simple value", ErrMalformed)
		}
		return off, nil
	}
}

// Bytes is a byte-string member. The decoder would otherwise also fill a
// []byte from an array of small integers, a second spelling of the same
// bytes; Bytes accepts only a CBOR byte string. A CBOR null leaves it nil, so
// a required member reads as absent.
type Bytes []byte

// UnmarshalCBOR implements the decoder's Unmarshaler.
func (b *Bytes) UnmarshalCBOR(data []byte) error {
	if len(data) == 1 && data[0] == 0xf6 { // null
		*b = nil
		return nil
	}
	if len(data) == 0 || data[0]>>5 != 2 {
		return fmt.Errorf("%w: not a byte string", ErrMalformed)
	}
	var raw []byte
	if err := dec.Unmarshal(data, &raw); err != nil {
		return err
	}
	*b = raw
	return nil
}
