package credential

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// checkExtensionOutputs is the spec anchor of extension-output checks.
const checkExtensionOutputs = "reg-ceremony-verify-extension-outputs"

// extensionsLen checks that b starts with one CBOR map whose keys are
// distinct UTF-8 text strings, and returns the map's length.
func extensionsLen(b []byte) (int, error) {
	if major(b[0]) != majorMap {
		return 0, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
			"the extensions are not a CBOR map", "map", majorName(b[0]))
	}
	n, err := cbor.ItemLen(b)
	if err != nil {
		return 0, errcode.Wrap(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
			"the extensions map is not well-formed CBOR", err)
	}
	if err := walkExtensions(b[:n], nil); err != nil {
		return 0, err
	}
	return n, nil
}

// walkExtensions visits the entries of the well-formed map m, checking that
// every key is a distinct UTF-8 text string. visit, if not nil, receives the
// key's text and the value's raw CBOR (both slices of m).
func walkExtensions(m []byte, visit func(key, value []byte)) error {
	pairs, off := headArg(m)
	// cbor.ItemLen bounds pairs by cbor.MaxElements, so this array holds
	// every key without allocating.
	var seen [cbor.MaxElements][]byte
	for i := 0; i < int(pairs); i++ {
		if major(m[off]) != majorText {
			return errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
				"an extensions map key is not a text string", "text string", majorName(m[off]))
		}
		klen, hn := headArg(m[off:])
		key := m[off+hn : off+hn+int(klen)]
		if !utf8.Valid(key) {
			return errcode.New(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
				"an extensions map key is not valid UTF-8")
		}
		for _, k := range seen[:i] {
			if bytes.Equal(k, key) {
				return errcode.New(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
					"the extensions map repeats the key "+strconv.Quote(string(key)))
			}
		}
		seen[i] = key
		off += hn + int(klen)
		vlen, err := cbor.ItemLen(m[off:])
		if err != nil { // unreachable after cbor.ItemLen of the whole map
			return errcode.Wrap(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
				"an extensions map value is not well-formed CBOR", err)
		}
		if visit != nil {
			visit(key, m[off:off+vlen:off+vlen])
		}
		off += vlen
	}
	return nil
}

// ExtensionOutputs maps authenticator extension identifiers to their raw
// CBOR outputs (#sctn-extensions). The values are slices of the
// authenticator data; decode the ones you need and ignore the rest, since
// authenticators add outputs nobody asked for.
type ExtensionOutputs map[string][]byte

// ExtensionOutputs decodes the extensions map on demand. It returns nil and
// no error when Extensions is empty (the ED flag was clear). For authenticator data that
// [ParseAuthenticatorData] returned it cannot fail; for a value built by
// hand it applies the same checks.
func (a *AuthenticatorData) ExtensionOutputs() (ExtensionOutputs, error) {
	if len(a.Extensions) == 0 {
		return nil, nil
	}
	n, err := extensionsLen(a.Extensions)
	if err != nil {
		return nil, err
	}
	if n != len(a.Extensions) {
		return nil, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
			"trailing bytes after the extensions map", "no more bytes", byteCount(len(a.Extensions)-n))
	}
	pairs, _ := headArg(a.Extensions)
	out := make(ExtensionOutputs, pairs)
	// walkExtensions already succeeded inside extensionsLen.
	_ = walkExtensions(a.Extensions, func(key, value []byte) { out[string(key)] = value })
	return out, nil
}

// CredProtect returns the signed credProtect output (CTAP 2.1
// #sctn-credProtect-extension): the level 1, 2 or 3, or 0 when the output is
// absent, which means unknown. Any other value is an extension-invalid
// [*errcode.Error].
func (e ExtensionOutputs) CredProtect() (uint8, error) {
	raw, ok := e["credProtect"]
	if !ok {
		return 0, nil
	}
	var level uint64
	if err := decodeStrict(raw, &level); err != nil {
		return 0, errcode.Wrap(errcode.ErrExtensionInvalid, checkExtensionOutputs,
			"the credProtect output is not an unsigned integer", err)
	}
	if level < 1 || level > 3 {
		return 0, errcode.Mismatch(errcode.ErrExtensionInvalid, checkExtensionOutputs,
			"the credProtect output is out of range", "1 to 3", strconv.FormatUint(level, 10))
	}
	return uint8(level), nil
}
