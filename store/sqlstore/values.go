package sqlstore

import (
	"database/sql"
	"math"
	"time"
)

// Times are stored as Unix nanoseconds in 64-bit integers, the range the
// record encoding itself keeps (the years 1678 to 2262).
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// inNanoRange reports whether t has a Unix nanosecond value.
func inNanoRange(t time.Time) bool {
	return !t.Before(minNanoTime) && !t.After(maxNanoTime)
}

// lastUsedValue is the last_used column for t: NULL for the zero time
// (never used), so that no instant can be mistaken for it in a
// compare-and-swap. The record encoding only accepts times in range.
func lastUsedValue(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// createdValue is the created_at column for t. The column only orders a
// user's records, so the zero time, older than every instant in range, takes
// the smallest value.
func createdValue(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// expiryValue is the expires column for a session expiry, and the bound a
// Sweep compares it with. Times out of range are clamped to it: an expiry
// before 1678 sorts as the oldest and one after 2262 as the newest, which
// keeps every comparison within the range exact.
func expiryValue(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// bytesValue is b as a parameter that drivers bind as a (possibly empty)
// BLOB or BYTEA, never as NULL, which some drivers make of a nil slice.
func bytesValue(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
