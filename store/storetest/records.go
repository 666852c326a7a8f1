package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
)

// Credential IDs and user handles are arbitrary bytes: the prefixes put a
// NUL and bytes that are not UTF-8 in every one, so that a store that keeps
// them as C strings or text fails the round trip.
const (
	idPrefix   = "\x00\xff\x80"
	userPrefix = "\xfe\x00\xc3"
)

// credID returns a credential ID made from label.
func credID(label string) []byte { return []byte(idPrefix + label) }

// userHandle returns a user handle made from label.
func userHandle(label string) []byte { return []byte(userPrefix + label) }

// The fixture times carry nanoseconds, and the creation time a location
// other than UTC, because a record keeps time to the nanosecond and a store
// compares instants, not representations. They are never written.
var (
	fixtureCreated  = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("UTC+05:30", 5*3600+30*60))
	fixtureLastUsed = time.Date(2025, 1, 2, 3, 4, 5, 987654321, time.UTC)
)

// fullRecord returns a record with every field set to a non-zero value
// (checked by checkFullRecord), valid for the record encodings so that a
// store that keeps the encoded form accepts it.
func fullRecord(id, user []byte) *credential.Record {
	return &credential.Record{
		ID: slices.Clone(id),
		// A COSE_Key prefix is enough: stores keep the bytes, never parse them.
		PublicKey:               []byte{0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, 0x00, 0xff},
		Alg:                     cose.ES256,
		SignCount:               42,
		UVInitialized:           true,
		BackupEligible:          credential.True,
		BackupState:             true,
		Transports:              []string{"internal", "hybrid", "some-future-transport"},
		AAGUID:                  credential.AAGUID{0xad, 0xce, 0x00, 0x02, 0x35, 0xbc, 0xc6, 0x0a, 0x64, 0x8b, 0x0b, 0x25, 0xf1, 0xf0, 0x55, 0x03},
		RPID:                    "example.com",
		AttestationFormat:       "packed",
		AttestationType:         "basic",
		TrustPath:               [][]byte{{0x30, 0x82, 0x01, 0x00, 0xaa}, {0x30, 0x82, 0x02, 0x00, 0xbb}},
		Discoverable:            credential.False,
		CredProtect:             2,
		AppID:                   "https://example.com/appid.json",
		AuthenticatorAttachment: "cross-platform",
		UserHandle:              slices.Clone(user),
		Name:                    "YubiKey 5C ✓",
		CreatedAt:               fixtureCreated,
		LastUsedAt:              fixtureLastUsed,
	}
}

// minimalRecord returns a record with only the required fields, a user and
// a creation time: every optional field is zero, and must come back zero.
func minimalRecord(id, user []byte) *credential.Record {
	return &credential.Record{
		ID:         slices.Clone(id),
		PublicKey:  []byte{0xa4, 0x01, 0x01, 0x03, 0x27},
		Alg:        cose.EdDSA,
		UserHandle: slices.Clone(user),
		CreatedAt:  fixtureCreated,
	}
}

// checkFullRecord reports the fields of rec that hold their zero value. The
// suite calls it on fullRecord, so that a field added to credential.Record
// fails the suite until the fixture sets it, rather than going untested.
func checkFullRecord(rec *credential.Record) []string {
	v := reflect.ValueOf(rec).Elem()
	var zero []string
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			zero = append(zero, v.Type().Field(i).Name)
		}
	}
	return zero
}

// diffRecords describes how got differs from want, one line per field, or
// returns nil if they hold the same values. Times compare as instants, and
// nil and empty slices are equal, as the record documents.
func diffRecords(got, want *credential.Record) []string {
	if got == nil || want == nil {
		if got == want {
			return nil
		}
		return []string{fmt.Sprintf("record is %s, want %s", nilness(got), nilness(want))}
	}
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	var diffs []string
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !fieldEqual(g, w) {
			diffs = append(diffs, fmt.Sprintf("%s = %s, want %s", name, show(g), show(w)))
		}
	}
	return diffs
}

func nilness(rec *credential.Record) string {
	if rec == nil {
		return "nil"
	}
	return "non-nil"
}

// fieldEqual compares two values of one Record field.
func fieldEqual(g, w any) bool {
	switch g := g.(type) {
	case time.Time:
		return g.Equal(w.(time.Time))
	case []byte:
		return bytes.Equal(g, w.([]byte))
	case []string:
		return slices.Equal(g, w.([]string))
	case [][]byte:
		return slices.EqualFunc(g, w.([][]byte), bytes.Equal)
	}
	return reflect.DeepEqual(g, w)
}

// show formats a field value for a failure message.
func show(v any) string {
	switch v := v.(type) {
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case []byte:
		return fmt.Sprintf("%x", v)
	case [][]byte:
		parts := make([]string, len(v))
		for i, b := range v {
			parts[i] = fmt.Sprintf("%x", b)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%v", v)
}

// scribble changes every field of rec, the contents of its slices included,
// as a careless caller might change a record it was given.
func scribble(rec *credential.Record) {
	for _, b := range [][]byte{rec.ID, rec.PublicKey, rec.UserHandle} {
		for i := range b {
			b[i] ^= 0x5a
		}
	}
	for i := range rec.Transports {
		rec.Transports[i] = "scribbled"
	}
	for _, cert := range rec.TrustPath {
		for i := range cert {
			cert[i] ^= 0x5a
		}
	}
	rec.Alg = cose.RS1
	rec.SignCount += 1000
	rec.UVInitialized = !rec.UVInitialized
	rec.BackupEligible = credential.Unknown
	rec.BackupState = !rec.BackupState
	rec.AAGUID[0] ^= 0x5a
	rec.RPID += ".scribbled"
	rec.AttestationFormat += "-scribbled"
	rec.AttestationType += "-scribbled"
	rec.Discoverable = credential.Unknown
	rec.CredProtect++
	rec.AppID += "#scribbled"
	rec.AuthenticatorAttachment += "-scribbled"
	rec.Name += " (scribbled)"
	rec.CreatedAt = rec.CreatedAt.Add(time.Hour)
	rec.LastUsedAt = rec.LastUsedAt.Add(time.Hour)
}

// changedRecord returns a copy of rec with every field but ID, UserHandle
// and CreatedAt changed, as an update could change them: a swap must store
// all of them.
func changedRecord(rec *credential.Record) *credential.Record {
	c := rec.Clone()
	c.PublicKey = append(c.PublicKey, 0x01)
	c.Alg = cose.ES384
	c.SignCount++
	c.UVInitialized = !c.UVInitialized
	c.BackupEligible = credential.False
	c.BackupState = !c.BackupState
	c.Transports = []string{"usb", "nfc"}
	c.AAGUID[15] ^= 0x01
	c.RPID = "login.example.com"
	c.AttestationFormat = "tpm"
	c.AttestationType = "attca"
	c.TrustPath = [][]byte{{0x30, 0x01}}
	c.Discoverable = credential.True
	c.CredProtect = 3
	c.AppID = "https://example.org/appid.json"
	c.AuthenticatorAttachment = "platform"
	c.Name = "changed"
	c.LastUsedAt = c.LastUsedAt.Add(time.Minute + time.Nanosecond)
	return c
}
