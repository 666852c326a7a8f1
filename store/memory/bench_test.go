package memory_test

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/store/memory"
)

// benchRecord is a record of realistic size: a P-256 COSE key, a two
// certificate trust path, a few transports.
func benchRecord(i uint64) *credential.Record {
	id := make([]byte, 32)
	binary.BigEndian.PutUint64(id, i)
	user := make([]byte, 16)
	binary.BigEndian.PutUint64(user, i/4) // four credentials per user
	return &credential.Record{
		ID:                id,
		PublicKey:         make([]byte, 77),
		Alg:               cose.ES256,
		SignCount:         1,
		Transports:        []string{"usb", "nfc"},
		RPID:              "example.com",
		AttestationFormat: "packed",
		AttestationType:   "basic",
		TrustPath:         [][]byte{make([]byte, 700), make([]byte, 900)},
		UserHandle:        user,
		Name:              "Security key",
		CreatedAt:         time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)),
		LastUsedAt:        time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	}
}

const benchRecords = 10_000

func filledCredentials(b *testing.B) *memory.Credentials {
	b.Helper()
	c := memory.NewCredentials()
	for i := range uint64(benchRecords) {
		if err := c.Create(context.Background(), benchRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	c := filledCredentials(b)
	ids := make([][]byte, benchRecords)
	for i := range ids {
		ids[i] = benchRecord(uint64(i)).ID
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := c.Get(ctx, ids[i%benchRecords]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			i := next.Add(1) * 7919
			for pb.Next() {
				if _, err := c.Get(ctx, ids[i%benchRecords]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkCompareAndSwap measures the login update: each iteration swaps
// from the record it swapped in last.
func BenchmarkCompareAndSwap(b *testing.B) {
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		c := filledCredentials(b)
		old := benchRecord(0)
		next := old.Clone()
		for b.Loop() {
			next.SignCount = old.SignCount + 1
			next.LastUsedAt = old.LastUsedAt.Add(time.Second)
			if err := c.CompareAndSwap(ctx, old, next); err != nil {
				b.Fatal(err)
			}
			old, next = next, old
		}
	})
	b.Run("parallel", func(b *testing.B) {
		// Each goroutine logs in with its own credential: the contention
		// measured is the store's lock, not conflicts.
		b.ReportAllocs()
		c := filledCredentials(b)
		var worker atomic.Uint64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			w := worker.Add(1) - 1
			if w >= benchRecords {
				b.Error("more goroutines than records")
				return
			}
			old := benchRecord(w)
			next := old.Clone()
			for pb.Next() {
				next.SignCount = old.SignCount + 1
				next.LastUsedAt = old.LastUsedAt.Add(time.Second)
				if err := c.CompareAndSwap(ctx, old, next); err != nil {
					b.Error(err)
					return
				}
				old, next = next, old
			}
		})
	})
}

// BenchmarkSessionsPutTake measures one ceremony's session: Put at Begin,
// Take at Finish, in a store holding benchSessions others.
func BenchmarkSessionsPutTake(b *testing.B) {
	const benchSessions = 10_000
	ctx := context.Background()
	expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	state := make([]byte, 200)
	filled := func(b *testing.B) *memory.Sessions {
		s := memory.NewSessions()
		var k [32]byte
		k[31] = 0xff // apart from the keys the loops use
		for i := range uint64(benchSessions) {
			binary.BigEndian.PutUint64(k[:], i)
			if err := s.Put(ctx, k, state, expires.Add(time.Duration(i))); err != nil {
				b.Fatal(err)
			}
		}
		return s
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		s := filled(b)
		var k [32]byte
		var i uint64
		for b.Loop() {
			binary.BigEndian.PutUint64(k[:], i)
			i++
			if err := s.Put(ctx, k, state, expires); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Take(ctx, k); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		s := filled(b)
		var worker atomic.Uint64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var k [32]byte
			binary.BigEndian.PutUint64(k[8:], worker.Add(1))
			var i uint64
			for pb.Next() {
				binary.BigEndian.PutUint64(k[:], i)
				i++
				if err := s.Put(ctx, k, state, expires); err != nil {
					b.Error(err)
					return
				}
				if _, err := s.Take(ctx, k); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
