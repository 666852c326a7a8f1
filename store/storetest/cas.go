package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// casCases cover CompareAndSwap one call at a time; concurrentCredCases
// race it. Never written after it is built.
var casCases = []credCase{
	{"success stores every field", func(t *testing.T, s store.Credentials) {
		mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
		old := mustGet(t, s, credID("a"))
		want := changedRecord(old)
		wantErr(t, "CompareAndSwap", s.CompareAndSwap(context.Background(), old, want), nil)
		wantRecord(t, "Get after CompareAndSwap", mustGet(t, s, want.ID), want)
		wantList(t, s, want.UserHandle, want)
	}},
	{"stale read conflicts", func(t *testing.T, s store.Credentials) {
		stored := fullRecord(credID("a"), userHandle("ada"))
		mustCreate(t, s, stored)
		for _, c := range []struct {
			name  string
			stale func(old *credential.Record)
		}{
			{"lower sign count", func(old *credential.Record) { old.SignCount-- }},
			{"higher sign count", func(old *credential.Record) { old.SignCount++ }},
			{"earlier last use", func(old *credential.Record) { old.LastUsedAt = old.LastUsedAt.Add(-time.Nanosecond) }},
			{"later last use", func(old *credential.Record) { old.LastUsedAt = old.LastUsedAt.Add(time.Nanosecond) }},
			{"zero last use", func(old *credential.Record) { old.LastUsedAt = time.Time{} }},
			{"renamed meanwhile", func(old *credential.Record) { old.Name += " (before a rename)" }},
		} {
			old := mustGet(t, s, stored.ID)
			updated := changedRecord(old)
			c.stale(old)
			wantErr(t, "CompareAndSwap with a "+c.name, s.CompareAndSwap(context.Background(), old, updated), store.ErrConflict)
			wantRecord(t, "Get after a conflict ("+c.name+")", mustGet(t, s, stored.ID), stored)
		}
	}},
	{"last use compares as an instant", func(t *testing.T, s store.Credentials) {
		mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
		old := mustGet(t, s, credID("a"))
		want := changedRecord(old)
		old.LastUsedAt = old.LastUsedAt.In(time.FixedZone("UTC-08:00", -8*3600))
		wantErr(t, "CompareAndSwap with LastUsedAt in another location", s.CompareAndSwap(context.Background(), old, want), nil)
		wantRecord(t, "Get after CompareAndSwap", mustGet(t, s, want.ID), want)
	}},
	{"one read swaps once", func(t *testing.T, s store.Credentials) {
		mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
		old := mustGet(t, s, credID("a"))
		first := changedRecord(old)
		second := changedRecord(old)
		second.Name = "second"
		wantErr(t, "first CompareAndSwap", s.CompareAndSwap(context.Background(), old, first), nil)
		wantErr(t, "second CompareAndSwap from the same read", s.CompareAndSwap(context.Background(), old, second), store.ErrConflict)
		wantRecord(t, "Get after both", mustGet(t, s, first.ID), first)
	}},
	{"counter-less credential, first use", func(t *testing.T, s store.Credentials) {
		// Sign count 0 forever and no last use yet: the zero time is the only
		// thing a stale read differs in.
		stored := minimalRecord(credID("a"), userHandle("ada"))
		mustCreate(t, s, stored)
		old := mustGet(t, s, stored.ID)
		first := old.Clone()
		first.LastUsedAt = fixtureLastUsed
		wantErr(t, "first CompareAndSwap", s.CompareAndSwap(context.Background(), old, first), nil)
		second := old.Clone()
		second.LastUsedAt = fixtureLastUsed.Add(time.Second)
		wantErr(t, "second CompareAndSwap from the same read", s.CompareAndSwap(context.Background(), old, second), store.ErrConflict)
		wantRecord(t, "Get after both", mustGet(t, s, stored.ID), first)
	}},
	{"deleted record", func(t *testing.T, s store.Credentials) {
		mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
		old := mustGet(t, s, credID("a"))
		mustDelete(t, s, old.ID)
		wantErr(t, "CompareAndSwap after Delete", s.CompareAndSwap(context.Background(), old, changedRecord(old)), store.ErrNotFound)
		_, err := s.Get(context.Background(), old.ID)
		wantErr(t, "Get after CompareAndSwap of a deleted record", err, store.ErrNotFound)
		wantList(t, s, old.UserHandle)
	}},
	{"updated with another ID is refused", func(t *testing.T, s store.Credentials) {
		a := fullRecord(credID("a"), userHandle("ada"))
		b := fullRecord(credID("b"), userHandle("ada"))
		b.CreatedAt = a.CreatedAt.Add(time.Second)
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		for _, id := range [][]byte{b.ID, credID("new")} {
			old := mustGet(t, s, a.ID)
			updated := changedRecord(old)
			updated.ID = id
			if err := s.CompareAndSwap(context.Background(), old, updated); err == nil {
				t.Errorf("CompareAndSwap(old.ID = %x, updated.ID = %x) succeeded, want an error", old.ID, id)
			}
		}
		wantRecord(t, "Get(a) after refused swaps", mustGet(t, s, a.ID), a)
		wantRecord(t, "Get(b) after refused swaps", mustGet(t, s, b.ID), b)
		_, err := s.Get(context.Background(), credID("new"))
		wantErr(t, "Get of the ID a refused swap named", err, store.ErrNotFound)
		wantList(t, s, a.UserHandle, a, b)
	}},
	{"a new user handle moves the record or is refused", func(t *testing.T, s store.Credentials) {
		// No ceremony changes a credential's user, but a store given such an
		// update must not leave ListByUser inconsistent with Get.
		mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
		old := mustGet(t, s, credID("a"))
		updated := changedRecord(old)
		updated.UserHandle = userHandle("bob")
		if err := s.CompareAndSwap(context.Background(), old, updated); err != nil {
			t.Logf("CompareAndSwap that changes the user handle: %v (refused)", err)
			wantRecord(t, "Get after the refused swap", mustGet(t, s, old.ID), old)
			wantList(t, s, old.UserHandle, old)
			wantList(t, s, updated.UserHandle)
			return
		}
		wantRecord(t, "Get after the swap", mustGet(t, s, old.ID), updated)
		wantList(t, s, old.UserHandle)
		wantList(t, s, updated.UserHandle, updated)
	}},
}
