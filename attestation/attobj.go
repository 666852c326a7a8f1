package attestation

import (
	"errors"
	"unicode/utf8"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// attestationObject is the CBOR map of #sctn-attestation. AttStmt and
// AuthData are sub-slices of the decoded bytes, capacity capped.
type attestationObject struct {
	Fmt      *string
	AttStmt  cbor.RawMessage
	AuthData cbor.Bytes
}

// formatNames are the fmt values Fmt points to without an allocation. The
// table is never written.
var formatNames = [...]string{"none", "packed", "fido-u2f", "tpm", "android-key", "android-safetynet", "apple", "compound"}

// Reasons parseAttestationObject reports inside its verdict.
var (
	errObjectNotMap  = errors.New("not a map")
	errObjectKey     = errors.New("a key is neither a text string nor an integer")
	errObjectDupKey  = errors.New("duplicate key")
	errObjectUTF8    = errors.New("a text string is not valid UTF-8")
	errObjectFmt     = errors.New("fmt is not a text string")
	errObjectAuthDat = errors.New("authData is not a byte string")
)

// maxObjectKeys is the number of keys the map may have: cbor.ItemLen
// enforces the project's limit before the keys are read.
const maxObjectKeys = cbor.MaxElements

// parseAttestationObject decodes the attestation object: one CBOR map, well
// formed within the project's limits (cbor.ItemLen), with nothing after it.
// It reads the map the way internal/cbor's decoder reads it into a struct
// of fmt (*string), attStmt (raw item) and authData (byte string), which it
// replaces on this path:
//
//   - keys are text strings (valid UTF-8, matched case-sensitively) or
//     integers that fit an int64; any other key is an error;
//   - no key appears twice, whether known or not (integers compared by
//     value, text by bytes);
//   - fmt is a text string of valid UTF-8, or null or undefined (absent);
//   - authData is a byte string, or null (absent); undefined and any other
//     type are errors;
//   - attStmt is any item (null included); other keys' values are skipped;
//   - a top-level null or undefined is an object without members.
//
// A missing fmt, attStmt or authData is reported after the whole map is
// read, as before.
func parseAttestationObject(data []byte) (attestationObject, error) {
	var obj attestationObject
	if err := obj.decode(data); err != nil {
		return attestationObject{}, errcode.Wrap(errcode.ErrMalformedAttestationObject, "sctn-attestation",
			"attestationObject is not a CBOR map", err)
	}
	if obj.Fmt == nil || obj.AttStmt == nil || obj.AuthData == nil {
		return attestationObject{}, errcode.New(errcode.ErrMalformedAttestationObject, "sctn-attestation",
			"attestationObject lacks fmt, attStmt or authData")
	}
	return obj, nil
}

// objectKey is one key of the map, for duplicate detection.
type objectKey struct {
	text  []byte
	isInt bool
	n     int64
}

func (o *attestationObject) decode(data []byte) error {
	n, err := cbor.ItemLen(data)
	if err != nil {
		return err
	}
	if n != len(data) {
		return errors.New("cbor: trailing bytes after the attestation object")
	}
	switch {
	case data[0] == 0xf6 || data[0] == 0xf7: // null, undefined: nothing to fill
		return nil
	case major(data[0]) != majorMap:
		return errObjectNotMap
	}
	count, off := head(data)
	var unknown [maxObjectKeys]objectKey
	nUnknown := 0
	var seenFmt, seenStmt, seenAuth bool
	for range count {
		k, klen := mapKey(data[off:])
		if klen == 0 {
			return errObjectKey
		}
		off += klen
		if !k.isInt && !utf8.Valid(k.text) {
			return errObjectUTF8
		}
		vlen, _ := cbor.ItemLen(data[off:]) // cannot fail: data as a whole is well formed
		val := data[off : off+vlen : off+vlen]
		off += vlen

		var err error
		switch known := !k.isInt; {
		case known && string(k.text) == "fmt":
			if seenFmt {
				return errObjectDupKey
			}
			seenFmt = true
			err = o.setFmt(val)
		case known && string(k.text) == "attStmt":
			if seenStmt {
				return errObjectDupKey
			}
			seenStmt = true
			o.AttStmt = val
		case known && string(k.text) == "authData":
			if seenAuth {
				return errObjectDupKey
			}
			seenAuth = true
			err = o.setAuthData(val)
		default:
			for _, p := range unknown[:nUnknown] {
				if p.isInt == k.isInt && p.n == k.n && string(p.text) == string(k.text) {
					return errObjectDupKey
				}
			}
			unknown[nUnknown] = k
			nUnknown++
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// setAuthData reads the authData value.
func (o *attestationObject) setAuthData(val []byte) error {
	switch {
	case val[0] == 0xf6: // null
		o.AuthData = nil
	case major(val[0]) != majorBytes:
		return errObjectAuthDat
	default:
		_, h := head(val)
		o.AuthData = val[h:]
	}
	return nil
}

// setFmt reads the fmt value.
func (o *attestationObject) setFmt(val []byte) error {
	if val[0] == 0xf6 || val[0] == 0xf7 { // null, undefined
		o.Fmt = nil
		return nil
	}
	if major(val[0]) != majorText {
		return errObjectFmt
	}
	_, h := head(val)
	text := val[h:]
	if !utf8.Valid(text) {
		return errObjectUTF8
	}
	for i := range formatNames {
		if string(text) == formatNames[i] {
			o.Fmt = &formatNames[i]
			return nil
		}
	}
	s := string(text)
	o.Fmt = &s
	return nil
}

// mapKey reads the key at b, a well-formed item: a text string (its bytes,
// never nil) or an integer in the int64 range. It returns a zero length for
// any other key.
func mapKey(b []byte) (objectKey, int) {
	arg, h := head(b)
	switch major(b[0]) {
	case majorText:
		return objectKey{text: b[h : h+int(arg) : h+int(arg)]}, h + int(arg)
	case majorUint:
		if arg <= 1<<63-1 {
			return objectKey{isInt: true, n: int64(arg)}, h
		}
	case majorNeg:
		if arg <= 1<<63-1 {
			return objectKey{isInt: true, n: -1 - int64(arg)}, h
		}
	}
	return objectKey{}, 0
}
