package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store"
)

// The whole relying party on the SQL store, several instances at once: the
// guarantees the store documents (one Take per session, one Create per
// credential ID, one swap per counter value) seen from the ceremonies that
// depend on them.

const (
	rpTestRPID   = "example.com"
	rpTestOrigin = "https://example.com"
	rpInstances  = 4
)

// rpEnumerationKey is the secret every instance shares, as the Config
// documentation asks of several instances.
var rpEnumerationKey = bytes.Repeat([]byte{0x5a}, 32)

// cluster is rpInstances relying parties on one database.
type cluster struct {
	rps   []*passkey.RelyingParty
	db    *sql.DB           // a pool on the database, for the final counts
	creds store.Credentials // instance 0's, for the watcher
}

func (c *cluster) rp(i int) *passkey.RelyingParty { return c.rps[i%len(c.rps)] }

func newRelyingParty(t testing.TB, s *Store) *passkey.RelyingParty {
	t.Helper()
	rp, err := passkey.New(passkey.Config{
		RPID:           rpTestRPID,
		RPName:         "Example",
		Origins:        []string{rpTestOrigin},
		Credentials:    s.Credentials(),
		Sessions:       s.Sessions(),
		EnumerationKey: rpEnumerationKey,
	})
	if err != nil {
		t.Fatalf("passkey.New: %v", err)
	}
	return rp
}

// postgresCluster gives every instance its own pool and Store, as separate
// processes would have.
func postgresCluster(t testing.TB) *cluster {
	t.Helper()
	open := freshPostgres(t, "")
	c := &cluster{}
	for range rpInstances {
		db := open()
		s := newStore(t, db, Postgres)
		c.rps = append(c.rps, newRelyingParty(t, s))
		if c.db == nil {
			c.db, c.creds = db, s.Credentials()
		}
	}
	return c
}

// sqliteCluster shares one Store among the instances, as the package
// documentation asks of one process (its writes then queue in order).
func sqliteCluster(t testing.TB) *cluster {
	t.Helper()
	db := freshSQLite(t)()
	s := newStore(t, db, SQLite)
	c := &cluster{db: db, creds: s.Credentials()}
	for range rpInstances {
		c.rps = append(c.rps, newRelyingParty(t, s))
	}
	return c
}

func newTestAuthenticator(t testing.TB, seed string) *passkeytest.Authenticator {
	t.Helper()
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte(seed)})
	if err != nil {
		t.Fatalf("passkeytest.New: %v", err)
	}
	return a
}

func newTestUser(i int) passkey.User {
	name := fmt.Sprintf("user%d", i)
	return passkey.User{Handle: passkey.NewUserHandle(), Name: name, DisplayName: "User " + name}
}

// beginRegistration begins a registration on rp and has a answer it.
func beginRegistration(ctx context.Context, rp *passkey.RelyingParty, a *passkeytest.Authenticator, u passkey.User, tweaks ...passkeytest.Tweak) (string, []byte, error) {
	o, sid, err := rp.BeginRegistration(ctx, u)
	if err != nil {
		return "", nil, fmt.Errorf("BeginRegistration: %w", err)
	}
	opts, err := json.Marshal(o)
	if err != nil {
		return "", nil, err
	}
	body, err := a.Create(opts, rpTestOrigin, tweaks...)
	if err != nil {
		return "", nil, fmt.Errorf("authenticator Create: %w", err)
	}
	return sid, body, nil
}

// beginLogin begins a login for the user with handle on rp and has a
// answer it.
func beginLogin(ctx context.Context, rp *passkey.RelyingParty, a *passkeytest.Authenticator, handle []byte) (string, []byte, error) {
	o, sid, err := rp.BeginLogin(ctx, passkey.ForUser(handle))
	if err != nil {
		return "", nil, fmt.Errorf("BeginLogin: %w", err)
	}
	opts, err := json.Marshal(o)
	if err != nil {
		return "", nil, err
	}
	body, err := a.Get(opts, rpTestOrigin)
	if err != nil {
		return "", nil, fmt.Errorf("authenticator Get: %w", err)
	}
	return sid, body, nil
}

// registered is a credential registered before the concurrent phase.
type registered struct {
	handle []byte
	id     []byte
}

func registerOne(t testing.TB, ctx context.Context, c *cluster, a *passkeytest.Authenticator, i int) registered {
	t.Helper()
	u := newTestUser(i)
	sid, body, err := beginRegistration(ctx, c.rp(i), a, u)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := c.rp(i+1).FinishRegistration(ctx, sid, body)
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	return registered{handle: u.Handle, id: reg.Record.ID}
}

// isChallengeMismatch reports the refusal of a session already taken.
func isChallengeMismatch(err error) bool {
	return errors.Is(err, passkey.ErrChallengeMismatch) && passkey.Code(err) == string(passkey.ErrChallengeMismatch)
}

// legalLoginFailure reports the outcomes a login may have when other
// logins with its credential run at once: its counter fell behind one a
// faster login stored, or the record kept changing under it (no verdict).
func legalLoginFailure(err error) (conflict bool) {
	switch {
	case errors.Is(err, passkey.ErrSignCountRegression) && passkey.Code(err) == string(passkey.ErrSignCountRegression):
		return true
	case errors.Is(err, store.ErrConflict) && passkey.Code(err) == "":
		return true
	}
	return false
}

// workload is the concurrent phase's bookkeeping.
type workload struct {
	t          testing.TB
	c          *cluster
	ceremonies atomic.Int64 // sessions begun
	conflicts  atomic.Int64 // counter races lost, duplicate registrations refused
	replays    atomic.Int64 // second finishes refused

	mu         sync.Mutex
	successes  map[string][]uint32 // credential ID -> counters stored by successful logins
	registered int                 // credentials registered in the concurrent phase
}

func (w *workload) loginSucceeded(l *passkey.Login) {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := string(l.Record.ID)
	w.successes[id] = append(w.successes[id], l.Record.SignCount)
}

func (w *workload) registrationSucceeded() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.registered++
}

// login is one login with cred, begun on instance i and finished on the
// next: success or a legal failure.
func (w *workload) login(ctx context.Context, i int, a *passkeytest.Authenticator, cred registered) {
	w.ceremonies.Add(1)
	sid, body, err := beginLogin(ctx, w.c.rp(i), a, cred.handle)
	if err != nil {
		w.t.Errorf("login %d: %v", i, err)
		return
	}
	w.finishLogin(ctx, i+1, sid, body)
}

func (w *workload) finishLogin(ctx context.Context, i int, sid string, body []byte) {
	l, err := w.c.rp(i).FinishLogin(ctx, sid, body)
	switch {
	case err == nil:
		w.loginSucceeded(l)
	case legalLoginFailure(err):
		w.conflicts.Add(1)
	default:
		w.t.Errorf("login finished on instance %d: illegal outcome %v", i%rpInstances, err)
	}
}

func (w *workload) register(ctx context.Context, i int, a *passkeytest.Authenticator) {
	w.ceremonies.Add(1)
	sid, body, err := beginRegistration(ctx, w.c.rp(i), a, newTestUser(i))
	if err != nil {
		w.t.Errorf("registration %d: %v", i, err)
		return
	}
	if _, err := w.c.rp(i+1).FinishRegistration(ctx, sid, body); err != nil {
		w.t.Errorf("registration %d: FinishRegistration: %v", i, err)
		return
	}
	w.registrationSucceeded()
}

// replay finishes one session twice at once, on two other instances:
// exactly one finish takes the session and succeeds, the other is refused
// as a used session.
func (w *workload) replay(ctx context.Context, i int, begin func(rp *passkey.RelyingParty) (string, []byte, error),
	finish func(rp *passkey.RelyingParty, sid string, body []byte) error) {
	w.ceremonies.Add(1)
	sid, body, err := begin(w.c.rp(i))
	if err != nil {
		w.t.Errorf("replay %d: %v", i, err)
		return
	}
	errs := make([]error, 2)
	race2(func(k int) { errs[k] = finish(w.c.rp(i+1+k), sid, body) })
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case isChallengeMismatch(err):
			refused++
		default:
			w.t.Errorf("replay %d: illegal outcome %v", i, err)
		}
	}
	if ok != 1 || refused != 1 {
		w.t.Errorf("replay %d: %d successes and %d refusals of one session finished twice, want 1 and 1 (%v)", i, ok, refused, errs)
	}
	w.replays.Add(int64(refused))
}

// race2 runs f(0) and f(1) released together.
func race2(f func(k int)) {
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for k := range 2 {
		wg.Go(func() {
			<-gate
			f(k)
		})
	}
	close(gate)
	wg.Wait()
}

// duplicate registers one credential ID for two users through two
// authenticators at once, on different instances: one registration
// succeeds, the other fails with credential-already-registered.
func (w *workload) duplicate(ctx context.Context, i int, auths [2]*passkeytest.Authenticator) {
	id := fmt.Appendf(nil, "duplicate credential %08d ......", i) // 32 bytes
	sids, bodies := make([]string, 2), make([][]byte, 2)
	users := []passkey.User{newTestUser(i), newTestUser(i + 1)}
	for k := range 2 {
		w.ceremonies.Add(1)
		var err error
		sids[k], bodies[k], err = beginRegistration(ctx, w.c.rp(i+k), auths[k], users[k],
			func(kn *passkeytest.Knobs) { kn.CredentialID = id })
		if err != nil {
			w.t.Errorf("duplicate %d: %v", i, err)
			return
		}
	}
	regs, errs := make([]*passkey.Registration, 2), make([]error, 2)
	race2(func(k int) { regs[k], errs[k] = w.c.rp(i+2+k).FinishRegistration(ctx, sids[k], bodies[k]) })
	winner := -1
	for k, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				w.t.Errorf("duplicate %d: both registrations of one credential ID succeeded", i)
			}
			winner = k
		case errors.Is(err, passkey.ErrCredentialAlreadyRegistered) &&
			passkey.Code(err) == string(passkey.ErrCredentialAlreadyRegistered):
			w.conflicts.Add(1)
		default:
			w.t.Errorf("duplicate %d: illegal outcome %v", i, err)
		}
	}
	if winner < 0 {
		w.t.Errorf("duplicate %d: neither registration succeeded (%v)", i, errs)
		return
	}
	w.registrationSucceeded()
	rec, err := w.c.creds.Get(ctx, id)
	if err != nil || !bytes.Equal(rec.UserHandle, users[winner].Handle) {
		w.t.Errorf("duplicate %d: the stored record is not the winner's (err %v)", i, err)
	}
}

// hot logs in with one credential from several instances at once.
func (w *workload) hot(ctx context.Context, i, n int, a *passkeytest.Authenticator, cred registered) {
	sids, bodies := make([]string, n), make([][]byte, n)
	for k := range n {
		w.ceremonies.Add(1)
		var err error
		if sids[k], bodies[k], err = beginLogin(ctx, w.c.rp(i+k), a, cred.handle); err != nil {
			w.t.Errorf("hot %d: %v", i, err)
			return
		}
	}
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			<-gate
			w.finishLogin(ctx, i+k+1, sids[k], bodies[k])
		})
	}
	close(gate)
	wg.Wait()
}

// watch reads the stored counters of ids until stop closes and reports
// the first that went back.
func watch(ctx context.Context, creds store.Credentials, ids [][]byte, stop <-chan struct{}) error {
	last := make([]uint32, len(ids))
	for {
		for k, id := range ids {
			select {
			case <-stop:
				return nil
			default:
			}
			rec, err := creds.Get(ctx, id)
			if err != nil {
				return err
			}
			if rec.SignCount < last[k] {
				return fmt.Errorf("the stored counter of credential %d went back from %d to %d", k, last[k], rec.SignCount)
			}
			last[k] = rec.SignCount
		}
		time.Sleep(time.Millisecond)
	}
}

// runMultiInstance runs about n ceremonies on c from several goroutines:
// registrations, logins, replayed finishes, duplicate registrations and
// bursts of logins with one credential, mixed, each begun on one instance
// and finished on another.
func runMultiInstance(t *testing.T, name string, c *cluster, n int) {
	ctx := context.Background()
	regAuths := make([]*passkeytest.Authenticator, rpInstances)
	for k := range regAuths {
		regAuths[k] = newTestAuthenticator(t, fmt.Sprintf("registrations %d", k))
	}
	loginAuth := newTestAuthenticator(t, "logins")
	dupAuths := [2]*passkeytest.Authenticator{newTestAuthenticator(t, "duplicate a"), newTestAuthenticator(t, "duplicate b")}

	const (
		poolSize = 16
		hotCreds = 4
		hotBurst = 8
	)
	hotGroups := max(n/10/hotBurst, hotCreds)
	dupPairs := max(n/10/2, 2)
	replays := max(n*15/100, 4)
	logins := n * 30 / 100
	registrations := max(n-hotGroups*hotBurst-dupPairs*2-replays-logins, 0)

	// Credentials registered before: a pool for plain logins, a few hot
	// ones, and one per replayed login (its only use, so the one finish
	// that takes the session must succeed).
	setup := 0
	regSetup := func() registered {
		setup++
		return registerOne(t, ctx, c, loginAuth, 1_000_000+setup)
	}
	pool := make([]registered, poolSize)
	for k := range pool {
		pool[k] = regSetup()
	}
	hot := make([]registered, hotCreds)
	for k := range hot {
		hot[k] = regSetup()
	}
	replayCreds := make([]registered, replays/2)
	for k := range replayCreds {
		replayCreds[k] = regSetup()
	}

	w := &workload{t: t, c: c, successes: map[string][]uint32{}}
	var jobs []func()
	for k := range registrations {
		jobs = append(jobs, func() { w.register(ctx, k, regAuths[k%rpInstances]) })
	}
	for k := range logins {
		jobs = append(jobs, func() { w.login(ctx, k, loginAuth, pool[k%poolSize]) })
	}
	for k := range replays {
		if k%2 == 0 {
			jobs = append(jobs, func() {
				w.replay(ctx, k, func(rp *passkey.RelyingParty) (string, []byte, error) {
					return beginRegistration(ctx, rp, regAuths[k%rpInstances], newTestUser(k))
				}, func(rp *passkey.RelyingParty, sid string, body []byte) error {
					_, err := rp.FinishRegistration(ctx, sid, body)
					if err == nil {
						w.registrationSucceeded()
					}
					return err
				})
			})
			continue
		}
		cred := replayCreds[k/2]
		jobs = append(jobs, func() {
			w.replay(ctx, k, func(rp *passkey.RelyingParty) (string, []byte, error) {
				return beginLogin(ctx, rp, loginAuth, cred.handle)
			}, func(rp *passkey.RelyingParty, sid string, body []byte) error {
				l, err := rp.FinishLogin(ctx, sid, body)
				if err == nil {
					w.loginSucceeded(l)
				}
				return err
			})
		})
	}
	for k := range dupPairs {
		jobs = append(jobs, func() { w.duplicate(ctx, 2*k, dupAuths) })
	}
	for k := range hotGroups {
		jobs = append(jobs, func() { w.hot(ctx, k, hotBurst, loginAuth, hot[k%hotCreds]) })
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(jobs), func(a, b int) { jobs[a], jobs[b] = jobs[b], jobs[a] })

	watched := make([][]byte, 0, poolSize+hotCreds)
	for _, r := range append(pool[:len(pool):len(pool)], hot...) {
		watched = append(watched, r.id)
	}
	stop := make(chan struct{})
	watchErr := make(chan error, 1)
	go func() { watchErr <- watch(ctx, c.creds, watched, stop) }()

	// A few workers at a time: the machine is small, and the races that
	// matter are made explicitly by the replay, duplicate and hot jobs.
	const workers = 8
	queue := make(chan func())
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for job := range queue {
				job()
			}
		})
	}
	for _, job := range jobs {
		queue <- job
	}
	close(queue)
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	if err := <-watchErr; err != nil {
		t.Error(err)
	}

	line := fmt.Sprintf("multi-instance %s: %d ceremonies in %.1fs, conflicts seen %d, replays refused %d",
		name, w.ceremonies.Load(), elapsed.Seconds(), w.conflicts.Load(), w.replays.Load())
	t.Log(line)
	fmt.Println(line)

	if got := w.replays.Load(); got != int64(replays) {
		t.Errorf("%d replays refused, want %d", got, replays)
	}
	if got := w.conflicts.Load(); got < int64(dupPairs) {
		t.Errorf("%d conflicts seen, fewer than the %d duplicate registrations", got, dupPairs)
	}

	// Every session was taken once: none is left.
	var left int
	if err := c.db.QueryRow("SELECT count(*) FROM passkey_sessions").Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d sessions left after every ceremony finished", left)
	}
	// No credential ID twice, and every success stored.
	var rows, distinct int
	if err := c.db.QueryRow("SELECT count(*), count(DISTINCT id) FROM passkey_credentials").Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if want := setup + w.registered; rows != want || distinct != want {
		t.Errorf("%d credential rows with %d distinct IDs, want %d (%d before, %d registered)", rows, distinct, want, setup, w.registered)
	}
	// No lost update: successful logins stored distinct counters, and the
	// stored counter is the highest of them.
	for id, counters := range w.successes {
		seen := map[uint32]bool{}
		var highest uint32
		for _, v := range counters {
			if seen[v] {
				t.Errorf("two logins with one credential succeeded with counter %d", v)
			}
			seen[v] = true
			highest = max(highest, v)
		}
		rec, err := c.creds.Get(ctx, []byte(id))
		if err != nil {
			t.Fatal(err)
		}
		if rec.SignCount != highest {
			t.Errorf("stored counter %d, highest successful login %d", rec.SignCount, highest)
		}
	}
}

// multiInstanceCeremonies bounds the work: the machine running the tests
// is small and shared.
func multiInstanceCeremonies() int {
	if testing.Short() {
		return 200
	}
	return 2000
}

func TestMultiInstanceRelyingPartyPostgres(t *testing.T) {
	runMultiInstance(t, "postgres", postgresCluster(t), multiInstanceCeremonies())
}

// On SQLite half as many: every write waits for its fsync (synchronous
// FULL), one at a time, so the run is bound by the disk, not the races.
func TestMultiInstanceRelyingPartySQLite(t *testing.T) {
	runMultiInstance(t, "sqlite", sqliteCluster(t), multiInstanceCeremonies()/2)
}
