package storetest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// The sizes of the races: enough goroutines to contend on two cores, few
// enough operations that a database store runs them in seconds.
const (
	casWorkers   = 16
	casPerWorker = 25
	createRacers = 16
	takeRacers   = 32
	takeRounds   = 20
)

// concurrentCredCases race operations on one credential. Never written
// after it is built.
var concurrentCredCases = []credCase{
	{"CompareAndSwap from 16 goroutines", concurrentSwaps},
	{"Create of one ID from 16 goroutines", concurrentCreates},
}

// concurrentSwaps runs logins as a relying party does them: read the
// record, check it, swap in the next counter value, and read again on a
// conflict. A correct store lets each counter value be swapped from once,
// so the counter ends exactly casWorkers*casPerWorker higher and no reader
// ever sees it go back.
func concurrentSwaps(t *testing.T, s store.Credentials) {
	ctx := context.Background()
	initial := fullRecord(credID("a"), userHandle("ada"))
	mustCreate(t, s, initial)
	const total = casWorkers * casPerWorker

	// swappedFrom[w] lists the counter values worker w swapped from.
	swappedFrom := make([][]uint32, casWorkers)
	conflicts := make([]int, casWorkers)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for w := range casWorkers {
		wg.Go(func() {
			<-gate
			err := swapWorker(ctx, s, initial.ID, &swappedFrom[w], &conflicts[w])
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		})
	}
	close(gate)
	wg.Wait()
	if t.Failed() {
		return
	}

	var all []uint32
	sumConflicts := 0
	for w := range casWorkers {
		all = append(all, swappedFrom[w]...)
		sumConflicts += conflicts[w]
	}
	slices.Sort(all)
	for i, from := range all {
		if want := initial.SignCount + uint32(i); from != want {
			t.Fatalf("successful swaps started from counter %d where %d was expected: two logins consumed one counter value (lost update)", from, want)
		}
	}
	final := mustGet(t, s, initial.ID)
	if want := initial.SignCount + total; final.SignCount != want || len(all) != total {
		t.Errorf("after %d successful swaps the counter is %d, want %d", len(all), final.SignCount, want)
	}
	if want := initial.LastUsedAt.Add(total * time.Second); !final.LastUsedAt.Equal(want) {
		t.Errorf("after the swaps LastUsedAt = %s, want %s", final.LastUsedAt.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
	t.Logf("%d swaps, %d conflicts retried", total, sumConflicts)
}

// swapWorker makes casPerWorker successful swaps, retrying on ErrConflict.
// A conflict means some other swap succeeded between this worker's read
// and its swap, so a worker can meet at most as many conflicts as there are
// swaps in all: more means the store reports conflicts that did not happen.
func swapWorker(ctx context.Context, s store.Credentials, id []byte, swappedFrom *[]uint32, conflicts *int) error {
	var seenCount uint32
	var seenAt time.Time
	for range casPerWorker {
		for {
			old, err := s.Get(ctx, id)
			if err != nil {
				return fmt.Errorf("Get: %w", err)
			}
			if old == nil {
				return errors.New("Get returned a nil record and no error")
			}
			if old.SignCount < seenCount || old.LastUsedAt.Before(seenAt) {
				return fmt.Errorf("Get returned counter %d after this worker saw %d: the counter went back", old.SignCount, seenCount)
			}
			seenCount, seenAt = old.SignCount, old.LastUsedAt
			// A relying party verifies the assertion between the read and
			// the swap; yielding here lets other logins interleave as that
			// work would.
			runtime.Gosched()
			updated := old.Clone()
			updated.SignCount++
			updated.LastUsedAt = old.LastUsedAt.Add(time.Second)
			err = s.CompareAndSwap(ctx, old, updated)
			if err == nil {
				*swappedFrom = append(*swappedFrom, old.SignCount)
				seenCount, seenAt = updated.SignCount, updated.LastUsedAt
				break
			}
			if !errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("CompareAndSwap: %w, want nil or ErrConflict", err)
			}
			*conflicts++
			if *conflicts > casWorkers*casPerWorker {
				return fmt.Errorf("CompareAndSwap conflicted %d times, more than the %d swaps that could have caused it", *conflicts, casWorkers*casPerWorker)
			}
		}
	}
	return nil
}

// concurrentCreates registers one credential ID for createRacers users at
// once: exactly one registration may win, or two users would hold one
// credential.
func concurrentCreates(t *testing.T, s store.Credentials) {
	ctx := context.Background()
	errs := make([]error, createRacers)
	recs := make([]*credential.Record, createRacers)
	for i := range recs {
		recs[i] = fullRecord(credID("a"), userHandle(fmt.Sprintf("user-%d", i)))
	}
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range createRacers {
		wg.Go(func() {
			<-gate
			errs[i] = s.Create(ctx, recs[i].Clone())
		})
	}
	close(gate)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("Create of one ID succeeded for users %d and %d; want exactly one", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrExists):
			t.Errorf("racing Create %d: err = %v, want nil or ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no racing Create of a new ID succeeded; want exactly one")
	}
	wantRecord(t, "Get after the race", mustGet(t, s, recs[winner].ID), recs[winner])
	for i, rec := range recs {
		if i == winner {
			wantList(t, s, rec.UserHandle, rec)
		} else {
			wantList(t, s, rec.UserHandle)
		}
	}
}
