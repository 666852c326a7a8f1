package metadata_test

import (
	"crypto/x509"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation/metadata"
)

func TestStoreEmpty(t *testing.T) {
	var s metadata.Store
	aaguid := mustAAGUID(t, aaguidA)
	if s.Current() != nil || !s.Stale() {
		t.Error("an empty Store has a BLOB or is not stale")
	}
	if _, err := s.TrustAnchors("packed", aaguid, nil); !errors.Is(err, metadata.ErrNoBLOB) {
		t.Errorf("TrustAnchors = %v, want ErrNoBLOB", err)
	}
	if _, err := s.Status(aaguid, testNow); !errors.Is(err, metadata.ErrNoBLOB) {
		t.Errorf("Status = %v, want ErrNoBLOB", err)
	}
	if s.Name(aaguid) != "" || s.Icon(aaguid) != "" || !s.UVTrusted(aaguid, testNow) {
		t.Error("an empty Store answered look-ups")
	}
	if err := s.Update(nil); err == nil {
		t.Error("Update(nil) succeeded")
	}
}

// TestStoreRollback: only a BLOB with a greater serial number replaces the
// one in use.
func TestStoreRollback(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	v10 := p.verify(t, payloadJSON(t, 10, "2025-07-01", fido2Entry(aaguidA, "Model v10", []*x509.Certificate{ca.root})))
	v9 := p.verify(t, payloadJSON(t, 9, "2025-07-01", fido2Entry(aaguidA, "Model v9", []*x509.Certificate{ca.root})))
	v10b := p.verify(t, payloadJSON(t, 10, "2025-07-01", fido2Entry(aaguidA, "Model v10 again", []*x509.Certificate{ca.root})))
	v11 := p.verify(t, payloadJSON(t, 11, "2025-07-01", fido2Entry(aaguidA, "Model v11", []*x509.Certificate{ca.root})))
	aaguid := mustAAGUID(t, aaguidA)

	var s metadata.Store
	steps := []struct {
		offer *metadata.BLOB
		err   error
		name  string
	}{
		{v10, nil, "Model v10"},
		{v9, metadata.ErrRollback, "Model v10"},
		{v10b, metadata.ErrRollback, "Model v10"},
		{v11, nil, "Model v11"},
		{v10, metadata.ErrRollback, "Model v11"},
	}
	for i, st := range steps {
		if err := s.Update(st.offer); !errors.Is(err, st.err) {
			t.Errorf("step %d: Update(no %d) = %v, want %v", i, st.offer.No(), err, st.err)
		}
		if got := s.Name(aaguid); got != st.name {
			t.Errorf("step %d: Name = %q, want %q", i, got, st.name)
		}
	}
}

func TestStoreClock(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	b := p.verify(t, payloadJSON(t, 1, "2025-07-01", fido2Entry(aaguidA, "Model", []*x509.Certificate{ca.root},
		report("FIDO_CERTIFIED", "2024-01-01"), report("REVOKED", "2025-06-15"))))
	now := testNow
	s := &metadata.Store{Now: func() time.Time { return now }}
	if err := s.Update(b); err != nil {
		t.Fatal(err)
	}
	aaguid := mustAAGUID(t, aaguidA)
	if _, err := s.TrustAnchors("packed", aaguid, []*x509.Certificate{ca.leaf}); err != nil {
		t.Errorf("before the revocation: %v", err)
	}
	now = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)
	var se *metadata.StatusError
	if _, err := s.TrustAnchors("packed", aaguid, []*x509.Certificate{ca.leaf}); !errors.As(err, &se) {
		t.Errorf("after the revocation (Store.Now): %v", err)
	}
	if _, err := s.Status(aaguid, now); !errors.As(err, &se) {
		t.Errorf("Status after the revocation: %v", err)
	}
	if s.Stale() {
		t.Error("Stale before nextUpdate")
	}
	now = time.Date(2025, 7, 2, 0, 0, 0, 0, time.UTC)
	if !s.Stale() {
		t.Error("not Stale after nextUpdate")
	}
}

// TestStoreConcurrent swaps BLOBs while readers look up; run with -race.
// Every look-up must see one whole BLOB: the name and the status always
// come from the same serial number.
func TestStoreConcurrent(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	const n = 20
	blobs := make([]*metadata.BLOB, n)
	for i := range blobs {
		blobs[i] = p.verify(t, payloadJSON(t, int64(i+1), "2025-07-01", fido2Entry(aaguidA, "Model", []*x509.Certificate{ca.root})))
	}
	var s metadata.Store
	if err := s.Update(blobs[0]); err != nil {
		t.Fatal(err)
	}
	aaguid := mustAAGUID(t, aaguidA)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			last := int64(0)
			for {
				select {
				case <-stop:
					return
				default:
				}
				b := s.Current()
				if b.No() < last {
					t.Errorf("serial went back from %d to %d", last, b.No())
					return
				}
				last = b.No()
				if _, err := s.TrustAnchorsAt("packed", aaguid, []*x509.Certificate{ca.leaf}, testNow); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	// Updates race each other too: only increasing serials may win.
	var uw sync.WaitGroup
	for i := 1; i < n; i++ {
		uw.Go(func() { _ = s.Update(blobs[i]) })
	}
	uw.Wait()
	close(stop)
	wg.Wait()
	if s.Current().No() != n {
		t.Errorf("after concurrent updates no = %d, want %d", s.Current().No(), n)
	}
}
