package passkey_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopasskey/passkey"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/passkeytest"
	"github.com/gopasskey/passkey/store/memory"
)

// BenchmarkFinishLogin measures the whole login path users run: take the
// session, parse the body, look the record up, verify (clientDataJSON, authenticator
// data, the ES256 signature, the counter) and compare-and-swap the record,
// with memory stores, from all processors at once.
//
// Before the timer: b.N sessions and bodies, and one credential per
// goroutine, so that the logins never contend for one record (contention is
// TestConcurrentFinishLogin's subject). The credentials share one key pair,
// which lets one signed body serve any of them: the signature does not
// cover the credential ID. Body i carries counter i+1, and each goroutine
// takes bodies in increasing i, so every credential sees its counter rise
// and every call must succeed.
//
// Compare with BenchmarkVerifyES256Bare, the signature verification alone:
// the ratio of their ns/op (or, on a busy machine, of their cpu-ns/op) is
// the share of a login's cost that is the signature check.
func BenchmarkFinishLogin(b *testing.B) {
	ctx := context.Background()
	procs := runtime.GOMAXPROCS(0)
	creds := memory.NewCredentials()
	rp, err := passkey.New(passkey.Config{
		RPID: testRPID, RPName: "Example", Origins: []string{testOrigin},
		Algorithms:  []cose.Algorithm{cose.ES256},
		Credentials: creds,
		Sessions:    memory.NewSessions(memory.WithMaxSessions(b.N + 16)),
	})
	if err != nil {
		b.Fatal(err)
	}
	a, err := passkeytest.New(passkeytest.Config{Seed: []byte("bench"), Algorithms: []int64{passkeytest.AlgES256}})
	if err != nil {
		b.Fatal(err)
	}
	user := passkey.User{Handle: []byte("bench-user"), Name: "bench"}
	reg := register(b, &env{rp: rp, creds: creds}, a, user)

	// One record per goroutine: the registered key under other IDs.
	ids := make([][]byte, procs)
	for g := range ids {
		ids[g] = bytes.Clone(reg.Record.ID)
		ids[g][0] ^= byte(g + 1)
		rec := reg.Record.Clone()
		rec.ID = ids[g]
		if err := creds.Create(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
	own := []byte(base64.RawURLEncoding.EncodeToString(reg.Record.ID))
	sids := make([]string, b.N)
	bodies := make([][][]byte, b.N) // bodies[i][g]: body i for goroutine g's credential
	for i := range sids {
		o, sid, err := rp.BeginLogin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		body, err := a.Get(mustJSON(b, o), testOrigin)
		if err != nil {
			b.Fatal(err)
		}
		sids[i] = sid
		bodies[i] = make([][]byte, procs)
		for g := range procs {
			bodies[i][g] = bytes.ReplaceAll(body, own, []byte(base64.RawURLEncoding.EncodeToString(ids[g])))
		}
	}

	var next, goroutines atomic.Int64
	var failures atomic.Int64
	b.ReportAllocs()
	cpu := startCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		g := int(goroutines.Add(1)-1) % procs
		for pb.Next() {
			i := next.Add(1) - 1
			if _, err := rp.FinishLogin(ctx, sids[i], bodies[i][g]); err != nil {
				if failures.Add(1) == 1 {
					b.Errorf("login %d on credential %d: %v", i, g, err)
				}
			}
		}
	})
	cpu.stop()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d of %d logins failed", n, b.N)
	}
	for g, id := range ids {
		if _, err := creds.Get(ctx, id); err != nil {
			b.Fatalf("credential %d: %v", g, err)
		}
	}
}

// BenchmarkVerifyES256Bare is the floor FinishLogin stands on: ECDSA P-256
// verification of a precomputed digest, from all processors at once.
func BenchmarkVerifyES256Bare(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("authenticator data and the client data hash"))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	pub := &key.PublicKey
	b.ReportAllocs()
	cpu := startCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !ecdsa.VerifyASN1(pub, digest[:], sig) {
				b.Error("the signature does not verify")
				return
			}
		}
	})
	cpu.stop()
}

// cpuMeter reports the process CPU time per operation as cpu-ns/op, next
// to the wall-clock ns/op: on a shared machine the ratio of two benchmarks'
// cpu-ns/op is the steadier figure.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
	ok    bool
}

// startCPU resets the benchmark timer and starts the CPU meter.
func startCPU(b *testing.B) *cpuMeter {
	b.ResetTimer()
	start, ok := processCPU()
	return &cpuMeter{b: b, start: start, ok: ok}
}

func (m *cpuMeter) stop() {
	m.b.StopTimer()
	end, ok := processCPU()
	if m.ok && ok && m.b.N > 0 {
		m.b.ReportMetric(float64(end-m.start)/float64(m.b.N), "cpu-ns/op")
	}
}

// TestFinishLoginAllocations holds the login path BenchmarkFinishLogin
// measures to its allocation count, so that a new allocation on it is a
// decision rather than an accident.
func TestFinishLoginAllocations(t *testing.T) {
	const runs = 50
	// Session state, the body and its decoded members, the client data,
	// the COSE key, two record clones in the memory store, the updated
	// record and the Login, and ECDSA's own ten (BenchmarkVerifyES256Bare).
	const ceiling = 40
	ctx := context.Background()
	e := newEnv(t)
	a := newAuthenticator(t, passkeytest.Config{Algorithms: []int64{passkeytest.AlgES256}})
	register(t, e, a, newUser("allocs"))
	// AllocsPerRun calls the function once more than runs, to warm up.
	sids := make([]string, runs+1)
	bodies := make([][]byte, runs+1)
	for i := range sids {
		sids[i], bodies[i] = getBody(t, e, a, nil)
	}
	i := 0
	got := testing.AllocsPerRun(runs, func() {
		if _, err := e.rp.FinishLogin(ctx, sids[i], bodies[i]); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
		i++
	})
	if got > ceiling {
		t.Errorf("FinishLogin allocates %v times per login, want at most %d", got, ceiling)
	}
}
