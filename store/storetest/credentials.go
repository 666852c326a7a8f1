package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// TestCredentials runs the contract suite for [store.Credentials]. newStore
// returns an empty store; it is called once per subtest and may register
// cleanups on the t it is given.
func TestCredentials(t *testing.T, newStore func(t *testing.T) store.Credentials) {
	t.Helper()
	if zero := checkFullRecord(fullRecord(credID("x"), userHandle("x"))); len(zero) > 0 {
		t.Fatalf("storetest's full record leaves Record fields zero: %s; set them in fullRecord and changedRecord", strings.Join(zero, ", "))
	}
	if _, err := fullRecord(credID("x"), userHandle("x")).MarshalBinary(); err != nil {
		t.Fatalf("storetest's full record does not encode: %v", err)
	}
	groups := []struct {
		name  string
		cases []credCase
	}{
		{"CreateGet", createGetCases},
		{"NotFound", notFoundCases},
		{"ListByUser", listByUserCases},
		{"Copies", copyCases},
		{"CompareAndSwap", casCases},
		{"Rename", renameCases},
		{"Delete", deleteCases},
		{"Concurrent", concurrentCredCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.cases {
				t.Run(tc.name, func(t *testing.T) {
					s := newStore(t)
					if s == nil {
						t.Fatal("newStore returned nil")
					}
					tc.run(t, s)
				})
			}
		})
	}
}

// credCase is one named subtest, run on a fresh store.
type credCase struct {
	name string
	run  func(t *testing.T, s store.Credentials)
}

// The case tables are never written after they are built.
var (
	createGetCases = []credCase{
		{"every field round-trips", func(t *testing.T, s store.Credentials) {
			want := fullRecord(credID("a"), userHandle("ada"))
			mustCreate(t, s, want)
			wantRecord(t, "Get after Create", mustGet(t, s, want.ID), want)
			wantList(t, s, want.UserHandle, want)
		}},
		{"zero optional fields round-trip", func(t *testing.T, s store.Credentials) {
			want := minimalRecord(credID("a"), userHandle("ada"))
			mustCreate(t, s, want)
			wantRecord(t, "Get after Create", mustGet(t, s, want.ID), want)
		}},
		{"duplicate ID from the same user is refused", func(t *testing.T, s store.Credentials) {
			duplicateID(t, s, userHandle("ada"))
		}},
		{"duplicate ID from another user is refused", func(t *testing.T, s store.Credentials) {
			duplicateID(t, s, userHandle("mallory"))
		}},
		{"IDs that share a prefix are distinct", func(t *testing.T, s store.Credentials) {
			short := fullRecord(credID("a"), userHandle("ada"))
			long := fullRecord(credID("a\x00"), userHandle("ada"))
			long.Name = "long"
			mustCreate(t, s, short)
			mustCreate(t, s, long)
			wantRecord(t, "Get(short ID)", mustGet(t, s, short.ID), short)
			wantRecord(t, "Get(long ID)", mustGet(t, s, long.ID), long)
		}},
	}

	notFoundCases = []credCase{
		{"Get", func(t *testing.T, s store.Credentials) {
			absentOp(t, s, func(id []byte) error {
				rec, err := s.Get(context.Background(), id)
				if err == nil && rec == nil {
					return errors.New("(nil record, nil error)")
				}
				return err
			})
		}},
		{"Get with an empty ID", func(t *testing.T, s store.Credentials) {
			mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
			_, err := s.Get(context.Background(), nil)
			wantErr(t, "Get(nil ID)", err, store.ErrNotFound)
		}},
		{"Rename", func(t *testing.T, s store.Credentials) {
			absentOp(t, s, func(id []byte) error { return s.Rename(context.Background(), id, "x") })
		}},
		{"Delete", func(t *testing.T, s store.Credentials) {
			absentOp(t, s, func(id []byte) error { return s.Delete(context.Background(), id) })
		}},
		{"CompareAndSwap", func(t *testing.T, s store.Credentials) {
			absentOp(t, s, func(id []byte) error {
				old := fullRecord(id, userHandle("ada"))
				return s.CompareAndSwap(context.Background(), old, changedRecord(old))
			})
		}},
	}

	listByUserCases = []credCase{
		{"oldest first", func(t *testing.T, s store.Credentials) {
			user := userHandle("ada")
			base := fixtureCreated
			// Created out of order, and the IDs sort the other way round, so
			// that neither creation order nor ID order passes for age.
			var recs []*credential.Record
			for _, c := range []struct {
				label string
				age   time.Duration
			}{{"a", 2 * time.Hour}, {"b", 0}, {"c", time.Nanosecond}, {"d", time.Hour}} {
				rec := fullRecord(credID(c.label), user)
				rec.CreatedAt = base.Add(-c.age)
				mustCreate(t, s, rec)
				recs = append(recs, rec)
			}
			wantList(t, s, user, recs[0], recs[3], recs[2], recs[1])
		}},
		{"same creation time keeps creation order", func(t *testing.T, s store.Credentials) {
			user := userHandle("ada")
			var recs []*credential.Record
			for _, label := range []string{"c", "a", "d", "b"} {
				rec := fullRecord(credID(label), user)
				mustCreate(t, s, rec)
				recs = append(recs, rec)
			}
			wantList(t, s, user, recs...)
		}},
		{"users are isolated", func(t *testing.T, s store.Credentials) {
			// Handles that are prefixes of each other, or differ only in a
			// trailing NUL, catch stores that match by prefix or as C strings.
			users := [][]byte{[]byte("ab"), []byte("abc"), []byte("ab\x00"), userHandle("ada")}
			byUser := make([][]*credential.Record, len(users))
			for i, user := range users {
				for j := range i + 1 {
					rec := fullRecord(credID(string(rune('a'+i))+string(rune('0'+j))), user)
					rec.CreatedAt = fixtureCreated.Add(time.Duration(j) * time.Second)
					mustCreate(t, s, rec)
					byUser[i] = append(byUser[i], rec)
				}
			}
			for i, user := range users {
				wantList(t, s, user, byUser[i]...)
			}
		}},
		{"user without records", func(t *testing.T, s store.Credentials) {
			mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
			wantList(t, s, userHandle("bob"))
			wantList(t, s, nil)
		}},
	}

	copyCases = []credCase{
		{"changing a Get result changes nothing stored", func(t *testing.T, s store.Credentials) {
			want := fullRecord(credID("a"), userHandle("ada"))
			mustCreate(t, s, want)
			scribble(mustGet(t, s, want.ID))
			wantRecord(t, "Get after changing an earlier Get's result", mustGet(t, s, want.ID), want)
		}},
		{"changing a ListByUser result changes nothing stored", func(t *testing.T, s store.Credentials) {
			want := fullRecord(credID("a"), userHandle("ada"))
			mustCreate(t, s, want)
			list, err := s.ListByUser(context.Background(), want.UserHandle)
			if err != nil || len(list) != 1 {
				t.Fatalf("ListByUser: %d records, err = %v; want 1 record", len(list), err)
			}
			scribble(list[0])
			wantRecord(t, "Get after changing a ListByUser result", mustGet(t, s, want.ID), want)
			wantList(t, s, want.UserHandle, want)
		}},
		{"changing the record given to Create changes nothing stored", func(t *testing.T, s store.Credentials) {
			want := fullRecord(credID("a"), userHandle("ada"))
			in := want.Clone()
			mustCreate(t, s, in)
			scribble(in)
			wantRecord(t, "Get after changing Create's argument", mustGet(t, s, want.ID), want)
		}},
		{"changing the records given to CompareAndSwap changes nothing stored", func(t *testing.T, s store.Credentials) {
			mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
			old := mustGet(t, s, credID("a"))
			want := changedRecord(old)
			updated := want.Clone()
			if err := s.CompareAndSwap(context.Background(), old, updated); err != nil {
				t.Fatalf("CompareAndSwap: %v", err)
			}
			scribble(updated)
			scribble(old)
			wantRecord(t, "Get after changing CompareAndSwap's arguments", mustGet(t, s, want.ID), want)
		}},
	}

	renameCases = []credCase{
		{"new name, nothing else changes", func(t *testing.T, s store.Credentials) {
			for _, name := range []string{"Ada's phone", "", "키 ✓"} {
				target := fullRecord(credID("a"), userHandle("ada"))
				other := fullRecord(credID("b"), userHandle("ada"))
				other.CreatedAt = target.CreatedAt.Add(time.Second)
				mustCreate(t, s, target)
				mustCreate(t, s, other)
				if err := s.Rename(context.Background(), target.ID, name); err != nil {
					t.Fatalf("Rename(%q): %v", name, err)
				}
				target.Name = name
				wantRecord(t, "Get after Rename", mustGet(t, s, target.ID), target)
				wantRecord(t, "Get of the user's other record after Rename", mustGet(t, s, other.ID), other)
				wantList(t, s, target.UserHandle, target, other)
				mustDelete(t, s, target.ID)
				mustDelete(t, s, other.ID)
			}
		}},
		{"a renamed record still swaps", func(t *testing.T, s store.Credentials) {
			mustCreate(t, s, fullRecord(credID("a"), userHandle("ada")))
			if err := s.Rename(context.Background(), credID("a"), "renamed"); err != nil {
				t.Fatalf("Rename: %v", err)
			}
			old := mustGet(t, s, credID("a"))
			want := changedRecord(old)
			wantErr(t, "CompareAndSwap after Rename", s.CompareAndSwap(context.Background(), old, want), nil)
			wantRecord(t, "Get after Rename and CompareAndSwap", mustGet(t, s, want.ID), want)
		}},
	}

	deleteCases = []credCase{
		{"removes one record everywhere", func(t *testing.T, s store.Credentials) {
			gone := fullRecord(credID("a"), userHandle("ada"))
			kept := fullRecord(credID("b"), userHandle("ada"))
			kept.CreatedAt = gone.CreatedAt.Add(time.Second)
			other := fullRecord(credID("c"), userHandle("bob"))
			for _, rec := range []*credential.Record{gone, kept, other} {
				mustCreate(t, s, rec)
			}
			mustDelete(t, s, gone.ID)
			_, err := s.Get(context.Background(), gone.ID)
			wantErr(t, "Get after Delete", err, store.ErrNotFound)
			wantList(t, s, gone.UserHandle, kept)
			wantRecord(t, "Get of the user's other record after Delete", mustGet(t, s, kept.ID), kept)
			wantRecord(t, "Get of another user's record after Delete", mustGet(t, s, other.ID), other)
			wantErr(t, "second Delete", s.Delete(context.Background(), gone.ID), store.ErrNotFound)
		}},
		{"the ID can be registered again", func(t *testing.T, s store.Credentials) {
			first := fullRecord(credID("a"), userHandle("ada"))
			mustCreate(t, s, first)
			mustDelete(t, s, first.ID)
			again := minimalRecord(credID("a"), userHandle("bob"))
			mustCreate(t, s, again)
			wantRecord(t, "Get after Delete and Create", mustGet(t, s, again.ID), again)
			wantList(t, s, first.UserHandle)
			wantList(t, s, again.UserHandle, again)
		}},
	}
)

// duplicateID creates a record for "ada", then one with the same ID for
// user, and checks that the second is refused without a trace.
func duplicateID(t *testing.T, s store.Credentials, user []byte) {
	t.Helper()
	first := fullRecord(credID("a"), userHandle("ada"))
	mustCreate(t, s, first)
	second := minimalRecord(first.ID, user)
	second.Name = "second"
	wantErr(t, "Create with a stored ID", s.Create(context.Background(), second), store.ErrExists)
	wantRecord(t, "Get after the refused Create", mustGet(t, s, first.ID), first)
	if string(user) != string(first.UserHandle) {
		wantList(t, s, user)
	}
	wantList(t, s, first.UserHandle, first)
}

// absentOp runs op with an ID that is not stored, next to one that is and
// differs only in its last byte, and checks that op reports ErrNotFound and
// leaves the stored record alone.
func absentOp(t *testing.T, s store.Credentials, op func(id []byte) error) {
	t.Helper()
	present := fullRecord(credID("a"), userHandle("ada"))
	mustCreate(t, s, present)
	for _, id := range [][]byte{credID("b"), credID(""), credID("a\x00")} {
		wantErr(t, "on an absent ID", op(id), store.ErrNotFound)
	}
	wantRecord(t, "Get of the stored record", mustGet(t, s, present.ID), present)
	wantList(t, s, present.UserHandle, present)
}

func mustCreate(t *testing.T, s store.Credentials, rec *credential.Record) {
	t.Helper()
	if err := s.Create(context.Background(), rec); err != nil {
		t.Fatalf("Create: %v", err)
	}
}

func mustGet(t *testing.T, s store.Credentials, id []byte) *credential.Record {
	t.Helper()
	rec, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%x): %v", id, err)
	}
	if rec == nil {
		t.Fatalf("Get(%x) = nil record and nil error", id)
	}
	return rec
}

func mustDelete(t *testing.T, s store.Credentials, id []byte) {
	t.Helper()
	if err := s.Delete(context.Background(), id); err != nil {
		t.Fatalf("Delete(%x): %v", id, err)
	}
}

// wantRecord fails the test with the differing fields if got differs from
// want.
func wantRecord(t *testing.T, what string, got, want *credential.Record) {
	t.Helper()
	if diffs := diffRecords(got, want); len(diffs) > 0 {
		t.Errorf("%s: record differs:\n\t%s", what, strings.Join(diffs, "\n\t"))
	}
}

// wantList checks that ListByUser(user) returns want, in that order.
func wantList(t *testing.T, s store.Credentials, user []byte, want ...*credential.Record) {
	t.Helper()
	got, err := s.ListByUser(context.Background(), user)
	if err != nil {
		t.Errorf("ListByUser(%x): %v", user, err)
		return
	}
	if len(got) != len(want) {
		t.Errorf("ListByUser(%x) = %d records %s, want %d %s", user, len(got), ids(got), len(want), ids(want))
		return
	}
	for i := range got {
		if string(got[i].ID) != string(want[i].ID) {
			t.Errorf("ListByUser(%x) = %s, want %s (oldest first, ties in creation order)", user, ids(got), ids(want))
			return
		}
		wantRecord(t, "ListByUser", got[i], want[i])
	}
}

// ids lists the records' IDs for a failure message.
func ids(recs []*credential.Record) string {
	parts := make([]string, len(recs))
	for i, rec := range recs {
		if rec == nil {
			parts[i] = "nil"
			continue
		}
		parts[i] = show(rec.ID)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// wantErr checks that err is want (by errors.Is), or nil if want is nil.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: err = %v, want nil", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}
