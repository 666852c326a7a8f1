package memory

import (
	"container/heap"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/gopasskey/passkey/store"
)

// DefaultMaxSessions is how many sessions [NewSessions] keeps unless
// [WithMaxSessions] says otherwise: with a few hundred bytes of state each,
// some tens of megabytes at most.
const DefaultMaxSessions = 100_000

// Option configures [NewSessions].
type Option func(*sessionsConfig)

// sessionsConfig is what the options set.
type sessionsConfig struct {
	max int
}

// WithMaxSessions sets how many sessions the store keeps at most. Below 1
// the store keeps none: every [Sessions.Put] fails with [store.ErrFull],
// which makes a mistaken zero loud rather than unbounded.
func WithMaxSessions(n int) Option {
	return func(c *sessionsConfig) { c.max = n }
}

// Sessions keeps ceremony sessions in memory. It satisfies
// [store.Sessions]; the zero value is not usable, call [NewSessions].
//
// Every Begin adds a session and an unauthenticated client can call Begin as
// often as it likes, so the store is bounded (see [Sessions.Put]).
type Sessions struct {
	mu  sync.Mutex
	max int
	m   map[[32]byte]*sessionEntry
	// byExpiry holds the entries of m in a min-heap by expiry, so that the
	// entry Sweep and eviction look at first is at index 0.
	byExpiry expiryHeap
}

// sessionEntry is one stored session.
type sessionEntry struct {
	key     [32]byte
	state   []byte
	expires time.Time
	// index is the entry's position in the heap, kept up to date by it.
	index int
}

var _ store.Sessions = (*Sessions)(nil)

// NewSessions returns an empty session store that keeps at most
// [DefaultMaxSessions] sessions unless an option says otherwise.
func NewSessions(opts ...Option) *Sessions {
	cfg := sessionsConfig{max: DefaultMaxSessions}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	return &Sessions{
		max: cfg.max,
		m:   make(map[[32]byte]*sessionEntry),
	}
}

// Put stores a copy of state under key until expires. A second Put under a
// key replaces the first; keys are hashes of random session IDs, so that is
// the same ceremony saving its state again.
//
// When the store is full, Put evicts the session that expires first. Expired
// sessions expire before every live one, so they go first and no live
// session is evicted while an expired one remains: that is the sweep of
// expired entries, done one entry per Put without a clock. Only when every
// stored session is live does Put evict a live one, the one closest to
// expiry. The trade-off: a client that floods Begin can push out real users'
// pending ceremonies, which then fail at Finish and are retried; the
// alternative, refusing new sessions with [store.ErrFull], would let the
// same flood stop every new ceremony until the flood's sessions expire.
// Callers that prefer refusal bound Begin per client before they call Put.
// Put fails with [store.ErrFull] only when the store may keep no sessions at
// all ([WithMaxSessions] below 1).
func (s *Sessions) Put(_ context.Context, key [32]byte, state []byte, expires time.Time) error {
	state = slices.Clone(state)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok {
		e.state = state
		e.expires = expires
		heap.Fix(&s.byExpiry, e.index)
		return nil
	}
	for len(s.m) >= s.max && len(s.byExpiry) > 0 {
		e := heap.Pop(&s.byExpiry).(*sessionEntry)
		delete(s.m, e.key)
	}
	if len(s.m) >= s.max {
		return store.ErrFull
	}
	e := &sessionEntry{key: key, state: state, expires: expires}
	s.m[key] = e
	heap.Push(&s.byExpiry, e)
	return nil
}

// Take removes and returns the state under key, or returns
// [store.ErrNotFound]. Of concurrent callers with one key, exactly one gets
// the state. Take returns expired state too: the caller decides expiry with
// its own clock, which this store never reads.
func (s *Sessions) Take(_ context.Context, key [32]byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok {
		return nil, store.ErrNotFound
	}
	delete(s.m, key)
	heap.Remove(&s.byExpiry, e.index)
	// The entry has left the store, so its state can go to the caller
	// without a copy: nobody else holds it.
	return e.state, nil
}

// Sweep removes the sessions that expired before now (an expiry equal to
// now is kept). It takes time proportional to the number removed.
func (s *Sessions) Sweep(_ context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.byExpiry) > 0 && s.byExpiry[0].expires.Before(now) {
		e := heap.Pop(&s.byExpiry).(*sessionEntry)
		delete(s.m, e.key)
	}
	return nil
}

// Len returns the number of sessions stored, expired ones included, for
// monitoring.
func (s *Sessions) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// expiryHeap is a container/heap min-heap of entries by expiry.
type expiryHeap []*sessionEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

// Push adds x, an *sessionEntry; only container/heap calls it.
func (h *expiryHeap) Push(x any) {
	e := x.(*sessionEntry)
	e.index = len(*h)
	*h = append(*h, e)
}

// Pop removes the last entry; only container/heap calls it.
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil // let the entry be collected
	*h = old[:len(old)-1]
	e.index = -1
	return e
}
