package passkey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/store"
)

// Login is a verified login.
type Login struct {
	// UserHandle is the account that signed in: the credential's owner.
	UserHandle []byte
	// Record is the credential record as stored after this login (new
	// counter, backup state and last use).
	Record credential.Record
	// UserVerified reports the UV flag.
	UserVerified bool
	// UserVerifiedTrusted reports a UV flag that counts as an
	// authentication factor: set, and the credential's uvInitialized was
	// already true (#credential-record). Passwordless sign-in should want
	// it; a second factor does not need it.
	UserVerifiedTrusted bool
	// BackupState is the BS flag: the credential is backed up (synced).
	BackupState bool
	// BackupStateChanged reports a BS different from the record's: a
	// synced passkey was backed up, or a backup was lost. A signal, not an
	// error (#sctn-credential-backup).
	BackupStateChanged bool
	// CloneSuspected reports a signature counter that did not increase,
	// accepted because Config.AcceptCounterRegression is set: the
	// authenticator may have been cloned (#sctn-sign-counter).
	CloneSuspected bool
	// AppIDUsed reports an assertion over the U2F AppID, not the RP ID.
	AppIDUsed bool
	// Extensions are the extension outputs.
	Extensions Extensions
}

// maxUpdateAttempts bounds the compare-and-swap loop of a login: each lost
// race re-reads the record and verifies again, and so many losses in a row
// mean a credential under a storm of concurrent logins.
const maxUpdateAttempts = 3

// checkUpdate is #authn-ceremony-update-credential-record.
const checkUpdate = "authn-ceremony-update-credential-record"

// BeginLogin starts a login and returns the options for the browser and the
// ID of the session that remembers them.
//
// Without options it is a usernameless login: allowCredentials is empty, the
// user picks a passkey (also in the autofill of conditional UI), and the
// response's userHandle names the account. [ForUser] lists one account's
// credentials; [ForUnknownUser] makes options that look the same for a
// name that matches no account.
func (rp *RelyingParty) BeginLogin(ctx context.Context, opts ...LoginOption) (*RequestOptions, string, error) {
	p := ceremonyParams{uv: rp.uv}
	for _, o := range opts {
		if o != nil {
			o.applyLogin(&p)
		}
	}
	if p.problem == nil && p.modes > 1 {
		p.problem = &ConfigError{Field: "BeginLogin", Problem: "ForUser or ForUnknownUser given more than once",
			Fix: "pass at most one of them"}
	}
	if p.problem != nil {
		return nil, "", p.problem
	}

	var allow []CredentialDescriptor
	switch p.mode {
	case loginForUser:
		recs, err := rp.creds.ListByUser(ctx, p.userHandle)
		if err != nil {
			return nil, "", fmt.Errorf("passkey: listing the user's credentials: %w", err)
		}
		allow = descriptorsOf(recs)
		if len(allow) == 0 {
			// An empty list would tell an attacker that the account has
			// no passkey; decoys look like any other account's.
			allow = rp.decoyCredentials(decoyForHandle, p.userHandle)
		}
	case loginUnknownUser:
		// The same store round trip as a real account's, so that the
		// time taken does not tell the two apart.
		if _, err := rp.creds.ListByUser(ctx, rp.decoyHandle(p.unknownName)); err != nil {
			return nil, "", fmt.Errorf("passkey: listing the user's credentials: %w", err)
		}
		allow = rp.decoyCredentials(decoyForName, []byte(p.unknownName))
	}
	allow, err := p.largeBlobTarget(allow)
	if err != nil {
		return nil, "", err
	}
	ext, req, err := rp.loginExtensions(&p, allow)
	if err != nil {
		return nil, "", err
	}
	extJSON, err := req.marshal()
	if err != nil {
		return nil, "", fmt.Errorf("passkey: encoding extensions: %w", err)
	}

	challenge, err := rp.newChallenge()
	if err != nil {
		return nil, "", err
	}
	allowIDs := make([][]byte, len(allow))
	for i, d := range allow {
		allowIDs[i] = d.ID
	}
	now := rp.clock()
	id, err := rp.newSession(ctx, &sessionState{
		kind:       ceremonyLogin,
		expires:    rp.expiry(now),
		challenge:  challenge,
		rpID:       rp.rpID,
		user:       User{Handle: p.userHandle},
		uv:         p.uv,
		rk:         rp.rk,
		mode:       p.mode,
		allow:      allowIDs,
		appID:      rp.appID,
		extensions: extJSON,
	})
	if err != nil {
		return nil, "", err
	}
	return &RequestOptions{
		Challenge:        challenge,
		Timeout:          rp.timeout,
		RPID:             rp.rpID,
		AllowCredentials: allow,
		UserVerification: p.uv,
		Hints:            p.hints,
		Extensions:       ext,
	}, id, nil
}

// FinishLogin verifies the browser's response (the
// AuthenticationResponseJSON body) against the session and updates the
// credential record. The session is consumed whatever the outcome. A
// rejection is an [*Error] with a stable code.
//
// The record is updated by compare-and-swap: of two logins racing with one
// credential, the one whose counter is no longer ahead of the stored one
// fails with sign-count-regression, and the stored counter never goes back.
func (rp *RelyingParty) FinishLogin(ctx context.Context, sessionID string, body []byte) (*Login, error) {
	login, err := rp.finishLogin(ctx, sessionID, body)
	if err != nil {
		rp.logFailure(ctx, "login", err)
		return nil, err
	}
	if rp.log.Enabled(ctx, slog.LevelDebug) {
		rp.log.LogAttrs(ctx, slog.LevelDebug, "passkey: login verified",
			slog.String("aaguid", login.Record.AAGUID.String()))
	}
	return login, nil
}

func (rp *RelyingParty) finishLogin(ctx context.Context, sessionID string, body []byte) (*Login, error) {
	st, err := rp.takeSession(ctx, sessionID, ceremonyLogin)
	if err != nil {
		return nil, err
	}
	req, err := st.extRequest()
	if err != nil {
		return nil, err
	}
	resp, err := assertion.Parse(body)
	if err != nil {
		return nil, err
	}
	expect := assertion.Expect{
		RPID:                    rp.rpID,
		Origins:                 rp.origins,
		Challenge:               st.challenge,
		AllowCredentials:        st.allow,
		RequireUserVerification: st.uv == VerificationRequired,
		AppID:                   st.appID,
		AcceptCounterRegression: rp.acceptRegr,
	}
	switch st.mode {
	case loginUsernameless:
		expect.Usernameless = true
	case loginForUser:
		expect.UserHandle = st.user.Handle
	case loginUnknownUser:
		// The decoys name no credential, and even a credential that exists
		// does not belong to a name without an account. The lookup keeps
		// the store round trip of a real account's failure.
		rec, err := rp.lookUp(ctx, resp.CredentialID())
		if err != nil {
			return nil, err
		}
		err = errcode.New(errcode.ErrUnknownCredential, "rp-op-verifying-assertion-step-identify-user",
			"the login was for a user name without an account")
		if rec == nil {
			return nil, rp.unknownCredential(err, resp.CredentialID())
		}
		return nil, err
	}

	for attempt := 1; ; attempt++ {
		rec, err := rp.lookUp(ctx, resp.CredentialID())
		if err != nil {
			return nil, err
		}
		res, err := resp.Verify(rec, expect)
		if err != nil {
			if rec == nil && errors.Is(err, errcode.ErrUnknownCredential) {
				// Not in the store: the authenticator may forget it.
				err = rp.unknownCredential(err, resp.CredentialID())
			}
			return nil, err
		}
		if err := rp.checkAuthenticator(rec.AAGUID, res.BackupEligible, "rp-op-verifying-assertion-step-backup-eligibility"); err != nil {
			return nil, err
		}
		// Step 23: the extension outputs (#authn-ceremony-verify-extension-outputs).
		xo, err := rp.verifyExtensionOutputs(req, ceremonyLogin, rec.ID, resp.ClientExtensionResults(), res.Extensions)
		if err != nil {
			return nil, err
		}
		updated := rp.updatedRecord(rec, res)
		if res.AppIDUsed && updated.AppID == "" {
			// A U2F credential, now known as one (#sctn-appid-extension).
			updated.AppID = st.appID
		}
		login := loginResult(rec, updated, res, xo.ext)
		err = rp.creds.CompareAndSwap(ctx, rec, updated)
		switch {
		case err == nil:
			return login, nil
		case errors.Is(err, store.ErrNotFound):
			return nil, rp.unknownCredential(
				errcode.New(errcode.ErrUnknownCredential, checkUpdate, "the credential was deleted during the login"), rec.ID)
		case errors.Is(err, store.ErrConflict) && attempt < maxUpdateAttempts:
			// A concurrent login updated the record: verify against the
			// new one, whose counter may now be ahead of this assertion's.
			continue
		case errors.Is(err, store.ErrConflict):
			// Not a verdict on this assertion: the user may sign in again.
			return nil, fmt.Errorf("passkey: concurrent logins with this credential kept updating its record: %w", err)
		default:
			return nil, fmt.Errorf("passkey: updating the credential record: %w", err)
		}
	}
}

// lookUp returns the stored record for id, or nil when there is none:
// assertion.Verify then reports the check that fails first in the spec's
// order (allowCredentials, a missing userHandle, or the unknown credential).
func (rp *RelyingParty) lookUp(ctx context.Context, id []byte) (*credential.Record, error) {
	rec, err := rp.creds.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("passkey: looking the credential up: %w", err)
	}
	return rec, nil
}

// updatedRecord is #authn-ceremony-update-credential-record: the new
// counter (never lower than the stored one, even for an accepted
// regression), the backup state, BE learnt for records that did not know
// it, and the time of use. uvInitialized is left alone: setting it needs
// an authorization factor beyond this assertion, which only the
// application can judge.
//
// The copy is shallow: rec is this login's own copy from the store, and
// neither it nor the update is changed after this; the store copies what
// it keeps.
func (rp *RelyingParty) updatedRecord(rec *credential.Record, res *assertion.Result) *credential.Record {
	u := *rec
	u.SignCount = max(rec.SignCount, res.SignCount)
	u.BackupState = res.BackupState
	if !u.BackupEligible.Known() {
		u.BackupEligible = credential.TristateOf(res.BackupEligible)
	}
	u.LastUsedAt = rp.clock()
	return &u
}

// loginResult is what FinishLogin returns once updated is stored.
func loginResult(old, updated *credential.Record, res *assertion.Result, ext Extensions) *Login {
	return &Login{
		UserHandle:          bytes.Clone(updated.UserHandle),
		Record:              *updated,
		UserVerified:        res.UserVerified,
		UserVerifiedTrusted: res.UserVerified && old.UVInitialized,
		BackupState:         res.BackupState,
		BackupStateChanged:  res.BackupStateChanged,
		CloneSuspected:      res.CloneSuspected,
		AppIDUsed:           res.AppIDUsed,
		Extensions:          ext,
	}
}
