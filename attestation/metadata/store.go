package metadata

import (
	"crypto/x509"
	"fmt"
	"sync/atomic"
	"time"
)

// Store holds the BLOB in use and answers look-ups from it. Replacing the
// BLOB is one atomic pointer swap, so look-ups never block and always see
// one whole BLOB. The zero value is an empty store ready for use; a Store
// must not be copied after first use.
//
// A Store satisfies attestation.TrustSource (TrustAnchors) and an
// "authenticator names" source (Name) structurally, without either package
// importing the other.
type Store struct {
	// Now is the clock for look-ups that take no time argument
	// (TrustAnchors); nil means time.Now.
	Now func() time.Time

	cur atomic.Pointer[BLOB]
}

// Update makes b the BLOB in use, unless its serial number no is not
// greater than the current one's: such a BLOB is ignored and Update
// returns an error wrapping ErrRollback (MDS3 §3.1.8 step 5).
func (s *Store) Update(b *BLOB) error {
	if b == nil {
		return fmt.Errorf("metadata: Store.Update: nil BLOB")
	}
	for {
		cur := s.cur.Load()
		if cur != nil && b.No() <= cur.No() {
			return fmt.Errorf("%w: offered no %d, current no %d", ErrRollback, b.No(), cur.No())
		}
		if s.cur.CompareAndSwap(cur, b) {
			return nil
		}
	}
}

// Current returns the BLOB in use, nil before the first Update.
func (s *Store) Current() *BLOB { return s.cur.Load() }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Stale reports whether the BLOB in use is past its nextUpdate day now
// (true when there is none).
func (s *Store) Stale() bool {
	b := s.cur.Load()
	return b == nil || b.StaleAt(s.now())
}

// TrustAnchors is [BLOB.TrustAnchorsAt] on the BLOB in use at the Store's
// clock; it fails with ErrNoBLOB before the first Update. It satisfies
// attestation.TrustSource.
func (s *Store) TrustAnchors(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
	return s.TrustAnchorsAt(format, aaguid, path, s.now())
}

// TrustAnchorsAt is [BLOB.TrustAnchorsAt] on the BLOB in use; it fails with
// ErrNoBLOB before the first Update. To decide at the registration's own
// verification time (attestation.Expect.Now), bind it:
//
//	expect.TrustSource = attestation.TrustSourceFunc(
//		func(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
//			return store.TrustAnchorsAt(format, aaguid, path, expect.Now)
//		})
func (s *Store) TrustAnchorsAt(format string, aaguid [16]byte, path []*x509.Certificate, t time.Time) (*x509.CertPool, error) {
	b := s.cur.Load()
	if b == nil {
		return nil, ErrNoBLOB
	}
	return b.TrustAnchorsAt(format, aaguid, path, t)
}

// Status is [BLOB.Status] on the BLOB in use; it fails with ErrNoBLOB
// before the first Update.
func (s *Store) Status(aaguid [16]byte, t time.Time) (Standing, error) {
	b := s.cur.Load()
	if b == nil {
		return Standing{UVTrusted: true}, ErrNoBLOB
	}
	return b.Status(aaguid, t)
}

// UVTrusted is [BLOB.UVTrusted] on the BLOB in use (true when there is
// none).
func (s *Store) UVTrusted(aaguid [16]byte, t time.Time) bool {
	b := s.cur.Load()
	return b == nil || b.UVTrusted(aaguid, t)
}

// Name is [BLOB.Name] on the BLOB in use ("" when there is none).
func (s *Store) Name(aaguid [16]byte) string {
	if b := s.cur.Load(); b != nil {
		return b.Name(aaguid)
	}
	return ""
}

// Icon is [BLOB.Icon] on the BLOB in use ("" when there is none).
func (s *Store) Icon(aaguid [16]byte) string {
	if b := s.cur.Load(); b != nil {
		return b.Icon(aaguid)
	}
	return ""
}
