package sqlstore

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
)

// The benchmarks measure what a relying party does per ceremony: a Get at
// each login, a CompareAndSwap after it, a session Put at Begin and Take at
// Finish. They run against SQLite (a file, WAL, synchronous FULL: every
// write waits for fsync) and PostgreSQL when PASSKEY_POSTGRES_DSN is set.

const benchRecords = 10_000

// benchRecord is a record of realistic size: a P-256 COSE key, a two
// certificate trust path, a few transports. Four credentials per user.
func benchRecord(i uint64) *credential.Record {
	id := make([]byte, 32)
	binary.BigEndian.PutUint64(id, i)
	user := make([]byte, 16)
	binary.BigEndian.PutUint64(user, i/4)
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

// benchBackends are the backends benchmarked: SQLite, and PostgreSQL at
// its default isolation.
func benchBackends() []backend { return backends[:2] }

// filledStore returns a store holding benchRecords records, written in one
// transaction.
func filledStore(b *testing.B, be backend) *Store {
	b.Helper()
	ctx := context.Background()
	db := be.fresh(b)()
	s := newStore(b, db, be.dialect)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	c := s.Credentials().WithTx(tx)
	for i := range uint64(benchRecords) {
		if err := c.Create(ctx, benchRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkGet(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			c := filledStore(b, be).Credentials()
			b.Run("serial", func(b *testing.B) {
				b.ReportAllocs()
				i := uint64(0)
				for b.Loop() {
					if _, err := c.Get(ctx, benchRecord(i%benchRecords).ID); err != nil {
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
						if _, err := c.Get(ctx, benchRecord(i%benchRecords).ID); err != nil {
							b.Error(err)
							return
						}
						i++
					}
				})
			})
		})
	}
}

// BenchmarkCompareAndSwap measures the login update: each iteration swaps
// from the record it swapped in last. In parallel, each goroutine logs in
// with its own credential, so what is measured is the database's write
// path, not conflicts.
func BenchmarkCompareAndSwap(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			c := filledStore(b, be).Credentials()
			var worker atomic.Uint64
			swaps := func(b *testing.B, next func() bool) {
				w := worker.Add(1) - 1
				old := benchRecord(w % benchRecords)
				cur, err := c.Get(ctx, old.ID)
				if err != nil {
					b.Error(err)
					return
				}
				upd := cur.Clone()
				for next() {
					upd.SignCount = cur.SignCount + 1
					upd.LastUsedAt = cur.LastUsedAt.Add(time.Second)
					if err := c.CompareAndSwap(ctx, cur, upd); err != nil {
						b.Error(err)
						return
					}
					cur, upd = upd, cur
				}
			}
			b.Run("serial", func(b *testing.B) {
				b.ReportAllocs()
				swaps(b, b.Loop)
			})
			b.Run("parallel", func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) { swaps(b, pb.Next) })
			})
		})
	}
}

// BenchmarkSessionsPutTake measures one ceremony's session: Put at Begin,
// Take at Finish.
func BenchmarkSessionsPutTake(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s := newStore(b, be.fresh(b)(), be.dialect).Sessions()
			expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			state := make([]byte, 200)
			var worker atomic.Uint64
			putTake := func(b *testing.B, next func() bool) {
				var k [32]byte
				binary.BigEndian.PutUint64(k[8:], worker.Add(1))
				var i uint64
				for next() {
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
			}
			b.Run("serial", func(b *testing.B) {
				b.ReportAllocs()
				putTake(b, b.Loop)
			})
			b.Run("parallel", func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) { putTake(b, pb.Next) })
			})
		})
	}
}
