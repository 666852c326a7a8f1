package metadata_test

import (
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/gopasskey/passkey/attestation/metadata"
)

// bigBLOB signs a BLOB of n FIDO2 entries with distinct AAGUIDs, every
// tenth one revoked.
func bigBLOB(tb testing.TB, p *testPKI, ca *attestationCA, n int) ([]byte, [][16]byte) {
	tb.Helper()
	entries := make([]any, n)
	aaguids := make([][16]byte, n)
	for i := range n {
		var a [16]byte
		binary.BigEndian.PutUint64(a[8:], uint64(i)+1)
		a[0] = 0x42
		aaguids[i] = a
		reports := []obj{report("FIDO_CERTIFIED_L1", "2024-01-01")}
		if i%10 == 0 {
			reports = append(reports, report("REVOKED", "2025-01-01"))
		}
		entries[i] = fido2Entry(metadata.FormatAAGUID(a), fmt.Sprintf("Model %d", i), []*x509.Certificate{ca.root}, reports...)
	}
	return p.blob(tb, payloadJSON(tb, 1, "2025-07-01", entries...)), aaguids
}

// BenchmarkLookup compares look-up cost in BLOBs of 1,000 and 10,000
// entries: maps, so the cost must not grow with the size.
func BenchmarkLookup(b *testing.B) {
	p := newPKI(b, pkiOptions{})
	ca := newAttestationCA(b, "Bench")
	for _, n := range []int{1000, 10000} {
		data, aaguids := bigBLOB(b, p, ca, n)
		blob, err := metadata.Verify(data, p.opts(b))
		if err != nil {
			b.Fatal(err)
		}
		var s metadata.Store
		if err := s.Update(blob); err != nil {
			b.Fatal(err)
		}
		// A fixed, spread-out sample of AAGUIDs, the same count for both
		// sizes; none revoked.
		sample := make([][16]byte, 0, 64)
		for i := 1; len(sample) < cap(sample); i += n / 97 {
			if i%10 != 0 {
				sample = append(sample, aaguids[i%n])
			}
		}
		b.Run(fmt.Sprintf("entries=%d/Entry", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, ok := blob.Entry(sample[i%len(sample)]); !ok {
					b.Fatal("not found")
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("entries=%d/Name", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if s.Name(sample[i%len(sample)]) == "" {
					b.Fatal("no name")
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("entries=%d/Status", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := s.Status(sample[i%len(sample)], testNow); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("entries=%d/TrustAnchors", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := s.TrustAnchorsAt("packed", sample[i%len(sample)], nil, testNow); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkVerify10k is the one-time cost of verifying and indexing a
// 10,000-entry BLOB.
func BenchmarkVerify10k(b *testing.B) {
	p := newPKI(b, pkiOptions{})
	ca := newAttestationCA(b, "Bench")
	data, _ := bigBLOB(b, p, ca, 10000)
	opts := p.opts(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := metadata.Verify(data, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigBLOB: a 10,000-entry BLOB loads and answers for every entry,
// revoked ones included.
func TestBigBLOB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000-entry BLOB")
	}
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Big")
	data, aaguids := bigBLOB(t, p, ca, 10000)
	blob, err := metadata.Verify(data, p.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	if blob.Len() != 10000 {
		t.Fatalf("Len = %d", blob.Len())
	}
	for i, a := range aaguids {
		_, err := blob.TrustAnchorsAt("packed", a, nil, testNow)
		if (i%10 == 0) != (err != nil) {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}
