package attestation

import (
	"strconv"
	"unicode/utf8"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// checkCompound is the anchor of the compound format.
const checkCompound = "sctn-compound-attestation"

// maxCompound caps the statements of a compound statement. The spec sets
// no upper bound; each statement may cost certificate parsing and several
// signature checks, and no authenticator is known to send more than two.
const maxCompound = 3

// compoundPart is one statement of a compound attStmt: its fmt and its
// attStmt, still undecoded.
type compoundPart struct {
	fmt string
	raw []byte
}

// verifyCompound runs the compound format's procedure
// (#sctn-compound-attestation): attStmt is an array of 2 to maxCompound
// statements {fmt, attStmt}, none of them compound, and every one must
// verify, with the same authenticator data and clientDataHash, by its own
// format's procedure. The verdict holds each statement's verdict; the trust
// step assesses each one and the weakest decides (see Result).
//
// An array of the wrong shape is attestation-invalid; a statement of a
// format the library does not implement is unsupported-attestation-format,
// as it would be on its own. A failing statement's error is returned as its
// own format reports it.
func verifyCompound(s *statement) (verdict, error) {
	parts, err := parseCompound(s.raw)
	if err != nil {
		return verdict{}, err
	}
	subs := make([]subVerdict, len(parts))
	for i, p := range parts {
		verify, ok := lookupFormat(p.fmt)
		if !ok {
			return verdict{}, errcode.Mismatch(errcode.ErrUnsupportedAttestationFormat, checkCompound,
				"attStmt["+strconv.Itoa(i)+"] has an unsupported attestation statement format",
				"a supported format", printable(p.fmt))
		}
		sub := *s
		sub.raw = p.raw
		v, err := verify(&sub)
		if err != nil {
			return verdict{}, errcode.Wrap(errcode.ErrAttestationInvalid, checkCompound,
				"attStmt["+strconv.Itoa(i)+"] ("+p.fmt+")", err)
		}
		subs[i] = subVerdict{format: p.fmt, verdict: v}
	}
	return verdict{subs: subs}, nil
}

// parseCompound checks the shape of a compound attStmt, CBOR
// [2* {fmt: text, attStmt: any}], and returns its statements. Each map must
// hold exactly fmt and attStmt; the shape of an inner attStmt is its own
// format's business. A fmt of "compound" is refused: statements do not nest.
func parseCompound(raw []byte) ([]compoundPart, error) {
	n, err := cbor.ItemLen(raw)
	if err != nil {
		return nil, errcode.Wrap(errcode.ErrMalformedAttestationObject, checkCompound, "attStmt is not well-formed CBOR", err)
	}
	if n != len(raw) {
		return nil, errcode.Mismatch(errcode.ErrMalformedAttestationObject, checkCompound, "attStmt is followed by trailing bytes",
			"one CBOR item", strconv.Itoa(len(raw)-n)+" more bytes")
	}
	if major(raw[0]) != majorArray {
		return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, "attStmt is not an array",
			"an array of statements", majorNames[major(raw[0])])
	}
	count, off := head(raw)
	switch {
	case count < 2:
		return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound,
			"a compound statement holds fewer than two statements", "2 to "+strconv.Itoa(maxCompound), strconv.FormatUint(count, 10))
	case count > maxCompound:
		return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound,
			"a compound statement holds more statements than the library verifies", "2 to "+strconv.Itoa(maxCompound), strconv.FormatUint(count, 10))
	}
	parts := make([]compoundPart, count)
	for i := range parts {
		// cbor.ItemLen cannot fail: raw as a whole is well-formed.
		elen, _ := cbor.ItemLen(raw[off:])
		p, err := parseCompoundPart(raw[off:off+elen], "attStmt["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		parts[i] = p
		off += elen
	}
	return parts, nil
}

// parseCompoundPart reads one {fmt, attStmt} map of a well-formed array.
func parseCompoundPart(raw []byte, which string) (compoundPart, error) {
	var p compoundPart
	if major(raw[0]) != majorMap {
		return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, which+" is not a map",
			"a map {fmt, attStmt}", majorNames[major(raw[0])])
	}
	count, off := head(raw)
	var hasFmt bool
	for range count {
		if major(raw[off]) != majorText {
			return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, which+" has a key that is not a text string",
				"a text string", majorNames[major(raw[off])])
		}
		klen, h := head(raw[off:])
		key := string(raw[off+h : off+h+int(klen)])
		off += h + int(klen)
		vlen, _ := cbor.ItemLen(raw[off:])
		val := raw[off : off+vlen]
		off += vlen
		switch key {
		case "fmt":
			if hasFmt {
				return p, errcode.Mismatch(errcode.ErrMalformedAttestationObject, checkCompound, which+" has a duplicate key",
					"one fmt", "two or more")
			}
			hasFmt = true
			if major(val[0]) != majorText {
				return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, which+" fmt has the wrong type",
					"a text string", majorNames[major(val[0])])
			}
			n, h := head(val)
			f := val[h : h+int(n)]
			if !utf8.Valid(f) {
				return p, errcode.New(errcode.ErrMalformedAttestationObject, checkCompound, which+" fmt is not valid UTF-8")
			}
			p.fmt = string(f)
		case "attStmt":
			if p.raw != nil {
				return p, errcode.Mismatch(errcode.ErrMalformedAttestationObject, checkCompound, which+" has a duplicate key",
					"one attStmt", "two or more")
			}
			p.raw = val
		default:
			if !utf8.ValidString(key) {
				return p, errcode.New(errcode.ErrMalformedAttestationObject, checkCompound, which+" has a key that is not valid UTF-8")
			}
			return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, which+" has a member other than fmt and attStmt",
				"only fmt, attStmt", printable(key))
		}
	}
	switch {
	case !hasFmt:
		return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, which+" lacks fmt", "fmt", "nothing")
	case p.raw == nil:
		return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound, which+" lacks attStmt", "attStmt", "nothing")
	case p.fmt == "compound":
		return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkCompound,
			which+" is itself compound: compound statements do not nest", "another format", "compound")
	}
	return p, nil
}
