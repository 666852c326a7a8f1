package passkeytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
)

// Extensions the emulated browser and authenticator implement
// (#sctn-defined-extensions, CTAP 2.1 §12); any other input is ignored, as a
// browser ignores extensions it does not know:
//
//   - credProps: clientExtensionResults.credProps.rk.
//   - appid (assertion) and appidExclude (registration): U2F migration,
//     with Knobs.AppID credentials.
//   - prf: evaluated with the credential's hmac-secret CredRandom (one
//     without and one with UV, as CTAP does); results at registration too
//     (hmac-secret-mc). Authenticator data carries "hmac-secret": true at
//     registration and an opaque stand-in for the encrypted output in
//     assertions.
//   - credProtect (credentialProtectionPolicy,
//     enforceCredentialProtectionPolicy): the signed output "credProtect" at
//     registration, and the policy enforced in assertions; with
//     Config.NoCredProtect, no output, or NotAllowedError when the request
//     enforces a level above userVerificationOptional.
//   - largeBlob: with Config.LargeBlob, supported true at registration, and
//     read (blob) and write (written) in assertions; without it, supported
//     false and written false. The client's input rules apply: support only
//     at registration, read or write only in assertions, not both, and write
//     with exactly one allowCredentials entry (NotSupportedError).
//   - minPinLength: the signed output "minPinLength" at registration, when
//     Config.MinPINLength is set.

type prfValues struct {
	first, second []byte
}

type prfValuesJSON struct {
	First  *string `json:"first"`
	Second *string `json:"second"`
}

type createExtensions struct {
	credProps    bool
	appidExclude *string
	prf          *prfValues // non-nil when requested; first nil without eval
	credProtect  int
	enforceCP    bool
	largeBlob    string
	minPinLength bool
}

type getExtensions struct {
	appid     *string
	prf       bool
	prfEval   *prfValues
	prfByCred map[string]prfValuesJSON
	largeBlob bool
	blobRead  bool
	blobWrite []byte // non-nil when write was requested
}

// largeBlobInput is AuthenticationExtensionsLargeBlobInputs.
type largeBlobInput struct {
	Support *string `json:"support"`
	Read    *bool   `json:"read"`
	Write   *string `json:"write"`
}

func decodeExt(m map[string]json.RawMessage, name string, v any) (bool, error) {
	raw, ok := m[name]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, domError(ErrType, "extensions."+name+": "+jsonProblem(err))
	}
	return true, nil
}

func (p prfValuesJSON) decode(member string) (*prfValues, error) {
	if p.First == nil {
		return nil, domError(ErrType, member+".first is required")
	}
	first, err := decodeB64URL(member+".first", *p.First)
	if err != nil {
		return nil, err
	}
	v := &prfValues{first: first}
	if p.Second != nil {
		if v.second, err = decodeB64URL(member+".second", *p.Second); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func parseCreateExtensions(m map[string]json.RawMessage) (*createExtensions, error) {
	out := &createExtensions{}
	if _, err := decodeExt(m, "credProps", &out.credProps); err != nil {
		return nil, err
	}
	var appidExclude string
	if ok, err := decodeExt(m, "appidExclude", &appidExclude); err != nil {
		return nil, err
	} else if ok {
		out.appidExclude = &appidExclude
	}
	var prf struct {
		Eval *prfValuesJSON `json:"eval"`
	}
	if ok, err := decodeExt(m, "prf", &prf); err != nil {
		return nil, err
	} else if ok {
		out.prf = &prfValues{}
		if prf.Eval != nil {
			if out.prf, err = prf.Eval.decode("extensions.prf.eval"); err != nil {
				return nil, err
			}
		}
	}
	var policy string
	if _, err := decodeExt(m, "credentialProtectionPolicy", &policy); err != nil {
		return nil, err
	}
	switch policy {
	case "userVerificationOptional":
		out.credProtect = 1
	case "userVerificationOptionalWithCredentialIDList":
		out.credProtect = 2
	case "userVerificationRequired":
		out.credProtect = 3
	}
	if _, err := decodeExt(m, "enforceCredentialProtectionPolicy", &out.enforceCP); err != nil {
		return nil, err
	}
	var largeBlob largeBlobInput
	if ok, err := decodeExt(m, "largeBlob", &largeBlob); err != nil {
		return nil, err
	} else if ok {
		// #sctn-large-blob-extension, registration: read and write belong
		// to assertions.
		if largeBlob.Read != nil || largeBlob.Write != nil {
			return nil, domError(ErrNotSupported, "extensions.largeBlob.read and write are for assertions")
		}
		out.largeBlob = "preferred"
		if largeBlob.Support != nil && *largeBlob.Support == "required" {
			out.largeBlob = "required"
		}
	}
	if _, err := decodeExt(m, "minPinLength", &out.minPinLength); err != nil {
		return nil, err
	}
	return out, nil
}

func parseGetExtensions(m map[string]json.RawMessage, allowListEmpty bool, allowCount int) (*getExtensions, error) {
	out := &getExtensions{}
	var appid string
	if ok, err := decodeExt(m, "appid", &appid); err != nil {
		return nil, err
	} else if ok {
		out.appid = &appid
	}
	var prf struct {
		Eval             *prfValuesJSON           `json:"eval"`
		EvalByCredential map[string]prfValuesJSON `json:"evalByCredential"`
	}
	if ok, err := decodeExt(m, "prf", &prf); err != nil {
		return nil, err
	} else if ok {
		out.prf = true
		if prf.Eval != nil {
			if out.prfEval, err = prf.Eval.decode("extensions.prf.eval"); err != nil {
				return nil, err
			}
		}
		// #prf-extension: evalByCredential needs an allow list.
		if len(prf.EvalByCredential) > 0 && allowListEmpty {
			return nil, domError(ErrNotSupported, "extensions.prf.evalByCredential needs allowCredentials")
		}
		for key, v := range prf.EvalByCredential {
			if _, err := decodeB64URL("extensions.prf.evalByCredential key", key); err != nil {
				return nil, domError(ErrType, "extensions.prf.evalByCredential has a key that is not base64url")
			}
			if _, err := v.decode("extensions.prf.evalByCredential[]"); err != nil {
				return nil, err
			}
		}
		out.prfByCred = prf.EvalByCredential
	}
	var largeBlob largeBlobInput
	if ok, err := decodeExt(m, "largeBlob", &largeBlob); err != nil {
		return nil, err
	} else if ok {
		// #sctn-large-blob-extension, authentication.
		switch {
		case largeBlob.Support != nil:
			return nil, domError(ErrNotSupported, "extensions.largeBlob.support is for registrations")
		case largeBlob.Read != nil && *largeBlob.Read && largeBlob.Write != nil:
			return nil, domError(ErrNotSupported, "extensions.largeBlob has both read and write")
		case largeBlob.Write != nil && allowCount != 1:
			return nil, domError(ErrNotSupported, "extensions.largeBlob.write needs exactly one allowCredentials entry")
		}
		out.largeBlob = true
		out.blobRead = largeBlob.Read != nil && *largeBlob.Read
		if largeBlob.Write != nil {
			blob, err := decodeB64URL("extensions.largeBlob.write", *largeBlob.Write)
			if err != nil {
				return nil, err
			}
			out.blobWrite = append([]byte{}, blob...)
		}
	}
	return out, nil
}

// prfEval is the PRF value for input under the credential's secret
// (#prf-extension: the client salts inputs with SHA-256("WebAuthn PRF" ‖ 0x00 ‖ input),
// the authenticator's hmac-secret is HMAC-SHA-256(CredRandom, salt)).
func prfEval(secret, input []byte) []byte {
	salt := sha256.Sum256(append([]byte("WebAuthn PRF\x00"), input...))
	mac := hmac.New(sha256.New, secret)
	mac.Write(salt[:])
	return mac.Sum(nil)
}

// prfResults evaluates v under the secret for the UV state.
func prfResults(cred *credential, uv bool, v *prfValues) map[string]any {
	secret := cred.prf[:32]
	if uv {
		secret = cred.prf[32:]
	}
	results := map[string]any{"first": b64url(prfEval(secret, v.first))}
	if v.second != nil {
		results["second"] = b64url(prfEval(secret, v.second))
	}
	return results
}

// evalFor picks the PRF inputs for the credential: its evalByCredential
// entry, else eval.
func (e *getExtensions) evalFor(credID []byte) *prfValues {
	if p, ok := e.prfByCred[b64url(credID)]; ok {
		// Validated in parseGetExtensions.
		v, _ := p.decode("")
		return v
	}
	return e.prfEval
}
