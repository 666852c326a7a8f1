package attestation

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"github.com/gopasskey/passkey/internal/logsafe"
	"slices"
	"strconv"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"github.com/gopasskey/passkey/internal/clientdata"
	"github.com/gopasskey/passkey/origin"
)

// Expect is what the relying party expected of a registration: everything
// the verification needs that the response itself cannot say. The zero value
// is not usable: an empty RP ID, origin set, challenge or algorithm list is a
// configuration error, never "accept anything".
type Expect struct {
	// RPID is the relying party ID the options named; it must be the RP ID
	// of Origins.
	RPID string
	// Origins is the accepted-origin set, built once with [origin.NewSet].
	Origins *origin.Set
	// Challenge is the challenge the options carried.
	Challenge []byte
	// Algorithms lists the COSE algorithms offered in pubKeyCredParams. The
	// credential key's algorithm must be one of them, by literal identifier.
	Algorithms []cose.Algorithm
	// RequireUserVerification fails a registration without the UV flag.
	RequireUserVerification bool
	// Conditional marks a registration made under conditional mediation
	// (an automatic passkey upgrade), where UP may be clear.
	Conditional bool
	// TrustAnchors are roots the attestation may chain to, whatever its
	// format. Setting it (or TrustSource) requires a trusted attestation
	// unless Trust says otherwise: none and self attestation are then
	// refused with attestation-type-not-allowed, and a chain that does not
	// verify with attestation-untrusted. When neither is set, certificate
	// chains are still checked for internal consistency and validity at the
	// verification time.
	TrustAnchors *x509.CertPool
	// TrustSource supplies trust anchors per statement, by format and
	// authenticator model: a FIDO metadata BLOB, or roots.Source() (package
	// attestation/roots) for the roots the library ships. A path is trusted
	// when it verifies to the source's roots or to TrustAnchors.
	TrustSource TrustSource
	// Trust is the trust policy; the zero value requires trust exactly
	// when TrustAnchors or TrustSource is set. See [TrustPolicy].
	Trust TrustPolicy
	// AllowedAAGUIDs, when non-empty, accepts only credentials of these
	// authenticator models; DeniedAAGUIDs refuses those models (and wins
	// over AllowedAAGUIDs). A refusal is authenticator-not-allowed. The
	// AAGUID is attested only when Result.Trusted is true; otherwise it is
	// the authenticator's claim.
	AllowedAAGUIDs, DeniedAAGUIDs []credential.AAGUID
	// Now is the verification time for certificate validity. Zero means
	// time.Now().
	Now time.Time
	// AllowSHA1 accepts RS1 (RSASSA-PKCS1-v1_5 with SHA-1): attestation
	// signatures and credential keys of old Windows Hello TPMs. Off by
	// default; when on, list cose.RS1 in Algorithms to accept such keys.
	AllowSHA1 bool
	// AllowUnregisteredTPMVendor accepts a tpm attestation whose
	// manufacturer is not in the TCG TPM vendor registry (the spec's own
	// test vector uses id:00000000). Off by default.
	AllowUnregisteredTPMVendor bool
	// AllowAndroidSoftwareKeys lets android-key read origin and purpose
	// from softwareEnforced as well as teeEnforced, accepting keys not
	// backed by a TEE or StrongBox. Off by default.
	AllowAndroidSoftwareKeys bool
	// SafetyNetMaxAge is how long before Now an android-safetynet
	// response's timestampMs may lie; zero means DefaultSafetyNetMaxAge.
	SafetyNetMaxAge time.Duration
	// SafetyNetClockSkew is how far after Now it may lie; zero means
	// DefaultSafetyNetClockSkew.
	SafetyNetClockSkew time.Duration
}

// Result is a verified registration.
type Result struct {
	// Record is the credential to store. UserHandle and Name are left for
	// the caller, who knows the account.
	Record credential.Record
	// Format is the attestation statement format identifier.
	Format string
	// Type is the attestation type the statement yielded: self when it
	// was downgraded (Downgraded). For a compound statement it is the
	// weakest of its statements' types, ranked none < self < basic = attca
	// = anonca; of equally weak statements the first decides, and Type,
	// TrustPath, Trusted and Downgraded are that statement's.
	Type Type
	// TrustPath is the attestation certificate chain, leaf first; empty for
	// none and self attestation.
	TrustPath []*x509.Certificate
	// Trusted reports that TrustPath verified to a trust anchor from
	// Expect.TrustAnchors or Expect.TrustSource. For a compound statement:
	// the deciding statement's path did.
	Trusted bool
	// Downgraded is set when the statement verified but its path did not,
	// and Expect.Trust is TrustOrDowngrade: the credential is then kept as
	// one with self attestation.
	Downgraded *Downgrade
	// Compound holds each statement of a compound statement, in order,
	// with its own trust decision; nil for other formats.
	Compound []Statement
	// Flags are the authenticator data flags.
	Flags credential.Flags
	// Extensions is the raw CBOR map of authenticator extension outputs
	// (signed), nil when there were none.
	Extensions []byte
}

// validate reports configuration mistakes in e.
func (e *Expect) validate() error {
	switch {
	case e.RPID == "":
		return &errcode.ConfigError{Field: "Expect.RPID", Problem: "empty", Fix: "set the RP ID the options named"}
	case e.Origins == nil:
		return &errcode.ConfigError{Field: "Expect.Origins", Problem: "nil", Fix: "build the set once with origin.NewSet"}
	case e.Origins.RPID() != e.RPID:
		return &errcode.ConfigError{Field: "Expect.Origins", Problem: "built for another RP ID", Fix: "use the set built for Expect.RPID"}
	case len(e.Challenge) == 0:
		return &errcode.ConfigError{Field: "Expect.Challenge", Problem: "empty", Fix: "pass the challenge the options carried"}
	case len(e.Algorithms) == 0:
		return &errcode.ConfigError{Field: "Expect.Algorithms", Problem: "empty", Fix: "pass the algorithms offered in pubKeyCredParams"}
	case e.Trust > TrustOrDowngrade:
		return &errcode.ConfigError{Field: "Expect.Trust", Problem: "unknown policy " + strconv.Itoa(int(e.Trust)),
			Fix: "use TrustDefault, TrustRequired or TrustOrDowngrade"}
	case e.Trust != TrustDefault && e.TrustAnchors == nil && e.TrustSource == nil:
		return &errcode.ConfigError{Field: "Expect.Trust", Problem: "a trust policy without trust anchors",
			Fix: "set Expect.TrustAnchors or Expect.TrustSource, or leave Expect.Trust at TrustDefault"}
	case e.SafetyNetMaxAge < 0 || e.SafetyNetClockSkew < 0:
		return &errcode.ConfigError{Field: "Expect.SafetyNetMaxAge", Problem: "negative duration",
			Fix: "use zero for the default or a positive duration"}
	}
	return nil
}

// Verify runs the registration ceremony's checks in the spec's order
// (#sctn-registering-a-new-credential) and returns the credential to store.
// A rejection is an *errcode.Error naming the first check that failed; a
// mistake in e is an *errcode.ConfigError.
func (r *Response) Verify(e Expect) (*Result, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	now := e.Now
	if now.IsZero() {
		now = time.Now()
	}

	// Steps 5–11: client data.
	cd, err := clientdata.Parse(r.clientDataJSON)
	if err != nil {
		return nil, err
	}
	if err := cd.Verify("webauthn.create", e.Challenge, e.Origins); err != nil {
		return nil, err
	}
	// c holds what the statement's procedure receives, in one allocation.
	c := new(ceremony)
	// Step 12.
	c.clientDataHash = sha256.Sum256(r.clientDataJSON)

	// Step 13: the attestation object and its authenticator data.
	obj, err := parseAttestationObject(r.attestationObject)
	if err != nil {
		return nil, err
	}
	if r.authDataCopy != nil && !bytes.Equal(r.authDataCopy, obj.AuthData) {
		return nil, errcode.New(errcode.ErrMalformedResponse, "dom-authenticatorattestationresponse-getauthenticatordata",
			"response.authenticatorData differs from the attestation object's")
	}
	if c.authData, err = credential.ParseAuthenticatorData(obj.AuthData); err != nil {
		return nil, err
	}
	ad := &c.authData
	if !ad.Flags.HasAttestedCredentialData() {
		return nil, errcode.New(errcode.ErrMissingCredentialData, "reg-ceremony-attested-credential-data", "the AT flag is clear")
	}
	acd := &ad.AttestedCredentialData
	if !bytes.Equal(acd.CredentialID, r.rawID) {
		return nil, errcode.New(errcode.ErrCredentialIDMismatch, "reg-ceremony-attested-credential-data",
			"rawId differs from the credential ID in authenticator data")
	}

	// Step 14.
	// The origin set holds SHA-256 of its RP ID, and validate has checked
	// that it is e.RPID's.
	rpIDHash := e.Origins.RPIDHash()
	if !bytes.Equal(ad.RPIDHash, rpIDHash[:]) {
		return nil, errcode.Mismatch(errcode.ErrRPIDMismatch, "reg-ceremony-rp-id-hash",
			"rpIdHash is not SHA-256 of the RP ID", e.RPID, "another RP ID")
	}
	// Steps 15–17.
	if err := checkFlags(ad.Flags, !e.Conditional, e.RequireUserVerification); err != nil {
		return nil, err
	}

	// Step 20: the credential key's algorithm was offered, then the key is valid.
	key, err := parseCredentialKey(acd.PublicKey, e.Algorithms, e.AllowSHA1)
	if err != nil {
		return nil, err
	}
	if r.publicKeyAlgorithm != nil && *r.publicKeyAlgorithm != int64(key.Algorithm()) {
		return nil, errcode.Mismatch(errcode.ErrMalformedResponse, "dom-authenticatorattestationresponse-getpublickeyalgorithm",
			"response.publicKeyAlgorithm differs from the credential key's", key.Algorithm().String(),
			cose.Algorithm(*r.publicKeyAlgorithm).String())
	}

	// Steps 21–22: the statement.
	verify, ok := lookupFormat(*obj.Fmt)
	if !ok {
		return nil, errcode.Mismatch(errcode.ErrUnsupportedAttestationFormat, "reg-ceremony-verify-attestation",
			"unsupported attestation statement format", "a supported format", printable(*obj.Fmt))
	}
	c.stmt = statement{
		raw:            obj.AttStmt,
		authData:       ad,
		clientDataHash: c.clientDataHash[:],
		key:            key,
		now:            now,
		allowSHA1:      e.AllowSHA1,

		tpmAnyVendor:       e.AllowUnregisteredTPMVendor,
		androidKeySoftware: e.AllowAndroidSoftwareKeys,
		safetyNetMaxAge:    e.SafetyNetMaxAge,
		safetyNetSkew:      e.SafetyNetClockSkew,
	}
	v, err := verify(&c.stmt)
	if err != nil {
		return nil, errcode.Wrap(errcode.ErrAttestationInvalid, "reg-ceremony-verify-attestation", *obj.Fmt+" statement", err)
	}

	// Steps 23–24: trust, per statement, and the model lists.
	decided, compound, err := e.decideTrust(*obj.Fmt, v, acd.AAGUID, now)
	if err != nil {
		return nil, err
	}
	if err := e.checkAAGUID(acd.AAGUID); err != nil {
		return nil, err
	}

	// Step 27: the credential record.
	res := &Result{
		Format:     *obj.Fmt,
		Type:       decided.Type,
		TrustPath:  decided.TrustPath,
		Trusted:    decided.Trusted,
		Downgraded: decided.Downgraded,
		Compound:   compound,
		Flags:      ad.Flags,
		Extensions: ad.Extensions,
		Record: credential.Record{
			ID:                      r.rawID,
			PublicKey:               slices.Clone(acd.PublicKey),
			Alg:                     key.Algorithm(),
			SignCount:               ad.SignCount,
			UVInitialized:           ad.Flags.UserVerified(),
			BackupEligible:          credential.TristateOf(ad.Flags.BackupEligible()),
			BackupState:             ad.Flags.BackupState(),
			Transports:              r.transports,
			AAGUID:                  acd.AAGUID,
			RPID:                    e.RPID,
			AttestationFormat:       *obj.Fmt,
			AttestationType:         string(decided.Type),
			AuthenticatorAttachment: r.attachment, // already one of the two known values, or ""
			CreatedAt:               now,
		},
	}
	if len(res.TrustPath) > 0 {
		res.Record.TrustPath = make([][]byte, len(res.TrustPath))
		for i, c := range res.TrustPath {
			res.Record.TrustPath[i] = c.Raw
		}
	}
	return res, nil
}

// ceremony is what a registration hands its statement's procedure: the
// statement, and the authenticator data and client data hash it points to.
// They escape together, so they are allocated together.
type ceremony struct {
	stmt           statement
	authData       credential.AuthenticatorData
	clientDataHash [sha256.Size]byte
}

// decideTrust runs the trust steps on the statement, or on each statement
// of a compound one, and returns the outcome that decides (the weakest
// statement's) and, for a compound statement, every statement's.
func (e *Expect) decideTrust(format string, v verdict, aaguid credential.AAGUID, now time.Time) (Statement, []Statement, error) {
	p := e.trustPolicy(now)
	if v.subs == nil {
		st, err := p.assess(format, v, aaguid)
		return st, nil, err
	}
	stmts := make([]Statement, len(v.subs))
	for i, sub := range v.subs {
		st, err := p.assess(sub.format, sub.verdict, aaguid)
		if err != nil {
			return Statement{}, nil, err
		}
		stmts[i] = st
	}
	return stmts[weakest(stmts)], stmts, nil
}

// checkAAGUID applies the relying party's lists of authenticator models.
func (e *Expect) checkAAGUID(aaguid credential.AAGUID) error {
	if slices.Contains(e.DeniedAAGUIDs, aaguid) {
		return errcode.Mismatch(errcode.ErrAuthenticatorNotAllowed, checkAssessTrust,
			"the authenticator model is refused", "a model not denied", aaguid.String())
	}
	if len(e.AllowedAAGUIDs) > 0 && !slices.Contains(e.AllowedAAGUIDs, aaguid) {
		return errcode.Mismatch(errcode.ErrAuthenticatorNotAllowed, checkAssessTrust,
			"the authenticator model is not among those allowed", "an allowed model", aaguid.String())
	}
	return nil
}

// checkFlags applies the UP, UV and BE/BS rules shared by both ceremonies'
// steps (#reg-ceremony-user-present and following).
func checkFlags(f credential.Flags, requireUP, requireUV bool) error {
	if requireUP && !f.UserPresent() {
		return errcode.New(errcode.ErrUserNotPresent, "reg-ceremony-user-present", "the UP flag is clear")
	}
	if requireUV && !f.UserVerified() {
		return errcode.New(errcode.ErrUserNotVerified, "reg-ceremony-user-verified", "the UV flag is clear and user verification is required")
	}
	if f.BackupState() && !f.BackupEligible() {
		return errcode.New(errcode.ErrBackupFlagsInvalid, "reg-ceremony-verify-bs", "BS is set while BE is clear")
	}
	return nil
}

// parseCredentialKey checks that the key's algorithm was offered, by literal
// identifier, and then that the key is valid. The offered check comes first
// (#reg-ceremony-verify-alg), so a malformed key of an algorithm that was not
// offered reports unsupported-algorithm.
func parseCredentialKey(raw []byte, offered []cose.Algorithm, allowSHA1 bool) (*cose.Key, error) {
	key, err := cose.ParseKeyWith(raw, cose.ParseOptions{AllowSHA1: allowSHA1})
	if err != nil {
		if alg, ok := peekAlg(raw); ok && !slices.Contains(offered, alg) {
			return nil, errcode.Mismatch(errcode.ErrUnsupportedAlgorithm, "reg-ceremony-verify-alg",
				"the credential key's algorithm was not offered", "an offered algorithm", alg.String())
		}
		return nil, err
	}
	if !slices.Contains(offered, key.Algorithm()) {
		return nil, errcode.Mismatch(errcode.ErrUnsupportedAlgorithm, "reg-ceremony-verify-alg",
			"the credential key's algorithm was not offered", "an offered algorithm", key.Algorithm().String())
	}
	return key, nil
}

// peekAlg reads the alg (3) member of a COSE key that failed to parse.
func peekAlg(raw []byte) (cose.Algorithm, bool) {
	var k struct {
		Alg *int64 `cbor:"3,keyasint"`
	}
	if cbor.Unmarshal(raw, &k) != nil || k.Alg == nil {
		return 0, false
	}
	return cose.Algorithm(*k.Alg), true
}

// printable makes an attacker-chosen string safe for a log line: at most 32
// bytes, escaped.
func printable(s string) string { return logsafe.Printable(s, 32) }
