package credential

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/gopasskey/passkey/cose"
)

// The version member comes first in both encodings: CBOR key 0, JSON "v".
const (
	versionNum  = 0
	versionName = "v"
)

// recordField is one field of the version-1 record encodings. The CBOR key
// and the JSON member name live side by side in this one table, which both
// encodings walk in order, so they cannot drift apart. Numbers are never
// reused: a field that is retired keeps its number, unused.
type recordField struct {
	// num is the CBOR map key (0 to 23 encode in one byte).
	num uint64
	// name is the JSON member name.
	name string
	// required fields must be present and non-zero.
	required bool
	// maxLen bounds a byte string (0: no bound beyond the input's).
	maxLen int
	// at returns a pointer to the field in r; the codecs switch on its type.
	at func(r *Record) any
}

// recordFields is the version-1 layout, in key order. It is built once and
// never changed.
var recordFields = [...]recordField{
	{num: 1, name: "id", required: true, maxLen: MaxCredentialIDLen, at: func(r *Record) any { return &r.ID }},
	{num: 2, name: "publicKey", required: true, at: func(r *Record) any { return &r.PublicKey }},
	{num: 3, name: "alg", required: true, at: func(r *Record) any { return &r.Alg }},
	{num: 4, name: "signCount", at: func(r *Record) any { return &r.SignCount }},
	{num: 5, name: "uvInitialized", at: func(r *Record) any { return &r.UVInitialized }},
	{num: 6, name: "backupEligible", at: func(r *Record) any { return &r.BackupEligible }},
	{num: 7, name: "backupState", at: func(r *Record) any { return &r.BackupState }},
	{num: 8, name: "transports", at: func(r *Record) any { return &r.Transports }},
	{num: 9, name: "aaguid", at: func(r *Record) any { return &r.AAGUID }},
	{num: 10, name: "rpId", at: func(r *Record) any { return &r.RPID }},
	{num: 11, name: "attestationFormat", at: func(r *Record) any { return &r.AttestationFormat }},
	{num: 12, name: "attestationType", at: func(r *Record) any { return &r.AttestationType }},
	{num: 13, name: "trustPath", at: func(r *Record) any { return &r.TrustPath }},
	{num: 14, name: "discoverable", at: func(r *Record) any { return &r.Discoverable }},
	{num: 15, name: "credProtect", at: func(r *Record) any { return &r.CredProtect }},
	{num: 16, name: "appId", at: func(r *Record) any { return &r.AppID }},
	{num: 17, name: "authenticatorAttachment", at: func(r *Record) any { return &r.AuthenticatorAttachment }},
	{num: 18, name: "userHandle", at: func(r *Record) any { return &r.UserHandle }},
	{num: 19, name: "name", at: func(r *Record) any { return &r.Name }},
	{num: 20, name: "createdAt", at: func(r *Record) any { return &r.CreatedAt }},
	{num: 21, name: "lastUsedAt", at: func(r *Record) any { return &r.LastUsedAt }},
}

// isZero reports whether the field holds its zero value, which both
// encodings omit.
func (f *recordField) isZero(r *Record) bool {
	switch p := f.at(r).(type) {
	case *[]byte:
		return len(*p) == 0
	case *string:
		return *p == ""
	case *cose.Algorithm:
		return *p == 0
	case *uint32:
		return *p == 0
	case *uint8:
		return *p == 0
	case *bool:
		return !*p
	case *Tristate:
		return *p == Unknown
	case *[]string:
		return len(*p) == 0
	case *[][]byte:
		return len(*p) == 0
	case *AAGUID:
		return p.IsZero()
	case *time.Time:
		return p.IsZero()
	}
	return false // a field without a codec: the encoders report it
}

// validate reports why the field's value cannot be carried by the
// encodings (both accept the same values).
func (f *recordField) validate(r *Record) error {
	if f.required && f.isZero(r) {
		return malformedRecord(f.name, "is required")
	}
	switch p := f.at(r).(type) {
	case *[]byte:
		if f.maxLen > 0 && len(*p) > f.maxLen {
			return malformedRecord(f.name, fmt.Sprintf("is %d bytes, more than %d", len(*p), f.maxLen))
		}
	case *string:
		if !utf8.ValidString(*p) {
			return malformedRecord(f.name, "is not UTF-8")
		}
	case *Tristate:
		if !p.valid() {
			return malformedRecord(f.name, "is not a Tristate value: "+p.String())
		}
	case *[]string:
		if len(*p) > maxListLen {
			return malformedRecord(f.name, fmt.Sprintf("has more than %d entries", maxListLen))
		}
		for _, s := range *p {
			if !utf8.ValidString(s) {
				return malformedRecord(f.name, "holds a string that is not UTF-8")
			}
		}
	case *[][]byte:
		if len(*p) > maxListLen {
			return malformedRecord(f.name, fmt.Sprintf("has more than %d entries", maxListLen))
		}
		for _, b := range *p {
			if len(b) == 0 {
				return malformedRecord(f.name, "holds an empty entry")
			}
		}
	case *time.Time:
		if !p.IsZero() && (p.Before(minTime) || p.After(maxTime)) {
			return malformedRecord(f.name, "is outside the years 1678 to 2262")
		}
	}
	return nil
}
