package passkey

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/store"
)

func sampleStates() map[string]*sessionState {
	exp := time.Unix(1_800_000_000, 123456789)
	return map[string]*sessionState{
		"registration": {
			kind: ceremonyRegistration, expires: exp, challenge: bytes.Repeat([]byte{1}, 32), rpID: "example.com",
			user: User{Handle: []byte("handle"), Name: "ada", DisplayName: "Ada Lovelace"},
			algs: []cose.Algorithm{cose.EdDSA, cose.ES256, cose.RS256, cose.MLDSA87},
			uv:   VerificationRequired, rk: ResidentKeyPreferred, conditional: true,
			appID: "https://example.com/app.json", extensions: []byte(`{"credProps":true}`),
		},
		"usernameless login": {
			kind: ceremonyLogin, expires: exp, challenge: []byte{9}, rpID: "example.com",
			uv: VerificationPreferred, rk: ResidentKeyRequired,
		},
		"login for a user": {
			kind: ceremonyLogin, expires: exp, challenge: []byte{9, 8}, rpID: "example.com",
			user: User{Handle: []byte("h")}, uv: VerificationDiscouraged, rk: ResidentKeyDiscouraged,
			mode: loginForUser, allow: [][]byte{[]byte("one"), bytes.Repeat([]byte{2}, 1023)},
		},
		"login for an unknown user": {
			kind: ceremonyLogin, expires: exp, challenge: []byte{7}, rpID: "example.com",
			uv: VerificationPreferred, rk: ResidentKeyRequired, mode: loginUnknownUser, allow: [][]byte{{1}},
		},
	}
}

// TestSessionStateRoundTrip: what marshal writes, unmarshalSession reads
// back unchanged.
func TestSessionStateRoundTrip(t *testing.T) {
	for name, st := range sampleStates() {
		t.Run(name, func(t *testing.T) {
			data, err := st.marshal()
			if err != nil {
				t.Fatal(err)
			}
			if data[0] != sessionVersion {
				t.Fatalf("version byte %d", data[0])
			}
			got, err := unmarshalSession(data)
			if err != nil {
				t.Fatal(err)
			}
			if !got.expires.Equal(st.expires) {
				t.Errorf("expires %v, want %v", got.expires, st.expires)
			}
			got.expires = st.expires
			if !reflect.DeepEqual(got, st) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, st)
			}
		})
	}
}

// TestSessionStateRefused: an unknown version, a truncation, trailing bytes
// and out-of-range values are refused as an unknown session.
func TestSessionStateRefused(t *testing.T) {
	good, err := sampleStates()["login for a user"].marshal()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func([]byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"version 0", edit(func(b []byte) []byte { b[0] = 0; return b })},
		{"version 2", edit(func(b []byte) []byte { b[0] = 2; return b })},
		{"unknown ceremony", edit(func(b []byte) []byte { b[1] = 3; return b })},
		{"truncated", good[:len(good)-1]},
		{"header only", good[:2]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"too large", append(bytes.Clone(good), make([]byte, maxSessionState)...)},
		{"huge length", edit(func(b []byte) []byte {
			// The challenge length (after version, kind, expiry) set to 2^63.
			return append(b[:10], 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)
		})},
	}
	// A policy byte out of range: rebuild a state with the byte patched.
	st := sampleStates()["usernameless login"]
	plain, _ := st.marshal()
	// uv, rk, flags and mode follow the (empty) algorithm count; find them
	// from the end: mode, count 0, appID 0, extensions 0.
	for i, name := range []string{"mode", "flags", "rk", "uv"} {
		b := bytes.Clone(plain)
		b[len(b)-4-i] = 9
		cases = append(cases, struct {
			name string
			data []byte
		}{"bad " + name, b})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := unmarshalSession(tc.data)
			if err == nil {
				t.Fatalf("accepted: %+v", st)
			}
			if errcode.Code(err) != string(errcode.ErrChallengeMismatch) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// versionedSessions stores a rewritten state: a session written by another
// release.
type versionedSessions struct {
	store.Sessions
	rewrite func([]byte) []byte
}

func (v versionedSessions) Put(ctx context.Context, key [32]byte, state []byte, exp time.Time) error {
	return v.Sessions.Put(ctx, key, v.rewrite(state), exp)
}

type mapSessions struct{ m map[[32]byte][]byte }

func (s *mapSessions) Put(_ context.Context, k [32]byte, st []byte, _ time.Time) error {
	s.m[k] = st
	return nil
}

func (s *mapSessions) Take(_ context.Context, k [32]byte) ([]byte, error) {
	st, ok := s.m[k]
	if !ok {
		return nil, store.ErrNotFound
	}
	delete(s.m, k)
	return st, nil
}

func (s *mapSessions) Sweep(context.Context, time.Time) error { return nil }

// TestUnknownVersionThroughFinish: FinishLogin refuses a session state of a
// version it does not read, and says so.
func TestUnknownVersionThroughFinish(t *testing.T) {
	inner := &mapSessions{m: map[[32]byte][]byte{}}
	rp, err := New(Config{
		RPID: "example.com", RPName: "Example", Origins: []string{"https://example.com"},
		Credentials: nopCredentials{},
		Sessions:    versionedSessions{inner, func(b []byte) []byte { b = bytes.Clone(b); b[0] = 2; return b }},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, sid, err := rp.BeginLogin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := range inner.m {
		if len(k) != 32 {
			t.Fatal("key is not a SHA-256")
		}
	}
	_, err = rp.FinishLogin(context.Background(), sid, []byte(`{}`))
	var e *errcode.Error
	if !errors.As(err, &e) || e.Code != string(errcode.ErrChallengeMismatch) || !bytes.Contains([]byte(e.Detail), []byte("version 2")) {
		t.Fatalf("got %v", err)
	}
}

// TestSessionKeyIsHash: the store never sees the session ID, only its
// SHA-256.
func TestSessionKeyIsHash(t *testing.T) {
	inner := &mapSessions{m: map[[32]byte][]byte{}}
	rp, err := New(Config{
		RPID: "example.com", RPName: "Example", Origins: []string{"https://example.com"},
		Credentials: nopCredentials{}, Sessions: inner,
	})
	if err != nil {
		t.Fatal(err)
	}
	o, sid, err := rp.BeginLogin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sessionEncoding.DecodeString(sid)
	if err != nil || len(raw) != 32 {
		t.Fatalf("session ID %q", sid)
	}
	if len(inner.m) != 1 {
		t.Fatalf("%d sessions", len(inner.m))
	}
	for k, st := range inner.m {
		if bytes.Equal(k[:], raw) {
			t.Errorf("the store key is the session ID itself")
		}
		if bytes.Contains(st, raw) {
			t.Errorf("the state holds the session ID")
		}
		if !bytes.Contains(st, o.Challenge) {
			t.Errorf("the state lacks the challenge")
		}
	}
}
