package passkeytest

import (
	"bytes"
	"encoding/json"
	"slices"
)

// The signal methods (#sctn-signal-methods): a page passes the relying
// party's JSON to PublicKeyCredential.signalUnknownCredential(),
// signalAllAcceptedCredentials() or signalCurrentUserDetails(), and the
// authenticator updates the credentials it holds. Like a browser, these
// methods check the JSON shape (a TypeError for a missing member or one of
// the wrong type or encoding) and the RP ID against the origin (a
// SecurityError, with related origins as in Create), and report nothing
// else: an ID the authenticator does not hold is not an error.
//
// This authenticator removes the credentials a signal says are gone; a
// real one may hide them instead.

// SignalUnknownCredential applies signalUnknownCredential({rpId,
// credentialId}): the credential is removed.
func (a *Authenticator) SignalUnknownCredential(optionsJSON []byte, origin string) error {
	var in struct {
		RPID         *string `json:"rpId"`
		CredentialID *string `json:"credentialId"`
	}
	if err := decodeSignal(optionsJSON, &in); err != nil {
		return err
	}
	if in.RPID == nil || in.CredentialID == nil {
		return domError(ErrType, "rpId and credentialId are required")
	}
	rpID, err := a.signalRPID(origin, *in.RPID)
	if err != nil {
		return err
	}
	id, err := decodeSignalB64("credentialId", *in.CredentialID)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.creds = slices.DeleteFunc(a.creds, func(c *credential) bool {
		return c.RPID == rpID && bytes.Equal(c.ID, id)
	})
	return nil
}

// SignalAllAcceptedCredentials applies signalAllAcceptedCredentials({rpId,
// userId, allAcceptedCredentialIds}): the user's credentials for the RP ID
// that the list does not name are removed.
func (a *Authenticator) SignalAllAcceptedCredentials(optionsJSON []byte, origin string) error {
	var in struct {
		RPID     *string   `json:"rpId"`
		UserID   *string   `json:"userId"`
		Accepted *[]string `json:"allAcceptedCredentialIds"`
	}
	if err := decodeSignal(optionsJSON, &in); err != nil {
		return err
	}
	if in.RPID == nil || in.UserID == nil || in.Accepted == nil {
		return domError(ErrType, "rpId, userId and allAcceptedCredentialIds are required")
	}
	rpID, err := a.signalRPID(origin, *in.RPID)
	if err != nil {
		return err
	}
	user, err := decodeSignalB64("userId", *in.UserID)
	if err != nil {
		return err
	}
	accepted := make([][]byte, 0, len(*in.Accepted))
	for _, s := range *in.Accepted {
		id, err := decodeSignalB64("allAcceptedCredentialIds[]", s)
		if err != nil {
			return err
		}
		accepted = append(accepted, id)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.creds = slices.DeleteFunc(a.creds, func(c *credential) bool {
		return c.RPID == rpID && bytes.Equal(c.UserHandle, user) &&
			!slices.ContainsFunc(accepted, func(id []byte) bool { return bytes.Equal(id, c.ID) })
	})
	return nil
}

// SignalCurrentUserDetails applies signalCurrentUserDetails({rpId, userId,
// name, displayName}): the user's credentials for the RP ID take the new
// names.
func (a *Authenticator) SignalCurrentUserDetails(optionsJSON []byte, origin string) error {
	var in struct {
		RPID        *string `json:"rpId"`
		UserID      *string `json:"userId"`
		Name        *string `json:"name"`
		DisplayName *string `json:"displayName"`
	}
	if err := decodeSignal(optionsJSON, &in); err != nil {
		return err
	}
	if in.RPID == nil || in.UserID == nil || in.Name == nil || in.DisplayName == nil {
		return domError(ErrType, "rpId, userId, name and displayName are required")
	}
	rpID, err := a.signalRPID(origin, *in.RPID)
	if err != nil {
		return err
	}
	user, err := decodeSignalB64("userId", *in.UserID)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.creds {
		if c.RPID == rpID && bytes.Equal(c.UserHandle, user) {
			c.UserName, c.UserDisplayName = *in.Name, *in.DisplayName
		}
	}
	return nil
}

func decodeSignal(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return domError(ErrType, "signal options: "+jsonProblem(err))
	}
	return nil
}

// signalRPID checks the signal's rpId against the calling origin, as
// create() and get() check theirs.
func (a *Authenticator) signalRPID(origin, rpID string) (string, error) {
	return a.effectiveRPID(origin, &rpID)
}

// decodeSignalB64 decodes a signal's base64url member; the signal methods
// raise a TypeError where create() and get() raise an EncodingError.
func decodeSignalB64(member, s string) ([]byte, error) {
	b, err := decodeB64URL(member, s)
	if err != nil {
		return nil, domError(ErrType, member+" is not base64url")
	}
	return b, nil
}
