package passkey

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/gopasskey/passkey/cose"
)

// CredentialDescriptor names a credential in excludeCredentials or
// allowCredentials (#dictdef-publickeycredentialdescriptorjson).
type CredentialDescriptor struct {
	// ID is the credential ID.
	ID []byte
	// Transports are the credential's transports as its authenticator
	// reported them, to help the browser find it.
	Transports []string
}

// CreationOptions are the options of a registration
// (#dictdef-publickeycredentialcreationoptionsjson). Marshal them to JSON
// for the page, which passes them to
// PublicKeyCredential.parseCreationOptionsFromJSON() and then to
// navigator.credentials.create({publicKey, mediation}).
type CreationOptions struct {
	// RPID and RPName are the relying party entity.
	RPID, RPName string
	// User is the account the credential is created for.
	User User
	// Challenge is the ceremony's fresh random challenge.
	Challenge []byte
	// Algorithms are pubKeyCredParams, most preferred first.
	Algorithms []cose.Algorithm
	// Timeout is the time the user has.
	Timeout time.Duration
	// ExcludeCredentials are the account's existing credentials: an
	// authenticator that holds one of them declines to make another.
	ExcludeCredentials []CredentialDescriptor
	// AuthenticatorAttachment is "platform", "cross-platform" or "" (any).
	AuthenticatorAttachment string
	// ResidentKey and UserVerification are the authenticator selection.
	ResidentKey      ResidentKey
	UserVerification UserVerification
	// Hints are the hints for the browser's UI, most preferred first.
	Hints []string
	// Attestation is the attestation conveyance: "none" or "direct".
	Attestation string
	// AttestationFormats are the preferred attestation statement formats
	// ([AttestationFormats]), most preferred first; empty for no
	// preference.
	AttestationFormats []string
	// Extensions are the extension inputs, as JSON values by identifier.
	Extensions map[string]json.RawMessage
	// Mediation is "conditional" for a conditional create (an automatic
	// passkey upgrade after a password sign-in, [ConditionalCreate]), else
	// "". It is not part of the JSON: the page passes it to create() next
	// to publicKey.
	Mediation string
}

// RequestOptions are the options of a login
// (#dictdef-publickeycredentialrequestoptionsjson). Marshal them to JSON for
// the page, which passes them to
// PublicKeyCredential.parseRequestOptionsFromJSON() and then to
// navigator.credentials.get() (with mediation "conditional" for autofill).
type RequestOptions struct {
	// Challenge is the ceremony's fresh random challenge.
	Challenge []byte
	// Timeout is the time the user has.
	Timeout time.Duration
	// RPID is the relying party ID.
	RPID string
	// AllowCredentials are the credentials that may answer; empty for a
	// usernameless login.
	AllowCredentials []CredentialDescriptor
	// UserVerification is the user-verification requirement.
	UserVerification UserVerification
	// Hints are the hints for the browser's UI, most preferred first.
	Hints []string
	// Extensions are the extension inputs, as JSON values by identifier.
	Extensions map[string]json.RawMessage
}

// The JSON forms. Every binary member is base64url without padding
// (#sctn-parseCreationOptionsFromJSON).

type rpEntityJSON struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

type userEntityJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type credParamJSON struct {
	Type string `json:"type"`
	Alg  int64  `json:"alg"`
}

type descriptorJSON struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Transports []string `json:"transports,omitempty"`
}

type selectionJSON struct {
	AuthenticatorAttachment string `json:"authenticatorAttachment,omitempty"`
	ResidentKey             string `json:"residentKey"`
	RequireResidentKey      bool   `json:"requireResidentKey"`
	UserVerification        string `json:"userVerification"`
}

type creationJSON struct {
	RP                     rpEntityJSON               `json:"rp"`
	User                   userEntityJSON             `json:"user"`
	Challenge              string                     `json:"challenge"`
	PubKeyCredParams       []credParamJSON            `json:"pubKeyCredParams"`
	Timeout                int64                      `json:"timeout,omitempty"`
	ExcludeCredentials     []descriptorJSON           `json:"excludeCredentials"`
	AuthenticatorSelection selectionJSON              `json:"authenticatorSelection"`
	Hints                  []string                   `json:"hints,omitempty"`
	Attestation            string                     `json:"attestation"`
	AttestationFormats     []string                   `json:"attestationFormats,omitempty"`
	Extensions             map[string]json.RawMessage `json:"extensions,omitempty"`
}

type requestJSON struct {
	Challenge        string                     `json:"challenge"`
	Timeout          int64                      `json:"timeout,omitempty"`
	RPID             string                     `json:"rpId"`
	AllowCredentials []descriptorJSON           `json:"allowCredentials"`
	UserVerification string                     `json:"userVerification"`
	Hints            []string                   `json:"hints,omitempty"`
	Extensions       map[string]json.RawMessage `json:"extensions,omitempty"`
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func descriptorsJSON(ds []CredentialDescriptor) []descriptorJSON {
	out := make([]descriptorJSON, len(ds))
	for i, d := range ds {
		out[i] = descriptorJSON{Type: "public-key", ID: b64(d.ID), Transports: d.Transports}
	}
	return out
}

// MarshalJSON returns PublicKeyCredentialCreationOptionsJSON, as
// parseCreationOptionsFromJSON() reads it.
func (o CreationOptions) MarshalJSON() ([]byte, error) {
	j := creationJSON{
		RP:                 rpEntityJSON{Name: o.RPName, ID: o.RPID},
		User:               userEntityJSON{ID: b64(o.User.Handle), Name: o.User.Name, DisplayName: o.User.DisplayName},
		Challenge:          b64(o.Challenge),
		PubKeyCredParams:   make([]credParamJSON, len(o.Algorithms)),
		Timeout:            o.Timeout.Milliseconds(),
		ExcludeCredentials: descriptorsJSON(o.ExcludeCredentials),
		AuthenticatorSelection: selectionJSON{
			AuthenticatorAttachment: o.AuthenticatorAttachment,
			ResidentKey:             string(o.ResidentKey),
			RequireResidentKey:      o.ResidentKey == ResidentKeyRequired,
			UserVerification:        string(o.UserVerification),
		},
		Hints:              o.Hints,
		Attestation:        o.Attestation,
		AttestationFormats: o.AttestationFormats,
		Extensions:         o.Extensions,
	}
	for i, a := range o.Algorithms {
		j.PubKeyCredParams[i] = credParamJSON{Type: "public-key", Alg: int64(a)}
	}
	return json.Marshal(&j)
}

// MarshalJSON returns PublicKeyCredentialRequestOptionsJSON, as
// parseRequestOptionsFromJSON() reads it.
func (o RequestOptions) MarshalJSON() ([]byte, error) {
	return json.Marshal(&requestJSON{
		Challenge:        b64(o.Challenge),
		Timeout:          o.Timeout.Milliseconds(),
		RPID:             o.RPID,
		AllowCredentials: descriptorsJSON(o.AllowCredentials),
		UserVerification: string(o.UserVerification),
		Hints:            o.Hints,
		Extensions:       o.Extensions,
	})
}
