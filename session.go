package passkey

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/store"
)

// Session IDs and challenges are 32 random bytes (#sctn-cryptographic-challenges
// asks for at least 16).
const (
	sessionIDLen = 32
	challengeLen = 32
)

// checkSession is the spec anchor of every session failure: the challenge
// is single-use and expires (#sctn-cryptographic-challenges).
const checkSession = "sctn-cryptographic-challenges"

// sessionEncoding is the session ID's text form: base64url without padding,
// strict, so one ID has one spelling.
var sessionEncoding = base64.RawURLEncoding.Strict()

// newSession puts the encoded state under a fresh session ID and returns
// the ID. The store sees only SHA-256 of the ID, so a leaked session table
// cannot finish anybody's ceremony.
func (rp *RelyingParty) newSession(ctx context.Context, st *sessionState) (string, error) {
	var raw [sessionIDLen]byte
	if _, err := io.ReadFull(rp.rand, raw[:]); err != nil {
		return "", fmt.Errorf("passkey: reading a random session ID: %w", err)
	}
	data, err := st.marshal()
	if err != nil {
		return "", err
	}
	if err := rp.sessions.Put(ctx, sha256.Sum256(raw[:]), data, st.expires); err != nil {
		return "", fmt.Errorf("passkey: storing the ceremony session: %w", err)
	}
	return sessionEncoding.EncodeToString(raw[:]), nil
}

// takeSession consumes the session named by id and returns its state if it
// is a live session of the wanted ceremony. The session is gone after this
// call whatever the outcome: a challenge is used at most once, even by a
// ceremony that fails (#sctn-cryptographic-challenges).
func (rp *RelyingParty) takeSession(ctx context.Context, id string, want ceremony) (*sessionState, error) {
	raw, err := sessionEncoding.DecodeString(id)
	if err != nil || len(raw) != sessionIDLen {
		return nil, errcode.New(errcode.ErrChallengeMismatch, checkSession, "unknown session: not a session ID this relying party issued")
	}
	data, err := rp.sessions.Take(ctx, sha256.Sum256(raw))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errcode.New(errcode.ErrChallengeMismatch, checkSession, "unknown or already used session")
	}
	if err != nil {
		return nil, fmt.Errorf("passkey: taking the ceremony session: %w", err)
	}
	st, err := unmarshalSession(data)
	if err != nil {
		return nil, err
	}
	if now := rp.clock(); !now.Before(st.expires) {
		return nil, errcode.Mismatch(errcode.ErrChallengeMismatch, checkSession, "the session expired",
			"before "+st.expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if st.kind != want {
		return nil, errcode.Mismatch(errcode.ErrChallengeMismatch, checkSession, "the session is of the other ceremony",
			want.String(), st.kind.String())
	}
	if st.rpID != rp.rpID {
		return nil, errcode.Mismatch(errcode.ErrChallengeMismatch, checkSession, "the session was made for another RP ID",
			rp.rpID, st.rpID)
	}
	return st, nil
}

// newChallenge returns a fresh challenge from the RP's random source.
func (rp *RelyingParty) newChallenge() ([]byte, error) {
	c := make([]byte, challengeLen)
	if _, err := io.ReadFull(rp.rand, c); err != nil {
		return nil, fmt.Errorf("passkey: reading a random challenge: %w", err)
	}
	return c, nil
}

// expiry is when a session begun now stops being usable.
func (rp *RelyingParty) expiry(now time.Time) time.Time {
	return now.Add(rp.timeout + sessionGrace)
}

// SweepSessions removes the expired sessions from the session store, by
// the relying party's clock. Call it now and then (a minute's ticker is
// plenty); stores that expire entries themselves make it cheap.
func (rp *RelyingParty) SweepSessions(ctx context.Context) error {
	return rp.sessions.Sweep(ctx, rp.clock())
}
