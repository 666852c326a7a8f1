package credential

import (
	"math"
	"slices"
	"time"

	"github.com/gopasskey/passkey/cose"
)

// RecordVersion is the version of the [Record] encodings this library
// writes, and the newest it reads.
const RecordVersion = 1

// Record is a stored credential: the credential record of #credential-record
// (#reg-ceremony-create-credential-record), plus what this library keeps
// for policy, revocation and user interfaces.
//
// A Record holds data only. It never caches the decoded public key: records
// are shared values that concurrent logins read, and a cache inside them
// would be a data race or a lock on every login. Decode PublicKey with
// package cose where you verify, and keep any cache outside the record.
//
// Byte slices and string slices are owned by the record; [Record.Clone]
// copies them all. Nil and empty slices mean the same ("none") and decode as
// nil. Times are kept to the nanosecond, in UTC: the encodings do not keep a
// location or a monotonic clock reading.
//
// The two encodings, JSON ([Record.MarshalJSON]) and CBOR
// ([Record.MarshalBinary]), carry every field and the version; see the
// package documentation for their layout. Both accept the same records:
// ID of 1 to 1023 bytes, a non-empty PublicKey and a non-zero Alg are
// required; Transports and TrustPath hold at most 64 entries and no empty
// certificate; strings are UTF-8; tri-states are one of the three values;
// times are zero or between the years 1678 and 2262.
type Record struct {
	// ID is the credential ID (rawId), 1 to 1023 bytes. Required.
	ID []byte
	// PublicKey is the COSE_Key bytes exactly as the authenticator sent
	// them in the attested credential data, never re-encoded. Required.
	PublicKey []byte
	// Alg is the key's COSE algorithm; it must be non-zero (0 is reserved).
	Alg cose.Algorithm
	// SignCount is the last signature counter seen; 0 for authenticators
	// without a counter.
	SignCount uint32
	// UVInitialized is the record's uvInitialized: whether UV was set at
	// registration or later initialised (#authn-ceremony-update-credential-record).
	// While false, a UV flag must not count as an authentication factor.
	UVInitialized bool
	// BackupEligible is BE as seen at registration. It never changes for a
	// credential, so an assertion with a different BE is rejected; Unknown
	// for imported records, whose assertions then skip that check.
	BackupEligible Tristate
	// BackupState is BS as last seen; it may change between assertions.
	BackupState bool
	// Transports are the authenticator's getTransports() values, unknown
	// strings kept for clients that understand them.
	Transports []string
	// AAGUID is the authenticator model; attested only if AttestationType
	// says an attestation was verified.
	AAGUID AAGUID
	// RPID is the RP ID the credential is scoped to.
	RPID string
	// AttestationFormat is the statement format ("none", "packed", "tpm", ...).
	AttestationFormat string
	// AttestationType is the verified type: "none", "self", "basic",
	// "attca" or "anonca".
	AttestationType string
	// TrustPath is the attestation certificate chain as sent (DER, leaf
	// first), kept so that a later revocation of an intermediate CA can find
	// the credentials it attested (#sctn-revoked-attestation-certificates).
	TrustPath [][]byte
	// Discoverable is the credProps rk output: True for a discoverable
	// credential (passkey), False for a server-side one, Unknown when the
	// client did not say. Use it for user interfaces, not for security.
	Discoverable Tristate
	// CredProtect is the signed credProtect level (1 to 3), 0 when unknown.
	CredProtect uint8
	// AppID is the FIDO AppID of a credential migrated from U2F; its
	// assertions may carry SHA-256 of the AppID as rpIdHash (#sctn-appid-extension).
	AppID string
	// AuthenticatorAttachment is "platform" or "cross-platform" as the
	// client reported it at registration, if it did.
	AuthenticatorAttachment string
	// UserHandle is the user.id the credential was created for.
	UserHandle []byte
	// Name is a label for the user ("YubiKey 5C", "Ada's phone").
	Name string
	// CreatedAt is when the credential was registered.
	CreatedAt time.Time
	// LastUsedAt is when the credential last produced a valid assertion.
	LastUsedAt time.Time
}

// Clone returns a deep copy of r, sharing no memory with it, so that a store
// can hand out records without callers changing its own. Clone(nil) is nil.
//
// The byte slices of the copy share one new array, each capped at its own
// length, so that an append to one reallocates instead of writing into the
// next: a store clones a record on every read and every write, and one
// array in place of one per field is about half the allocations.
func (r *Record) Clone() *Record {
	if r == nil {
		return nil
	}
	c := *r
	n := len(r.ID) + len(r.PublicKey) + len(r.UserHandle)
	for _, cert := range r.TrustPath {
		n += len(cert)
	}
	buf := make([]byte, n)
	c.ID = cloneInto(&buf, r.ID)
	c.PublicKey = cloneInto(&buf, r.PublicKey)
	c.UserHandle = cloneInto(&buf, r.UserHandle)
	c.Transports = slices.Clone(r.Transports)
	if r.TrustPath != nil {
		c.TrustPath = make([][]byte, len(r.TrustPath))
		for i, cert := range r.TrustPath {
			c.TrustPath[i] = cloneInto(&buf, cert)
		}
	}
	return &c
}

// cloneInto copies s to the front of *buf and advances *buf past it. Like
// slices.Clone it keeps nil nil and an empty slice empty but not nil (buf is
// never nil: make returns a non-nil slice even of length 0).
func cloneInto(buf *[]byte, s []byte) []byte {
	if s == nil {
		return nil
	}
	out := (*buf)[:len(s):len(s)]
	copy(out, s)
	*buf = (*buf)[len(s):]
	return out
}

// Limits both encodings enforce, so that whatever one accepts the other can
// carry: the CBOR decoder accepts at most 64 array elements.
const maxListLen = 64

// The times both encodings can carry: the CBOR form is Unix nanoseconds in
// an int64 (the years 1678 to 2262).
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// validate reports the first reason r cannot be encoded, or was not a
// valid decoding. Both encodings call it, so that they accept the same
// records.
func (r *Record) validate() error {
	for i := range recordFields {
		f := &recordFields[i]
		if err := f.validate(r); err != nil {
			return err
		}
	}
	return nil
}
