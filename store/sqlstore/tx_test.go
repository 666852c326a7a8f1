package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/gopasskey/passkey/store"
)

// Sign-up in one commit: the application's account row and the first
// credential are committed together, or neither is.
func TestWithTx(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := b.fresh(t)()
		s := newStore(t, db, b.dialect)
		mustExec(t, db, "CREATE TABLE app_users (handle BYTEA PRIMARY KEY)")

		signUp := func(user, id string, commit bool) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.ExecContext(ctx, "INSERT INTO app_users (handle) VALUES ($1)", []byte(user)); err != nil {
				return err
			}
			if err := s.Credentials().WithTx(tx).Create(ctx, testRecord(id, user)); err != nil {
				return err
			}
			if !commit {
				return tx.Rollback()
			}
			return tx.Commit()
		}
		users := func() int {
			var n int
			if err := db.QueryRow("SELECT count(*) FROM app_users").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		if err := signUp("ada", "rolled back", false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Credentials().Get(ctx, []byte("rolled back")); !errors.Is(err, store.ErrNotFound) || users() != 0 {
			t.Errorf("after a rollback: Get err = %v, %d users; want ErrNotFound and none", err, users())
		}
		if err := signUp("ada", "committed", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Credentials().Get(ctx, []byte("committed")); err != nil || users() != 1 {
			t.Errorf("after a commit: Get err = %v, %d users; want the record and one user", err, users())
		}
		// A credential ID that is taken fails the sign-up of another user,
		// who is not left behind without a credential.
		if err := signUp("mallory", "committed", true); !errors.Is(err, store.ErrExists) || users() != 1 {
			t.Errorf("sign-up with a taken ID: err = %v, %d users; want ErrExists and one user", err, users())
		}
	})
}

// Every method works inside the transaction and sees its uncommitted
// writes; ErrExists and ErrNotFound leave the transaction usable, even on
// PostgreSQL, where any failed statement would abort it.
func TestWithTxAllMethods(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := b.fresh(t)()
		s := newStore(t, db, b.dialect)
		if err := s.Credentials().Create(ctx, testRecord("outside", "ada")); err != nil {
			t.Fatal(err)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		c := s.Credentials().WithTx(tx)
		rec := testRecord("inside", "ada")
		steps := []struct {
			name string
			run  func() error
			want error
		}{
			{"Create", func() error { return c.Create(ctx, rec) }, nil},
			{"Create of a taken ID", func() error { return c.Create(ctx, testRecord("outside", "bob")) }, store.ErrExists},
			{"Get", func() error { _, err := c.Get(ctx, rec.ID); return err }, nil},
			{"Get of an absent ID", func() error { _, err := c.Get(ctx, []byte("absent")); return err }, store.ErrNotFound},
			{"ListByUser", func() error {
				list, err := c.ListByUser(ctx, rec.UserHandle)
				if err == nil && len(list) != 2 {
					err = fmt.Errorf("%d records, want 2", len(list))
				}
				return err
			}, nil},
			{"CompareAndSwap", func() error {
				next := rec.Clone()
				next.SignCount++
				return c.CompareAndSwap(ctx, rec, next)
			}, nil},
			{"CompareAndSwap from a stale read", func() error { return c.CompareAndSwap(ctx, rec, rec) }, store.ErrConflict},
			{"Rename", func() error { return c.Rename(ctx, rec.ID, "renamed") }, nil},
			{"Delete", func() error { return c.Delete(ctx, []byte("outside")) }, nil},
			{"Delete of an absent ID", func() error { return c.Delete(ctx, []byte("outside")) }, store.ErrNotFound},
		}
		for _, step := range steps {
			if err := step.run(); !errors.Is(err, step.want) || (step.want == nil && err != nil) {
				t.Fatalf("%s in the transaction: err = %v, want %v", step.name, err, step.want)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		got, err := s.Credentials().Get(ctx, rec.ID)
		if err != nil || got.Name != "renamed" || got.SignCount != rec.SignCount+1 {
			t.Errorf("after Commit: Get = (%v, %v), want the renamed, swapped record", got, err)
		}
	})
}

func TestWithNilTx(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, freshSQLite(t)(), SQLite)
	c := s.Credentials().WithTx((*sql.Tx)(nil))
	rec := testRecord("a", "ada")
	_, getErr := c.Get(ctx, rec.ID)
	_, listErr := c.ListByUser(ctx, rec.UserHandle)
	for name, err := range map[string]error{
		"Create":         c.Create(ctx, rec),
		"Get":            getErr,
		"ListByUser":     listErr,
		"CompareAndSwap": c.CompareAndSwap(ctx, rec, rec),
		"Rename":         c.Rename(ctx, rec.ID, "x"),
		"Delete":         c.Delete(ctx, rec.ID),
	} {
		if !errors.Is(err, errNilTx) {
			t.Errorf("%s on WithTx(nil): err = %v, want errNilTx", name, err)
		}
	}
	if _, err := s.Credentials().Get(ctx, rec.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get on the store: err = %v, want ErrNotFound", err)
	}
}
