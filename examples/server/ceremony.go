package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/gopasskey/passkey"
)

// registerBeginRequest starts a registration: a sign-up with a new
// account's user name, or, without a name, one more passkey for the
// signed-in user.
type registerBeginRequest struct {
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	// SecurityKey asks for a roaming authenticator ("Add a security key")
	// and a server-side credential.
	SecurityKey bool `json:"securityKey"`
}

// registerBegin answers POST /api/register/begin with the creation options
// (PublicKeyCredentialCreationOptionsJSON) and sets the ceremony cookie.
func (a *app) registerBegin(w http.ResponseWriter, r *http.Request) {
	var req registerBeginRequest
	if !readJSON(w, r, &req) {
		return
	}
	ctx := r.Context()
	var user passkey.User
	if req.Username == "" {
		// One more passkey for the signed-in user's own account.
		acct, _, ok := a.requireSignIn(w, r)
		if !ok {
			return
		}
		user = passkey.User{Handle: acct.Handle, Name: acct.Name, DisplayName: acct.DisplayName}
	} else {
		name, ok := cleanName(req.Username)
		if !ok {
			writeError(w, r, http.StatusBadRequest, codeInvalidUsername)
			return
		}
		display := name
		if req.DisplayName != "" {
			if display, ok = cleanName(req.DisplayName); !ok {
				writeError(w, r, http.StatusBadRequest, codeInvalidUsername)
				return
			}
		}
		if _, err := a.accounts.ByName(ctx, name); err == nil {
			writeError(w, r, http.StatusConflict, codeUsernameTaken)
			return
		} else if !errors.Is(err, errAccountNotFound) {
			fail(w, r, a.log, err)
			return
		}
		// The account is created only when the registration finishes, so
		// an abandoned sign-up holds no name.
		user = passkey.User{Handle: passkey.NewUserHandle(), Name: name, DisplayName: display}
	}

	rp := a.rp
	var opts []passkey.RegistrationOption
	if req.SecurityKey {
		rp = a.keyRP
		opts = append(opts, passkey.Attachment("cross-platform"), passkey.Hints("security-key"))
	}
	options, sessionID, err := rp.BeginRegistration(ctx, user, opts...)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	a.setCeremony(w, cookieRegister, sessionID)
	writeJSON(w, http.StatusOK, options)
}

// registerFinish answers POST /api/register/finish, whose body is the
// credential's toJSON() (RegistrationResponseJSON).
func (a *app) registerFinish(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	sessionID := a.takeCeremony(w, r, cookieRegister)
	// Verify first, store after: a new account and its first passkey are
	// stored together or not at all.
	reg, err := a.rp.VerifyRegistration(ctx, sessionID, body)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	acct, err := a.accounts.ByHandle(ctx, reg.UserHandle)
	created := false
	switch {
	case errors.Is(err, errAccountNotFound):
		acct = &account{Handle: reg.UserHandle, Name: reg.UserName, DisplayName: reg.UserDisplayName, CreatedAt: time.Now()}
		if err := a.accounts.Create(ctx, acct); err != nil {
			if errors.Is(err, errNameTaken) {
				// Someone finished a sign-up with this name first.
				writeError(w, r, http.StatusConflict, codeUsernameTaken)
				return
			}
			fail(w, r, a.log, err)
			return
		}
		created = true
	case err != nil:
		fail(w, r, a.log, err)
		return
	}
	if err := a.rp.SaveRegistration(ctx, reg); err != nil {
		if created {
			if derr := a.accounts.Delete(ctx, acct.Handle); derr != nil {
				a.log.ErrorContext(ctx, "removing an account whose passkey was not stored", "err", derr)
			}
		}
		fail(w, r, a.log, err)
		return
	}
	a.log.InfoContext(ctx, "passkey registered", "new_account", created,
		"attestation", reg.AttestationType, "synced", reg.Record.BackupEligible.Bool())
	writeJSON(w, http.StatusOK, map[string]any{"status": "registered", "username": acct.Name, "newAccount": created})
}

// loginBeginRequest starts a login: by user name, usernameless (empty
// name), or the autofill login of conditional mediation.
type loginBeginRequest struct {
	Username string `json:"username"`
	Autofill bool   `json:"autofill"`
}

// loginBegin answers POST /api/login/begin with the request options
// (PublicKeyCredentialRequestOptionsJSON) and sets the ceremony cookie.
func (a *app) loginBegin(w http.ResponseWriter, r *http.Request) {
	var req loginBeginRequest
	if !readJSON(w, r, &req) {
		return
	}
	ctx := r.Context()
	cookie := cookieLogin
	var opts []passkey.LoginOption
	switch {
	case req.Autofill:
		cookie = cookieAutofill
	case req.Username != "":
		name, ok := cleanName(req.Username)
		if !ok {
			writeError(w, r, http.StatusBadRequest, codeInvalidUsername)
			return
		}
		opt, err := a.loginFor(r, name)
		if err != nil {
			fail(w, r, a.log, err)
			return
		}
		opts = append(opts, opt)
	}
	options, sessionID, err := a.rp.BeginLogin(ctx, opts...)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	a.setCeremony(w, cookie, sessionID)
	writeJSON(w, http.StatusOK, options)
}

// loginFor picks the login option for a user name. A name without an
// account, or an account without passkeys, gets decoy options that look
// like a real account's, so the answer does not tell which names exist.
func (a *app) loginFor(r *http.Request, name string) (passkey.LoginOption, error) {
	acct, err := a.accounts.ByName(r.Context(), name)
	if errors.Is(err, errAccountNotFound) {
		return passkey.ForUnknownUser(name), nil
	}
	if err != nil {
		return nil, err
	}
	list, err := a.rp.Passkeys(r.Context(), acct.Handle)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return passkey.ForUnknownUser(name), nil
	}
	return passkey.ForUser(acct.Handle), nil
}

// loginFinish answers POST /api/login/finish (and ?autofill=1 for the
// conditional login), whose body is the credential's toJSON()
// (AuthenticationResponseJSON). It signs the browser in and mints the
// hand-off token.
func (a *app) loginFinish(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	cookie, mediation := cookieLogin, "modal"
	if r.URL.Query().Get("autofill") == "1" {
		cookie, mediation = cookieAutofill, "conditional"
	}
	sessionID := a.takeCeremony(w, r, cookie)
	login, err := a.rp.FinishLogin(ctx, sessionID, body)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	acct, err := a.accounts.ByHandle(ctx, login.UserHandle)
	if err != nil {
		// A valid passkey of an account that is gone: as good as unknown.
		if errors.Is(err, errAccountNotFound) {
			writeError(w, r, http.StatusBadRequest, codeUnknownAccount)
			return
		}
		fail(w, r, a.log, err)
		return
	}
	s := signIn{
		Handle:       acct.Handle,
		CredentialID: login.Record.ID,
		UserVerified: login.UserVerified,
		Synced:       login.Record.BackupEligible.Bool(),
		AuthTime:     time.Now(),
		Mediation:    mediation,
	}
	// A fresh session token at every login: a token planted before the
	// login (session fixation) never becomes a signed-in one.
	if _, old, ok := a.currentSignIn(r); ok {
		a.signIns.remove(old)
	}
	a.setCookie(w, a.sessionCookie(), a.signIns.create(s), "/", signInTTL, http.SameSiteLaxMode)
	token, err := a.tokens.mint(acct, s)
	if err != nil {
		fail(w, r, a.log, err)
		return
	}
	if login.CloneSuspected || login.BackupStateChanged {
		a.log.WarnContext(ctx, "login signal", "clone_suspected", login.CloneSuspected, "backup_state_changed", login.BackupStateChanged)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":       "signed in",
		"username":     acct.Name,
		"userVerified": login.UserVerified,
		"token":        token,
	})
}
