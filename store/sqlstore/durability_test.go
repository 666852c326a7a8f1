package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// What a Create, CompareAndSwap and Put returned is there after the pool is
// closed and the file opened again.
func TestSQLiteDurableAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	db := openDB(t, "sqlite", sqliteDSN(path))
	s := newStore(t, db, SQLite)
	rec := testRecord("durable", "ada")
	if err := s.Credentials().Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	next := rec.Clone()
	next.SignCount++
	if err := s.Credentials().CompareAndSwap(ctx, rec, next); err != nil {
		t.Fatal(err)
	}
	if err := s.Sessions().Put(ctx, [32]byte{7}, []byte("state"), rec.CreatedAt); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	reopened := newStore(t, openDB(t, "sqlite", sqliteDSN(path)), SQLite)
	got, err := reopened.Credentials().Get(ctx, rec.ID)
	if err != nil || got.SignCount != next.SignCount {
		t.Fatalf("Get after reopening: (%v, %v), want sign count %d", got, err, next.SignCount)
	}
	if state, err := reopened.Sessions().Take(ctx, [32]byte{7}); err != nil || string(state) != "state" {
		t.Errorf("Take after reopening: (%q, %v)", state, err)
	}
}

// A process that ends without closing anything, right after Create
// returned, leaves the record behind: commits are in the file (its WAL),
// not in the process.
func TestSQLiteDurableAcrossProcessExit(t *testing.T) {
	if dir := os.Getenv(childVar + "_EXIT"); dir != "" {
		ctx := context.Background()
		db := openDB(t, "sqlite", sqliteDSN(filepath.Join(dir, "store.db")))
		s := newStore(t, db, SQLite)
		if err := s.Credentials().Create(ctx, testRecord("survivor", "ada")); err != nil {
			t.Fatal(err)
		}
		os.Exit(0) // no Close, no cleanup, no checkpoint
	}
	dir := t.TempDir()
	if out, err := runChild(t, "TestSQLiteDurableAcrossProcessExit", childVar+"_EXIT="+dir); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "store.db-wal")); err != nil {
		t.Logf("no WAL file after the child exited: %v", err)
	}
	s := newStore(t, openDB(t, "sqlite", sqliteDSN(filepath.Join(dir, "store.db"))), SQLite)
	if _, err := s.Credentials().Get(context.Background(), []byte("survivor")); err != nil {
		t.Fatalf("Get of the record the exited process created: %v", err)
	}
}
