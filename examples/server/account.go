package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gopasskey/passkey"
)

// passkeyJSON is one passkey on the account page.
type passkeyJSON struct {
	ID         string     `json:"id"` // base64url credential ID
	Name       string     `json:"name"`
	Named      bool       `json:"named"`           // the user named it
	Model      string     `json:"model,omitempty"` // authenticator model, where known
	Synced     bool       `json:"synced"`          // backup eligible: a synced passkey
	BackedUp   bool       `json:"backedUp"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"` // null: never used
	Transports []string   `json:"transports"`
	Attachment string     `json:"attachment,omitempty"`
	// Discoverable: true for a passkey that signs in without a user name,
	// false for a server-side credential, null when the browser did not
	// say (credProps).
	Discoverable *bool `json:"discoverable"`
	Current      bool  `json:"current"` // used for this sign-in
}

// meJSON is the signed-in user's account page.
type meJSON struct {
	Username     string        `json:"username"`
	DisplayName  string        `json:"displayName"`
	UserID       string        `json:"userId"` // base64url user handle, for the signal API
	RPID         string        `json:"rpId"`
	UserVerified bool          `json:"userVerified"`
	Mediation    string        `json:"mediation"` // how this sign-in happened
	AuthTime     time.Time     `json:"authTime"`
	Passkeys     []passkeyJSON `json:"passkeys"`
}

// requireSignIn returns the signed-in user, or answers 401.
func (a *app) requireSignIn(w http.ResponseWriter, r *http.Request) (*account, signIn, bool) {
	s, _, ok := a.currentSignIn(r)
	if !ok {
		writeError(w, r, http.StatusUnauthorized, codeNotSignedIn)
		return nil, signIn{}, false
	}
	acct, err := a.accounts.ByHandle(r.Context(), s.Handle)
	if errors.Is(err, errAccountNotFound) {
		writeError(w, r, http.StatusUnauthorized, codeNotSignedIn)
		return nil, signIn{}, false
	}
	if err != nil {
		fail(w, r, a.log, err)
		return nil, signIn{}, false
	}
	return acct, s, true
}

// me answers GET /api/me: the account and its passkeys.
func (a *app) me(w http.ResponseWriter, r *http.Request) {
	acct, s, ok := a.requireSignIn(w, r)
	if !ok {
		return
	}
	list, err := a.rp.Passkeys(r.Context(), acct.Handle)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	out := meJSON{
		Username:     acct.Name,
		DisplayName:  acct.DisplayName,
		UserID:       base64.RawURLEncoding.EncodeToString(acct.Handle),
		RPID:         a.rp.RPID(),
		UserVerified: s.UserVerified,
		Mediation:    s.Mediation,
		AuthTime:     s.AuthTime.UTC(),
		Passkeys:     make([]passkeyJSON, 0, len(list)),
	}
	for _, p := range list {
		pj := passkeyJSON{
			ID:         base64.RawURLEncoding.EncodeToString(p.ID),
			Name:       p.Name,
			Named:      p.Named,
			Model:      a.names.AuthenticatorName(p.AAGUID),
			Synced:     p.Synced,
			BackedUp:   p.BackedUp,
			CreatedAt:  p.CreatedAt.UTC(),
			Transports: append([]string{}, p.Record.Transports...),
			Attachment: p.Record.AuthenticatorAttachment,
			Current:    bytes.Equal(p.ID, s.CredentialID),
		}
		if !p.Named && pj.Model == "" && p.Record.AuthenticatorAttachment == "cross-platform" {
			// The library's fallback is "Passkey"; a roaming authenticator
			// of unknown model is most likely a security key.
			pj.Name = "Security key"
		}
		if d := p.Record.Discoverable; d.Known() {
			b := d.Bool()
			pj.Discoverable = &b
		}
		if !p.LastUsedAt.IsZero() {
			t := p.LastUsedAt.UTC()
			pj.LastUsedAt = &t
		}
		out.Passkeys = append(out.Passkeys, pj)
	}
	writeJSON(w, http.StatusOK, out)
}

// passkeyID reads the {id} path value: a base64url credential ID.
func passkeyID(r *http.Request) ([]byte, bool) {
	id, err := base64.RawURLEncoding.Strict().DecodeString(r.PathValue("id"))
	return id, err == nil && len(id) > 0
}

// renamePasskey answers PATCH /api/passkeys/{id} with {"name": "…"}.
func (a *app) renamePasskey(w http.ResponseWriter, r *http.Request) {
	acct, _, ok := a.requireSignIn(w, r)
	if !ok {
		return
	}
	var req struct {
		Name string `json:"name"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	id, ok := passkeyID(r)
	if !ok {
		writeError(w, r, http.StatusNotFound, codeNotFound)
		return
	}
	switch err := a.rp.RenamePasskey(r.Context(), acct.Handle, id, req.Name); {
	case errors.Is(err, passkey.ErrPasskeyName):
		writeError(w, r, http.StatusBadRequest, codeInvalidName)
	case errors.Is(err, passkey.ErrPasskeyNotFound):
		writeError(w, r, http.StatusNotFound, codeNotFound)
	case err != nil:
		fail(w, r, a.log, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"status": "renamed"})
	}
}

// deletePasskey answers DELETE /api/passkeys/{id}. It refuses to delete the
// last passkey: the account would have no way left to sign in.
func (a *app) deletePasskey(w http.ResponseWriter, r *http.Request) {
	acct, _, ok := a.requireSignIn(w, r)
	if !ok {
		return
	}
	id, ok := passkeyID(r)
	if !ok {
		writeError(w, r, http.StatusNotFound, codeNotFound)
		return
	}
	a.deleteMu.Lock()
	defer a.deleteMu.Unlock()
	list, err := a.rp.Passkeys(r.Context(), acct.Handle)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	found := false
	for _, p := range list {
		found = found || bytes.Equal(p.ID, id)
	}
	if !found {
		writeError(w, r, http.StatusNotFound, codeNotFound)
		return
	}
	if len(list) == 1 {
		writeError(w, r, http.StatusConflict, codeLastPasskey)
		return
	}
	switch err := a.rp.DeletePasskey(r.Context(), acct.Handle, id); {
	case errors.Is(err, passkey.ErrPasskeyNotFound):
		writeError(w, r, http.StatusNotFound, codeNotFound)
	case err != nil:
		fail(w, r, a.log, err)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"status": "deleted"})
	}
}

// logout answers POST /api/logout: the session ends on the server, the
// cookie goes.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if _, token, ok := a.currentSignIn(r); ok {
		a.signIns.remove(token)
	}
	a.clearCookie(w, a.sessionCookie(), "/", http.SameSiteLaxMode)
	writeJSON(w, http.StatusOK, map[string]string{"status": "signed out"})
}

// token answers POST /api/token: a fresh signed token for the signed-in
// user, what a login hands to an OAuth/OIDC server (verify it with
// /.well-known/jwks.json).
func (a *app) token(w http.ResponseWriter, r *http.Request) {
	acct, s, ok := a.requireSignIn(w, r)
	if !ok {
		return
	}
	t, err := a.tokens.mint(acct, s)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": t})
}

// jwks answers GET /.well-known/jwks.json: the public key of the tokens.
func (a *app) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.tokens.jwks)
}
