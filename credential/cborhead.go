package credential

import (
	"encoding/binary"
	"errors"

	"github.com/gopasskey/passkey/internal/cbor"
)

// CBOR major types this file tells apart.
const (
	majorText = 3
	majorMap  = 5
)

func major(initial byte) byte { return initial >> 5 }

var majorNames = [8]string{"unsigned integer", "negative integer", "byte string", "text string", "array", "map", "tag", "simple value or float"}

func majorName(initial byte) string { return majorNames[major(initial)] }

// headArg returns the argument of the well-formed CBOR head at b[0] and the
// head's length. The caller has already checked well-formedness with
// cbor.ItemLen, so indefinite lengths and truncation cannot occur here.
func headArg(b []byte) (arg uint64, n int) {
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

// CBOR simple values that decodeStrict refuses.
const (
	cborNull      = 0xf6
	cborUndefined = 0xf7
)

// errNull is returned for a null or undefined where a value is required.
var errNull = errors.New("null or undefined where a value is required")

// decodeStrict decodes one CBOR item into v through the project's strict
// configuration. It also rejects null and undefined, which that decoder
// would otherwise turn into a silent zero value.
func decodeStrict(raw []byte, v any) error {
	if len(raw) > 0 && (raw[0] == cborNull || raw[0] == cborUndefined) {
		return errNull
	}
	return cbor.Unmarshal(raw, v)
}

// appendHead appends the shortest CBOR head for major type m and argument n,
// as core deterministic encoding requires.
func appendHead(b []byte, m byte, n uint64) []byte {
	m <<= 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, m|27), n)
	}
}
