package passkey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/gopasskey/passkey/errcode"
	ib64 "github.com/gopasskey/passkey/internal/b64"
	"github.com/gopasskey/passkey/store"
)

// The signal API (#sctn-signal-methods) tells the user's authenticators
// what the relying party knows, so that they stop offering passkeys it
// deleted and show the names it uses now. The server builds the payload;
// the page passes it, parsed, to the PublicKeyCredential method of the
// same name:
//
//	sig, err := rp.SignalAllAcceptedCredentials(ctx, userHandle)
//	// the page: await PublicKeyCredential.signalAllAcceptedCredentials(JSON.parse(body))
//
// The methods report nothing back: a resolved promise only means the
// payload was well formed. Browsers without the API lack the method; the
// page should test for it.

// UnknownCredentialSignal is the payload of
// PublicKeyCredential.signalUnknownCredential(): authenticators may forget
// a credential the relying party does not hold (deleted, or never
// registered). It marshals to {"rpId", "credentialId"}.
type UnknownCredentialSignal struct {
	RPID         string
	CredentialID []byte
}

// MarshalJSON returns UnknownCredentialDetails.
func (s UnknownCredentialSignal) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		RPID         string `json:"rpId"`
		CredentialID string `json:"credentialId"`
	}{s.RPID, ib64.Encode(s.CredentialID)})
}

// AllAcceptedCredentialsSignal is the payload of
// PublicKeyCredential.signalAllAcceptedCredentials(): the complete list of
// a user's credentials; authenticators may hide or delete the user's
// credentials that it leaves out. It marshals to {"rpId", "userId",
// "allAcceptedCredentialIds"}.
type AllAcceptedCredentialsSignal struct {
	RPID          string
	UserHandle    []byte
	CredentialIDs [][]byte
}

// MarshalJSON returns AllAcceptedCredentialsOptions; an empty list is [].
func (s AllAcceptedCredentialsSignal) MarshalJSON() ([]byte, error) {
	ids := make([]string, len(s.CredentialIDs))
	for i, id := range s.CredentialIDs {
		ids[i] = ib64.Encode(id)
	}
	return json.Marshal(struct {
		RPID     string   `json:"rpId"`
		UserID   string   `json:"userId"`
		Accepted []string `json:"allAcceptedCredentialIds"`
	}{s.RPID, ib64.Encode(s.UserHandle), ids})
}

// CurrentUserDetailsSignal is the payload of
// PublicKeyCredential.signalCurrentUserDetails(): authenticators update the
// names they show for the user's credentials. It marshals to {"rpId",
// "userId", "name", "displayName"}.
type CurrentUserDetailsSignal struct {
	RPID        string
	UserHandle  []byte
	Name        string
	DisplayName string
}

// MarshalJSON returns CurrentUserDetailsOptions.
func (s CurrentUserDetailsSignal) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		RPID        string `json:"rpId"`
		UserID      string `json:"userId"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	}{s.RPID, ib64.Encode(s.UserHandle), s.Name, s.DisplayName})
}

// SignalUnknownCredential returns the signalUnknownCredential payload for a
// credential the store does not hold, typically one the user deleted.
// Safe to send to anyone: it says nothing about an account. After a failed
// login, [UnknownCredentialError] already carries the payload.
//
// A credential the store holds is refused with an error wrapping
// store.ErrExists: authenticators would drop a working passkey.
func (rp *RelyingParty) SignalUnknownCredential(ctx context.Context, credentialID []byte) (*UnknownCredentialSignal, error) {
	if len(credentialID) == 0 {
		return nil, &ConfigError{Field: "SignalUnknownCredential", Problem: "empty credential ID", Fix: "pass the ID the login failed with"}
	}
	_, err := rp.creds.Get(ctx, credentialID)
	switch {
	case err == nil:
		return nil, fmt.Errorf("passkey: the credential is registered, and signalling it unknown would make authenticators drop it: %w", store.ErrExists)
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("passkey: looking the credential up: %w", err)
	}
	return &UnknownCredentialSignal{RPID: rp.rpID, CredentialID: slices.Clone(credentialID)}, nil
}

// SignalAllAcceptedCredentials returns the signalAllAcceptedCredentials
// payload: every credential the store holds for the user. Send it only to
// the signed-in user (the list links their credentials,
// #sctn-credential-id-privacy-leak), after a login and after
// [RelyingParty.DeletePasskey]. The list is complete by construction:
// authenticators may delete a credential it leaves out.
func (rp *RelyingParty) SignalAllAcceptedCredentials(ctx context.Context, userHandle []byte) (*AllAcceptedCredentialsSignal, error) {
	if p := validateHandle(userHandle); p != "" {
		return nil, &ConfigError{Field: "SignalAllAcceptedCredentials", Problem: p, Fix: "pass the signed-in account's user handle"}
	}
	recs, err := rp.creds.ListByUser(ctx, userHandle)
	if err != nil {
		return nil, fmt.Errorf("passkey: listing the user's credentials: %w", err)
	}
	ids := make([][]byte, 0, len(recs))
	for _, r := range recs {
		ids = append(ids, slices.Clone(r.ID))
	}
	return &AllAcceptedCredentialsSignal{RPID: rp.rpID, UserHandle: slices.Clone(userHandle), CredentialIDs: ids}, nil
}

// SignalCurrentUserDetails returns the signalCurrentUserDetails payload
// for the signed-in user, after a change of name or display name, or after
// a login. user is validated as for [RelyingParty.BeginRegistration].
func (rp *RelyingParty) SignalCurrentUserDetails(user User) (*CurrentUserDetailsSignal, error) {
	if err := user.validate(); err != nil {
		return nil, err
	}
	return &CurrentUserDetailsSignal{RPID: rp.rpID, UserHandle: slices.Clone(user.Handle), Name: user.Name,
		DisplayName: user.DisplayName}, nil
}

// UnknownCredentialError is FinishLogin's verdict for a credential that
// the store does not hold (code unknown-credential): a passkey deleted on
// the server that the user's authenticator still offers, or one never
// registered here. Signal is the payload to hand the page for
// PublicKeyCredential.signalUnknownCredential(), so the authenticator stops
// offering it:
//
//	var unknown *passkey.UnknownCredentialError
//	if errors.As(err, &unknown) {
//		body, _ := json.Marshal(unknown.Signal)
//		// respond with body; the page calls signalUnknownCredential
//	}
//
// It unwraps to the [*Error], so [errors.Is] with [ErrUnknownCredential]
// and [Code] work as for any verdict. A credential the store holds but that
// fails for another reason (another user's, not in allowCredentials) gets
// a plain [*Error]: signalling it would make authenticators drop a working
// passkey.
type UnknownCredentialError struct {
	// Err is the verdict.
	Err *Error
	// Signal is the signalUnknownCredential payload.
	Signal UnknownCredentialSignal
}

// Error returns the verdict's message.
func (e *UnknownCredentialError) Error() string { return e.Err.Error() }

// Unwrap returns the verdict.
func (e *UnknownCredentialError) Unwrap() error { return e.Err }

// unknownCredential attaches the signal payload to err, the
// unknown-credential verdict of a login whose credential id the store does
// not hold.
func (rp *RelyingParty) unknownCredential(err error, id []byte) error {
	var e *errcode.Error
	if !errors.As(err, &e) {
		return err
	}
	return &UnknownCredentialError{Err: e, Signal: UnknownCredentialSignal{RPID: rp.rpID, CredentialID: slices.Clone(id)}}
}
