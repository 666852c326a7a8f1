package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// Writers of one SQLite store queue at its gate instead of polling for the
// write lock: with a busy timeout far too short for polling to succeed under
// contention, 32 goroutines on 16 connections still never see SQLITE_BUSY.
func TestSQLiteWritersQueue(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "store.db") + "?_pragma=busy_timeout(20)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	s := newStore(t, openDB(t, "sqlite", dsn), SQLite)
	ctx := context.Background()
	const writers, rounds = 32, 15
	errs := make(chan error, writers)
	gate := make(chan struct{})
	for w := range writers {
		go func() {
			<-gate
			for i := range rounds {
				key := [32]byte{byte(w), byte(i)}
				if err := s.Sessions().Put(ctx, key, []byte("state"), time.Now()); err != nil {
					errs <- err
					return
				}
				if _, err := s.Sessions().Take(ctx, key); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	close(gate)
	for range writers {
		if err := <-errs; err != nil {
			t.Fatalf("a writer failed: %v", err)
		}
	}
}

// A writer waiting at the gate gives up when its context ends.
func TestSQLiteGateHonoursContext(t *testing.T) {
	s := newStore(t, freshSQLite(t)(), SQLite)
	if err := s.sessions.gate.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.sessions.gate.leave()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Credentials().Create(ctx, testRecord("a", "ada")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Create while another writer holds the gate: err = %v, want the context's deadline", err)
	}
}
