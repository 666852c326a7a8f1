package sqlstore

import "context"

// writeGate lets one statement at a time write through a Store on SQLite.
//
// SQLite has one writer per database anyway. Without the gate, the pool's
// connections compete for the write lock through SQLite's busy handler,
// which polls with sleeps of up to 100 ms: under load a writer can lose
// every poll until its busy timeout expires and fail with SQLITE_BUSY
// (measured: 64 goroutines on 16 connections, within seconds). Waiting on
// a channel instead is first come, first served, and ends with ctx. The
// busy timeout still arbitrates between processes, and between the store
// and the application's own transactions, which never pass the gate.
//
// A nil gate (PostgreSQL, or statements in the caller's transaction) lets
// everything through.
type writeGate chan struct{}

func newWriteGate(d Dialect) writeGate {
	if d != SQLite {
		return nil
	}
	return make(writeGate, 1)
}

// enter waits for the gate, or for ctx to end.
func (g writeGate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leave lets the next writer in; call it once after each successful enter.
func (g writeGate) leave() {
	if g != nil {
		<-g
	}
}

// write runs the writing statement f behind the gate, retried as retry
// says.
func (g writeGate) write(ctx context.Context, d Dialect, inTx bool, f func() error) error {
	if err := g.enter(ctx); err != nil {
		return err
	}
	defer g.leave()
	return retry(ctx, d, inTx, f)
}
