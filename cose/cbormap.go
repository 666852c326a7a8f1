package cose

import (
	"bytes"
	"unicode/utf8"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// A COSE key is one flat CBOR map with integer labels, read on every
// assertion. It is read here by a small strict reader instead of the generic
// decoder: the reader keeps byte strings as sub-slices of the input and
// allocates nothing, which keeps ParseKey's overhead fixed and tiny.
//
// The reader enforces the rules of internal/cbor for the parts it decodes:
// one definite-length map, no tags, no indefinite lengths, no duplicate
// labels (compared by value, so 0x01 and 0x18 0x01 are the same label), valid
// UTF-8 in text labels, and nothing after the map. Values it does not decode
// (unknown non-negative or text labels) are walked by [cbor.ItemLen], which
// checks they are well formed and within the project's limits.

// maxKeyPairs bounds the map. Real keys have at most six members; the bound
// leaves room for the tolerated extras without letting a key grow unbounded.
const maxKeyPairs = 16

// maxParamLabel is the largest magnitude of a negative (key-type specific)
// label the reader records: RSA's private members end at -12 (t_i).
const maxParamLabel = 12

// CBOR major types.
const (
	majorUint   = 0
	majorNegInt = 1
	majorBytes  = 2
	majorText   = 3
	majorArray  = 4
	majorMap    = 5
	majorTag    = 6
	majorSimple = 7
)

// item is one decoded value of the key map.
type item struct {
	set   bool
	major byte
	arg   uint64 // the head's argument: an integer's magnitude, a length
	bytes []byte // a byte string's content, a sub-slice of the input
}

// integer returns the value of an integer item that fits an int64.
func (it item) integer() (int64, bool) {
	switch {
	case it.major == majorUint && it.arg <= 1<<63-1:
		return int64(it.arg), true
	case it.major == majorNegInt && it.arg <= 1<<63-1:
		return -1 - int64(it.arg), true
	}
	return 0, false
}

// typeName names an item's CBOR type for error details.
func (it item) typeName() string {
	switch it.major {
	case majorUint, majorNegInt:
		if it.arg > 1<<63-1 {
			return "integer out of range"
		}
		return "integer"
	case majorBytes:
		return "byte string"
	case majorText:
		return "text string"
	case majorArray:
		return "array"
	case majorMap:
		return "map"
	}
	switch it.arg {
	case 20, 21:
		return "boolean"
	case 22:
		return "null"
	case 23:
		return "undefined"
	}
	return "simple value or float"
}

// keyMap holds the members of a COSE key the parser interprets.
type keyMap struct {
	kty, alg item
	// params[i] is the member with label -1-i (-1 … -12): the key-type
	// specific parameters, public and private.
	params [maxParamLabel]item
}

// label is a map key: an integer (neg says major type 1) or a text string.
type label struct {
	text  []byte
	isTxt bool
	neg   bool
	n     uint64
}

func (l label) equal(o label) bool {
	if l.isTxt || o.isTxt {
		return l.isTxt && o.isTxt && bytes.Equal(l.text, o.text)
	}
	return l.neg == o.neg && l.n == o.n
}

// reader walks data from off.
type reader struct {
	data []byte
	off  int
}

func malformed(detail string) error {
	return errcode.New(errcode.ErrMalformedPublicKey, checkKeyEncoding, detail)
}

// head reads an item head: its major type, and its argument (a value, a
// length or a count). Indefinite lengths and reserved encodings are errors.
func (r *reader) head() (major byte, info byte, arg uint64, err error) {
	if r.off >= len(r.data) {
		return 0, 0, 0, malformed("COSE key is truncated")
	}
	b := r.data[r.off]
	r.off++
	major, info = b>>5, b&0x1f
	switch {
	case info < 24:
		arg = uint64(info)
	case info <= 27:
		size := 1 << (info - 24)
		if len(r.data)-r.off < size {
			return 0, 0, 0, malformed("COSE key is truncated")
		}
		for _, c := range r.data[r.off : r.off+size] {
			arg = arg<<8 | uint64(c)
		}
		r.off += size
	case info == 31:
		return 0, 0, 0, malformed("COSE key uses an indefinite length")
	default:
		return 0, 0, 0, malformed("COSE key uses a reserved CBOR encoding")
	}
	if major == majorTag {
		return 0, 0, 0, malformed("COSE key contains a CBOR tag")
	}
	return major, info, arg, nil
}

// label reads a map key: an integer or a UTF-8 text string.
func (r *reader) label() (label, error) {
	major, _, arg, err := r.head()
	if err != nil {
		return label{}, err
	}
	switch major {
	case majorUint, majorNegInt:
		return label{neg: major == majorNegInt, n: arg}, nil
	case majorText:
		if arg > uint64(len(r.data)-r.off) {
			return label{}, malformed("COSE key is truncated")
		}
		t := r.data[r.off : r.off+int(arg)]
		r.off += int(arg)
		if !utf8.Valid(t) {
			return label{}, malformed("COSE key label is not valid UTF-8")
		}
		return label{isTxt: true, text: t}, nil
	}
	return label{}, malformed("COSE key label is neither an integer nor a text string")
}

// value reads one map value. Integers and byte strings are decoded; any other
// item is checked for well-formedness and skipped, keeping only its type.
func (r *reader) value() (item, error) {
	start := r.off
	major, info, arg, err := r.head()
	if err != nil {
		return item{}, err
	}
	it := item{set: true, major: major, arg: arg}
	switch major {
	case majorUint, majorNegInt:
	case majorBytes:
		if arg > uint64(len(r.data)-r.off) {
			return item{}, malformed("COSE key is truncated")
		}
		it.bytes = r.data[r.off : r.off+int(arg)]
		r.off += int(arg)
	case majorSimple:
		if info == 24 && arg < 32 {
			return item{}, malformed("COSE key uses a non-canonical simple value")
		}
	default: // text, array, map: not decoded here
		n, err := cbor.ItemLen(r.data[start:])
		if err != nil {
			return item{}, malformed("COSE key member is not well-formed CBOR")
		}
		if major == majorText && !utf8.Valid(r.data[r.off:start+n]) {
			return item{}, malformed("COSE key member is not valid UTF-8")
		}
		r.off = start + n
	}
	return it, nil
}

// readKeyMap reads data, which must be exactly one CBOR map, into m.
//
// Labels: kty (1) and alg (3) are decoded; kid (2) must be a byte string and
// key_ops (4) an array, both are otherwise ignored. Negative labels -1 … -12
// are recorded for the key-type check. Any other negative label is rejected:
// it is a key-type parameter the library does not know, and it could be
// private key material. Other non-negative and text labels are ignored
// (RFC 9052 lets keys carry extra common parameters; none affects
// verification) once their value is found to be well formed.
func readKeyMap(data []byte, m *keyMap) error {
	r := reader{data: data}
	major, _, n, err := r.head()
	if err != nil {
		return err
	}
	if major != majorMap {
		return malformed("COSE key is not a CBOR map")
	}
	if n > maxKeyPairs {
		return malformed("COSE key has too many members")
	}
	var seen [maxKeyPairs]label
	for i := 0; i < int(n); i++ {
		l, err := r.label()
		if err != nil {
			return err
		}
		for _, s := range seen[:i] {
			if s.equal(l) {
				return malformed("COSE key has a duplicate label")
			}
		}
		seen[i] = l
		v, err := r.value()
		if err != nil {
			return err
		}
		switch {
		case l.isTxt:
		case !l.neg && l.n == 1:
			m.kty = v
		case !l.neg && l.n == 3:
			m.alg = v
		case !l.neg && l.n == 2:
			if v.major != majorBytes {
				return malformed("COSE key kid (2) must be a byte string (got " + v.typeName() + ")")
			}
		case !l.neg && l.n == 4:
			if v.major != majorArray {
				return malformed("COSE key key_ops (4) must be an array (got " + v.typeName() + ")")
			}
		case l.neg && l.n < maxParamLabel:
			m.params[l.n] = v
		case l.neg:
			return malformed("COSE key has an unknown key-type parameter")
		}
	}
	if r.off != len(data) {
		return malformed("bytes follow the COSE key")
	}
	return nil
}
