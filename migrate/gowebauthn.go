package migrate

import (
	"encoding/json"

	"github.com/gopasskey/passkey/credential"
)

// goWebAuthnCredential is the JSON encoding of go-webauthn's
// webauthn.Credential. encoding/json matches member names without regard to
// case, so the Go field names that releases without JSON tags wrote ("ID",
// "PublicKey", "Authenticator": {"AAGUID", "SignCount"}) match the tagged
// names of later releases ("id", "publicKey", ...).
type goWebAuthnCredential struct {
	ID                json.RawMessage  `json:"id"`
	PublicKey         json.RawMessage  `json:"publicKey"`
	AttestationType   string           `json:"attestationType"`
	AttestationFormat string           `json:"attestationFormat"`
	Transport         []string         `json:"transport"`
	Flags             *goWebAuthnFlags `json:"flags"`
	Authenticator     struct {
		AAGUID     json.RawMessage `json:"AAGUID"`
		SignCount  uint32          `json:"signCount"`
		Attachment string          `json:"attachment"`
	} `json:"authenticator"`
	Extensions struct {
		RK          *bool  `json:"rk"`
		CredProtect string `json:"credProtect"`
	} `json:"extensions"`
}

type goWebAuthnFlags struct {
	UserVerified bool `json:"userVerified"`
	// BackupEligible is nil when the member is absent: not recorded.
	BackupEligible *bool `json:"backupEligible"`
	BackupState    bool  `json:"backupState"`
}

// goWebAuthnAttestationTypes maps go-webauthn's attestation types (FIDO
// metadata's names) to the record's (#sctn-attestation-types).
var goWebAuthnAttestationTypes = map[string]string{
	"none":            "none",
	"basic_full":      "basic",
	"basic_surrogate": "self",
	"attca":           "attca",
	"anonca":          "anonca",
}

// attestationFormats are the format identifiers that releases of
// go-webauthn before AttestationFormat existed stored as AttestationType.
var attestationFormats = map[string]bool{
	"packed": true, "tpm": true, "android-key": true, "android-safetynet": true,
	"fido-u2f": true, "apple": true, "compound": true, "none": true,
}

// credProtectPolicies maps go-webauthn's credProtect policy names to the
// CTAP 2.1 levels.
var credProtectPolicies = map[string]uint8{
	"userVerificationOptional":                     1,
	"userVerificationOptionalWithCredentialIDList": 2,
	"userVerificationRequired":                     3,
}

// FromGoWebAuthn imports a credential stored by go-webauthn: data is the
// JSON encoding of its webauthn.Credential (json.Marshal of the stored
// value; decode a msgp-encoded one with go-webauthn first), rpID the RP ID
// it was registered for (go-webauthn's Config.RPID).
//
// The record gets the ID, the public key bytes unchanged (their algorithm
// as Alg), the signature counter, the transports, the attachment, the
// AAGUID, uvInitialized from Flags.UserVerified, BE and BS from Flags, the
// attestation format and type, credProps rk as Discoverable and the
// credProtect level. BE is [credential.Unknown] when the data has no
// "flags" member or no "flags.backupEligible" (releases that did not
// record it), or with [BackupEligibilityUnknown].
//
// Not carried over: Authenticator.CloneWarning (the record keeps no clone
// flag: act on it before importing), the raw attestation (re-verify it with
// go-webauthn before importing if you need its trust path), and the other
// extension results. Unknown members are ignored, so that records from
// releases newer than this package still import.
func FromGoWebAuthn(data []byte, rpID string, opts ...Option) (*credential.Record, error) {
	var c goWebAuthnCredential
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, malformedWrap("go-webauthn credential JSON", err)
	}

	rec := &credential.Record{
		SignCount:               c.Authenticator.SignCount,
		Transports:              c.Transport,
		AuthenticatorAttachment: c.Authenticator.Attachment,
	}
	var aaguid []byte
	for _, m := range []struct {
		name string
		raw  json.RawMessage
		to   *[]byte
	}{{"id", c.ID, &rec.ID}, {"publicKey", c.PublicKey, &rec.PublicKey}, {"authenticator.AAGUID", c.Authenticator.AAGUID, &aaguid}} {
		var err error
		if *m.to, err = decodeBytes(m.name, m.raw); err != nil {
			return nil, err
		}
	}
	switch len(aaguid) {
	case 0:
	case len(rec.AAGUID):
		rec.AAGUID = credential.AAGUID(aaguid)
	default:
		return nil, malformed("authenticator.AAGUID", "not 16 bytes")
	}
	if c.Flags != nil {
		rec.UVInitialized = c.Flags.UserVerified
		rec.BackupState = c.Flags.BackupState
		if c.Flags.BackupEligible != nil {
			rec.BackupEligible = credential.TristateOf(*c.Flags.BackupEligible)
		}
	}

	rec.AttestationFormat, rec.AttestationType = c.AttestationFormat, goWebAuthnAttestationTypes[c.AttestationType]
	if c.AttestationFormat == "" && attestationFormats[c.AttestationType] {
		// Older releases stored the format in AttestationType; the type
		// is then known only for "none".
		rec.AttestationFormat = c.AttestationType
		if c.AttestationType != "none" {
			rec.AttestationType = ""
		}
	}

	if c.Extensions.RK != nil {
		rec.Discoverable = credential.TristateOf(*c.Extensions.RK)
	}
	if c.Extensions.CredProtect != "" {
		level, ok := credProtectPolicies[c.Extensions.CredProtect]
		if !ok {
			return nil, malformed("extensions.credProtect", "not a credProtect policy name")
		}
		rec.CredProtect = level
	}
	return finish(rec, rpID, collect(opts))
}
