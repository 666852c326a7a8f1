package passkeytest

import (
	"crypto/sha256"
	"fmt"
	"slices"
)

// Create answers navigator.credentials.create(): optionsJSON is a
// PublicKeyCredentialCreationOptionsJSON, bare or wrapped as
// {"publicKey": {...}, "mediation": ...}; origin is the calling page's origin
// (e.g. "https://example.com"). It returns the RegistrationResponseJSON that
// PublicKeyCredential.toJSON() gives, and keeps the new credential.
//
// Like a browser and an authenticator it honours the RP ID (defaulting to the
// origin's host), pubKeyCredParams order, excludeCredentials,
// authenticatorSelection, attestation conveyance, mediation "conditional"
// (no user presence) and the extensions this package knows. Failures are
// *Error values a browser would raise.
func (a *Authenticator) Create(optionsJSON []byte, origin string, tweaks ...Tweak) ([]byte, error) {
	opts, err := parseCreationOptions(optionsJSON)
	if err != nil {
		return nil, err
	}
	rpID, err := a.effectiveRPID(origin, opts.rpID)
	if err != nil {
		return nil, err
	}
	ext, err := parseCreateExtensions(opts.extensions)
	if err != nil {
		return nil, err
	}
	k := a.knobs(tweaks)
	kind := a.cfg.Attestation
	if k.Attestation != 0 {
		kind = k.Attestation
	}
	if kind == 0 {
		kind = AttestationNone
	}
	if kind.format() == "none" && kind != AttestationNone {
		return nil, fmt.Errorf("passkeytest: Knobs.Attestation: unknown kind %d", kind)
	}
	// A U2F key (or a U2F-era credential) verifies no user and stores
	// nothing discoverable.
	u2f := kind == AttestationFIDOU2F || k.AppID != ""

	// Authenticator selection (#sctn-createCredential): an authenticator
	// that cannot meet the criteria is never used, and the ceremony ends
	// with NotAllowedError.
	switch opts.attachment {
	case "platform", "cross-platform":
		if opts.attachment != a.attachment() {
			return nil, domError(ErrNotAllowed, "no authenticator with the requested authenticatorAttachment")
		}
	}
	canUV := !a.cfg.NoUserVerification && !u2f
	canRK := !a.cfg.NoResidentKeys && !u2f
	if opts.userVerification == "required" && !canUV {
		return nil, domError(ErrNotAllowed, "user verification required but unsupported")
	}
	if opts.residentKey == "required" && !canRK {
		return nil, domError(ErrNotAllowed, "a discoverable credential is required but unsupported")
	}
	if ext.largeBlob == "required" && !a.cfg.LargeBlob {
		return nil, domError(ErrNotAllowed, "largeBlob support is required but unsupported")
	}
	// CTAP 2.1 §12.1: a client fails an enforced policy above level 1 on an
	// authenticator without credProtect; an unenforced one is dropped.
	if a.cfg.NoCredProtect {
		if ext.enforceCP && ext.credProtect > 1 {
			return nil, domError(ErrNotAllowed, "credProtect is enforced but unsupported")
		}
		ext.credProtect = 0
	}

	// The first offered algorithm the authenticator supports.
	alg, found := int64(0), false
	for _, candidate := range opts.algs {
		if a.supports(candidate) && (!u2f || candidate == AlgES256) {
			alg, found = candidate, true
			break
		}
	}
	if !found {
		return nil, domError(ErrNotSupported, "no offered algorithm is supported")
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range opts.exclude {
		for _, c := range a.creds {
			if !slices.Equal(c.ID, id) {
				continue
			}
			if (c.AppID == "" && c.RPID == rpID) ||
				(c.AppID != "" && ext.appidExclude != nil && *ext.appidExclude == c.AppID) {
				return nil, domError(ErrInvalidState, "the authenticator already holds an excluded credential")
			}
		}
	}
	n := a.nCred
	a.nCred++

	credID := k.CredentialID
	if credID == nil {
		length := k.CredentialIDLength
		if length == 0 {
			length = a.cfg.CredentialIDLength
		}
		if length == 0 {
			length = 32
		}
		if length < 0 || length > 65535 {
			return nil, fmt.Errorf("passkeytest: Knobs.CredentialIDLength must be 1 to 65535")
		}
		credID = a.derive(length, "credential %d id", n)
	}
	if len(credID) > 65535 {
		return nil, fmt.Errorf("passkeytest: Knobs.CredentialID is longer than 65535 bytes")
	}
	credID = slices.Clone(credID)

	rsaIndex := 0
	if kd := algSpecs[alg].kind; kd == kindRSAPKCS1 || kd == kindRSAPSS {
		rsaIndex = a.nRSA
		a.nRSA++
	}
	key, err := a.newKey(alg, fmt.Sprintf("credential %d", n), rsaIndex)
	if err != nil {
		return nil, err
	}
	keyMap, err := coseKey(alg, key)
	if err != nil {
		return nil, err
	}
	if k.TamperCOSEKey != nil {
		k.TamperCOSEKey(keyMap)
	}
	coseBytes, err := encodeCBOR(keyMap)
	if err != nil {
		return nil, err
	}
	spkiBytes, err := spki(alg, key)
	if err != nil {
		return nil, err
	}

	cred := &credential{
		Credential: Credential{
			ID:              credID,
			RPID:            rpID,
			AppID:           k.AppID,
			UserHandle:      opts.userID,
			UserName:        opts.userName,
			UserDisplayName: opts.displayName,
			Discoverable:    canRK && opts.residentKey != "discouraged",
			Algorithm:       alg,
			PrivateKey:      key,
			PublicKey:       coseBytes,
		},
		u2f:         u2f,
		credProtect: ext.credProtect,
		prf:         a.derive(64, "credential %d prf", n),
		largeBlob:   a.cfg.LargeBlob && ext.largeBlob != "",
	}

	// Authenticator extension outputs (signed).
	authExt := map[string]any{}
	if ext.credProtect != 0 {
		authExt["credProtect"] = ext.credProtect
	}
	if ext.prf != nil {
		authExt["hmac-secret"] = true
	}
	if ext.minPinLength && a.cfg.MinPINLength > 0 {
		authExt["minPinLength"] = a.cfg.MinPINLength
	}
	extBytes := k.AuthenticatorExtensions
	if extBytes == nil && len(authExt) > 0 {
		if extBytes, err = encodeCBOR(authExt); err != nil {
			return nil, err
		}
	}

	uv := canUV && opts.userVerification != "discouraged"
	flags := flagSet{
		up: opts.mediation != "conditional",
		uv: uv,
		be: a.cfg.BackupEligible && !u2f,
		bs: a.cfg.BackupEligible && a.cfg.BackupState && !u2f,
		at: true,
		ed: len(extBytes) > 0,
	}.byteWith(k)
	counter := k.Counter.next(0, true)
	cred.SignCount = counter

	aaguid := a.cfg.AAGUID
	if u2f {
		aaguid = [16]byte{}
	}
	if k.AAGUID != nil {
		aaguid = *k.AAGUID
	}
	hashed := rpID
	if k.AppID != "" {
		hashed = k.AppID
	}
	if k.RPID != "" {
		hashed = k.RPID
	}
	in := &SignInput{
		AuthenticatorData: authData(hashed, flags, counter, attestedCredentialData(aaguid, credID, coseBytes), extBytes),
		ClientDataJSON:    buildClientData("webauthn.create", opts.challenge, origin, k),
	}
	if k.TamperBeforeSign != nil {
		k.TamperBeforeSign(in)
	}
	clientDataHash := sha256.Sum256(in.ClientDataJSON)

	// Attestation conveyance "none" (the default; unknown values too): the
	// client replaces the statement with a none statement, unless it is a
	// self attestation with a zero AAGUID (#sctn-createCredential). Level 3
	// keeps the AAGUID.
	switch opts.attestation {
	case "indirect", "direct", "enterprise":
	default:
		selfWithZeroAAGUID := kind == AttestationPackedSelf && aaguid == [16]byte{}
		if !k.KeepAttestation && !selfWithZeroAAGUID {
			kind = AttestationNone
		}
	}
	attStmt, err := a.statement(kind, alg, key, in.AuthenticatorData, clientDataHash[:], credID)
	if err != nil {
		return nil, err
	}
	st := &Statement{Format: kind.format(), AttStmt: attStmt, AuthenticatorData: in.AuthenticatorData}
	if k.TamperStatement != nil {
		k.TamperStatement(st)
	}
	attObj, err := encodeCBOR(map[string]any{"fmt": st.Format, "attStmt": st.AttStmt, "authData": st.AuthenticatorData})
	if err != nil {
		return nil, err
	}

	results := map[string]any{}
	if ext.credProps {
		results["credProps"] = map[string]any{"rk": cred.Discoverable}
	}
	if ext.appidExclude != nil {
		results["appidExclude"] = true
	}
	if ext.prf != nil {
		prf := map[string]any{"enabled": true}
		if ext.prf.first != nil {
			prf["results"] = prfResults(cred, uv, ext.prf)
		}
		results["prf"] = prf
	}
	if ext.largeBlob != "" {
		results["largeBlob"] = map[string]any{"supported": cred.largeBlob}
	}

	resp := &RawResponse{
		ID:                      b64url(credID),
		RawID:                   credID,
		Type:                    "public-key",
		AuthenticatorAttachment: a.attachment(),
		ClientExtensionResults:  results,
		ClientDataJSON:          in.ClientDataJSON,
		AuthenticatorData:       st.AuthenticatorData,
		AttestationObject:       attObj,
		Transports:              a.transports(),
		PublicKey:               spkiBytes,
		PublicKeyAlgorithm:      alg,
		registration:            true,
	}
	if k.Attachment != "" {
		resp.AuthenticatorAttachment = k.Attachment
	}
	if k.Transports != nil {
		resp.Transports = slices.Clone(k.Transports)
	}
	if k.TamperAfterSign != nil {
		k.TamperAfterSign(resp)
	}
	out, err := resp.MarshalJSON()
	if err != nil {
		return nil, err
	}

	// An authenticator holds one credential per ID.
	a.creds = slices.DeleteFunc(a.creds, func(c *credential) bool { return slices.Equal(c.ID, credID) })
	a.creds = append(a.creds, cred)
	return out, nil
}
