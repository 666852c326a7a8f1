package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/storetest"
)

// The suite is only as good as the faults it catches. Each case below runs
// the suite, in a child process, against a reference store with one fault,
// and requires the named subtest to fail; "none" requires the whole suite
// to pass against the reference store without faults.

const faultEnv = "STORETEST_FAULT"

// faultCase names a fault and the subtest that must catch it (subtest
// names as go test prints them, spaces as underscores).
type faultCase struct {
	fault string
	// sessions selects the session suite instead of the credential suite.
	sessions bool
	// caughtBy is the subtest path below TestFaultChild that must fail;
	// empty for the no-fault runs, which must pass.
	caughtBy string
}

var faultCases = []faultCase{
	{fault: "none"},
	{fault: "none", sessions: true},

	{fault: "get-aliases", caughtBy: "Copies/changing_a_Get_result_changes_nothing_stored"},
	{fault: "list-aliases", caughtBy: "Copies/changing_a_ListByUser_result_changes_nothing_stored"},
	{fault: "create-aliases", caughtBy: "Copies/changing_the_record_given_to_Create_changes_nothing_stored"},
	{fault: "cas-aliases", caughtBy: "Copies/changing_the_records_given_to_CompareAndSwap_changes_nothing_stored"},
	{fault: "create-overwrites", caughtBy: "CreateGet/duplicate_ID_from_another_user_is_refused"},
	{fault: "create-exists-per-user", caughtBy: "CreateGet/duplicate_ID_from_another_user_is_refused"},
	{fault: "drops-transports", caughtBy: "CreateGet/every_field_round-trips"},
	{fault: "microsecond-times", caughtBy: "CreateGet/every_field_round-trips"},
	{fault: "id-prefix", caughtBy: "CreateGet/IDs_that_share_a_prefix_are_distinct"},
	{fault: "get-nil-nil", caughtBy: "NotFound/Get"},
	{fault: "cas-resurrects", caughtBy: "CompareAndSwap/deleted_record"},
	{fault: "list-newest-first", caughtBy: "ListByUser/oldest_first"},
	{fault: "list-ties-by-id", caughtBy: "ListByUser/same_creation_time_keeps_creation_order"},
	{fault: "list-user-prefix", caughtBy: "ListByUser/users_are_isolated"},
	{fault: "cas-ignores-last-used", caughtBy: "CompareAndSwap/stale_read_conflicts"},
	{fault: "cas-ignores-sign-count", caughtBy: "CompareAndSwap/stale_read_conflicts"},
	{fault: "cas-ignores-name", caughtBy: "CompareAndSwap/stale_read_conflicts"},
	{fault: "cas-exact-time", caughtBy: "CompareAndSwap/last_use_compares_as_an_instant"},
	{fault: "cas-takes-updated-id", caughtBy: "CompareAndSwap/updated_with_another_ID_is_refused"},
	{fault: "cas-partial-update", caughtBy: "CompareAndSwap/success_stores_every_field"},
	{fault: "cas-not-atomic", caughtBy: "Concurrent/CompareAndSwap_from_16_goroutines"},
	{fault: "create-not-atomic", caughtBy: "Concurrent/Create_of_one_ID_from_16_goroutines"},
	{fault: "rename-noop", caughtBy: "Rename/new_name,_nothing_else_changes"},
	{fault: "rename-whole-user", caughtBy: "Rename/new_name,_nothing_else_changes"},
	{fault: "delete-keeps-list", caughtBy: "Delete/removes_one_record_everywhere"},
	{fault: "delete-absent-ok", caughtBy: "NotFound/Delete"},

	{fault: "take-keeps", sessions: true, caughtBy: "Take_twice"},
	{fault: "take-not-atomic", sessions: true, caughtBy: "Take_from_32_goroutines"},
	{fault: "take-checks-clock", sessions: true, caughtBy: "Take_returns_an_expired_session"},
	{fault: "empty-state-missing", sessions: true, caughtBy: "empty_state_is_a_session"},
	{fault: "state-aliases", sessions: true, caughtBy: "changing_Put's_state_changes_nothing_stored"},
	{fault: "key-prefix", sessions: true, caughtBy: "keys_are_distinct"},
	{fault: "sweep-inclusive", sessions: true, caughtBy: "Sweep_removes_only_sessions_that_expired_before_now"},
	{fault: "sweep-all", sessions: true, caughtBy: "Sweep_removes_only_sessions_that_expired_before_now"},
	{fault: "sweep-local-time", sessions: true, caughtBy: "Sweep_removes_only_sessions_that_expired_before_now"},
}

func TestSuiteCatchesFaults(t *testing.T) {
	if os.Getenv(faultEnv) != "" {
		t.Skip("inside a child process")
	}
	if testing.Short() {
		t.Skip("starts a process per fault")
	}
	for _, fc := range faultCases {
		name := fc.fault
		if fc.sessions {
			name = "sessions/" + name
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			suite := "credentials"
			if fc.sessions {
				suite = "sessions"
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestFaultChild$", "-test.count=1", "-test.timeout=120s")
			cmd.Env = append(os.Environ(), faultEnv+"="+suite+":"+fc.fault)
			out, err := cmd.CombinedOutput()
			if fc.caughtBy == "" {
				if err != nil {
					t.Fatalf("the suite fails the reference store without faults: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("the suite passes a store with fault %q; want subtest %s to fail", fc.fault, fc.caughtBy)
			}
			if want := "--- FAIL: TestFaultChild/" + fc.caughtBy + " "; !strings.Contains(string(out), want) {
				t.Fatalf("fault %q: subtest %s did not fail; output:\n%s", fc.fault, fc.caughtBy, out)
			}
		})
	}
}

// TestFaultChild runs one suite against a faulty store; only
// TestSuiteCatchesFaults starts it, in a child process.
func TestFaultChild(t *testing.T) {
	suite, fault, ok := strings.Cut(os.Getenv(faultEnv), ":")
	if !ok {
		t.Skip("run by TestSuiteCatchesFaults")
	}
	switch suite {
	case "credentials":
		storetest.TestCredentials(t, func(*testing.T) store.Credentials { return &refCredentials{fault: fault} })
	case "sessions":
		storetest.TestSessions(t, func(*testing.T) store.Sessions {
			return &refSessions{fault: fault, m: make(map[[32]byte]refSession)}
		})
	default:
		t.Fatalf("unknown suite %q", suite)
	}
}

// refCredentials is a deliberately plain credential store (a slice in
// creation order under one mutex) into which one fault can be switched.
type refCredentials struct {
	fault string
	mu    sync.Mutex
	recs  []*credential.Record
	gap   raceGap // create-not-atomic
}

// sameID compares credential IDs, or only a prefix of them under the
// id-prefix fault.
func (s *refCredentials) sameID(a, b []byte) bool {
	if s.fault == "id-prefix" {
		n := min(len(a), len(b), 4)
		return string(a[:n]) == string(b[:n])
	}
	return string(a) == string(b)
}

// find returns the index of id, or -1; s.mu is held.
func (s *refCredentials) find(id []byte) int {
	return slices.IndexFunc(s.recs, func(r *credential.Record) bool { return s.sameID(r.ID, id) })
}

func (s *refCredentials) Create(_ context.Context, rec *credential.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.find(rec.ID); i >= 0 {
		switch {
		case s.fault == "create-overwrites":
			s.recs[i] = rec.Clone()
			return nil
		case s.fault == "create-exists-per-user" && string(s.recs[i].UserHandle) != string(rec.UserHandle):
		default:
			return store.ErrExists
		}
	}
	if s.fault == "create-not-atomic" {
		s.gap.wait(&s.mu)
	}
	c := rec.Clone()
	switch s.fault {
	case "create-aliases":
		c = rec
	case "drops-transports":
		c.Transports = nil
	case "microsecond-times":
		c.CreatedAt = c.CreatedAt.Truncate(time.Microsecond)
		c.LastUsedAt = c.LastUsedAt.Truncate(time.Microsecond)
	}
	s.recs = append(s.recs, c)
	return nil
}

func (s *refCredentials) Get(_ context.Context, id []byte) (*credential.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		if s.fault == "get-nil-nil" {
			return nil, nil
		}
		return nil, store.ErrNotFound
	}
	if s.fault == "get-aliases" {
		return s.recs[i], nil
	}
	return s.recs[i].Clone(), nil
}

func (s *refCredentials) ListByUser(_ context.Context, user []byte) ([]*credential.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*credential.Record
	for _, r := range s.recs {
		match := string(r.UserHandle) == string(user)
		if s.fault == "list-user-prefix" {
			match = strings.HasPrefix(string(r.UserHandle), string(user))
		}
		if !match {
			continue
		}
		if s.fault == "list-aliases" {
			out = append(out, r)
		} else {
			out = append(out, r.Clone())
		}
	}
	slices.SortStableFunc(out, func(a, b *credential.Record) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 || s.fault != "list-ties-by-id" {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	if s.fault == "list-newest-first" {
		slices.Reverse(out)
	}
	return out, nil
}

func (s *refCredentials) CompareAndSwap(_ context.Context, old, updated *credential.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if string(old.ID) != string(updated.ID) && s.fault != "cas-takes-updated-id" {
		return store.ErrConflict
	}
	i := s.find(old.ID)
	if i < 0 {
		if s.fault == "cas-resurrects" {
			s.recs = append(s.recs, updated.Clone())
			return nil
		}
		return store.ErrNotFound
	}
	cur := s.recs[i]
	sameCount := cur.SignCount == old.SignCount || s.fault == "cas-ignores-sign-count"
	sameUse := cur.LastUsedAt.Equal(old.LastUsedAt)
	switch s.fault {
	case "cas-ignores-last-used":
		sameUse = true
	case "cas-exact-time":
		sameUse = cur.LastUsedAt == old.LastUsedAt
	}
	sameName := cur.Name == old.Name || s.fault == "cas-ignores-name"
	if !sameCount || !sameUse || !sameName {
		return store.ErrConflict
	}
	if s.fault == "cas-not-atomic" {
		s.mu.Unlock()
		time.Sleep(100 * time.Microsecond)
		s.mu.Lock()
		i = s.find(old.ID)
		if i < 0 {
			return store.ErrNotFound
		}
	}
	switch s.fault {
	case "cas-aliases":
		s.recs[i] = updated
	case "cas-partial-update":
		// Updates only the fields a login changes, as a store with a
		// column per field might forget the rest.
		c := cur.Clone()
		c.SignCount, c.LastUsedAt, c.BackupState = updated.SignCount, updated.LastUsedAt, updated.BackupState
		s.recs[i] = c
	default:
		s.recs[i] = updated.Clone()
	}
	return nil
}

func (s *refCredentials) Rename(_ context.Context, id []byte, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return store.ErrNotFound
	}
	switch s.fault {
	case "rename-noop":
	case "rename-whole-user":
		user := string(s.recs[i].UserHandle)
		for j, r := range s.recs {
			if string(r.UserHandle) == user {
				c := r.Clone()
				c.Name = name
				s.recs[j] = c
			}
		}
	default:
		c := s.recs[i].Clone()
		c.Name = name
		s.recs[i] = c
	}
	return nil
}

func (s *refCredentials) Delete(_ context.Context, id []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		if s.fault == "delete-absent-ok" {
			return nil
		}
		return store.ErrNotFound
	}
	if s.fault == "delete-keeps-list" {
		// Hides the record from Get by changing its ID, but ListByUser
		// still finds it under the user.
		c := s.recs[i].Clone()
		c.ID = append([]byte("deleted:"), c.ID...)
		s.recs[i] = c
		return nil
	}
	s.recs = slices.Delete(s.recs, i, i+1)
	return nil
}

// refSessions is a deliberately plain session store into which one fault
// can be switched.
type refSessions struct {
	fault string
	mu    sync.Mutex
	m     map[[32]byte]refSession
	gap   raceGap // take-not-atomic
}

// raceGap is the gap a not-atomic fault opens between its check and its
// write. A fixed sleep in the gap is not enough: on a host that takes our
// CPUs away for milliseconds at a time, the suite's racers can pass through
// one by one and the fault goes unseen (it did once in CI with 1 ms). So a
// caller in the gap waits until a second caller is in it too, which is the
// race the suite means to provoke, and a caller alone waits at most
// raceWindow, so that the suite's one-at-a-time calls stay fast.
type raceGap struct {
	in int // callers between check and write; the owner's mu guards it
}

const raceWindow = 50 * time.Millisecond

// wait is called with mu held and returns with mu held, having released it
// for the gap.
func (g *raceGap) wait(mu *sync.Mutex) {
	g.in++
	deadline := time.Now().Add(raceWindow)
	for g.in < 2 && time.Now().Before(deadline) {
		mu.Unlock()
		time.Sleep(50 * time.Microsecond)
		mu.Lock()
	}
	// Let the second caller see this one too before either writes.
	mu.Unlock()
	time.Sleep(time.Millisecond)
	mu.Lock()
	g.in--
}

type refSession struct {
	state   []byte
	expires time.Time
}

func (s *refSessions) mapKey(key [32]byte) [32]byte {
	if s.fault == "key-prefix" {
		clear(key[16:])
	}
	return key
}

func (s *refSessions) Put(_ context.Context, key [32]byte, state []byte, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault != "state-aliases" {
		state = slices.Clone(state)
	}
	s.m[s.mapKey(key)] = refSession{state, expires}
	return nil
}

func (s *refSessions) Take(_ context.Context, key [32]byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key = s.mapKey(key)
	e, ok := s.m[key]
	switch {
	case !ok,
		s.fault == "take-checks-clock" && e.expires.Before(time.Now()),
		s.fault == "empty-state-missing" && len(e.state) == 0:
		return nil, store.ErrNotFound
	}
	switch s.fault {
	case "take-keeps":
		return e.state, nil
	case "take-not-atomic":
		s.gap.wait(&s.mu)
	}
	delete(s.m, key)
	return e.state, nil
}

func (s *refSessions) Sweep(_ context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, e := range s.m {
		expired := e.expires.Before(now)
		switch s.fault {
		case "sweep-inclusive":
			expired = !e.expires.After(now)
		case "sweep-all":
			expired = true
		case "sweep-local-time":
			// As a store that writes the wall clock without its zone.
			const layout = "2006-01-02 15:04:05.000000000"
			expired = e.expires.Format(layout) < now.Format(layout)
		}
		if expired {
			delete(s.m, key)
		}
	}
	return nil
}
