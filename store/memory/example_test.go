package memory_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
)

func Example() {
	ctx := context.Background()
	creds := memory.NewCredentials()
	ada := []byte("user handle of Ada")
	registered := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	// Registration stores what the ceremony verified; here, two keys.
	for i, name := range []string{"YubiKey 5C", "Ada's phone"} {
		err := creds.Create(ctx, &credential.Record{
			ID:         []byte{0xc0, byte(i)},
			PublicKey:  []byte{0xa5, 0x01, 0x02}, // the COSE_Key bytes as sent
			Alg:        cose.ES256,
			UserHandle: ada,
			Name:       name,
			CreatedAt:  registered.Add(time.Duration(i) * time.Hour),
		})
		if err != nil {
			fmt.Println("create:", err)
			return
		}
	}

	// A login finds the record by the credential ID the browser sent.
	rec, err := creds.Get(ctx, []byte{0xc0, 0x01})
	if err != nil {
		fmt.Println("get:", err)
		return
	}
	fmt.Println("login with", rec.Name, rec.Alg)

	// An account page lists the user's keys, oldest first.
	list, err := creds.ListByUser(ctx, ada)
	if err != nil {
		fmt.Println("list:", err)
		return
	}
	for _, r := range list {
		fmt.Println("registered", r.CreatedAt.Format(time.DateTime), r.Name)
	}

	// A credential ID belongs to one user only.
	err = creds.Create(ctx, &credential.Record{
		ID: []byte{0xc0, 0x00}, PublicKey: []byte{0xa5}, Alg: cose.ES256,
		UserHandle: []byte("someone else"),
	})
	fmt.Println(errors.Is(err, store.ErrExists))
	// Output:
	// login with Ada's phone ES256
	// registered 2025-03-01 12:00:00 YubiKey 5C
	// registered 2025-03-01 13:00:00 Ada's phone
	// true
}

func ExampleSessions() {
	ctx := context.Background()
	sessions := memory.NewSessions(memory.WithMaxSessions(10_000))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) // the relying party's clock

	var key [32]byte // SHA-256 of the session ID given to the browser
	key[0] = 1
	if err := sessions.Put(ctx, key, []byte("challenge and options"), now.Add(5*time.Minute)); err != nil {
		fmt.Println("put:", err)
		return
	}

	state, err := sessions.Take(ctx, key)
	fmt.Printf("%s %v\n", state, err)
	_, err = sessions.Take(ctx, key) // a replayed Finish
	fmt.Println(errors.Is(err, store.ErrNotFound))

	// Expired sessions go when the caller sweeps with its clock.
	_ = sessions.Put(ctx, key, []byte("abandoned"), now.Add(-time.Minute))
	_ = sessions.Sweep(ctx, now)
	fmt.Println(sessions.Len())
	// Output:
	// challenge and options <nil>
	// true
	// 0
}
