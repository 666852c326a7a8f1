package memory

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
)

// Argument errors: the caller broke the interface's preconditions, which no
// retry fixes, so they are not [store.Error] outcomes.
var (
	errNilRecord  = errors.New("memory: record is nil")
	errEmptyID    = errors.New("memory: record has an empty credential ID")
	errIDMismatch = errors.New("memory: compare-and-swap: updated.ID differs from old.ID")
)

// Credentials keeps credential records in memory, indexed by credential ID
// and by user handle. It satisfies [store.Credentials]; the zero value is not
// usable, call [NewCredentials].
//
// Stored records are private copies that are never modified in place: every
// change installs a new copy. Readers therefore hold the lock only to find a
// record, and copy it for the caller outside the lock.
type Credentials struct {
	mu sync.RWMutex
	// byID maps string(credential ID) to the entry.
	byID map[string]*credEntry
	// byUser maps string(user handle) to that user's entries, kept sorted
	// oldest first (CreatedAt, then creation order), so ListByUser never
	// sorts.
	byUser map[string][]*credEntry
	// seq numbers entries in creation order, to order equal CreatedAt.
	seq uint64
}

// credEntry is one stored record and its creation number.
type credEntry struct {
	rec *credential.Record
	seq uint64
}

var _ store.Credentials = (*Credentials)(nil)

// NewCredentials returns an empty credential store.
func NewCredentials() *Credentials {
	return &Credentials{
		byID:   make(map[string]*credEntry),
		byUser: make(map[string][]*credEntry),
	}
}

// Create stores a copy of rec. It fails with [store.ErrExists] if a record
// with rec.ID is stored, whoever owns it: registration must refuse an ID
// that any user has registered, or one user could take over another's
// credential. A nil record or an empty ID is an error.
//
// Times are stored in UTC without a monotonic clock reading, as the record
// encodings keep them, so that this store returns what a database would.
func (c *Credentials) Create(_ context.Context, rec *credential.Record) error {
	if rec == nil {
		return errNilRecord
	}
	if len(rec.ID) == 0 {
		return errEmptyID
	}
	stored := storedCopy(rec)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[string(stored.ID)]; ok {
		return store.ErrExists
	}
	c.seq++
	e := &credEntry{rec: stored, seq: c.seq}
	c.byID[string(stored.ID)] = e
	c.index(e)
	return nil
}

// Get returns a copy of the record with that credential ID, or
// [store.ErrNotFound].
func (c *Credentials) Get(_ context.Context, id []byte) (*credential.Record, error) {
	c.mu.RLock()
	e, ok := c.byID[string(id)]
	var rec *credential.Record
	if ok {
		rec = e.rec
	}
	c.mu.RUnlock()
	if !ok {
		return nil, store.ErrNotFound
	}
	// rec is never modified once stored, so copying it unlocked is safe.
	return rec.Clone(), nil
}

// ListByUser returns copies of the user's records, oldest first by
// CreatedAt; records created at the same time come in the order they were
// created. A user without records gets an empty list and no error.
func (c *Credentials) ListByUser(_ context.Context, userHandle []byte) ([]*credential.Record, error) {
	c.mu.RLock()
	entries := c.byUser[string(userHandle)]
	recs := make([]*credential.Record, len(entries))
	for i, e := range entries {
		recs[i] = e.rec
	}
	c.mu.RUnlock()
	for i, rec := range recs {
		recs[i] = rec.Clone()
	}
	return recs, nil
}

// CompareAndSwap replaces the stored record old.ID with a copy of updated if
// the stored one still has old's SignCount, Name and a LastUsedAt equal to
// old's ([time.Time.Equal]: the same instant, whatever the location).
// Otherwise it returns [store.ErrConflict], or [store.ErrNotFound] if the
// record is gone. updated.ID must equal old.ID.
//
// Comparing Name means a Rename between the caller's read and its swap makes
// the swap conflict, so the caller re-reads and keeps the new name.
func (c *Credentials) CompareAndSwap(_ context.Context, old, updated *credential.Record) error {
	if old == nil || updated == nil {
		return errNilRecord
	}
	if string(old.ID) != string(updated.ID) {
		return errIDMismatch
	}
	next := storedCopy(updated)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[string(old.ID)]
	if !ok {
		return store.ErrNotFound
	}
	if e.rec.SignCount != old.SignCount || e.rec.Name != old.Name || !e.rec.LastUsedAt.Equal(old.LastUsedAt) {
		return store.ErrConflict
	}
	c.replace(e, next)
	return nil
}

// Rename sets the Name of the record with that credential ID, or returns
// [store.ErrNotFound].
func (c *Credentials) Rename(_ context.Context, id []byte, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[string(id)]
	if !ok {
		return store.ErrNotFound
	}
	// Readers may be copying e.rec outside the lock: install a new record
	// rather than writing to the old one.
	next := e.rec.Clone()
	next.Name = name
	e.rec = next
	return nil
}

// Delete removes the record with that credential ID, or returns
// [store.ErrNotFound]. The ID may then be used again.
func (c *Credentials) Delete(_ context.Context, id []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[string(id)]
	if !ok {
		return store.ErrNotFound
	}
	delete(c.byID, string(id))
	c.unindex(e)
	return nil
}

// replace installs next as e's record. A change of owner or creation time
// moves the entry in the user index; neither should change for a
// credential, but a caller that changes them must not leave the index
// pointing at the wrong user or out of order.
func (c *Credentials) replace(e *credEntry, next *credential.Record) {
	moved := string(e.rec.UserHandle) != string(next.UserHandle) || !e.rec.CreatedAt.Equal(next.CreatedAt)
	if moved {
		c.unindex(e)
	}
	e.rec = next
	if moved {
		c.index(e)
	}
}

// index inserts e into its user's list at its place in the order.
func (c *Credentials) index(e *credEntry) {
	user := string(e.rec.UserHandle)
	list := c.byUser[user]
	i, _ := slices.BinarySearchFunc(list, e, compareEntries)
	c.byUser[user] = slices.Insert(list, i, e)
}

// unindex removes e from its user's list, and the list once it is empty so
// that deleted users leave nothing behind.
func (c *Credentials) unindex(e *credEntry) {
	user := string(e.rec.UserHandle)
	list := c.byUser[user]
	i := slices.Index(list, e)
	if i < 0 {
		return
	}
	list = slices.Delete(list, i, i+1)
	if len(list) == 0 {
		delete(c.byUser, user)
		return
	}
	c.byUser[user] = list
}

// compareEntries orders entries oldest first: by CreatedAt, then by
// creation order.
func compareEntries(a, b *credEntry) int {
	if c := a.rec.CreatedAt.Compare(b.rec.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// storedCopy returns the copy of rec that the store keeps: deep, with times
// in UTC and without monotonic clock readings (which only mean something in
// the process that read the clock, and which a database cannot keep).
func storedCopy(rec *credential.Record) *credential.Record {
	c := rec.Clone()
	c.CreatedAt = normalTime(c.CreatedAt)
	c.LastUsedAt = normalTime(c.LastUsedAt)
	return c
}

// normalTime strips t's monotonic reading and location.
func normalTime(t time.Time) time.Time {
	return t.Round(0).UTC()
}
