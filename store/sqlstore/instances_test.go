package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// The races of the contract suite, with every goroutine pinned to one of
// several instances, each with its own pool, so that the winners are decided
// by the database alone.

const (
	raceInstances = 4
	racersPer     = 6 // goroutines per instance
)

// race runs f(instance, racer) for every racer of every instance, all
// released at once.
func race(stores []*Store, f func(s *Store, racer int)) {
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range stores {
		for j := range racersPer {
			wg.Go(func() {
				<-gate
				f(s, i*racersPer+j)
			})
		}
	}
	close(gate)
	wg.Wait()
}

func testRecord(id, user string) *credential.Record {
	return &credential.Record{
		ID:         []byte(id),
		PublicKey:  []byte{0xa5, 0x01, 0x02, 0x03, 0x26},
		Alg:        cose.ES256,
		SignCount:  7,
		UserHandle: []byte(user),
		Name:       "key",
		CreatedAt:  time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		LastUsedAt: time.Date(2025, 2, 3, 4, 5, 6, 7, time.UTC),
	}
}

func TestInstancesTakeOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		stores := instances(t, b, raceInstances)
		ctx := context.Background()
		expires := time.Now().Add(time.Minute)
		for round := range 10 {
			key := [32]byte{byte(round), 0xfe}
			state := fmt.Appendf(nil, "state %d", round)
			if err := stores[round%raceInstances].Sessions().Put(ctx, key, state, expires); err != nil {
				t.Fatalf("Put: %v", err)
			}
			var mu sync.Mutex
			winners := 0
			race(stores, func(s *Store, racer int) {
				got, err := s.Sessions().Take(ctx, key)
				switch {
				case err == nil:
					mu.Lock()
					winners++
					mu.Unlock()
					if string(got) != string(state) {
						t.Errorf("racer %d took %q, want %q", racer, got, state)
					}
				case !errors.Is(err, store.ErrNotFound):
					t.Errorf("racer %d: Take: %v", racer, err)
				}
			})
			if winners != 1 {
				t.Fatalf("round %d: %d of %d racing Takes on %d instances got the session, want 1",
					round, winners, raceInstances*racersPer, raceInstances)
			}
		}
	})
}

func TestInstancesCreateOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		stores := instances(t, b, raceInstances)
		ctx := context.Background()
		for round := range 5 {
			id := fmt.Sprintf("credential %d", round)
			var mu sync.Mutex
			winner := ""
			race(stores, func(s *Store, racer int) {
				user := fmt.Sprintf("user %d", racer)
				err := s.Credentials().Create(ctx, testRecord(id, user))
				switch {
				case err == nil:
					mu.Lock()
					defer mu.Unlock()
					if winner != "" {
						t.Errorf("round %d: Create succeeded for %s and %s", round, winner, user)
					}
					winner = user
				case !errors.Is(err, store.ErrExists):
					t.Errorf("racer %d: Create: %v", racer, err)
				}
			})
			if winner == "" {
				t.Fatalf("round %d: no racing Create succeeded", round)
			}
			rec, err := stores[0].Credentials().Get(ctx, []byte(id))
			if err != nil || string(rec.UserHandle) != winner {
				t.Fatalf("round %d: Get = (%v, %v), want the record of %s", round, rec, err, winner)
			}
		}
	})
}

// Logins swap the counter on every instance while the user renames the
// credential: no swap is lost, no counter value is consumed twice, and the
// last rename survives every later swap.
func TestInstancesSwapAndRename(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		stores := instances(t, b, raceInstances)
		ctx := context.Background()
		initial := testRecord("shared", "ada")
		if err := stores[0].Credentials().Create(ctx, initial); err != nil {
			t.Fatal(err)
		}
		const swapsPer = 5
		var mu sync.Mutex
		from := make(map[uint32]int) // counter value -> successful swaps from it
		renamed := make(chan struct{})
		var renamer sync.WaitGroup
		renamer.Go(func() {
			defer close(renamed)
			for i := range 20 {
				if err := stores[i%raceInstances].Credentials().Rename(ctx, initial.ID, fmt.Sprintf("name %d", i)); err != nil {
					t.Errorf("Rename: %v", err)
					return
				}
			}
		})
		total := raceInstances * racersPer * swapsPer
		race(stores, func(s *Store, racer int) {
			c := s.Credentials()
			conflicts := 0
			for range swapsPer {
				for {
					old, err := c.Get(ctx, initial.ID)
					if err != nil {
						t.Errorf("racer %d: Get: %v", racer, err)
						return
					}
					next := old.Clone()
					next.SignCount++
					next.LastUsedAt = old.LastUsedAt.Add(time.Second)
					err = c.CompareAndSwap(ctx, old, next)
					if errors.Is(err, store.ErrConflict) {
						// Each conflict is another swap or a rename that
						// succeeded in between; more means an update was
						// lost and the record no longer matches its columns.
						if conflicts++; conflicts > total+20 {
							t.Errorf("racer %d: %d conflicts, more than the %d swaps and 20 renames", racer, conflicts, total)
							return
						}
						continue
					}
					if err != nil {
						t.Errorf("racer %d: CompareAndSwap: %v", racer, err)
						return
					}
					mu.Lock()
					from[old.SignCount]++
					mu.Unlock()
					break
				}
			}
		})
		renamer.Wait()
		<-renamed
		if t.Failed() {
			return
		}
		for v := initial.SignCount; v < initial.SignCount+uint32(total); v++ {
			if from[v] != 1 {
				t.Errorf("%d successful swaps from counter %d, want 1", from[v], v)
			}
		}
		final, err := stores[0].Credentials().Get(ctx, initial.ID)
		if err != nil {
			t.Fatal(err)
		}
		if final.SignCount != initial.SignCount+uint32(total) || final.Name != "name 19" {
			t.Errorf("final record: counter %d, name %q; want %d, %q", final.SignCount, final.Name, initial.SignCount+uint32(total), "name 19")
		}
	})
}

// Instances that start together all migrate; each finds the schema either
// missing, and creates it under the lock, or current.
func TestInstancesMigrateTogether(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		open := b.fresh(t)
		const starters = 6
		dbs := make([]*Store, starters)
		errs := make([]error, starters)
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for i := range starters {
			db := open()
			wg.Go(func() {
				<-gate
				dbs[i], errs[i] = New(context.Background(), db, b.dialect, AutoMigrate())
			})
		}
		close(gate)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("instance %d: New with AutoMigrate: %v", i, err)
			}
		}
		if t.Failed() {
			return
		}
		db := open()
		var rows, version int
		if err := db.QueryRow("SELECT count(*), max(version) FROM passkey_schema").Scan(&rows, &version); err != nil {
			t.Fatal(err)
		}
		if rows != schemaVersion || version != schemaVersion {
			t.Errorf("passkey_schema has %d rows up to version %d, want %d rows up to %d", rows, version, schemaVersion, schemaVersion)
		}
		// Every instance works on the one schema.
		for i, s := range dbs {
			if err := s.Credentials().Create(context.Background(), testRecord(fmt.Sprint(i), "ada")); err != nil {
				t.Errorf("instance %d: Create: %v", i, err)
			}
		}
		list, err := dbs[0].Credentials().ListByUser(context.Background(), []byte("ada"))
		if err != nil || len(list) != starters {
			t.Errorf("ListByUser: %d records, err %v; want %d", len(list), err, starters)
		}
	})
}
