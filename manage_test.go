package passkey_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// TestPasskeys: a user's list, with the name to show chosen in order: the
// user's own, the model's, "Passkey".
func TestPasskeys(t *testing.T) {
	ctx := context.Background()
	known := [16]byte{0xaa}
	e := newEnv(t, func(c *passkey.Config) { c.AuthenticatorNames = names{known: "Test Phone"} })
	u, other := newUser("ada"), newUser("bob")
	r1 := register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("1"), AAGUID: known, BackupEligible: true, BackupState: true}), u)
	e.clock.Advance(1)
	r2 := register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("2"), AAGUID: [16]byte{0xbb}}), u)
	e.clock.Advance(1)
	r3 := register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("3")}), u)
	register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("4")}), other)
	if err := e.rp.RenamePasskey(ctx, u.Handle, r3.Record.ID, "  Work laptop "); err != nil {
		t.Fatal(err)
	}
	list, err := e.rp.Passkeys(ctx, u.Handle)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id     []byte
		name   string
		named  bool
		synced bool
	}{
		{r1.Record.ID, "Test Phone", false, true},
		{r2.Record.ID, "Passkey", false, false},
		{r3.Record.ID, "Work laptop", true, false},
	}
	if len(list) != len(want) {
		t.Fatalf("%d passkeys, want %d", len(list), len(want))
	}
	for i, w := range want {
		p := list[i]
		if !bytes.Equal(p.ID, w.id) || p.Name != w.name || p.Named != w.named || p.Synced != w.synced || p.BackedUp != w.synced {
			t.Errorf("passkey %d: %q named=%v synced=%v backedUp=%v; want %q %v %v", i, p.Name, p.Named, p.Synced, p.BackedUp, w.name, w.named, w.synced)
		}
		if p.Record == nil || p.CreatedAt.IsZero() {
			t.Errorf("passkey %d lacks its record or creation time", i)
		}
	}
}

// TestRenameAndDelete: a user acts on their own passkeys only.
func TestRenameAndDelete(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	u, other := newUser("ada"), newUser("bob")
	a := newAuthenticator(t, passkeytest.Config{Seed: []byte("ada")})
	mine := register(t, e, a, u).Record.ID
	theirs := register(t, e, newAuthenticator(t, passkeytest.Config{Seed: []byte("bob")}), other).Record.ID

	renames := []struct {
		name   string
		handle []byte
		id     []byte
		label  string
		want   error
	}{
		{"own passkey", u.Handle, mine, "Phone", nil},
		{"unicode name", u.Handle, mine, "Téléphone d’Ada 📱", nil},
		{"another user's passkey", u.Handle, theirs, "Mine now", passkey.ErrPasskeyNotFound},
		{"no such passkey", u.Handle, []byte("nope"), "x", passkey.ErrPasskeyNotFound},
		{"no user", nil, mine, "x", passkey.ErrPasskeyNotFound},
		{"empty name", u.Handle, mine, "   ", passkey.ErrPasskeyName},
		{"control character", u.Handle, mine, "a\nb", passkey.ErrPasskeyName},
		{"too long", u.Handle, mine, strings.Repeat("é", 65), passkey.ErrPasskeyName},
		{"not UTF-8", u.Handle, mine, "\xff", passkey.ErrPasskeyName},
	}
	for _, tc := range renames {
		t.Run("rename/"+tc.name, func(t *testing.T) {
			before, _ := e.creds.Get(ctx, tc.id)
			err := e.rp.RenamePasskey(ctx, tc.handle, tc.id, tc.label)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			after, _ := e.creds.Get(ctx, tc.id)
			if tc.want == nil && after.Name != strings.TrimSpace(tc.label) {
				t.Errorf("name %q", after.Name)
			}
			if tc.want != nil && before != nil && after.Name != before.Name {
				t.Errorf("a refused rename changed the name to %q", after.Name)
			}
		})
	}
	if !errors.Is(passkey.ErrPasskeyNotFound, store.ErrNotFound) {
		t.Errorf("ErrPasskeyNotFound does not wrap store.ErrNotFound")
	}

	if err := e.rp.DeletePasskey(ctx, u.Handle, theirs); !errors.Is(err, passkey.ErrPasskeyNotFound) {
		t.Fatalf("deleting another user's passkey: %v", err)
	}
	if _, err := e.creds.Get(ctx, theirs); err != nil {
		t.Fatalf("another user's passkey is gone: %v", err)
	}
	if err := e.rp.DeletePasskey(ctx, u.Handle, mine); err != nil {
		t.Fatal(err)
	}
	if err := e.rp.DeletePasskey(ctx, u.Handle, mine); !errors.Is(err, passkey.ErrPasskeyNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	if list, _ := e.rp.Passkeys(ctx, u.Handle); len(list) != 0 {
		t.Fatalf("%d passkeys after the delete", len(list))
	}
	// The deleted passkey no longer signs in.
	sid, body := getBody(t, e, a, nil)
	_, err := e.rp.FinishLogin(ctx, sid, body)
	wantCode(t, err, passkey.ErrUnknownCredential)
}
