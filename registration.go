package passkey

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/store"
)

// Registration is a verified registration: the credential record to store
// and what the attestation said about the authenticator.
type Registration struct {
	// Record is the credential record, its UserHandle set to the account
	// the options named. [RelyingParty.VerifyRegistration] has not stored
	// it yet; set Record.Name before saving to give it a name of the
	// user's.
	Record credential.Record
	// UserHandle, UserName and UserDisplayName are the account the options
	// named (the [User] given to BeginRegistration).
	UserHandle      []byte
	UserName        string
	UserDisplayName string
	// AttestationType is the verified attestation type: "none", "self",
	// "basic", "attca" or "anonca".
	AttestationType string
	// TrustPath is the attestation certificate path, leaf first; empty for
	// none and self attestation.
	TrustPath []*x509.Certificate
	// AuthenticatorName is the model's name from Config.AuthenticatorNames,
	// or "".
	AuthenticatorName string
	// Extensions are the extension outputs. Record.Discoverable (credProps)
	// and Record.CredProtect come from them too.
	Extensions Extensions
}

// BeginRegistration starts a registration for user: it returns the options
// for the browser and the ID of the session that remembers them. Keep the
// session ID with the page (a cookie or a hidden field); it is a bearer
// secret for this ceremony only, and [RelyingParty.FinishRegistration]
// consumes it.
//
// excludeCredentials lists the user's existing credentials, so an
// authenticator that already holds one declines to create another.
func (rp *RelyingParty) BeginRegistration(ctx context.Context, user User, opts ...RegistrationOption) (*CreationOptions, string, error) {
	if err := user.validate(); err != nil {
		return nil, "", err
	}
	p := ceremonyParams{uv: rp.uv}
	for _, o := range opts {
		if o != nil {
			o.applyRegistration(&p)
		}
	}
	if p.problem != nil {
		return nil, "", p.problem
	}
	existing, err := rp.creds.ListByUser(ctx, user.Handle)
	if err != nil {
		return nil, "", fmt.Errorf("passkey: listing the user's credentials: %w", err)
	}
	ext, req, err := rp.registrationExtensions(&p)
	if err != nil {
		return nil, "", err
	}
	if len(p.attFormats) > 0 && rp.trust == nil {
		return nil, "", &ConfigError{Field: "AttestationFormats", Problem: "set without Config.TrustSource",
			Fix: "the options ask for no attestation without a trust source, so browsers ignore the list: drop the option"}
	}
	extJSON, err := req.marshal()
	if err != nil {
		return nil, "", fmt.Errorf("passkey: encoding extensions: %w", err)
	}
	challenge, err := rp.newChallenge()
	if err != nil {
		return nil, "", err
	}
	user = User{Handle: bytes.Clone(user.Handle), Name: user.Name, DisplayName: user.DisplayName}
	opt := &CreationOptions{
		RPID:                    rp.rpID,
		RPName:                  rp.rpName,
		User:                    user,
		Challenge:               challenge,
		Algorithms:              append(rp.algs[:0:0], rp.algs...),
		Timeout:                 rp.timeout,
		ExcludeCredentials:      descriptorsOf(existing),
		AuthenticatorAttachment: p.attachment,
		ResidentKey:             rp.rk,
		UserVerification:        p.uv,
		Hints:                   p.hints,
		Attestation:             "none",
		AttestationFormats:      p.attFormats,
		Extensions:              ext,
	}
	if rp.trust != nil {
		opt.Attestation = "direct"
	}
	if p.conditional {
		opt.Mediation = "conditional"
	}
	now := rp.clock()
	id, err := rp.newSession(ctx, &sessionState{
		kind:        ceremonyRegistration,
		expires:     rp.expiry(now),
		challenge:   challenge,
		rpID:        rp.rpID,
		user:        user,
		algs:        opt.Algorithms,
		uv:          p.uv,
		rk:          rp.rk,
		conditional: p.conditional,
		appID:       rp.appID,
		extensions:  extJSON,
	})
	if err != nil {
		return nil, "", err
	}
	return opt, id, nil
}

// descriptorsOf lists records as credential descriptors, transports kept.
func descriptorsOf(recs []*credential.Record) []CredentialDescriptor {
	out := make([]CredentialDescriptor, 0, len(recs))
	for _, r := range recs {
		out = append(out, CredentialDescriptor{ID: bytes.Clone(r.ID), Transports: append([]string(nil), r.Transports...)})
	}
	return out
}

// FinishRegistration verifies the browser's response (the
// RegistrationResponseJSON body) against the session and stores the new
// credential: [RelyingParty.VerifyRegistration] followed by
// [RelyingParty.SaveRegistration]. The session is consumed whatever the
// outcome. A rejection is an [*Error] with a stable code.
func (rp *RelyingParty) FinishRegistration(ctx context.Context, sessionID string, body []byte) (*Registration, error) {
	reg, err := rp.VerifyRegistration(ctx, sessionID, body)
	if err != nil {
		return nil, err
	}
	if err := rp.SaveRegistration(ctx, reg); err != nil {
		return nil, err
	}
	return reg, nil
}

// VerifyRegistration consumes the session, verifies the response and
// applies the relying party's policies, but stores nothing: the caller then
// calls [RelyingParty.SaveRegistration], or stores reg.Record itself, in the
// same transaction as the account it creates. A credential ID already
// registered, to anyone, fails with credential-already-registered.
func (rp *RelyingParty) VerifyRegistration(ctx context.Context, sessionID string, body []byte) (*Registration, error) {
	reg, err := rp.verifyRegistration(ctx, sessionID, body)
	if err != nil {
		rp.logFailure(ctx, "registration", err)
		return nil, err
	}
	if rp.log.Enabled(ctx, slog.LevelDebug) {
		rp.log.LogAttrs(ctx, slog.LevelDebug, "passkey: registration verified",
			slog.String("format", reg.Record.AttestationFormat), slog.String("attestation", reg.AttestationType),
			slog.String("aaguid", reg.Record.AAGUID.String()))
	}
	return reg, nil
}

func (rp *RelyingParty) verifyRegistration(ctx context.Context, sessionID string, body []byte) (*Registration, error) {
	st, err := rp.takeSession(ctx, sessionID, ceremonyRegistration)
	if err != nil {
		return nil, err
	}
	req, err := st.extRequest()
	if err != nil {
		return nil, err
	}
	resp, err := attestation.Parse(body)
	if err != nil {
		return nil, err
	}
	now := rp.clock()
	expect := attestation.Expect{
		RPID:                    rp.rpID,
		Origins:                 rp.origins,
		Challenge:               st.challenge,
		Algorithms:              st.algs,
		RequireUserVerification: st.uv == VerificationRequired,
		Conditional:             st.conditional,
		Now:                     now,
	}
	if rp.trust != nil {
		expect.TrustSource = bind(ctx, rp.trust)
		expect.Trust = attestation.TrustRequired
	}
	res, err := resp.Verify(expect)
	if err != nil {
		if rp.trust != nil && ctx.Err() != nil {
			// A source cut off by the request's end is no verdict.
			return nil, fmt.Errorf("passkey: trust source: %w", ctx.Err())
		}
		return nil, err
	}

	rec := res.Record
	if err := rp.checkAuthenticator(rec.AAGUID, res.Flags.BackupEligible(), "reg-ceremony-assess-trust"); err != nil {
		return nil, err
	}

	// Step 26: the credential ID is not yet registered, to anyone.
	if _, err := rp.creds.Get(ctx, rec.ID); err == nil {
		return nil, alreadyRegistered()
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("passkey: looking the new credential up: %w", err)
	}

	// Step 28: the extension outputs (#reg-ceremony-verify-extension-outputs).
	xo, err := rp.verifyExtensionOutputs(req, ceremonyRegistration, rec.ID, resp.ClientExtensionResults(), res.Extensions)
	if err != nil {
		return nil, err
	}
	rec.Discoverable, rec.CredProtect = xo.discoverable, xo.credProtect

	rec.UserHandle = bytes.Clone(st.user.Handle)
	reg := &Registration{
		Record:          rec,
		UserHandle:      bytes.Clone(st.user.Handle),
		UserName:        st.user.Name,
		UserDisplayName: st.user.DisplayName,
		AttestationType: string(res.Type),
		TrustPath:       res.TrustPath,
		Extensions:      xo.ext,
	}
	if rp.names != nil {
		reg.AuthenticatorName = rp.names.AuthenticatorName(rec.AAGUID)
	}
	return reg, nil
}

func alreadyRegistered() error {
	return errcode.New(errcode.ErrCredentialAlreadyRegistered, "sctn-registering-a-new-credential",
		"the credential ID is already registered")
}

// SaveRegistration stores reg.Record in the credential store
// (#reg-ceremony-store-credential-record). If another registration stored
// the same credential ID in the meantime, it fails with
// credential-already-registered.
func (rp *RelyingParty) SaveRegistration(ctx context.Context, reg *Registration) error {
	if reg == nil {
		return &ConfigError{Field: "SaveRegistration", Problem: "nil registration", Fix: "pass what VerifyRegistration returned"}
	}
	rec := reg.Record.Clone()
	if err := rp.creds.Create(ctx, rec); err != nil {
		if errors.Is(err, store.ErrExists) {
			err = alreadyRegistered()
			rp.logFailure(ctx, "registration", err)
			return err
		}
		return fmt.Errorf("passkey: storing the credential: %w", err)
	}
	return nil
}

// checkAuthenticator applies the synced-passkey policy to be (the BE flag)
// and the AAGUID lists to aaguid.
func (rp *RelyingParty) checkAuthenticator(aaguid credential.AAGUID, be bool, check string) error {
	switch {
	case rp.synced == SyncedRequired && !be:
		return errcode.Mismatch(errcode.ErrAuthenticatorNotAllowed, check,
			"the relying party requires synced passkeys", "backup eligible", "device-bound")
	case rp.synced == SyncedRefused && be:
		return errcode.Mismatch(errcode.ErrAuthenticatorNotAllowed, check,
			"the relying party refuses synced passkeys", "device-bound", "backup eligible")
	}
	if rp.allowAAGUID != nil {
		if _, ok := rp.allowAAGUID[aaguid]; !ok {
			return errcode.Mismatch(errcode.ErrAuthenticatorNotAllowed, check,
				"the authenticator model is not on the allow list", "an allowed AAGUID", aaguid.String())
		}
	}
	if _, ok := rp.denyAAGUID[aaguid]; ok {
		return errcode.Mismatch(errcode.ErrAuthenticatorNotAllowed, check,
			"the authenticator model is on the deny list", "another AAGUID", aaguid.String())
	}
	return nil
}
