package memory_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
)

// t0 stands for the caller's clock in these tests.
var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func key(label string) [32]byte {
	var k [32]byte
	copy(k[:], label)
	return k
}

func put(t *testing.T, s *memory.Sessions, label string, expires time.Time) {
	t.Helper()
	if err := s.Put(context.Background(), key(label), []byte(label), expires); err != nil {
		t.Fatalf("Put(%s): %v", label, err)
	}
}

// present reports, by taking them, which of the labels are stored.
func present(t *testing.T, s *memory.Sessions, labels ...string) map[string]bool {
	t.Helper()
	got := make(map[string]bool)
	for _, l := range labels {
		state, err := s.Take(context.Background(), key(l))
		switch {
		case err == nil:
			if string(state) != l {
				t.Errorf("Take(%s) = %q", l, state)
			}
			got[l] = true
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("Take(%s): %v", l, err)
		}
	}
	return got
}

func TestSessionsCapacity(t *testing.T) {
	tests := []struct {
		name string
		max  int
		// puts are made in order; each expires at t0 plus its offset.
		puts []struct {
			label  string
			offset time.Duration
		}
		sweep   bool // Sweep(t0) before checking
		want    []string
		wantLen int
	}{
		{
			name: "full of live sessions: the earliest-expiring goes",
			max:  3,
			puts: []struct {
				label  string
				offset time.Duration
			}{{"b", 2 * time.Minute}, {"a", time.Minute}, {"c", 3 * time.Minute}, {"new", 5 * time.Minute}},
			want:    []string{"b", "c", "new"},
			wantLen: 3,
		},
		{
			name: "expired sessions go before any live one",
			max:  4,
			puts: []struct {
				label  string
				offset time.Duration
			}{
				{"live1", time.Minute}, {"old1", -2 * time.Minute}, {"live2", 2 * time.Minute}, {"old2", -time.Minute},
				{"new1", 5 * time.Minute}, {"new2", 5 * time.Minute},
			},
			want:    []string{"live1", "live2", "new1", "new2"},
			wantLen: 4,
		},
		{
			name: "a third Put past the expired ones evicts the earliest live",
			max:  4,
			puts: []struct {
				label  string
				offset time.Duration
			}{
				{"live1", time.Minute}, {"old1", -2 * time.Minute}, {"live2", 2 * time.Minute}, {"old2", -time.Minute},
				{"new1", 5 * time.Minute}, {"new2", 6 * time.Minute}, {"new3", 7 * time.Minute},
			},
			want:    []string{"live2", "new1", "new2", "new3"},
			wantLen: 4,
		},
		{
			name: "putting a stored key again replaces it without evicting",
			max:  2,
			puts: []struct {
				label  string
				offset time.Duration
			}{{"a", time.Minute}, {"b", 2 * time.Minute}, {"a", 3 * time.Minute}},
			want:    []string{"a", "b"},
			wantLen: 2,
		},
		{
			name: "a replaced key's new expiry orders eviction",
			max:  2,
			puts: []struct {
				label  string
				offset time.Duration
			}{{"a", time.Minute}, {"b", 2 * time.Minute}, {"a", 3 * time.Minute}, {"c", 4 * time.Minute}},
			want:    []string{"a", "c"},
			wantLen: 2,
		},
		{
			name: "Sweep frees room before the cap is reached",
			max:  3,
			puts: []struct {
				label  string
				offset time.Duration
			}{{"old", -time.Minute}, {"live", time.Minute}, {"edge", 0}},
			sweep:   true,
			want:    []string{"live", "edge"},
			wantLen: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := memory.NewSessions(memory.WithMaxSessions(tc.max))
			var labels []string
			for _, p := range tc.puts {
				put(t, s, p.label, t0.Add(p.offset))
				labels = append(labels, p.label)
			}
			if tc.sweep {
				if err := s.Sweep(context.Background(), t0); err != nil {
					t.Fatalf("Sweep: %v", err)
				}
			}
			if got := s.Len(); got != tc.wantLen {
				t.Errorf("Len() = %d, want %d", got, tc.wantLen)
			}
			got := present(t, s, labels...)
			for _, l := range tc.want {
				if !got[l] {
					t.Errorf("session %s was evicted, want it kept", l)
				}
				delete(got, l)
			}
			for l := range got {
				t.Errorf("session %s was kept, want it evicted", l)
			}
		})
	}
}

func TestSessionsReplacedStateIsTheNewOne(t *testing.T) {
	s := memory.NewSessions()
	ctx := context.Background()
	for _, state := range []string{"first", "second"} {
		if err := s.Put(ctx, key("a"), []byte(state), t0); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Take(ctx, key("a"))
	if err != nil || string(got) != "second" {
		t.Errorf("Take = (%q, %v), want (second, nil)", got, err)
	}
}

func TestSessionsFull(t *testing.T) {
	for _, n := range []int{0, -1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := memory.NewSessions(memory.WithMaxSessions(n))
			err := s.Put(context.Background(), key("a"), []byte("a"), t0)
			if !errors.Is(err, store.ErrFull) {
				t.Errorf("Put with WithMaxSessions(%d): err = %v, want ErrFull", n, err)
			}
			if s.Len() != 0 {
				t.Errorf("Len() = %d after a refused Put", s.Len())
			}
		})
	}
}

func TestSessionsDefaultCap(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 100,000 sessions")
	}
	for name, s := range map[string]*memory.Sessions{
		"no options": memory.NewSessions(),
		"nil option": memory.NewSessions(nil),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var k [32]byte
			for i := range memory.DefaultMaxSessions + 10 {
				k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
				if err := s.Put(ctx, k, nil, t0.Add(time.Duration(i))); err != nil {
					t.Fatalf("Put %d: %v", i, err)
				}
			}
			if got := s.Len(); got != memory.DefaultMaxSessions {
				t.Errorf("Len() = %d, want %d", got, memory.DefaultMaxSessions)
			}
		})
	}
}

// TestSessionsModel runs random operations on a small store and on a
// plain model of the documented behaviour (evict the earliest expiry when
// full, Sweep removes expiries before now), and compares them after each.
// It checks the heap's bookkeeping through Take, re-Put and eviction, which
// the fixed cases reach only in a few orders.
func TestSessionsModel(t *testing.T) {
	type entry struct {
		state   string
		expires time.Time
	}
	const max, keys, ops = 8, 12, 20000
	rng := rand.New(rand.NewPCG(1, 2))
	s := memory.NewSessions(memory.WithMaxSessions(max))
	model := make(map[int]entry)
	used := make(map[time.Time]bool) // distinct expiries: eviction order is then unique
	ctx := context.Background()
	k := func(i int) [32]byte { return key(fmt.Sprint("k", i)) }
	for op := range ops {
		i := rng.IntN(keys)
		switch rng.IntN(4) {
		case 0, 1:
			exp := t0.Add(time.Duration(rng.IntN(1 << 30)))
			for used[exp] {
				exp = exp.Add(1)
			}
			used[exp] = true
			state := fmt.Sprint("s", op)
			if err := s.Put(ctx, k(i), []byte(state), exp); err != nil {
				t.Fatalf("op %d: Put: %v", op, err)
			}
			if _, ok := model[i]; !ok && len(model) >= max {
				first := -1
				for j, e := range model {
					if first < 0 || e.expires.Before(model[first].expires) {
						first = j
					}
				}
				delete(model, first)
			}
			model[i] = entry{state, exp}
		case 2:
			got, err := s.Take(ctx, k(i))
			want, ok := model[i]
			delete(model, i)
			if ok != (err == nil) || (ok && string(got) != want.state) {
				t.Fatalf("op %d: Take(k%d) = (%q, %v), model has (%q, %v)", op, i, got, err, want.state, ok)
			}
		case 3:
			now := t0.Add(time.Duration(rng.IntN(1 << 30)))
			if err := s.Sweep(ctx, now); err != nil {
				t.Fatalf("op %d: Sweep: %v", op, err)
			}
			for j, e := range model {
				if e.expires.Before(now) {
					delete(model, j)
				}
			}
		}
		if s.Len() != len(model) {
			t.Fatalf("op %d: Len() = %d, model has %d", op, s.Len(), len(model))
		}
	}
	for i := range keys {
		got, err := s.Take(ctx, k(i))
		want, ok := model[i]
		if ok != (err == nil) || (ok && string(got) != want.state) {
			t.Errorf("at the end: Take(k%d) = (%q, %v), model has (%q, %v)", i, got, err, want.state, ok)
		}
	}
}
