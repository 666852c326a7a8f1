package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// querier is what both *sql.DB and *sql.Tx offer, so that one Credentials
// type serves the store's own statements and an application's transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// maxRenameAttempts bounds the read-modify-write loop of Rename. Each failed
// attempt means another update of the record committed in between, so the
// loop cannot spin without someone making progress; the bound only stops a
// rename that keeps losing to a flood of logins on one credential (32 was
// seen to run out on SQLite under the race detector), and ctx ends it sooner.
const maxRenameAttempts = 1024

// Credentials keeps credential records in the passkey_credentials table. It
// satisfies [store.Credentials]; get one from [Store.Credentials] or
// [Credentials.WithTx].
//
// Each record is stored whole in its binary encoding
// ([credential.Record.MarshalBinary]), next to copies of the fields that
// queries need (credential ID, user handle, sign count, last use, name,
// creation time), all written by one statement. Every method is one atomic
// statement, or a loop of them (Rename), so several instances can share the
// database without locks of their own.
type Credentials struct {
	q    querier
	d    Dialect
	sql  *queries
	inTx bool      // statements run in the caller's transaction: never retried
	gate writeGate // the Store's writer gate; nil in a transaction
	err  error     // set when the Credentials cannot work (WithTx(nil))
}

var _ store.Credentials = (*Credentials)(nil)

// WithTx returns Credentials whose statements run in tx, the application's
// own transaction on the same database, so that, for example, a new account
// and its first credential are committed together or not at all. The caller
// commits or rolls back tx; the returned value must not be used after that.
//
// Inside tx the store retries nothing: on PostgreSQL a statement that fails
// aborts tx, and the caller retries the whole transaction. On SQLite, open
// the database with "&_txlock=immediate" (see [SQLitePragmas]) so that tx
// waits for other writers at BEGIN rather than failing when it first writes.
func (c *Credentials) WithTx(tx *sql.Tx) *Credentials {
	if tx == nil {
		return &Credentials{err: errNilTx}
	}
	// No gate: the transaction may already hold SQLite's write lock, and a
	// statement of the store waiting at the gate for it would wait for a
	// writer that waits for the gate.
	return &Credentials{q: tx, d: c.d, sql: c.sql, inTx: true, err: c.err}
}

// Create stores rec. It fails with [store.ErrExists] if a record with
// rec.ID is stored, whoever owns it (#reg-ceremony-create-credential-record:
// a credential ID registered to one user must not be registered to
// another). Of concurrent Creates with one ID, on any number of instances,
// exactly one succeeds: the unique index decides, through INSERT … ON
// CONFLICT DO NOTHING, which raises no error and so leaves an application's
// PostgreSQL transaction usable (see [Credentials.WithTx]).
//
// rec must be encodable ([credential.Record.MarshalBinary]): an ID of 1 to
// 1023 bytes, a public key, an algorithm, and so on.
func (c *Credentials) Create(ctx context.Context, rec *credential.Record) error {
	if c.err != nil {
		return c.err
	}
	if rec == nil {
		return errNilRecord
	}
	blob, err := rec.MarshalBinary()
	if err != nil {
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	var n int64
	err = c.write(ctx, func() error {
		res, err := c.q.ExecContext(ctx, c.sql.insertCred,
			rec.ID, bytesValue(rec.UserHandle), int64(rec.SignCount), lastUsedValue(rec.LastUsedAt),
			bytesValue([]byte(rec.Name)), createdValue(rec.CreatedAt), blob)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("sqlstore: create: %w", err)
	case n == 0:
		return store.ErrExists
	}
	return nil
}

// Get returns the record with that credential ID, or [store.ErrNotFound].
func (c *Credentials) Get(ctx context.Context, id []byte) (*credential.Record, error) {
	if c.err != nil {
		return nil, c.err
	}
	blob, err := c.getBlob(ctx, id)
	if err != nil {
		return nil, err
	}
	rec, err := decodeRecord(blob)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get: %w", err)
	}
	return rec, nil
}

// getBlob returns the stored encoding of the record with that ID, or
// [store.ErrNotFound].
func (c *Credentials) getBlob(ctx context.Context, id []byte) ([]byte, error) {
	var blob []byte
	err := c.retry(ctx, func() error {
		return c.q.QueryRowContext(ctx, c.sql.getCred, bytesValue(id)).Scan(&blob)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, store.ErrNotFound
	case err != nil:
		return nil, fmt.Errorf("sqlstore: get: %w", err)
	}
	return blob, nil
}

// ListByUser returns the user's records, oldest first by CreatedAt; records
// with equal CreatedAt come in the order they were created. A user without
// records gets an empty list and no error.
func (c *Credentials) ListByUser(ctx context.Context, userHandle []byte) ([]*credential.Record, error) {
	if c.err != nil {
		return nil, c.err
	}
	var recs []*credential.Record
	err := c.retry(ctx, func() error {
		recs = recs[:0]
		rows, err := c.q.QueryContext(ctx, c.sql.listCred, bytesValue(userHandle))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var blob []byte
			if err := rows.Scan(&blob); err != nil {
				return err
			}
			rec, err := decodeRecord(blob)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list by user: %w", err)
	}
	if recs == nil {
		recs = []*credential.Record{}
	}
	return recs, nil
}

// CompareAndSwap replaces the stored record old.ID with updated if the
// stored one still has old's SignCount, Name and LastUsedAt (the same
// instant, to the nanosecond); otherwise it returns [store.ErrConflict], or
// [store.ErrNotFound] if the record is gone. updated.ID must equal old.ID
// and updated must be encodable.
//
// It is one UPDATE whose WHERE clause holds the comparison, so that of
// logins racing on one credential, on any number of instances, each counter
// value is swapped from once (#sctn-sign-counter,
// #authn-ceremony-update-credential-record). Only when no row matched does
// a second statement tell a conflict from a deleted record.
//
// Every other field of updated is stored too, the user handle and creation
// time included: a record moved to another user is listed under that user.
func (c *Credentials) CompareAndSwap(ctx context.Context, old, updated *credential.Record) error {
	if c.err != nil {
		return c.err
	}
	if old == nil || updated == nil {
		return errNilRecord
	}
	if string(old.ID) != string(updated.ID) {
		return errIDMismatch
	}
	blob, err := updated.MarshalBinary()
	if err != nil {
		return fmt.Errorf("sqlstore: compare-and-swap: %w", err)
	}
	// A stored record's times are in range, so an old one out of range
	// matches nothing; it has no column value to compare with.
	if old.LastUsedAt.IsZero() || inNanoRange(old.LastUsedAt) {
		var n int64
		err := c.write(ctx, func() error {
			res, err := c.q.ExecContext(ctx, c.sql.casCred,
				updated.ID, bytesValue(updated.UserHandle), int64(updated.SignCount), lastUsedValue(updated.LastUsedAt),
				bytesValue([]byte(updated.Name)), createdValue(updated.CreatedAt), blob,
				int64(old.SignCount), lastUsedValue(old.LastUsedAt), bytesValue([]byte(old.Name)))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlstore: compare-and-swap: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
	exists, err := c.exists(ctx, old.ID)
	switch {
	case err != nil:
		return fmt.Errorf("sqlstore: compare-and-swap: %w", err)
	case exists:
		return store.ErrConflict
	}
	return store.ErrNotFound
}

// exists reports whether a record with that ID is stored.
func (c *Credentials) exists(ctx context.Context, id []byte) (bool, error) {
	var one int
	err := c.retry(ctx, func() error {
		return c.q.QueryRowContext(ctx, c.sql.existsCred, bytesValue(id)).Scan(&one)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// Rename sets the Name of the record with that credential ID, or returns
// [store.ErrNotFound]. The name must be UTF-8, as the record encoding
// requires.
//
// The name lives inside the encoded record as well as in its column, so
// Rename reads the record, re-encodes it and writes it back only if the
// stored encoding is still the one it read; if a login swapped the record
// in between, Rename reads it again. A login whose swap comes second
// conflicts on the name and re-reads in turn, so neither update undoes the
// other.
func (c *Credentials) Rename(ctx context.Context, id []byte, name string) error {
	if c.err != nil {
		return c.err
	}
	for range maxRenameAttempts {
		blob, err := c.getBlob(ctx, id)
		if err != nil {
			return err
		}
		rec, err := decodeRecord(blob)
		if err != nil {
			return fmt.Errorf("sqlstore: rename: %w", err)
		}
		if rec.Name == name {
			return nil
		}
		rec.Name = name
		next, err := rec.MarshalBinary()
		if err != nil {
			return fmt.Errorf("sqlstore: rename: %w", err)
		}
		var n int64
		err = c.write(ctx, func() error {
			res, err := c.q.ExecContext(ctx, c.sql.renameCred, bytesValue(id), bytesValue([]byte(name)), next, blob)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlstore: rename: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
	return fmt.Errorf("sqlstore: rename: the record changed on each of %d attempts: %w", maxRenameAttempts, store.ErrConflict)
}

// Delete removes the record with that credential ID, or returns
// [store.ErrNotFound]. The ID may then be registered again.
func (c *Credentials) Delete(ctx context.Context, id []byte) error {
	if c.err != nil {
		return c.err
	}
	var n int64
	err := c.write(ctx, func() error {
		res, err := c.q.ExecContext(ctx, c.sql.deleteCred, bytesValue(id))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("sqlstore: delete: %w", err)
	case n == 0:
		return store.ErrNotFound
	}
	return nil
}

// retry runs the statement f, again after a failure that retryable says a
// rerun fixes, but never inside the caller's transaction, which such a
// failure has aborted.
func (c *Credentials) retry(ctx context.Context, f func() error) error {
	return retry(ctx, c.d, c.inTx, f)
}

// write runs the writing statement f behind the Store's gate, retried as
// retry says.
func (c *Credentials) write(ctx context.Context, f func() error) error {
	return c.gate.write(ctx, c.d, c.inTx, f)
}

// decodeRecord decodes a stored record.
func decodeRecord(blob []byte) (*credential.Record, error) {
	rec := new(credential.Record)
	if err := rec.UnmarshalBinary(blob); err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	return rec, nil
}
