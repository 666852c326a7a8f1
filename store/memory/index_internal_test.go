package memory

import (
	"context"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
)

// A store that users come and go through must not keep an empty list per
// departed user (the index would grow without bound).
func TestDeleteLeavesNoEmptyUserLists(t *testing.T) {
	ctx := context.Background()
	c := NewCredentials()
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, user := range []string{"ada", "bob", "ada"} {
		rec := &credential.Record{
			ID: []byte{byte(i + 1)}, PublicKey: []byte{0xa5}, Alg: cose.ES256,
			UserHandle: []byte(user), CreatedAt: base,
		}
		if err := c.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	old, err := c.Get(ctx, []byte{2})
	if err != nil {
		t.Fatal(err)
	}
	moved := old.Clone()
	moved.UserHandle = []byte("ada")
	if err := c.CompareAndSwap(ctx, old, moved); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.byUser["bob"]; ok {
		t.Errorf("user index keeps an entry for bob after bob's only record moved to ada")
	}
	for i := range 3 {
		if err := c.Delete(ctx, []byte{byte(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.byUser) != 0 || len(c.byID) != 0 {
		t.Errorf("after deleting every record: %d user lists, %d IDs; want none", len(c.byUser), len(c.byID))
	}
}
