package migrate

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/origin"
)

// maxUserHandleLen is the longest user handle (#dom-publickeycredentialuserentity-id).
const maxUserHandleLen = 64

// u2fPointLen is an uncompressed P-256 point, 0x04 ‖ x ‖ y: the key format
// of the U2F raw messages, which credentials registered through the U2F
// JavaScript API carry instead of a COSE_Key.
const u2fPointLen = 65

// finish completes rec, whose fields the importer filled from the source
// data: it checks the RP ID, the ID and the public key, sets Alg from the
// key, applies o and checks that the record can be stored.
func finish(rec *credential.Record, rpID string, o options) (*credential.Record, error) {
	// The RP ID is checked as the relying party will use it: a domain
	// that an https origin on it may claim. A bad one is the caller's
	// mistake, not the data's: the *errcode.ConfigError says so.
	if _, err := origin.NewSet(rpID, []string{"https://" + rpID}); err != nil {
		return nil, err
	}
	rec.RPID = rpID

	switch {
	case len(rec.ID) == 0:
		return nil, malformed("id", "missing or empty")
	case len(rec.ID) > credential.MaxCredentialIDLen:
		return nil, malformed("id", "longer than 1023 bytes")
	}

	if len(rec.PublicKey) == 0 {
		return nil, malformed("publicKey", "missing or empty")
	}
	if len(rec.PublicKey) == u2fPointLen && rec.PublicKey[0] == 4 {
		// Not CBOR for a map (0x04 would be the integer 4): a raw point
		// has no COSE bytes to keep, so it gets the canonical encoding.
		converted, err := coseFromU2FPoint(rec.PublicKey)
		if err != nil {
			return nil, malformedWrap("publicKey", err)
		}
		rec.PublicKey = converted
	}
	key, err := cose.ParseKey(rec.PublicKey)
	if err != nil {
		return nil, malformedWrap("publicKey", err)
	}
	rec.Alg = key.Algorithm()

	if o.userHandle != nil {
		if rec.UserHandle != nil && !bytes.Equal(rec.UserHandle, o.userHandle) {
			return nil, malformed("userHandle", "differs from the one WithUserHandle gave")
		}
		rec.UserHandle = o.userHandle
	}
	if len(rec.UserHandle) > maxUserHandleLen || (rec.UserHandle != nil && len(rec.UserHandle) == 0) {
		return nil, malformed("userHandle", "not 1 to 64 bytes")
	}
	if o.beUnknown {
		rec.BackupEligible = credential.Unknown
	}
	if rec.BackupEligible == credential.False && rec.BackupState {
		// #sctn-credential-backup: BS may be set only with BE.
		return nil, malformed("backupState", "backed up but not backup eligible")
	}
	if o.uvInitialized != nil {
		rec.UVInitialized = *o.uvInitialized
	}
	if o.appID != "" {
		rec.AppID = o.appID
	}
	if o.name != "" {
		rec.Name = o.name
	}

	// The record encodings accept exactly the records a store can keep;
	// refusing here beats a failure at the first write.
	if _, err := rec.MarshalBinary(); err != nil {
		return nil, malformedWrap("record", err)
	}
	return rec, nil
}

// coseFromU2FPoint encodes an uncompressed P-256 point as an ES256
// COSE_Key; ParseUncompressedPublicKey refuses a point off the curve.
func coseFromU2FPoint(point []byte) ([]byte, error) {
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, err
	}
	return cose.Marshal(pub, cose.ES256)
}
