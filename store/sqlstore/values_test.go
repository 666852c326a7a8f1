package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// Sessions and records keep what the contract suite does not reach: the
// edges of the time range and of the stored columns.
func TestStoredValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := newStore(t, b.fresh(t)(), b.dialect)
		c := s.Credentials()

		t.Run("session expiry outside the nanosecond range", func(t *testing.T) {
			past, future := [32]byte{1}, [32]byte{2}
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := s.Sessions().Put(ctx, past, []byte("past"), time.Time{}); err != nil {
				t.Fatal(err)
			}
			if err := s.Sessions().Put(ctx, future, []byte("future"), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			if err := s.Sessions().Sweep(ctx, now); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Sessions().Take(ctx, past); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Take of a session that expired in year 1: %v, want ErrNotFound", err)
			}
			if _, err := s.Sessions().Take(ctx, future); err != nil {
				t.Errorf("Take of a session expiring in 9999: %v", err)
			}
		})

		t.Run("nil state", func(t *testing.T) {
			key := [32]byte{3}
			if err := s.Sessions().Put(ctx, key, nil, time.Now()); err != nil {
				t.Fatalf("Put(nil state): %v", err)
			}
			if got, err := s.Sessions().Take(ctx, key); err != nil || len(got) != 0 {
				t.Errorf("Take = (%q, %v), want an empty state", got, err)
			}
		})

		t.Run("Sweep of more sessions than one batch", func(t *testing.T) {
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			tx, err := s.sessions.db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			const expired = 2*sweepBatch + 17
			for i := range expired + 1 {
				expires := now.Add(-time.Duration(i+1) * time.Second)
				if i == expired {
					expires = now // kept
				}
				key := [32]byte{0xee, byte(i >> 8), byte(i)}
				if _, err := tx.Exec(queriesFor(b.dialect).putSession, key[:], []byte{}, expiryValue(expires)); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := s.Sessions().Sweep(ctx, now); err != nil {
				t.Fatal(err)
			}
			var left int
			if err := s.sessions.db.QueryRow("SELECT count(*) FROM passkey_sessions WHERE id >= $1", []byte{0xee}).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left != 1 {
				t.Errorf("after Sweep %d of the %d sessions remain, want 1 (the one expiring at now)", left, expired+1)
			}
		})

		t.Run("never used is not the Unix epoch", func(t *testing.T) {
			// A zero LastUsedAt and one at 1970-01-01T00:00:00Z must not
			// compare equal, in either direction.
			never := testRecord("never", "ada")
			never.LastUsedAt = time.Time{}
			epoch := testRecord("epoch", "ada")
			epoch.LastUsedAt = time.Unix(0, 0)
			for _, p := range []struct{ stored, claim *credential.Record }{{never, epoch}, {epoch, never}} {
				if err := c.Create(ctx, p.stored); err != nil {
					t.Fatal(err)
				}
				stale := p.stored.Clone()
				stale.LastUsedAt = p.claim.LastUsedAt
				next := stale.Clone()
				next.SignCount++
				if err := c.CompareAndSwap(ctx, stale, next); !errors.Is(err, store.ErrConflict) {
					t.Errorf("stored last use %v, swap from %v: err = %v, want ErrConflict", p.stored.LastUsedAt, stale.LastUsedAt, err)
				}
			}
		})

		t.Run("last use outside the nanosecond range conflicts", func(t *testing.T) {
			rec := testRecord("range", "ada")
			if err := c.Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
			for _, at := range []time.Time{time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)} {
				stale := rec.Clone()
				stale.LastUsedAt = at
				if err := c.CompareAndSwap(ctx, stale, rec.Clone()); !errors.Is(err, store.ErrConflict) {
					t.Errorf("swap from last use %v: err = %v, want ErrConflict", at, err)
				}
			}
			gone := testRecord("gone", "ada")
			stale := gone.Clone()
			stale.LastUsedAt = time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := c.CompareAndSwap(ctx, stale, gone); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("swap of an absent record from an out-of-range last use: err = %v, want ErrNotFound", err)
			}
		})

		t.Run("zero creation time lists first", func(t *testing.T) {
			user := "zero-created"
			newer := testRecord("newer", user)
			zero := testRecord("zero", user)
			zero.CreatedAt = time.Time{}
			for _, r := range []*credential.Record{newer, zero} {
				if err := c.Create(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			list, err := c.ListByUser(ctx, []byte(user))
			if err != nil || len(list) != 2 || string(list[0].ID) != "zero" {
				t.Errorf("ListByUser = %d records, err %v; want the zero-time record first", len(list), err)
			}
		})

		t.Run("record without user handle", func(t *testing.T) {
			// Stored as an empty handle, not NULL: listed for a nil or empty
			// handle alike, as by the memory store.
			rec := testRecord("no user", "")
			rec.UserHandle = nil
			if err := c.Create(ctx, rec); err != nil {
				t.Fatalf("Create without user handle: %v", err)
			}
			for _, user := range [][]byte{nil, {}} {
				list, err := c.ListByUser(ctx, user)
				if err != nil || len(list) != 1 || string(list[0].ID) != "no user" {
					t.Errorf("ListByUser(%#v) = %d records, err %v; want the record", user, len(list), err)
				}
			}
		})

		t.Run("names with NUL and non-ASCII", func(t *testing.T) {
			rec := testRecord("names", "ada")
			rec.Name = "a\x00b ✓"
			if err := c.Create(ctx, rec); err != nil {
				t.Fatalf("Create with a NUL in the name: %v", err)
			}
			got, err := c.Get(ctx, rec.ID)
			if err != nil || got.Name != rec.Name {
				t.Fatalf("Get = (%v, %v), want name %q", got, err, rec.Name)
			}
			next := got.Clone()
			next.SignCount++
			if err := c.CompareAndSwap(ctx, got, next); err != nil {
				t.Errorf("CompareAndSwap of a record whose name holds a NUL: %v", err)
			}
			if err := c.Rename(ctx, rec.ID, "\x00"); err != nil {
				t.Errorf("Rename to a NUL: %v", err)
			}
		})

		t.Run("Rename to a name that is not UTF-8", func(t *testing.T) {
			rec := testRecord("utf8", "ada")
			if err := c.Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
			if err := c.Rename(ctx, rec.ID, "\xff"); err == nil {
				t.Error("Rename to a name that is not UTF-8 succeeded")
			}
			if got, err := c.Get(ctx, rec.ID); err != nil || got.Name != rec.Name {
				t.Errorf("Get after the refused Rename = (%v, %v), want name %q", got, err, rec.Name)
			}
		})

		t.Run("records the encoding refuses", func(t *testing.T) {
			bad := testRecord("", "ada") // no ID
			if err := c.Create(ctx, bad); err == nil || errors.Is(err, store.ErrExists) {
				t.Errorf("Create of a record without ID: err = %v, want an encoding error", err)
			}
			if err := c.Create(ctx, nil); err == nil {
				t.Error("Create(nil) succeeded")
			}
			rec := testRecord("valid", "ada")
			if err := c.Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
			invalid := rec.Clone()
			invalid.PublicKey = nil
			if err := c.CompareAndSwap(ctx, rec, invalid); err == nil {
				t.Error("CompareAndSwap to a record without public key succeeded")
			}
			if err := c.CompareAndSwap(ctx, nil, rec); err == nil {
				t.Error("CompareAndSwap(nil, rec) succeeded")
			}
			if got, err := c.Get(ctx, rec.ID); err != nil || len(got.PublicKey) == 0 {
				t.Errorf("Get after refused swaps = (%v, %v)", got, err)
			}
		})

		t.Run("a damaged stored record is an error", func(t *testing.T) {
			rec := testRecord("damaged", "damaged-user")
			if err := c.Create(ctx, rec); err != nil {
				t.Fatal(err)
			}
			mustExec(t, s.sessions.db, "UPDATE passkey_credentials SET record = $1 WHERE id = $2", []byte{0xa1, 0x00}, rec.ID)
			if _, err := c.Get(ctx, rec.ID); err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("Get of a damaged record: err = %v, want a decoding error", err)
			}
			if _, err := c.ListByUser(ctx, rec.UserHandle); err == nil {
				t.Error("ListByUser with a damaged record succeeded")
			}
			if err := c.Rename(ctx, rec.ID, "x"); err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("Rename of a damaged record: err = %v, want a decoding error", err)
			}
		})
	})
}
