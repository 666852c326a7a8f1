package sqlstore

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/storetest"
)

// The contract suite, on one store per subtest.
func TestCredentialsContract(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		storetest.TestCredentials(t, func(t *testing.T) store.Credentials {
			return newStore(t, b.fresh(t)(), b.dialect).Credentials()
		})
	})
}

func TestSessionsContract(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		storetest.TestSessions(t, func(t *testing.T) store.Sessions {
			return newStore(t, b.fresh(t)(), b.dialect).Sessions()
		})
	})
}

// The contract suite again, on three instances (three pools, three Store
// values) sharing one database, each call going to the next instance in
// turn: its races (16 goroutines swapping one counter, 16 registering one
// ID, 32 taking one session) then run across instances, as behind a load
// balancer.
func TestCredentialsContractInstances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		storetest.TestCredentials(t, func(t *testing.T) store.Credentials {
			r := &credentialsRing{}
			for _, s := range instances(t, b, 3) {
				r.stores = append(r.stores, s.Credentials())
			}
			return r
		})
	})
}

func TestSessionsContractInstances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		storetest.TestSessions(t, func(t *testing.T) store.Sessions {
			r := &sessionsRing{}
			for _, s := range instances(t, b, 3) {
				r.stores = append(r.stores, s.Sessions())
			}
			return r
		})
	})
}

// credentialsRing sends each call to the next of several instances.
type credentialsRing struct {
	stores []*Credentials
	next   atomic.Uint64
}

func (r *credentialsRing) pick() *Credentials {
	return r.stores[r.next.Add(1)%uint64(len(r.stores))]
}

func (r *credentialsRing) Create(ctx context.Context, rec *credential.Record) error {
	return r.pick().Create(ctx, rec)
}

func (r *credentialsRing) Get(ctx context.Context, id []byte) (*credential.Record, error) {
	return r.pick().Get(ctx, id)
}

func (r *credentialsRing) ListByUser(ctx context.Context, user []byte) ([]*credential.Record, error) {
	return r.pick().ListByUser(ctx, user)
}

func (r *credentialsRing) CompareAndSwap(ctx context.Context, old, updated *credential.Record) error {
	return r.pick().CompareAndSwap(ctx, old, updated)
}

func (r *credentialsRing) Rename(ctx context.Context, id []byte, name string) error {
	return r.pick().Rename(ctx, id, name)
}

func (r *credentialsRing) Delete(ctx context.Context, id []byte) error {
	return r.pick().Delete(ctx, id)
}

// sessionsRing sends each call to the next of several instances.
type sessionsRing struct {
	stores []*Sessions
	next   atomic.Uint64
}

func (r *sessionsRing) pick() *Sessions {
	return r.stores[r.next.Add(1)%uint64(len(r.stores))]
}

func (r *sessionsRing) Put(ctx context.Context, key [32]byte, state []byte, expires time.Time) error {
	return r.pick().Put(ctx, key, state, expires)
}

func (r *sessionsRing) Take(ctx context.Context, key [32]byte) ([]byte, error) {
	return r.pick().Take(ctx, key)
}

func (r *sessionsRing) Sweep(ctx context.Context, now time.Time) error {
	return r.pick().Sweep(ctx, now)
}
