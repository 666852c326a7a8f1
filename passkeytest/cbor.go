package passkeytest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// RawCBOR is an already encoded CBOR data item. The encoder copies it
// verbatim, so a tampering hook can plant malformed items in a statement or a
// COSE key.
type RawCBOR []byte

// The CBOR encoder below is deliberately this package's own: the relying
// party decodes with fxamacker/cbor, and the package's tests decode this
// encoder's output with fxamacker too, so the two sides never share an
// encoder's reading of the format. It writes CTAP2 canonical CBOR
// (definite lengths, shortest heads, map keys sorted by their encoding),
// which is what authenticators send (#sctn-conforming-authenticators, CTAP 2.1
// §8 "CTAP2 canonical CBOR encoding form").

const (
	majorUnsigned = 0 << 5
	majorNegative = 1 << 5
	majorBytes    = 2 << 5
	majorText     = 3 << 5
	majorArray    = 4 << 5
	majorMap      = 5 << 5
	majorSimple   = 7 << 5
)

func appendHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major|byte(n))
	case n <= math.MaxUint8:
		return append(b, major|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, major|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, major|26), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, major|27), n)
	}
}

func appendInt(b []byte, v int64) []byte {
	if v >= 0 {
		return appendHead(b, majorUnsigned, uint64(v))
	}
	return appendHead(b, majorNegative, uint64(-(v + 1)))
}

// encodeCBOR encodes v. Supported: integers, bool, nil, string, []byte,
// RawCBOR, []any, []string, [][]byte, map[string]any and map[int64]any.
func encodeCBOR(v any) ([]byte, error) {
	return appendCBOR(nil, v)
}

func appendCBOR(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, majorSimple|22), nil
	case bool:
		if x {
			return append(b, majorSimple|21), nil
		}
		return append(b, majorSimple|20), nil
	case int:
		return appendInt(b, int64(x)), nil
	case int64:
		return appendInt(b, x), nil
	case int32:
		return appendInt(b, int64(x)), nil
	case uint8:
		return appendHead(b, majorUnsigned, uint64(x)), nil
	case uint16:
		return appendHead(b, majorUnsigned, uint64(x)), nil
	case uint32:
		return appendHead(b, majorUnsigned, uint64(x)), nil
	case uint64:
		return appendHead(b, majorUnsigned, x), nil
	case string:
		return append(appendHead(b, majorText, uint64(len(x))), x...), nil
	case []byte:
		return append(appendHead(b, majorBytes, uint64(len(x))), x...), nil
	case RawCBOR:
		return append(b, x...), nil
	case []any:
		b = appendHead(b, majorArray, uint64(len(x)))
		for _, e := range x {
			var err error
			if b, err = appendCBOR(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		b = appendHead(b, majorArray, uint64(len(x)))
		for _, e := range x {
			b = append(appendHead(b, majorText, uint64(len(e))), e...)
		}
		return b, nil
	case [][]byte:
		b = appendHead(b, majorArray, uint64(len(x)))
		for _, e := range x {
			b = append(appendHead(b, majorBytes, uint64(len(e))), e...)
		}
		return b, nil
	case map[string]any:
		return appendMap(b, x)
	case map[int64]any:
		return appendMap(b, x)
	default:
		return nil, fmt.Errorf("passkeytest: cannot encode %T as CBOR", v)
	}
}

func appendMap[K string | int64](b []byte, m map[K]any) ([]byte, error) {
	type entry struct{ key, value []byte }
	entries := make([]entry, 0, len(m))
	for k, v := range m {
		key, err := appendCBOR(nil, any(k))
		if err != nil {
			return nil, err
		}
		value, err := appendCBOR(nil, v)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{key, value})
	}
	// CTAP2 canonical order: keys compared by their encoded bytes.
	slices.SortFunc(entries, func(x, y entry) int { return bytes.Compare(x.key, y.key) })
	b = appendHead(b, majorMap, uint64(len(entries)))
	for _, e := range entries {
		b = append(append(b, e.key...), e.value...)
	}
	return b, nil
}
