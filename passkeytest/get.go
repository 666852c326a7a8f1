package passkeytest

import (
	"crypto/sha256"
	"slices"
)

// Get answers navigator.credentials.get(): optionsJSON is a
// PublicKeyCredentialRequestOptionsJSON, bare or wrapped as
// {"publicKey": {...}, "mediation": ...}; origin is the calling page's
// origin. It returns the AuthenticationResponseJSON that
// PublicKeyCredential.toJSON() gives.
//
// The credential is the first entry of allowCredentials the authenticator
// holds for the RP ID; with an empty list, the most recently created
// discoverable credential for the RP ID (Knobs.CredentialID picks another).
// No usable credential gives ErrNotAllowed. userHandle is returned for
// discoverable credentials.
func (a *Authenticator) Get(optionsJSON []byte, origin string, tweaks ...Tweak) ([]byte, error) {
	opts, err := parseRequestOptions(optionsJSON)
	if err != nil {
		return nil, err
	}
	rpID, err := a.effectiveRPID(origin, opts.rpID)
	if err != nil {
		return nil, err
	}
	ext, err := parseGetExtensions(opts.extensions, !opts.allowListed, opts.allowCount)
	if err != nil {
		return nil, err
	}
	k := a.knobs(tweaks)
	canUV := !a.cfg.NoUserVerification
	if opts.userVerification == "required" && !canUV {
		return nil, domError(ErrNotAllowed, "user verification required but unsupported")
	}
	wantUV := canUV && opts.userVerification != "discouraged"

	a.mu.Lock()
	defer a.mu.Unlock()
	cred, hashed := a.pick(rpID, opts, ext, k, wantUV)
	if cred == nil {
		return nil, domError(ErrNotAllowed, "the authenticator holds no usable credential for this request")
	}
	uv := wantUV && !cred.u2f
	appidUsed := hashed != rpID

	authExt := map[string]any{}
	if ext.prf && ext.evalFor(cred.ID) != nil {
		// A stand-in for hmac-secret's encrypted output: opaque bytes of
		// the right length.
		size := 32
		if ext.evalFor(cred.ID).second != nil {
			size = 64
		}
		authExt["hmac-secret"] = a.derive(size, "hmac-secret output %x %d", cred.ID, cred.SignCount)
	}
	extBytes := k.AuthenticatorExtensions
	if extBytes == nil && len(authExt) > 0 {
		if extBytes, err = encodeCBOR(authExt); err != nil {
			return nil, err
		}
	}
	flags := flagSet{
		up: true,
		uv: uv,
		be: a.cfg.BackupEligible && !cred.u2f,
		bs: a.cfg.BackupEligible && a.cfg.BackupState && !cred.u2f,
		ed: len(extBytes) > 0,
	}.byteWith(k)
	counter := k.Counter.next(cred.SignCount, false)
	if k.RPID != "" {
		hashed = k.RPID
	}
	in := &SignInput{
		AuthenticatorData: authData(hashed, flags, counter, nil, extBytes),
		ClientDataJSON:    buildClientData("webauthn.get", opts.challenge, origin, k),
	}
	if k.TamperBeforeSign != nil {
		k.TamperBeforeSign(in)
	}
	clientDataHash := sha256.Sum256(in.ClientDataJSON)
	sig, err := a.sign(cred.Algorithm, cred.PrivateKey, append(slices.Clone(in.AuthenticatorData), clientDataHash[:]...))
	if err != nil {
		return nil, err
	}

	results := map[string]any{}
	if ext.appid != nil {
		results["appid"] = appidUsed
	}
	if ext.prf {
		prf := map[string]any{}
		if v := ext.evalFor(cred.ID); v != nil {
			prf["results"] = prfResults(cred, uv, v)
		}
		results["prf"] = prf
	}
	if ext.largeBlob {
		// The blob lives with the credential's largeBlobKey; a credential
		// created without largeBlob has none, so reads find nothing and
		// writes fail.
		largeBlob := map[string]any{}
		if ext.blobRead && cred.largeBlob && cred.blob != nil {
			largeBlob["blob"] = b64url(cred.blob)
		}
		if ext.blobWrite != nil {
			largeBlob["written"] = cred.largeBlob
		}
		results["largeBlob"] = largeBlob
	}

	resp := &RawResponse{
		ID:                      b64url(cred.ID),
		RawID:                   slices.Clone(cred.ID),
		Type:                    "public-key",
		AuthenticatorAttachment: a.attachment(),
		ClientExtensionResults:  results,
		ClientDataJSON:          in.ClientDataJSON,
		AuthenticatorData:       in.AuthenticatorData,
		Signature:               sig,
	}
	if cred.Discoverable {
		resp.UserHandle = slices.Clone(cred.UserHandle)
	}
	if k.UserHandle != nil {
		resp.UserHandle = slices.Clone(k.UserHandle)
	}
	if k.OmitUserHandle {
		resp.UserHandle = nil
	}
	if k.Attachment != "" {
		resp.AuthenticatorAttachment = k.Attachment
	}
	if k.TamperAfterSign != nil {
		k.TamperAfterSign(resp)
	}
	out, err := resp.MarshalJSON()
	if err != nil {
		return nil, err
	}
	cred.SignCount = counter
	if ext.blobWrite != nil && cred.largeBlob {
		cred.blob = slices.Clone(ext.blobWrite)
	}
	return out, nil
}

// pick chooses the credential to answer with and the RP ID (or AppID) its
// authenticator data hashes. a.mu is held.
func (a *Authenticator) pick(rpID string, opts *requestOptions, ext *getExtensions, k *Knobs, wantUV bool) (*credential, string) {
	// usable reports whether c answers for this RP: a U2F-era credential
	// only through the appid extension naming its AppID (#sctn-appid-extension).
	usable := func(c *credential) (string, bool) {
		if c.AppID != "" {
			return c.AppID, ext.appid != nil && *ext.appid == c.AppID
		}
		return rpID, c.RPID == rpID
	}
	// protected reports a credential that credProtect hides from this
	// request (CTAP 2.1 #sctn-credProtect-extension).
	// A U2F key cannot verify the user, so it is no answer when the RP
	// requires verification.
	protected := func(c *credential, listed bool) bool {
		uv := wantUV && !c.u2f
		return (c.u2f && opts.userVerification == "required") ||
			(c.credProtect == 3 && !uv) || (c.credProtect == 2 && !listed && !uv)
	}
	if k.CredentialID != nil {
		for _, c := range a.creds {
			if slices.Equal(c.ID, k.CredentialID) {
				if hashed, ok := usable(c); ok {
					return c, hashed
				}
				return c, rpID
			}
		}
		return nil, ""
	}
	// A list whose entries all have unknown types leaves nothing to answer
	// with (#sctn-discover-from-external-source): it does not fall back to
	// discoverable credentials.
	if opts.allowListed {
		for _, id := range opts.allow {
			for _, c := range a.creds {
				if !slices.Equal(c.ID, id) {
					continue
				}
				if hashed, ok := usable(c); ok && !protected(c, true) {
					return c, hashed
				}
			}
		}
		return nil, ""
	}
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		if c.Discoverable && c.AppID == "" && c.RPID == rpID && !protected(c, false) {
			return c, rpID
		}
	}
	return nil, ""
}
