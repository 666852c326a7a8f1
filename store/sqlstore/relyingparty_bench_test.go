package sqlstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
)

// benchLoginCreds is how many credentials the logins rotate through: far
// more than the goroutines of RunParallel, so that two logins with one
// credential rarely run at once.
const benchLoginCreds = 64

// BenchmarkFinishLogin measures FinishLogin in parallel on each store:
// the session Take, the record Get, the signature check and the record's
// compare-and-swap. The sessions and the authenticator's answers are made
// before the timer starts. The authenticator reports no counter (as synced
// passkeys do), so logins that share a credential cannot fail with
// sign-count-regression; every call must succeed.
func BenchmarkFinishLogin(b *testing.B) {
	type storeUnderTest struct {
		name  string
		stors func(b *testing.B) (store.Credentials, store.Sessions)
	}
	sqlStores := func(be backend) func(b *testing.B) (store.Credentials, store.Sessions) {
		return func(b *testing.B) (store.Credentials, store.Sessions) {
			s := newStore(b, be.fresh(b)(), be.dialect)
			return s.Credentials(), s.Sessions()
		}
	}
	stores := []storeUnderTest{
		{"memory", func(*testing.B) (store.Credentials, store.Sessions) {
			return memory.NewCredentials(), memory.NewSessions()
		}},
	}
	for _, be := range benchBackends() {
		stores = append(stores, storeUnderTest{be.name, sqlStores(be)})
	}
	for _, su := range stores {
		b.Run(su.name, func(b *testing.B) {
			ctx := context.Background()
			creds, sessions := su.stors(b)
			rp, err := passkey.New(passkey.Config{
				RPID:           rpTestRPID,
				RPName:         "Example",
				Origins:        []string{rpTestOrigin},
				Credentials:    creds,
				Sessions:       sessions,
				EnumerationKey: rpEnumerationKey,
			})
			if err != nil {
				b.Fatal(err)
			}
			a, err := passkeytest.New(passkeytest.Config{
				Seed:   []byte("bench"),
				Tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterZero() }},
			})
			if err != nil {
				b.Fatal(err)
			}
			c := &cluster{rps: []*passkey.RelyingParty{rp}}
			users := make([]registered, benchLoginCreds)
			for k := range users {
				users[k] = registerOne(b, ctx, c, a, k)
			}
			b.ResetTimer()
			b.Run("parallel", func(b *testing.B) {
				sids, bodies := make([]string, b.N), make([][]byte, b.N)
				for i := range b.N {
					if sids[i], bodies[i], err = beginLogin(ctx, rp, a, users[i%benchLoginCreds].handle); err != nil {
						b.Fatal(err)
					}
				}
				var next atomic.Int64
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := next.Add(1) - 1
						if _, err := rp.FinishLogin(ctx, sids[i], bodies[i]); err != nil {
							b.Error(fmt.Errorf("login %d: %w", i, err))
							return
						}
					}
				})
			})
		})
	}
}
