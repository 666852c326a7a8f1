package metadata

import (
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"time"
)

// Entry returns the entry for an AAGUID (shared; do not modify it).
func (b *BLOB) Entry(aaguid [16]byte) (*Entry, bool) {
	e, ok := b.c.byAAGUID[aaguid]
	return e, ok
}

// EntryByKeyIdentifier returns the entry listing an attestation
// certificate key identifier (40 hex digits, either case; see
// [KeyIdentifier]).
func (b *BLOB) EntryByKeyIdentifier(keyID string) (*Entry, bool) {
	id, err := parseKeyIdentifier(keyID)
	if err != nil {
		return nil, false
	}
	e, ok := b.c.byKeyID[id]
	return e, ok
}

// Name returns the model's description for an AAGUID, "" when the BLOB has
// no entry for it. It satisfies an "authenticator names" source.
func (b *BLOB) Name(aaguid [16]byte) string {
	if e, ok := b.c.byAAGUID[aaguid]; ok {
		return e.Statement.Description
	}
	return ""
}

// Icon returns the model's icon (a data: URL) for an AAGUID, "" when absent.
func (b *BLOB) Icon(aaguid [16]byte) string {
	if e, ok := b.c.byAAGUID[aaguid]; ok {
		return e.Statement.Icon
	}
	return ""
}

// Status returns the model's standing at t: the current report, whether UV
// can be trusted, and certificate-scoped compromises. The error is a
// *StatusError when a model-wide distrust report is in effect (REVOKED,
// RETIRED, USER_KEY_REMOTE_COMPROMISE, USER_KEY_PHYSICAL_COMPROMISE, or
// ATTESTATION_KEY_COMPROMISE naming no certificate), and wraps
// ErrUnknownAuthenticator when the BLOB has no entry for the AAGUID.
//
// Use it to re-check credentials already registered, e.g. after each
// refresh; for a credential's stored attestation path also call
// [Standing.CheckPath].
func (b *BLOB) Status(aaguid [16]byte, t time.Time) (Standing, error) {
	e, ok := b.c.byAAGUID[aaguid]
	if !ok {
		return Standing{UVTrusted: true}, fmt.Errorf("%w: AAGUID %s", ErrUnknownAuthenticator, FormatAAGUID(aaguid))
	}
	st, distrust := e.assess(t)
	if distrust != nil {
		return st, e.statusError(distrust)
	}
	return st, nil
}

// UVTrusted reports whether the model's user verification can be relied on
// at t: false while a USER_VERIFICATION_BYPASS report is in effect. An
// AAGUID the BLOB does not list gives true: the metadata says nothing
// against it.
func (b *BLOB) UVTrusted(aaguid [16]byte, t time.Time) bool {
	e, ok := b.c.byAAGUID[aaguid]
	if !ok {
		return true
	}
	st, _ := e.assess(t)
	return st.UVTrusted
}

// TrustAnchors is [BLOB.TrustAnchorsAt] at the current time. It satisfies
// attestation.TrustSource.
func (b *BLOB) TrustAnchors(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
	return b.TrustAnchorsAt(format, aaguid, path, time.Now())
}

// TrustAnchorsAt returns the attestation roots the BLOB lists for the
// authenticator, for verifying the statement's certificate path (leaf
// first, as x5c carries it) at t. The entry is found by AAGUID, or — for
// fido-u2f, and whenever the AAGUID is zero — by the key identifier of the
// path's leaf.
//
// It fails with a *StatusError when a distrust report is in effect at t:
// a model-wide one, or an ATTESTATION_KEY_COMPROMISE naming a certificate
// of the path or the root it chains to. It fails wrapping
// ErrUnknownAuthenticator when no entry matches, and with ErrStale when
// the BLOB was verified with FailStale and is stale at t.
// USER_VERIFICATION_BYPASS does not fail here; ask [BLOB.UVTrusted].
func (b *BLOB) TrustAnchorsAt(format string, aaguid [16]byte, path []*x509.Certificate, t time.Time) (*x509.CertPool, error) {
	if b.failStale && b.StaleAt(t) {
		return nil, fmt.Errorf("%w: nextUpdate %s", ErrStale, b.c.nextUpdate.Format(dayFormat))
	}
	var (
		e     *Entry
		ok    bool
		keyID string
	)
	if format == "fido-u2f" || aaguid == ([16]byte{}) {
		if len(path) == 0 || path[0] == nil {
			return nil, fmt.Errorf("%w: no AAGUID and no attestation certificate to look up", ErrUnknownAuthenticator)
		}
		id, err := keyIdentifier(path[0])
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnknownAuthenticator, err)
		}
		keyID = hex.EncodeToString(id[:])
		if e, ok = b.c.byKeyID[id]; !ok {
			return nil, fmt.Errorf("%w: attestation key %s", ErrUnknownAuthenticator, keyID)
		}
	} else if e, ok = b.c.byAAGUID[aaguid]; !ok {
		return nil, fmt.Errorf("%w: AAGUID %s", ErrUnknownAuthenticator, FormatAAGUID(aaguid))
	}

	st, distrust := e.assess(t)
	if distrust == nil {
		for i := range st.Scoped {
			if st.Scoped[i].covers(path) {
				distrust = &st.Scoped[i]
				break
			}
		}
	}
	if distrust != nil {
		se := e.statusError(distrust)
		if keyID != "" {
			se.KeyIdentifier = keyID
		}
		return nil, se
	}

	pool := x509.NewCertPool()
	for _, c := range e.Statement.AttestationRootCertificates {
		pool.AddCert(c)
	}
	return pool, nil
}
