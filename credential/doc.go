// Package credential parses authenticator data and holds the stored
// credential record.
//
// Most users never call it directly: the attestation and assertion packages
// parse authenticator data for their ceremonies, and the stores persist
// [Record] values. It is the place to look for what a stored credential
// holds and how it is encoded.
//
// # Authenticator data
//
// [ParseAuthenticatorData] implements #sctn-authenticator-data and
// #sctn-attested-credential-data strictly: every length is checked, nothing
// may follow the last part, the credential public key's length is what the
// CBOR walker consumed (never a re-encoding), and the extensions are exactly
// one CBOR map with text keys. It copies nothing: the result's slices point
// into the input. It does not decide whether attested credential data must
// be present; the ceremonies do (registration: missing-credential-data,
// assertion: malformed-authenticator-data). Every failure is an
// [*errcode.Error] with code malformed-authenticator-data whose Check names
// the spec section. [AuthenticatorData.MarshalBinary] writes the fields
// back, byte for byte, for tests and fuzzing.
//
// # Records
//
// A [Record] is the credential record of #credential-record plus the
// library's additions (AAGUID, algorithm, attestation type and trust path,
// credProps, credProtect, AppID, timestamps). It never caches a decoded
// public key; see its documentation.
//
// A record has two encodings, both versioned (version 1) and both built
// from one field table, so a field has the same name in each:
//
//	CBOR key  JSON name                 type
//	0         v                         version, always 1 (required)
//	1         id                        bytes, 1 to 1023 (required)
//	2         publicKey                 bytes, the COSE_Key verbatim (required)
//	3         alg                       integer, COSE algorithm, non-zero (required)
//	4         signCount                 unsigned 32-bit integer
//	5         uvInitialized             boolean
//	6         backupEligible            tri-state
//	7         backupState               boolean
//	8         transports                array of text (at most 64)
//	9         aaguid                    16 bytes (JSON: dashed lower-case UUID)
//	10        rpId                      text
//	11        attestationFormat         text
//	12        attestationType           text
//	13        trustPath                 array of bytes, DER, leaf first (at most 64)
//	14        discoverable              tri-state
//	15        credProtect               unsigned integer, 0 to 255
//	16        appId                     text
//	17        authenticatorAttachment   text
//	18        userHandle                bytes
//	19        name                      text
//	20        createdAt                 time
//	21        lastUsedAt                time
//
// JSON ([Record.MarshalJSON]): one object, "v" first and the rest in table
// order; bytes are base64url without padding; times are RFC 3339 strings in
// UTC; a tri-state is true or false, and Unknown is absent (null is read as
// Unknown too).
//
// CBOR ([Record.MarshalBinary]): one map with the small integer keys above,
// in core deterministic encoding (RFC 8949 §4.2.1); times are Unix
// nanoseconds (so 1678 to 2262); a tri-state is true or false, and Unknown
// is absent.
//
// In both, zero values are omitted, so equal records encode to equal bytes.
// Decoding is strict: duplicate members, unknown fields, wrong types and
// trailing data are errors wrapping [ErrMalformedRecord]. Unknown fields are
// refused rather than skipped because a store that reads a record, updates
// its counter and writes it back would otherwise drop data it did not
// understand. A record from a newer library version is a [*VersionError].
// New fields take new numbers and names in a new version; numbers are never
// reused.
package credential
