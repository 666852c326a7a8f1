package migrate

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/internal/b64"
)

// SimpleWebAuthnCredential is what SimpleWebAuthn's guide stores for each
// passkey (its WebAuthnCredential and Passkey types).
type SimpleWebAuthnCredential struct {
	// ID is the credential ID as base64url, as SimpleWebAuthn keeps it.
	ID string
	// PublicKey is the COSE_Key bytes (the Uint8Array
	// verifyRegistrationResponse returned as credential.publicKey).
	PublicKey []byte
	// Counter is the signature counter.
	Counter uint32
	// Transports are the authenticator's transports.
	Transports []string
	// DeviceType is "singleDevice" (BE clear), "multiDevice" (BE set), or ""
	// when it was not stored (BE then imports as unknown).
	DeviceType string
	// BackedUp is the backup state (BS).
	BackedUp bool
	// WebAuthnUserID is the user handle as base64url (the guide's
	// webauthnUserID), or "".
	WebAuthnUserID string
}

// UnmarshalJSON reads a stored credential as JSON: the members of the
// guide's Passkey type (id, publicKey, counter, transports, deviceType,
// backedUp, webauthnUserID) or those of SimpleWebAuthn before version 10
// (credentialID, credentialPublicKey, counter, transports,
// credentialDeviceType, credentialBackedUp). Byte members may be base64 or
// base64url strings, arrays of numbers, a Uint8Array through
// JSON.stringify ({"0":165,...}), a Node.js Buffer ({"type":"Buffer",
// "data":[...]}) or PostgreSQL's "\x…" hexadecimal. Other members, such as
// the user, are ignored.
func (c *SimpleWebAuthnCredential) UnmarshalJSON(data []byte) error {
	var v struct {
		ID                   *json.RawMessage `json:"id"`
		CredentialID         *json.RawMessage `json:"credentialID"`
		PublicKey            *json.RawMessage `json:"publicKey"`
		CredentialPublicKey  *json.RawMessage `json:"credentialPublicKey"`
		Counter              uint32           `json:"counter"`
		Transports           []string         `json:"transports"`
		DeviceType           *string          `json:"deviceType"`
		CredentialDeviceType *string          `json:"credentialDeviceType"`
		BackedUp             *bool            `json:"backedUp"`
		CredentialBackedUp   *bool            `json:"credentialBackedUp"`
		WebAuthnUserID       string           `json:"webauthnUserID"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	idName, idRaw, err := either("id", v.ID, "credentialID", v.CredentialID)
	if err != nil {
		return err
	}
	keyName, keyRaw, err := either("publicKey", v.PublicKey, "credentialPublicKey", v.CredentialPublicKey)
	if err != nil {
		return err
	}
	_, deviceType, err := either("deviceType", v.DeviceType, "credentialDeviceType", v.CredentialDeviceType)
	if err != nil {
		return err
	}
	_, backedUp, err := either("backedUp", v.BackedUp, "credentialBackedUp", v.CredentialBackedUp)
	if err != nil {
		return err
	}

	out := SimpleWebAuthnCredential{
		Counter:        v.Counter,
		Transports:     v.Transports,
		WebAuthnUserID: v.WebAuthnUserID,
	}
	// SimpleWebAuthn 10 and later store the ID as a base64url string,
	// earlier versions as bytes; either becomes the base64url string.
	var s string
	if json.Unmarshal(raw(idRaw), &s) == nil {
		out.ID = s
	} else {
		id, err := decodeBytes(idName, raw(idRaw))
		if err != nil {
			return err
		}
		out.ID = b64.Encode(id)
	}
	if out.PublicKey, err = decodeBytes(keyName, raw(keyRaw)); err != nil {
		return err
	}
	if deviceType != nil {
		out.DeviceType = *deviceType
	}
	if backedUp != nil {
		out.BackedUp = *backedUp
	}
	*c = out
	return nil
}

// FromSimpleWebAuthnJSON imports a credential that SimpleWebAuthn's guide
// stored, as JSON; see [SimpleWebAuthnCredential.UnmarshalJSON] for the
// forms read and [FromSimpleWebAuthn] for the record.
func FromSimpleWebAuthnJSON(data []byte, rpID string, opts ...Option) (*credential.Record, error) {
	var c SimpleWebAuthnCredential
	if err := json.Unmarshal(data, &c); err != nil {
		if errors.Is(err, ErrMalformed) { // a member's own error names it
			return nil, err
		}
		return nil, malformedWrap("SimpleWebAuthn credential JSON", err)
	}
	return FromSimpleWebAuthn(c, rpID, opts...)
}

// FromSimpleWebAuthn imports a credential that SimpleWebAuthn's guide
// stored; rpID is the RP ID it was registered for (the expectedRPID of
// verifyRegistrationResponse).
//
// The record gets the ID, the public key bytes unchanged (their algorithm
// as Alg), the counter and the transports; BE from DeviceType
// ("multiDevice" is backup eligible, "singleDevice" is not, "" is
// [credential.Unknown]), BS from BackedUp, and the user handle from
// WebAuthnUserID. uvInitialized is false unless [UVInitialized] sets it:
// SimpleWebAuthn does not record it.
func FromSimpleWebAuthn(c SimpleWebAuthnCredential, rpID string, opts ...Option) (*credential.Record, error) {
	id, err := b64.DecodeString(c.ID)
	if err != nil {
		return nil, malformedWrap("id", err)
	}
	rec := &credential.Record{
		ID:          id,
		PublicKey:   bytes.Clone(c.PublicKey),
		SignCount:   c.Counter,
		Transports:  append([]string(nil), c.Transports...),
		BackupState: c.BackedUp,
	}
	switch c.DeviceType {
	case "":
	case "singleDevice":
		rec.BackupEligible = credential.False
	case "multiDevice":
		rec.BackupEligible = credential.True
	default:
		return nil, malformed("deviceType", `neither "singleDevice" nor "multiDevice"`)
	}
	if c.WebAuthnUserID != "" {
		if rec.UserHandle, err = b64.DecodeString(c.WebAuthnUserID); err != nil {
			return nil, malformedWrap("webauthnUserID", err)
		}
	}
	return finish(rec, rpID, collect(opts))
}

// either returns the one of two alternative members that is present
// (JSON null counts as absent), and its name.
func either[T any](nameA string, a *T, nameB string, b *T) (string, *T, error) {
	switch {
	case a != nil && b != nil:
		return "", nil, malformed(nameA, "given together with "+nameB)
	case a != nil:
		return nameA, a, nil
	}
	return nameB, b, nil
}

// raw is the value a *json.RawMessage member points to, nil when absent.
func raw(m *json.RawMessage) json.RawMessage {
	if m == nil {
		return nil
	}
	return *m
}
