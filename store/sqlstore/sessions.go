package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gopasskey/passkey/store"
)

// Sessions keeps ceremony sessions in the passkey_sessions table, so that a
// ceremony begun on one instance can finish on another. It satisfies
// [store.Sessions]; get one from [Store.Sessions].
//
// It reads no clock: expiry times are the caller's, stored as Unix
// nanoseconds, and [Sessions.Sweep] compares them with the caller's now, so
// instances and database need not agree on the time.
//
// The table has no size limit and Put never returns [store.ErrFull]: bound
// Begin per client in front of the store, and call Sweep periodically.
type Sessions struct {
	db   *sql.DB
	d    Dialect
	sql  *queries
	gate writeGate // the Store's writer gate
}

var _ store.Sessions = (*Sessions)(nil)

// Put stores state under key until expires, replacing what was there (one
// INSERT … ON CONFLICT DO UPDATE). Expiry times before the year 1678 or
// after 2262 are stored as the nearest time in that range.
func (s *Sessions) Put(ctx context.Context, key [32]byte, state []byte, expires time.Time) error {
	err := s.gate.write(ctx, s.d, false, func() error {
		_, err := s.db.ExecContext(ctx, s.sql.putSession, key[:], bytesValue(state), expiryValue(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: put session: %w", err)
	}
	return nil
}

// Take removes and returns the state under key, or returns
// [store.ErrNotFound]. It is one DELETE … RETURNING: of concurrent callers
// with one key, on any number of instances, exactly one gets the state.
// Take returns expired state too: the caller checks expiry with its clock.
func (s *Sessions) Take(ctx context.Context, key [32]byte) ([]byte, error) {
	var state []byte
	err := s.gate.write(ctx, s.d, false, func() error {
		return s.db.QueryRowContext(ctx, s.sql.takeSession, key[:]).Scan(&state)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, store.ErrNotFound
	case err != nil:
		return nil, fmt.Errorf("sqlstore: take session: %w", err)
	}
	return state, nil
}

// Sweep removes the sessions that expired before now, the caller's clock
// (one expiring exactly at now is kept). It deletes in batches of
// statements of at most a thousand sessions each, so that a large sweep
// never holds a long write lock; if ctx ends between batches, Sweep stops
// with what it has removed and returns the context's error.
func (s *Sessions) Sweep(ctx context.Context, now time.Time) error {
	bound := expiryValue(now)
	for {
		var n int64
		err := s.gate.write(ctx, s.d, false, func() error {
			res, err := s.db.ExecContext(ctx, s.sql.sweepSession, bound)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlstore: sweep sessions: %w", err)
		}
		if n < sweepBatch {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sqlstore: sweep sessions: %w", err)
		}
	}
}
