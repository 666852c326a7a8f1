package clientdata

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"github.com/gopasskey/passkey/internal/logsafe"
	"strconv"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
)

// Spec anchors of the ceremonies, under https://w3c.github.io/webauthn/#.
// The type, challenge, crossOrigin and topOrigin steps have no anchor of
// their own, so their verdicts name the ceremony's section.
const (
	anchorRegistration       = "sctn-registering-a-new-credential"
	anchorAssertion          = "sctn-verifying-assertion"
	anchorRegistrationOrigin = "rp-op-registering-a-new-credential-step-origin"
	anchorAssertionOrigin    = "rp-op-verifying-assertion-step-origin"
)

// Verify checks the client data against the ceremony, in the spec's order:
// type, challenge, origin, crossOrigin, topOrigin (#sctn-registering-a-new-credential
// steps 7 to 11, #sctn-verifying-assertion steps 10 to 14).
//
// typ is [TypeCreate] or [TypeGet]; challenge is the challenge issued for
// this ceremony, compared in constant time with the received one as
// unpadded base64url, byte for byte; origins is the relying party's accepted
// set, matched exactly. A failed check is an [*errcode.Error] with code
// type-mismatch, challenge-mismatch, origin-mismatch or
// cross-origin-not-allowed; no verdict repeats either challenge. An invalid
// typ, an empty challenge or a nil set is an [*errcode.ConfigError]: a
// missing expectation never means "accept anything".
func (c *ClientData) Verify(typ string, challenge []byte, origins *origin.Set) error {
	var section, originStep, other string
	switch typ {
	case TypeCreate:
		section, originStep, other = anchorRegistration, anchorRegistrationOrigin, TypeGet
	case TypeGet:
		section, originStep, other = anchorAssertion, anchorAssertionOrigin, TypeCreate
	default:
		return &errcode.ConfigError{Field: "type", Problem: strconv.Quote(typ) + " is not a ceremony type",
			Fix: "pass clientdata.TypeCreate or clientdata.TypeGet"}
	}
	if len(challenge) == 0 {
		return &errcode.ConfigError{Field: "challenge", Problem: "the issued challenge is empty",
			Fix: "pass the challenge stored with the ceremony's session"}
	}
	if origins == nil {
		return &errcode.ConfigError{Field: "origins", Problem: "the accepted-origin set is nil",
			Fix: "build it once with origin.NewSet"}
	}
	if c == nil {
		return &errcode.ConfigError{Field: "ClientData", Problem: "nil", Fix: "verify the value clientdata.Parse returned"}
	}

	if c.Type != typ {
		detail := "client data type is not " + typ
		if c.Type == other {
			detail = "client data is from the other ceremony"
		}
		return errcode.Mismatch(errcode.ErrTypeMismatch, section, detail, typ, printable(c.Type))
	}
	if !challengeMatches(c.Challenge, challenge) {
		return errcode.New(errcode.ErrChallengeMismatch, section,
			"client data challenge is not the challenge issued for this ceremony")
	}
	if err := origins.Check(c.Origin); err != nil {
		return at(err, originStep)
	}
	if err := origins.CheckCrossOrigin(c.CrossOrigin, c.TopOrigin, c.HasTopOrigin); err != nil {
		return at(err, section)
	}
	return nil
}

// stackEncoded is the longest base64url challenge compared without a heap
// allocation: 96 bytes of challenge, far more than the 16 to 64 RPs issue.
const stackEncoded = 128

// challengeMatches compares the received challenge with base64url(issued),
// the unpadded encoding the client writes. Comparing strings rather than
// decoded bytes means a padded or otherwise non-canonical spelling of the
// same bytes fails.
func challengeMatches(received string, issued []byte) bool {
	n := base64.RawURLEncoding.EncodedLen(len(issued))
	var wantBuf, gotBuf [stackEncoded]byte
	var want []byte
	if n <= len(wantBuf) {
		want = wantBuf[:n]
	} else {
		want = make([]byte, n)
	}
	base64.RawURLEncoding.Encode(want, issued)
	var got []byte
	if len(received) <= len(gotBuf) {
		got = gotBuf[:copy(gotBuf[:], received)]
	} else {
		got = []byte(received)
	}
	// The lengths are not secret: ConstantTimeCompare returns at once when
	// they differ, and is constant-time in the content otherwise.
	return subtle.ConstantTimeCompare(want, got) == 1
}

// at points a verdict from the origin package at this ceremony's step. The
// verdict is freshly made for this call, so changing it affects no one else.
func at(err error, anchor string) error {
	var e *errcode.Error
	if errors.As(err, &e) {
		e.Check = anchor
	}
	return err
}

// printable makes a client-chosen value safe to log: at most maxPrintable
// bytes, escaped.
func printable(v string) string { return logsafe.Printable(v, maxPrintable) }

// maxPrintable bounds how much of a received value a verdict repeats.
const maxPrintable = 200
