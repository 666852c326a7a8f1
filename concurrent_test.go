package passkey_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// TestConcurrentFinishLogin: many logins with one credential, finished at
// once. Each either succeeds or fails with sign-count-regression (its
// counter fell behind one stored by a faster login) or, rarely, with a
// store conflict; the stored counter is the highest one a success stored,
// and never goes back. Run it with -race.
func TestConcurrentFinishLogin(t *testing.T) {
	cases := []struct {
		name    string
		counter passkeytest.Counter
		n       int
	}{
		{"increasing counter", passkeytest.CounterIncrement(1), 32},
		{"no counter", passkeytest.CounterZero(), 16},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			a := newAuthenticator(t, passkeytest.Config{})
			u := newUser("ada")
			reg := register(t, e, a, u)
			sids := make([]string, tc.n)
			bodies := make([][]byte, tc.n)
			for i := range sids {
				sids[i], bodies[i] = getBody(t, e, a, []passkey.LoginOption{passkey.ForUser(u.Handle)},
					func(k *passkeytest.Knobs) { k.Counter = tc.counter })
			}

			type outcome struct {
				login *passkey.Login
				err   error
			}
			out := make([]outcome, tc.n)
			// A watcher reads the stored counter while the logins run: it
			// must never see it go down.
			stop := make(chan struct{})
			watchErr := make(chan error, 1)
			go func() {
				var last uint32
				for {
					select {
					case <-stop:
						watchErr <- nil
						return
					default:
					}
					rec, err := e.creds.Get(ctx, reg.Record.ID)
					if err != nil {
						watchErr <- err
						return
					}
					if rec.SignCount < last {
						watchErr <- errors.New("the stored counter went back")
						return
					}
					last = rec.SignCount
				}
			}()
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range tc.n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					l, err := e.rp.FinishLogin(ctx, sids[i], bodies[i])
					out[i] = outcome{l, err}
				}()
			}
			close(start)
			wg.Wait()
			close(stop)
			if err := <-watchErr; err != nil {
				t.Fatal(err)
			}

			var successes int
			var highest uint32
			for i, o := range out {
				switch {
				case o.err == nil:
					successes++
					highest = max(highest, o.login.Record.SignCount)
				case errors.Is(o.err, passkey.ErrSignCountRegression) && tc.counter != passkeytest.CounterZero():
				case errors.Is(o.err, store.ErrConflict) && passkey.Code(o.err) == "":
				default:
					t.Errorf("login %d: illegal outcome %v", i, o.err)
				}
			}
			if successes == 0 {
				t.Fatal("no login succeeded")
			}
			rec, err := e.creds.Get(ctx, reg.Record.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rec.SignCount != highest {
				t.Errorf("stored counter %d, highest successful %d", rec.SignCount, highest)
			}
			if tc.counter != passkeytest.CounterZero() {
				// Successes stored strictly increasing counters: no two
				// succeeded with the same assertion count.
				seen := map[uint32]bool{}
				for _, o := range out {
					if o.err == nil {
						if seen[o.login.Record.SignCount] {
							t.Errorf("two logins succeeded with counter %d", o.login.Record.SignCount)
						}
						seen[o.login.Record.SignCount] = true
					}
				}
			}
			t.Logf("%d of %d succeeded; stored counter %d", successes, tc.n, rec.SignCount)
		})
	}
}
