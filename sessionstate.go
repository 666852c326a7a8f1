package passkey

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
)

// ceremony is the kind of a session.
type ceremony uint8

const (
	ceremonyRegistration ceremony = 1
	ceremonyLogin        ceremony = 2
)

func (c ceremony) String() string {
	switch c {
	case ceremonyRegistration:
		return "registration"
	case ceremonyLogin:
		return "login"
	}
	return "ceremony(" + strconv.Itoa(int(c)) + ")"
}

// loginMode is how a login identified (or did not identify) the user.
type loginMode uint8

const (
	// loginUsernameless: no user named; the response's userHandle finds
	// the account.
	loginUsernameless loginMode = iota
	// loginForUser: the account was identified first (ForUser).
	loginForUser
	// loginUnknownUser: the name matched no account (ForUnknownUser); the
	// allowCredentials are decoys and Finish always fails.
	loginUnknownUser
)

// sessionState is everything Finish needs that the response cannot say.
type sessionState struct {
	kind      ceremony
	expires   time.Time
	challenge []byte
	rpID      string
	// user is the account being registered; for a login in loginForUser
	// mode, only its Handle.
	user User
	// algs were offered in pubKeyCredParams (registration).
	algs []cose.Algorithm
	uv   UserVerification
	rk   ResidentKey
	// conditional: a registration under mediation "conditional".
	conditional bool
	mode        loginMode
	allow       [][]byte
	appID       string
	// extensions is what the ceremony asked of the extensions (an
	// extRequest as JSON), or nil for nothing. It keeps no input values.
	extensions []byte
}

// extRequest decodes st.extensions. A store hands back what it was given,
// so a failure means another release or a corrupted store: the session is
// refused as unknown.
func (st *sessionState) extRequest() (*extRequest, error) {
	req, ok := unmarshalExtRequest(st.extensions)
	if !ok {
		return nil, errcode.New(errcode.ErrChallengeMismatch, checkSession, "unknown session: malformed state (extensions)")
	}
	return req, nil
}

// sessionVersion is the layout below. A layout change takes a new version;
// a session of a version this code does not know is refused, so servers of
// two releases sharing one session store fail closed, never misread.
//
// Version 1, every integer big-endian or unsigned LEB128 (uvarint), every
// byte string and text a uvarint length then the bytes:
//
//	version 0x01 | kind | expires: int64 Unix nanoseconds |
//	challenge | rpID | user handle | user name | user display name |
//	uvarint count, then zig-zag varint algorithm ids |
//	uv | rk | flags (bit 0: conditional) | mode |
//	uvarint count, then credential IDs | appID | extensions
//
// uv and rk are indexes into uvCodes and rkCodes.
const sessionVersion = 1

// maxSessionState bounds what unmarshalSession reads: far above any state
// this package writes (64 allowCredentials of 1023 bytes are 64 KiB).
const maxSessionState = 1 << 20

var (
	uvCodes = [...]UserVerification{VerificationPreferred, VerificationRequired, VerificationDiscouraged}
	rkCodes = [...]ResidentKey{ResidentKeyRequired, ResidentKeyPreferred, ResidentKeyDiscouraged}
)

func indexOf[T comparable](list []T, v T) (byte, bool) {
	for i, x := range list {
		if x == v {
			return byte(i), true
		}
	}
	return 0, false
}

// marshal encodes st in the current layout.
func (st *sessionState) marshal() ([]byte, error) {
	uv, ok1 := indexOf(uvCodes[:], st.uv)
	rk, ok2 := indexOf(rkCodes[:], st.rk)
	if !ok1 || !ok2 {
		// Unreachable: New and the options validate both.
		return nil, errcode.New(errcode.ErrChallengeMismatch, checkSession, "session state with an unknown policy")
	}
	b := make([]byte, 0, 128+len(st.challenge)+len(st.extensions)+32*len(st.allow))
	b = append(b, sessionVersion, byte(st.kind))
	b = binary.BigEndian.AppendUint64(b, uint64(st.expires.UnixNano()))
	b = appendBytes(b, st.challenge)
	b = appendBytes(b, []byte(st.rpID))
	b = appendBytes(b, st.user.Handle)
	b = appendBytes(b, []byte(st.user.Name))
	b = appendBytes(b, []byte(st.user.DisplayName))
	b = binary.AppendUvarint(b, uint64(len(st.algs)))
	for _, a := range st.algs {
		b = binary.AppendVarint(b, int64(a))
	}
	var flags byte
	if st.conditional {
		flags |= 1
	}
	b = append(b, uv, rk, flags, byte(st.mode))
	b = binary.AppendUvarint(b, uint64(len(st.allow)))
	for _, id := range st.allow {
		b = appendBytes(b, id)
	}
	b = appendBytes(b, []byte(st.appID))
	b = appendBytes(b, st.extensions)
	return b, nil
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// stateReader reads the layout; the first problem sticks and every later
// read returns zero values.
type stateReader struct {
	data    []byte
	problem string
}

func (r *stateReader) fail(p string) {
	if r.problem == "" {
		r.problem = p
	}
	r.data = nil
}

func (r *stateReader) byte() byte {
	if len(r.data) < 1 {
		r.fail("truncated")
		return 0
	}
	v := r.data[0]
	r.data = r.data[1:]
	return v
}

func (r *stateReader) uint64() uint64 {
	if len(r.data) < 8 {
		r.fail("truncated")
		return 0
	}
	v := binary.BigEndian.Uint64(r.data)
	r.data = r.data[8:]
	return v
}

func (r *stateReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail("bad length")
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *stateReader) varint() int64 {
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.fail("bad integer")
		return 0
	}
	r.data = r.data[n:]
	return v
}

// bytes reads a length-prefixed byte string; empty reads as nil.
func (r *stateReader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.data)) {
		r.fail("length beyond the end")
		return nil
	}
	if n == 0 {
		return nil
	}
	v := r.data[:n:n]
	r.data = r.data[n:]
	return v
}

// count reads a list length, each element taking at least one byte.
func (r *stateReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.data)) {
		r.fail("count beyond the end")
		return 0
	}
	return int(n)
}

// unmarshalSession decodes a state that marshal wrote. A store hands back
// what it was given, so a failure here means another release (or a
// corrupted store): the session is refused as unknown.
func unmarshalSession(data []byte) (*sessionState, error) {
	refuse := func(detail string) error {
		return errcode.New(errcode.ErrChallengeMismatch, checkSession, "unknown session: "+detail)
	}
	if len(data) == 0 {
		return nil, refuse("empty state")
	}
	if len(data) > maxSessionState {
		return nil, refuse("state larger than this library writes")
	}
	if data[0] != sessionVersion {
		return nil, refuse("state version " + strconv.Itoa(int(data[0])) + " is not one this library reads (it reads " +
			strconv.Itoa(sessionVersion) + ")")
	}
	r := &stateReader{data: data[1:]}
	st := &sessionState{}
	st.kind = ceremony(r.byte())
	st.expires = time.Unix(0, int64(r.uint64()))
	st.challenge = r.bytes()
	st.rpID = string(r.bytes())
	st.user.Handle = r.bytes()
	st.user.Name = string(r.bytes())
	st.user.DisplayName = string(r.bytes())
	if n := r.count(); n > 0 {
		st.algs = make([]cose.Algorithm, n)
		for i := range st.algs {
			st.algs[i] = cose.Algorithm(r.varint())
		}
	}
	uv, rk, flags, mode := r.byte(), r.byte(), r.byte(), r.byte()
	if n := r.count(); n > 0 {
		st.allow = make([][]byte, n)
		for i := range st.allow {
			st.allow[i] = r.bytes()
		}
	}
	st.appID = string(r.bytes())
	st.extensions = r.bytes()
	switch {
	case r.problem != "":
		return nil, refuse("malformed state (" + r.problem + ")")
	case len(r.data) != 0:
		return nil, refuse("malformed state (trailing bytes)")
	case st.kind != ceremonyRegistration && st.kind != ceremonyLogin:
		return nil, refuse("malformed state (ceremony)")
	case int(uv) >= len(uvCodes) || int(rk) >= len(rkCodes) || flags > 1 || mode > byte(loginUnknownUser):
		return nil, refuse("malformed state (policy)")
	case len(st.challenge) == 0:
		return nil, refuse("malformed state (no challenge)")
	}
	st.uv, st.rk, st.conditional, st.mode = uvCodes[uv], rkCodes[rk], flags&1 != 0, loginMode(mode)
	return st, nil
}
