package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the application picks the driver

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/sqlstore"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "passkey-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	db, err := sql.Open("sqlite", filepath.Join(dir, "passkey.db")+"?"+sqlstore.SQLitePragmas)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	st, err := sqlstore.New(ctx, db, sqlstore.SQLite, sqlstore.AutoMigrate())
	if err != nil {
		fmt.Println(err)
		return
	}

	// Registration stores what the ceremony verified.
	creds := st.Credentials()
	rec := &credential.Record{
		ID:         []byte{0xc0, 0x01},
		PublicKey:  []byte{0xa5, 0x01, 0x02}, // the COSE_Key bytes as sent
		Alg:        cose.ES256,
		UserHandle: []byte("user handle of Ada"),
		Name:       "YubiKey 5C",
		CreatedAt:  time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
	}
	if err := creds.Create(ctx, rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(errors.Is(creds.Create(ctx, rec), store.ErrExists))

	// A login reads the record and swaps in the new counter.
	old, err := creds.Get(ctx, rec.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	next := old.Clone()
	next.SignCount = 5
	next.LastUsedAt = time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC)
	fmt.Println(creds.CompareAndSwap(ctx, old, next))
	fmt.Println(errors.Is(creds.CompareAndSwap(ctx, old, next), store.ErrConflict)) // a replayed login

	// A ceremony's session is taken once.
	sessions := st.Sessions()
	key := [32]byte{1} // SHA-256 of the session ID
	_ = sessions.Put(ctx, key, []byte("challenge"), next.LastUsedAt.Add(5*time.Minute))
	state, err := sessions.Take(ctx, key)
	fmt.Printf("%s %v\n", state, err)
	_, err = sessions.Take(ctx, key)
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// true
	// <nil>
	// true
	// challenge <nil>
	// true
}

// A deployment that applies migrations with its own tool takes the files
// from Migrations, and New without AutoMigrate only checks the version.
func ExampleMigrations() {
	files, err := fs.Glob(sqlstore.Migrations(sqlstore.Postgres), "*.sql")
	fmt.Println(files, err)
	// Output:
	// [0001_credentials_and_sessions.sql] <nil>
}

// Sign-up in one commit: the application's account and its first
// credential.
func ExampleCredentials_WithTx() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "passkey-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db")+"?"+sqlstore.SQLitePragmas+"&_txlock=immediate")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	st, err := sqlstore.New(ctx, db, sqlstore.SQLite, sqlstore.AutoMigrate())
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE users (handle BLOB PRIMARY KEY, name TEXT)"); err != nil {
		fmt.Println(err)
		return
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tx.Rollback()
	handle := []byte("user handle of Ada")
	if _, err := tx.ExecContext(ctx, "INSERT INTO users VALUES (?1, ?2)", handle, "ada"); err != nil {
		fmt.Println(err)
		return
	}
	err = st.Credentials().WithTx(tx).Create(ctx, &credential.Record{
		ID: []byte{0xc0, 0x01}, PublicKey: []byte{0xa5, 0x01, 0x02}, Alg: cose.ES256, UserHandle: handle,
	})
	if err != nil {
		fmt.Println(err) // the deferred Rollback removes the user too
		return
	}
	fmt.Println(tx.Commit())
	list, err := st.Credentials().ListByUser(ctx, handle)
	fmt.Println(len(list), err)
	// Output:
	// <nil>
	// 1 <nil>
}
