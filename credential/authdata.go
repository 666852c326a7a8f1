package credential

import (
	"encoding/binary"
	"strconv"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// The spec anchors that authenticator data failures name as their Check.
const (
	checkAuthenticatorData = "sctn-authenticator-data"
	checkAttestedCredData  = "sctn-attested-credential-data"
)

// Layout sizes of #sctn-authenticator-data and #sctn-attested-credential-data.
const (
	rpIDHashLen = 32
	// MinAuthenticatorDataLen is rpIdHash (32) ‖ flags (1) ‖ signCount (4):
	// the size of every assertion's authenticator data without extensions.
	MinAuthenticatorDataLen = 37
	aaguidLen               = 16
	credIDLenLen            = 2
	// MaxCredentialIDLen is the longest credential ID accepted, from
	// #sctn-attested-credential-data (credentialIdLength ≤ 1023).
	MaxCredentialIDLen = 1023
)

// AttestedCredentialData is the credential a registration created
// (#sctn-attested-credential-data). Its slices point into the parsed input.
type AttestedCredentialData struct {
	// AAGUID identifies the authenticator model; see [AAGUID] for when it
	// can be believed.
	AAGUID AAGUID
	// CredentialID is the credential ID, 1 to 1023 bytes.
	CredentialID []byte
	// PublicKey is the COSE_Key exactly as the authenticator sent it. Only
	// its CBOR framing has been checked: package cose decodes and validates
	// it. Store these bytes, never a re-encoding.
	PublicKey []byte
}

// AuthenticatorData is parsed authenticator data (#sctn-authenticator-data).
//
// Parsing copies nothing: every slice points into Raw, which is the caller's
// input. Keep the input unchanged for as long as the value is used, and copy
// what must outlive it (a [Record] built from it should own its bytes). The
// slices are capped at their own length, so appending to one never writes
// into the bytes after it.
type AuthenticatorData struct {
	// Raw is the whole input: the bytes a signature covers.
	Raw []byte
	// RPIDHash is SHA-256 of the RP ID (or of the AppID for U2F-migrated
	// assertions), 32 bytes.
	RPIDHash []byte
	// Flags is the flags byte, RFU bits included.
	Flags Flags
	// SignCount is the signature counter; 0 from authenticators without one.
	SignCount uint32
	// AttestedCredentialData is set only when Flags has AT; otherwise it is
	// the zero value.
	AttestedCredentialData AttestedCredentialData
	// Extensions is the raw CBOR extensions map, nil unless Flags has ED.
	// Decode it with [AuthenticatorData.ExtensionOutputs].
	Extensions []byte
}

// ParseAuthenticatorData parses data strictly. Every layout error is an
// [*errcode.Error] with code malformed-authenticator-data:
//
//   - fewer than 37 bytes;
//   - AT set: a truncated AAGUID or credentialIdLength, a credentialIdLength
//     of 0 or above 1023, a truncated credential ID, or a credential public key
//     that is missing, truncated, not well-formed CBOR within the limits of
//     package internal/cbor, or not a CBOR map;
//   - ED set: nothing after the credential data, or anything but exactly one
//     CBOR map with distinct text-string keys (an empty map is accepted);
//   - ED clear: any byte after the credential data (or after byte 37 when AT
//     is clear).
//
// The RFU flag bits are ignored. Whether AT must be set (registration) or
// must not be (assertion) is the ceremony's decision, not this function's:
// check Flags.HasAttestedCredentialData. The contents of the public key are
// not examined here, so the spec's check order decides which error comes
// first.
func ParseAuthenticatorData(data []byte) (AuthenticatorData, error) {
	if len(data) < MinAuthenticatorDataLen {
		return AuthenticatorData{}, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
			"authenticator data is too short",
			"at least "+strconv.Itoa(MinAuthenticatorDataLen)+" bytes", byteCount(len(data)))
	}
	a := AuthenticatorData{
		Raw:       data[:len(data):len(data)],
		RPIDHash:  data[:rpIDHashLen:rpIDHashLen],
		Flags:     Flags(data[rpIDHashLen]),
		SignCount: binary.BigEndian.Uint32(data[rpIDHashLen+1 : MinAuthenticatorDataLen]),
	}
	off := MinAuthenticatorDataLen
	if a.Flags.HasAttestedCredentialData() {
		var err error
		if off, err = parseAttestedCredentialData(data, off, &a.AttestedCredentialData); err != nil {
			return AuthenticatorData{}, err
		}
	}
	if a.Flags.HasExtensions() {
		if off == len(data) {
			return AuthenticatorData{}, errcode.New(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
				"the ED flag is set but no extensions follow")
		}
		n, err := extensionsLen(data[off:])
		if err != nil {
			return AuthenticatorData{}, err
		}
		a.Extensions = data[off : off+n : off+n]
		off += n
	}
	if off != len(data) {
		return AuthenticatorData{}, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAuthenticatorData,
			"trailing bytes after "+lastPart(a.Flags), "no more bytes", byteCount(len(data)-off))
	}
	return a, nil
}

// parseAttestedCredentialData reads the attested credential data at
// data[off:] into acd and returns the offset just after it.
func parseAttestedCredentialData(data []byte, off int, acd *AttestedCredentialData) (int, error) {
	if len(data)-off < aaguidLen+credIDLenLen {
		return 0, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAttestedCredData,
			"attested credential data is truncated before the credential ID",
			"at least "+strconv.Itoa(aaguidLen+credIDLenLen)+" bytes", byteCount(len(data)-off))
	}
	var id AttestedCredentialData
	copy(id.AAGUID[:], data[off:off+aaguidLen])
	off += aaguidLen
	idLen := int(binary.BigEndian.Uint16(data[off : off+credIDLenLen]))
	off += credIDLenLen
	if idLen == 0 || idLen > MaxCredentialIDLen {
		return 0, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAttestedCredData,
			"credentialIdLength is out of range", "1 to "+strconv.Itoa(MaxCredentialIDLen), strconv.Itoa(idLen))
	}
	if len(data)-off < idLen {
		return 0, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAttestedCredData,
			"the credential ID is truncated", byteCount(idLen), byteCount(len(data)-off))
	}
	id.CredentialID = data[off : off+idLen : off+idLen]
	off += idLen
	if off == len(data) {
		return 0, errcode.New(errcode.ErrMalformedAuthenticatorData, checkAttestedCredData,
			"the credential public key is missing")
	}
	// Only the framing is checked: the key's length is what the CBOR walker
	// consumed, never the length of a re-encoding.
	if major(data[off]) != majorMap {
		return 0, errcode.Mismatch(errcode.ErrMalformedAuthenticatorData, checkAttestedCredData,
			"the credential public key is not a CBOR map", "map", majorName(data[off]))
	}
	n, err := cbor.ItemLen(data[off:])
	if err != nil {
		return 0, errcode.Wrap(errcode.ErrMalformedAuthenticatorData, checkAttestedCredData,
			"the credential public key is not well-formed CBOR", err)
	}
	id.PublicKey = data[off : off+n : off+n]
	*acd = id
	return off + n, nil
}

// lastPart names what precedes trailing bytes, for the error message.
func lastPart(f Flags) string {
	switch {
	case f.HasExtensions():
		return "the extensions map"
	case f.HasAttestedCredentialData():
		return "the credential public key (ED flag clear)"
	default:
		return "the signature counter (AT and ED flags clear)"
	}
}

func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}
