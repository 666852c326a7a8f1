package assertion

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strconv"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/clientdata"
	"github.com/gopasskey/passkey/origin"
)

// Expect is what the relying party expected of an authentication. The zero
// value is not usable: an empty RP ID, origin set or challenge is a
// configuration error.
type Expect struct {
	// RPID is the relying party ID; it must be the RP ID of Origins.
	RPID string
	// Origins is the accepted-origin set, built once with [origin.NewSet].
	Origins *origin.Set
	// Challenge is the challenge the options carried.
	Challenge []byte
	// AllowCredentials lists the credential IDs the options offered; when
	// non-empty, the asserted credential must be one of them.
	AllowCredentials [][]byte
	// UserHandle is the handle of the account identified before the
	// ceremony (username first, step-up), if the caller knows it. The
	// record must then belong to it, and so must a returned userHandle.
	UserHandle []byte
	// Usernameless marks a login where no account was identified before the
	// ceremony (discoverable credentials, conditional UI): the response
	// must then carry the userHandle that names the record's owner.
	Usernameless bool
	// RequireUserVerification fails an assertion without the UV flag.
	RequireUserVerification bool
	// AppID is the FIDO AppID sent with the appid extension, if any: an
	// rpIdHash equal to SHA-256 of it is then accepted too (U2F migration).
	AppID string
	// AllowSHA1 verifies credentials whose key is RS1 (registered by old
	// Windows Hello TPMs under attestation.Expect.AllowSHA1).
	AllowSHA1 bool
	// AcceptCounterRegression reports a counter that did not increase as
	// Result.CloneSuspected instead of rejecting the assertion.
	AcceptCounterRegression bool
}

// Result is a verified assertion: what to write back to the record.
type Result struct {
	// SignCount is the authenticator's new signature counter.
	SignCount uint32
	// Flags are the authenticator data flags.
	Flags credential.Flags
	// UserVerified reports the UV flag. It counts as an authentication
	// factor only if the record's UVInitialized is true (#credential-record).
	UserVerified bool
	// BackupEligible and BackupState are the BE and BS flags.
	BackupEligible, BackupState bool
	// BackupStateChanged reports a BS different from the record's.
	BackupStateChanged bool
	// CloneSuspected reports a counter that did not increase, accepted
	// because Expect.AcceptCounterRegression was set.
	CloneSuspected bool
	// AppIDUsed reports that rpIdHash matched the AppID, not the RP ID.
	AppIDUsed bool
	// UserHandle is the user handle the response carried, or nil.
	UserHandle []byte
	// Extensions is the raw CBOR map of authenticator extension outputs
	// (signed), nil when there were none.
	Extensions []byte
}

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
	case e.Usernameless && e.UserHandle != nil:
		return &errcode.ConfigError{Field: "Expect.Usernameless", Problem: "set together with Expect.UserHandle",
			Fix: "a login either identified the user first (UserHandle) or not (Usernameless)"}
	}
	return nil
}

// Verify runs the authentication ceremony's checks in the spec's order
// (#sctn-verifying-assertion) against the stored record, and returns what to
// write back to it. Verify never changes record. A rejection is an
// *errcode.Error naming the first check that failed; a mistake in e is an
// *errcode.ConfigError.
func (r *Response) Verify(record *credential.Record, e Expect) (*Result, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	// Step 5: allowCredentials.
	if len(e.AllowCredentials) > 0 && !containsID(e.AllowCredentials, r.rawID) {
		return nil, errcode.New(errcode.ErrUnknownCredential, "rp-op-verifying-assertion-step-allowcredentials",
			"the credential is not one of allowCredentials")
	}
	// Step 6: the user and the credential record.
	if err := r.checkOwner(record, &e); err != nil {
		return nil, err
	}

	// Steps 8–14: client data.
	cd, err := clientdata.Parse(r.clientDataJSON)
	if err != nil {
		return nil, err
	}
	if err := cd.Verify("webauthn.get", e.Challenge, e.Origins); err != nil {
		return nil, err
	}

	// Step 15: authenticator data and rpIdHash.
	ad, err := credential.ParseAuthenticatorData(r.authenticatorData)
	if err != nil {
		return nil, err
	}
	appIDUsed, err := checkRPIDHash(ad.RPIDHash, e.Origins.RPIDHash(), e.RPID, e.AppID)
	if err != nil {
		return nil, err
	}
	// Steps 16–18.
	f := ad.Flags
	if !f.UserPresent() {
		return nil, errcode.New(errcode.ErrUserNotPresent, "rp-op-verifying-assertion-step-user-presence", "the UP flag is clear")
	}
	if e.RequireUserVerification && !f.UserVerified() {
		return nil, errcode.New(errcode.ErrUserNotVerified, "rp-op-verifying-assertion-step-user-verification",
			"the UV flag is clear and user verification is required")
	}
	if f.BackupState() && !f.BackupEligible() {
		return nil, errcode.New(errcode.ErrBackupFlagsInvalid, "rp-op-verifying-assertion-step-backup-state",
			"BS is set while BE is clear")
	}
	// Step 19: BE never changes; skipped when the record does not know it.
	if record.BackupEligible.Known() && record.BackupEligible.Bool() != f.BackupEligible() {
		return nil, errcode.Mismatch(errcode.ErrBackupEligibilityChanged, "rp-op-verifying-assertion-step-backup-eligibility",
			"BE differs from the value stored at registration",
			strconv.FormatBool(record.BackupEligible.Bool()), strconv.FormatBool(f.BackupEligible()))
	}

	// Steps 20–21: the signature over authData ‖ SHA-256(clientDataJSON).
	key, err := cose.ParseKeyWith(record.PublicKey, cose.ParseOptions{AllowSHA1: e.AllowSHA1, Stored: true})
	if err != nil {
		return nil, err
	}
	hash := sha256.Sum256(r.clientDataJSON)
	// The signed message is built on the stack when it fits (authenticator
	// data without large extensions): Verify does not keep it.
	var stack [signedInline]byte
	msg := stack[:0]
	if n := len(r.authenticatorData) + len(hash); n > len(stack) {
		msg = make([]byte, 0, n)
	}
	msg = append(append(msg, r.authenticatorData...), hash[:]...)
	if err := key.Verify(msg, r.signature); err != nil {
		if errors.Is(err, cose.ErrSignature) {
			return nil, errcode.New(errcode.ErrSignatureInvalid, "rp-op-verifying-assertion-step-signature",
				"the signature does not verify with the stored public key")
		}
		return nil, errcode.Wrap(errcode.ErrSignatureInvalid, "rp-op-verifying-assertion-step-signature",
			"the signature cannot be verified with the stored public key", err)
	}

	res := &Result{
		SignCount:          ad.SignCount,
		Flags:              f,
		UserVerified:       f.UserVerified(),
		BackupEligible:     f.BackupEligible(),
		BackupState:        f.BackupState(),
		BackupStateChanged: f.BackupState() != record.BackupState,
		AppIDUsed:          appIDUsed,
		UserHandle:         r.userHandle,
		Extensions:         ad.Extensions,
	}
	// Step 22: the signature counter (#sctn-sign-counter).
	if (ad.SignCount != 0 || record.SignCount != 0) && ad.SignCount <= record.SignCount {
		if !e.AcceptCounterRegression {
			return nil, errcode.Mismatch(errcode.ErrSignCountRegression, "rp-op-verifying-assertion-step-signature-counter",
				"the signature counter did not increase",
				"more than "+strconv.FormatUint(uint64(record.SignCount), 10), strconv.FormatUint(uint64(ad.SignCount), 10))
		}
		res.CloneSuspected = true
	}
	return res, nil
}

// signedInline is the longest signed message Verify builds without a heap
// allocation: 37 bytes of authenticator data, room for extension outputs,
// and the 32-byte client data hash.
const signedInline = 256

// checkOwner is step 6: the record is the asserted credential, and it
// belongs to the account the login is for. A userHandle that disagrees with
// the record's owner is never ignored.
func (r *Response) checkOwner(record *credential.Record, e *Expect) error {
	const check = "rp-op-verifying-assertion-step-identify-user"
	if e.Usernameless && r.userHandle == nil {
		return errcode.New(errcode.ErrUserHandleMissing, check, "a usernameless login needs the response's userHandle")
	}
	if record == nil || !bytes.Equal(record.ID, r.rawID) {
		return errcode.New(errcode.ErrUnknownCredential, check, "the asserted credential is not the stored one")
	}
	if e.UserHandle != nil && record.UserHandle != nil && !bytes.Equal(e.UserHandle, record.UserHandle) {
		return errcode.New(errcode.ErrUnknownCredential, check, "the credential does not belong to the identified user")
	}
	owner := record.UserHandle
	if e.UserHandle != nil {
		owner = e.UserHandle
	}
	if r.userHandle != nil && owner != nil && !bytes.Equal(r.userHandle, owner) {
		return errcode.New(errcode.ErrUserHandleMismatch, check, "userHandle does not name the credential's owner")
	}
	if e.Usernameless && owner == nil {
		return errcode.New(errcode.ErrUserHandleMismatch, check, "the record has no user handle to match the response's")
	}
	return nil
}

// checkRPIDHash accepts SHA-256 of the RP ID, or of the AppID when the
// request sent one (#sctn-appid-extension): the client's appid output is
// unsigned, so the hash itself decides. want is SHA-256 of rpID, which the
// origin set computed once (Verify has checked that the set is rpID's).
func checkRPIDHash(got []byte, want [sha256.Size]byte, rpID, appID string) (appIDUsed bool, err error) {
	if bytes.Equal(got, want[:]) {
		return false, nil
	}
	if appID != "" {
		alt := sha256.Sum256([]byte(appID))
		if bytes.Equal(got, alt[:]) {
			return true, nil
		}
	}
	return false, errcode.Mismatch(errcode.ErrRPIDMismatch, "rp-op-verifying-assertion-step-rpid-hash",
		"rpIdHash is not SHA-256 of the RP ID", rpID, "another RP ID")
}

func containsID(ids [][]byte, id []byte) bool {
	for _, x := range ids {
		if bytes.Equal(x, id) {
			return true
		}
	}
	return false
}
