package passkeytest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// The JSON forms of the options, as PublicKeyCredential.parseCreationOptionsFromJSON
// and parseRequestOptionsFromJSON read them (#sctn-parseCreationOptionsFromJSON,
// #sctn-parseRequestOptionsFromJSON). Pointers tell a missing member from an
// empty one.

type rpEntityJSON struct {
	ID   *string `json:"id"`
	Name *string `json:"name"`
}

type userEntityJSON struct {
	ID          *string `json:"id"`
	Name        *string `json:"name"`
	DisplayName *string `json:"displayName"`
}

type credParamJSON struct {
	Type *string `json:"type"`
	Alg  *int64  `json:"alg"`
}

type descriptorJSON struct {
	Type       *string  `json:"type"`
	ID         *string  `json:"id"`
	Transports []string `json:"transports"`
}

type selectionJSON struct {
	AuthenticatorAttachment string `json:"authenticatorAttachment"`
	ResidentKey             string `json:"residentKey"`
	RequireResidentKey      bool   `json:"requireResidentKey"`
	UserVerification        string `json:"userVerification"`
}

type creationOptionsJSON struct {
	RP                     *rpEntityJSON              `json:"rp"`
	User                   *userEntityJSON            `json:"user"`
	Challenge              *string                    `json:"challenge"`
	PubKeyCredParams       []credParamJSON            `json:"pubKeyCredParams"`
	Timeout                *float64                   `json:"timeout"`
	ExcludeCredentials     []descriptorJSON           `json:"excludeCredentials"`
	AuthenticatorSelection *selectionJSON             `json:"authenticatorSelection"`
	Hints                  []string                   `json:"hints"`
	Attestation            string                     `json:"attestation"`
	AttestationFormats     []string                   `json:"attestationFormats"`
	Extensions             map[string]json.RawMessage `json:"extensions"`
}

type requestOptionsJSON struct {
	Challenge        *string                    `json:"challenge"`
	Timeout          *float64                   `json:"timeout"`
	RPID             *string                    `json:"rpId"`
	AllowCredentials []descriptorJSON           `json:"allowCredentials"`
	UserVerification string                     `json:"userVerification"`
	Hints            []string                   `json:"hints"`
	Extensions       map[string]json.RawMessage `json:"extensions"`
}

// creationOptions is the decoded creation request.
type creationOptions struct {
	rpID             *string
	userID           []byte
	userName         string
	displayName      string
	challenge        []byte
	algs             []int64
	exclude          [][]byte
	attachment       string
	residentKey      string // "required", "preferred" or "discouraged"
	userVerification string // "required", "preferred" or "discouraged"
	attestation      string
	extensions       map[string]json.RawMessage
	mediation        string
}

// requestOptions is the decoded assertion request.
type requestOptions struct {
	rpID             *string
	challenge        []byte
	allow            [][]byte
	allowListed      bool // allowCredentials was not empty, whatever its types
	allowCount       int  // entries in allowCredentials, whatever their types
	userVerification string
	extensions       map[string]json.RawMessage
	mediation        string
}

// unwrap accepts both the bare options and the credential request shape
// servers commonly send: {"publicKey": {...}, "mediation": "..."}.
func unwrap(data []byte) (options json.RawMessage, mediation string, err error) {
	var wrapper struct {
		PublicKey json.RawMessage `json:"publicKey"`
		Mediation *string         `json:"mediation"`
	}
	if err := json.Unmarshal(data, &wrapper); err != nil {
		return nil, "", domError(ErrType, "options are not a JSON object: "+jsonProblem(err))
	}
	if len(wrapper.PublicKey) == 0 || bytes.Equal(wrapper.PublicKey, []byte("null")) {
		return data, "", nil
	}
	if wrapper.Mediation != nil {
		mediation = *wrapper.Mediation
	}
	return wrapper.PublicKey, mediation, nil
}

// jsonProblem names a decoding failure without echoing the input.
func jsonProblem(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		if te.Field == "" {
			return "not a JSON object"
		}
		return fmt.Sprintf("member %q has the wrong JSON type", te.Field)
	}
	return "invalid JSON"
}

// decodeB64URL decodes a Base64URLString. Browsers accept the unpadded
// form; a trailing '=' is tolerated here too.
func decodeB64URL(member, s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, domError(ErrEncoding, member+" is not base64url")
	}
	return b, nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func parseCreationOptions(data []byte) (*creationOptions, error) {
	raw, mediation, err := unwrap(data)
	if err != nil {
		return nil, err
	}
	var in creationOptionsJSON
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, domError(ErrType, "creation options: "+jsonProblem(err))
	}
	switch {
	case in.RP == nil || in.RP.Name == nil:
		return nil, domError(ErrType, "rp.name is required")
	case in.User == nil || in.User.ID == nil || in.User.Name == nil || in.User.DisplayName == nil:
		return nil, domError(ErrType, "user.id, user.name and user.displayName are required")
	case in.Challenge == nil:
		return nil, domError(ErrType, "challenge is required")
	case in.PubKeyCredParams == nil:
		return nil, domError(ErrType, "pubKeyCredParams is required")
	}
	out := &creationOptions{
		rpID:        in.RP.ID,
		userName:    *in.User.Name,
		displayName: *in.User.DisplayName,
		attestation: in.Attestation,
		extensions:  in.Extensions,
		mediation:   mediation,
	}
	if out.userID, err = decodeB64URL("user.id", *in.User.ID); err != nil {
		return nil, err
	}
	// #dom-publickeycredentialuserentity-id: 1 to 64 bytes; browsers throw a
	// TypeError otherwise.
	if len(out.userID) == 0 || len(out.userID) > 64 {
		return nil, domError(ErrType, "user.id must be 1 to 64 bytes")
	}
	if out.challenge, err = decodeB64URL("challenge", *in.Challenge); err != nil {
		return nil, err
	}
	for i, p := range in.PubKeyCredParams {
		if p.Type == nil || p.Alg == nil {
			return nil, domError(ErrType, fmt.Sprintf("pubKeyCredParams[%d] needs type and alg", i))
		}
		// Unknown credential types are skipped (#sctn-createCredential).
		if *p.Type == "public-key" {
			out.algs = append(out.algs, *p.Alg)
		}
	}
	// An empty list means ES256 and RS256 (#sctn-createCredential).
	if len(in.PubKeyCredParams) == 0 {
		out.algs = []int64{AlgES256, AlgRS256}
	}
	if out.exclude, err = descriptorIDs("excludeCredentials", in.ExcludeCredentials); err != nil {
		return nil, err
	}
	out.residentKey, out.userVerification = "discouraged", "preferred"
	if sel := in.AuthenticatorSelection; sel != nil {
		out.attachment = sel.AuthenticatorAttachment
		switch sel.ResidentKey {
		case "required", "preferred", "discouraged":
			out.residentKey = sel.ResidentKey
		default:
			// Unknown or absent: requireResidentKey decides
			// (#dom-authenticatorselectioncriteria-residentkey).
			if sel.RequireResidentKey {
				out.residentKey = "required"
			}
		}
		out.userVerification = uvRequirement(sel.UserVerification)
	}
	return out, nil
}

func parseRequestOptions(data []byte) (*requestOptions, error) {
	raw, mediation, err := unwrap(data)
	if err != nil {
		return nil, err
	}
	var in requestOptionsJSON
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, domError(ErrType, "request options: "+jsonProblem(err))
	}
	if in.Challenge == nil {
		return nil, domError(ErrType, "challenge is required")
	}
	out := &requestOptions{
		rpID:             in.RPID,
		userVerification: uvRequirement(in.UserVerification),
		extensions:       in.Extensions,
		mediation:        mediation,
	}
	if out.challenge, err = decodeB64URL("challenge", *in.Challenge); err != nil {
		return nil, err
	}
	if out.allow, err = descriptorIDs("allowCredentials", in.AllowCredentials); err != nil {
		return nil, err
	}
	out.allowListed = len(in.AllowCredentials) > 0
	out.allowCount = len(in.AllowCredentials)
	return out, nil
}

// uvRequirement maps userVerification to one of the three known values;
// unknown values mean the default, "preferred".
func uvRequirement(s string) string {
	switch s {
	case "required", "discouraged":
		return s
	}
	return "preferred"
}

func descriptorIDs(member string, ds []descriptorJSON) ([][]byte, error) {
	var ids [][]byte
	for i, d := range ds {
		if d.Type == nil || d.ID == nil {
			return nil, domError(ErrType, fmt.Sprintf("%s[%d] needs type and id", member, i))
		}
		id, err := decodeB64URL(fmt.Sprintf("%s[%d].id", member, i), *d.ID)
		if err != nil {
			return nil, err
		}
		if *d.Type == "public-key" {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
