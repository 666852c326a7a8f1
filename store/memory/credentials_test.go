package memory_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store/memory"
)

func record(id, user string, created time.Time) *credential.Record {
	return &credential.Record{
		ID:         []byte(id),
		PublicKey:  []byte{0xa5, 0x01, 0x02},
		Alg:        cose.ES256,
		UserHandle: []byte(user),
		CreatedAt:  created,
	}
}

func listIDs(t *testing.T, c *memory.Credentials, user string) []string {
	t.Helper()
	list, err := c.ListByUser(context.Background(), []byte(user))
	if err != nil {
		t.Fatalf("ListByUser(%s): %v", user, err)
	}
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = string(r.ID)
	}
	return ids
}

func TestCredentialsRefusesBadArguments(t *testing.T) {
	ctx := context.Background()
	stored := record("a", "ada", t0)
	tests := []struct {
		name string
		call func(c *memory.Credentials) error
	}{
		{"Create(nil)", func(c *memory.Credentials) error { return c.Create(ctx, nil) }},
		{"Create with an empty ID", func(c *memory.Credentials) error { return c.Create(ctx, record("", "ada", t0)) }},
		{"CompareAndSwap(nil, rec)", func(c *memory.Credentials) error { return c.CompareAndSwap(ctx, nil, stored) }},
		{"CompareAndSwap(rec, nil)", func(c *memory.Credentials) error { return c.CompareAndSwap(ctx, stored, nil) }},
		{"CompareAndSwap to another ID", func(c *memory.Credentials) error {
			return c.CompareAndSwap(ctx, stored, record("b", "ada", t0))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := memory.NewCredentials()
			if err := c.Create(ctx, stored); err != nil {
				t.Fatal(err)
			}
			if err := tc.call(c); err == nil {
				t.Errorf("%s succeeded, want an error", tc.name)
			}
			if got := listIDs(t, c, "ada"); len(got) != 1 || got[0] != "a" {
				t.Errorf("after the refused call ListByUser(ada) = %q, want [a]", got)
			}
		})
	}
}

// Records come back as a database would return them: UTC, no monotonic
// clock reading, whatever the caller stored.
func TestCredentialsNormalisesTimes(t *testing.T) {
	ctx := context.Background()
	c := memory.NewCredentials()
	local := time.FixedZone("UTC+02:00", 2*3600)
	rec := record("a", "ada", time.Now().In(local)) // carries a monotonic reading
	rec.LastUsedAt = time.Now()
	if err := c.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, ts := range map[string][2]time.Time{
		"CreatedAt":  {got.CreatedAt, rec.CreatedAt},
		"LastUsedAt": {got.LastUsedAt, rec.LastUsedAt},
	} {
		g, w := ts[0], ts[1]
		if !g.Equal(w) {
			t.Errorf("%s = %v, want the instant %v", name, g, w)
		}
		if g.Location() != time.UTC {
			t.Errorf("%s location = %v, want UTC", name, g.Location())
		}
		if g != g.Round(0) {
			t.Errorf("%s keeps a monotonic clock reading", name)
		}
	}
}

// No ceremony changes a credential's user or creation time, but a swap
// that does must leave the user index consistent with Get.
func TestCredentialsSwapMovesIndex(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		change  func(r *credential.Record)
		wantAda []string
		wantBob []string
	}{
		{"new user", func(r *credential.Record) { r.UserHandle = []byte("bob") }, []string{"a", "c"}, []string{"b"}},
		{"newer creation time", func(r *credential.Record) { r.CreatedAt = t0.Add(time.Hour) }, []string{"a", "c", "b"}, nil},
		{"older creation time", func(r *credential.Record) { r.CreatedAt = t0.Add(-time.Hour) }, []string{"b", "a", "c"}, nil},
		{"nothing the index uses", func(r *credential.Record) { r.SignCount++ }, []string{"a", "b", "c"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := memory.NewCredentials()
			for i, id := range []string{"a", "b", "c"} {
				if err := c.Create(ctx, record(id, "ada", t0.Add(time.Duration(i)*time.Minute))); err != nil {
					t.Fatal(err)
				}
			}
			old, err := c.Get(ctx, []byte("b"))
			if err != nil {
				t.Fatal(err)
			}
			updated := old.Clone()
			tc.change(updated)
			if err := c.CompareAndSwap(ctx, old, updated); err != nil {
				t.Fatalf("CompareAndSwap: %v", err)
			}
			if got := listIDs(t, c, "ada"); fmt.Sprint(got) != fmt.Sprint(tc.wantAda) {
				t.Errorf("ListByUser(ada) = %q, want %q", got, tc.wantAda)
			}
			if got := listIDs(t, c, "bob"); fmt.Sprint(got) != fmt.Sprint(tc.wantBob) {
				t.Errorf("ListByUser(bob) = %q, want %q", got, tc.wantBob)
			}
			// The entry moved, not copied: deleting it leaves no trace.
			if err := c.Delete(ctx, []byte("b")); err != nil {
				t.Fatal(err)
			}
			for _, user := range []string{"ada", "bob"} {
				for _, id := range listIDs(t, c, user) {
					if id == "b" {
						t.Errorf("ListByUser(%s) still lists b after Delete", user)
					}
				}
			}
		})
	}
}

// Readers copy records outside the lock; under -race this shows that no
// writer changes a record a reader may be copying.
func TestCredentialsReadersAndWriters(t *testing.T) {
	ctx := context.Background()
	c := memory.NewCredentials()
	for i := range 4 {
		if err := c.Create(ctx, record(fmt.Sprint("id", i), "ada", t0.Add(time.Duration(i)))); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			id := []byte(fmt.Sprint("id", w%4))
			for n := range 200 {
				switch w % 4 {
				case 0:
					if err := c.Rename(ctx, id, fmt.Sprint("name", n)); err != nil {
						t.Error(err)
						return
					}
				case 1:
					old, err := c.Get(ctx, id)
					if err != nil {
						t.Error(err)
						return
					}
					upd := old.Clone()
					upd.SignCount++
					_ = c.CompareAndSwap(ctx, old, upd) // conflicts are expected here
				case 2:
					if _, err := c.ListByUser(ctx, []byte("ada")); err != nil {
						t.Error(err)
						return
					}
				case 3:
					if _, err := c.Get(ctx, id); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
