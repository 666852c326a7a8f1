package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/store"
)

// TestSessions runs the contract suite for [store.Sessions]. newStore
// returns an empty store; it is called once per subtest and may register
// cleanups on the t it is given.
func TestSessions(t *testing.T, newStore func(t *testing.T) store.Sessions) {
	t.Helper()
	for _, tc := range sessionCases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			tc.run(t, s)
		})
	}
}

// sessionCase is one named subtest, run on a fresh store.
type sessionCase struct {
	name string
	run  func(t *testing.T, s store.Sessions)
}

// sessionNow stands for the caller's clock. It is a whole second, so that a
// store keeping expiry to the microsecond or millisecond still meets the
// boundary cases, which are a millisecond apart. Never written.
var sessionNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// sessionKey returns the key of a session ID, as the relying party makes it.
func sessionKey(id string) [32]byte { return sha256.Sum256([]byte(id)) }

// sessionCases is the session suite. Never written after it is built.
var sessionCases = []sessionCase{
	{"Put then Take", func(t *testing.T, s store.Sessions) {
		key := sessionKey("a")
		state := []byte("\x00state\xff")
		mustPut(t, s, key, state, sessionNow.Add(5*time.Minute))
		wantTake(t, s, "Take", key, state)
	}},
	{"Take twice", func(t *testing.T, s store.Sessions) {
		key := sessionKey("a")
		mustPut(t, s, key, []byte("state"), sessionNow.Add(5*time.Minute))
		wantTake(t, s, "first Take", key, []byte("state"))
		wantTakeNone(t, s, "second Take", key)
	}},
	{"Take of an unknown key", func(t *testing.T, s store.Sessions) {
		wantTakeNone(t, s, "Take from an empty store", sessionKey("a"))
		stored := sessionKey("a")
		mustPut(t, s, stored, []byte("state"), sessionNow.Add(5*time.Minute))
		near := stored
		near[31] ^= 1
		wantTakeNone(t, s, "Take of a key one bit from a stored one", near)
		wantTake(t, s, "Take of the stored key", stored, []byte("state"))
	}},
	{"keys are distinct", func(t *testing.T, s store.Sessions) {
		// Keys that differ in one byte at either end catch stores that keep
		// a prefix of the key, or treat it as a C string.
		base := sessionKey("a")
		base[0], base[16] = 0x01, 0x00
		keys := [][32]byte{base, base, base, base}
		keys[1][0] ^= 0x80
		keys[2][31] ^= 0x01
		keys[3][17] ^= 0x01
		for i, key := range keys {
			mustPut(t, s, key, fmt.Appendf(nil, "state %d", i), sessionNow.Add(5*time.Minute))
		}
		for i, key := range keys {
			wantTake(t, s, fmt.Sprintf("Take of key %d", i), key, fmt.Appendf(nil, "state %d", i))
		}
	}},
	{"empty state is a session", func(t *testing.T, s store.Sessions) {
		key := sessionKey("a")
		mustPut(t, s, key, []byte{}, sessionNow.Add(5*time.Minute))
		wantTake(t, s, "Take of an empty state", key, nil)
		wantTakeNone(t, s, "second Take of an empty state", key)
	}},
	{"changing Put's state changes nothing stored", func(t *testing.T, s store.Sessions) {
		key := sessionKey("a")
		state := []byte("state")
		mustPut(t, s, key, state, sessionNow.Add(5*time.Minute))
		copy(state, "XXXXX")
		wantTake(t, s, "Take after changing Put's argument", key, []byte("state"))
	}},
	{"Take returns an expired session", func(t *testing.T, s store.Sessions) {
		key := sessionKey("a")
		mustPut(t, s, key, []byte("state"), time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC))
		wantTake(t, s, "Take of a session that expired in 2001", key, []byte("state"))
	}},
	{"Sweep removes only sessions that expired before now", sweepCase},
	{"Sweep of an empty store", func(t *testing.T, s store.Sessions) {
		if err := s.Sweep(context.Background(), sessionNow); err != nil {
			t.Errorf("Sweep: %v", err)
		}
	}},
	{"Take from 32 goroutines", concurrentTakes},
}

// sweepCase stores sessions around now, sweeps, and checks which remain.
func sweepCase(t *testing.T, s store.Sessions) {
	east := time.FixedZone("UTC+05:30", 5*3600+30*60)
	west := time.FixedZone("UTC-08:00", -8*3600)
	cases := []struct {
		name    string
		expires time.Time
		removed bool
	}{
		{"an hour ago", sessionNow.Add(-time.Hour), true},
		{"a millisecond ago", sessionNow.Add(-time.Millisecond), true},
		{"long ago", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"a minute ago, written east of UTC", sessionNow.Add(-time.Minute).In(east), true},
		{"exactly now", sessionNow, false},
		{"in a millisecond", sessionNow.Add(time.Millisecond), false},
		{"in an hour", sessionNow.Add(time.Hour), false},
		{"in a minute, written west of UTC", sessionNow.Add(time.Minute).In(west), false},
		{"in a minute, written east of UTC", sessionNow.Add(time.Minute).In(east), false},
	}
	for _, c := range cases {
		mustPut(t, s, sessionKey(c.name), []byte(c.name), c.expires)
	}
	if err := s.Sweep(context.Background(), sessionNow); err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	for _, c := range cases {
		if c.removed {
			wantTakeNone(t, s, "Take after Sweep of a session expired "+c.name, sessionKey(c.name))
		} else {
			wantTake(t, s, "Take after Sweep of a session expiring "+c.name, sessionKey(c.name), []byte(c.name))
		}
	}
}

// concurrentTakes races takeRacers callers for one session, takeRounds
// times: each round exactly one may get it, or one challenge could finish
// two ceremonies.
func concurrentTakes(t *testing.T, s store.Sessions) {
	ctx := context.Background()
	for round := range takeRounds {
		key := sessionKey(fmt.Sprintf("round %d", round))
		state := fmt.Appendf(nil, "state %d", round)
		mustPut(t, s, key, state, sessionNow.Add(5*time.Minute))
		states := make([][]byte, takeRacers)
		errs := make([]error, takeRacers)
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for i := range takeRacers {
			wg.Go(func() {
				<-gate
				states[i], errs[i] = s.Take(ctx, key)
			})
		}
		close(gate)
		wg.Wait()
		winners := 0
		for i, err := range errs {
			switch {
			case err == nil:
				winners++
				if !bytes.Equal(states[i], state) {
					t.Errorf("round %d: Take returned state %q, want %q", round, states[i], state)
				}
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("round %d: Take: err = %v, want nil or ErrNotFound", round, err)
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d of %d concurrent Take calls got the session, want exactly 1", round, winners, takeRacers)
		}
	}
}

func mustPut(t *testing.T, s store.Sessions, key [32]byte, state []byte, expires time.Time) {
	t.Helper()
	if err := s.Put(context.Background(), key, state, expires); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

// wantTake checks that Take(key) returns want (nil and empty are equal).
func wantTake(t *testing.T, s store.Sessions, what string, key [32]byte, want []byte) {
	t.Helper()
	got, err := s.Take(context.Background(), key)
	if err != nil {
		t.Errorf("%s: err = %v, want nil", what, err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: state = %q, want %q", what, got, want)
	}
}

// wantTakeNone checks that Take(key) reports ErrNotFound.
func wantTakeNone(t *testing.T, s store.Sessions, what string, key [32]byte) {
	t.Helper()
	got, err := s.Take(context.Background(), key)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: (state %q, err %v), want ErrNotFound", what, got, err)
	}
}
