// Package store declares where a relying party keeps credential records and
// ceremony sessions. Implementations: store/memory (one instance) and the
// nested module store/sqlstore (SQLite, PostgreSQL).
package store

import (
	"context"
	"time"

	"github.com/gopasskey/passkey/credential"
)

// Error is a store outcome that callers branch on with [errors.Is].
type Error string

func (e Error) Error() string { return string(e) }

const (
	// ErrNotFound: no credential or session under that key.
	ErrNotFound Error = "store: not found"
	// ErrExists: a credential with that ID is already stored.
	ErrExists Error = "store: credential ID already exists"
	// ErrConflict: a compare-and-swap lost to a concurrent update.
	ErrConflict Error = "store: concurrent update"
	// ErrFull: the store refuses more sessions.
	ErrFull Error = "store: session capacity reached"
)

// Credentials keeps credential records. Implementations are safe for
// concurrent use, return records the caller may modify (copies), and never
// cache decoded public keys inside a record.
type Credentials interface {
	// Create stores a new record; ErrExists if its ID is already stored,
	// whoever owns it.
	Create(ctx context.Context, rec *credential.Record) error
	// Get returns the record with that credential ID, or ErrNotFound.
	Get(ctx context.Context, id []byte) (*credential.Record, error)
	// ListByUser returns a user's records, oldest first, ties in creation
	// order (none is not an error).
	ListByUser(ctx context.Context, userHandle []byte) ([]*credential.Record, error)
	// CompareAndSwap replaces the stored record old.ID with updated if the
	// stored one still has old's SignCount, Name and LastUsedAt (the same
	// instant, to the nanosecond); otherwise ErrConflict (ErrNotFound if it
	// was deleted), so a login never undoes a concurrent rename. updated.ID
	// must equal old.ID; any other mismatch is an error.
	CompareAndSwap(ctx context.Context, old, updated *credential.Record) error
	// Rename sets the user-given name of a record.
	Rename(ctx context.Context, id []byte, name string) error
	// Delete removes a record; ErrNotFound if there is none.
	Delete(ctx context.Context, id []byte) error
}

// Sessions keeps ceremony state between Begin and Finish. The key is
// SHA-256 of the session ID; the state is opaque to the store.
type Sessions interface {
	// Put stores state under key until expires, replacing what was there.
	Put(ctx context.Context, key [32]byte, state []byte, expires time.Time) error
	// Take removes and returns the state under key, atomically: of several
	// concurrent callers at most one gets it. ErrNotFound otherwise. Take
	// may return expired state: the caller checks expiry with its own clock.
	Take(ctx context.Context, key [32]byte) ([]byte, error)
	// Sweep removes sessions whose expiry is before now (the caller's
	// clock); one expiring exactly at now is kept.
	Sweep(ctx context.Context, now time.Time) error
}
