package attestation

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"slices"
	"time"

	"github.com/gopasskey/passkey/errcode"
)

// checkAssessTrust is the anchor of the trust decision.
const checkAssessTrust = "reg-ceremony-assess-trust"

// TrustSource supplies the trust anchors of an attestation statement
// (#reg-ceremony-attestation-trust-anchors): for example the FIDO Metadata
// Service (package attestation/metadata) or the roots the library ships
// (package attestation/roots). It is asked once per statement, and once per
// contained statement of a compound one. It uses standard library types
// only, so that those packages satisfy it without importing this one.
type TrustSource interface {
	// TrustAnchors returns the roots that may anchor a statement of format
	// (its fmt, "packed", "tpm"…) made by the authenticator model aaguid
	// (all zeros for fido-u2f, where the model is found from the
	// certificate path). path is the statement's certificate path, leaf
	// first, never empty; the source must not modify it.
	//
	// A nil pool and a nil error mean the source has no roots for this
	// statement: attestation-untrusted. An error means it refuses the
	// statement: if the error (or one it wraps) has a method
	// AuthenticatorStatus() string, as a metadata.StatusError does, the
	// registration fails with authenticator-status-untrusted; any other
	// error with attestation-untrusted.
	TrustAnchors(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error)
}

// TrustSourceFunc adapts a function to [TrustSource], for instance to
// bind a request's context to a source that needs one.
type TrustSourceFunc func(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error)

// TrustAnchors calls f.
func (f TrustSourceFunc) TrustAnchors(format string, aaguid [16]byte, path []*x509.Certificate) (*x509.CertPool, error) {
	return f(format, aaguid, path)
}

// TrustPolicy decides what the registration requires of the trust
// assessment (#reg-ceremony-assess-trust).
type TrustPolicy uint8

const (
	// TrustDefault, the zero value, requires a trusted attestation exactly
	// when [Expect.TrustAnchors] or [Expect.TrustSource] is set (as
	// TrustRequired); without either it accepts every attestation type,
	// none included, and checks a certificate path only for internal
	// consistency: each certificate valid at the verification time and
	// signed by the next.
	TrustDefault TrustPolicy = iota
	// TrustRequired requires a certificate path that verifies to a trust
	// anchor: none and self attestation fail with
	// attestation-type-not-allowed, a path that does not verify with
	// attestation-untrusted. It needs TrustAnchors or TrustSource.
	TrustRequired
	// TrustOrDowngrade verifies certificate paths as TrustRequired does,
	// but keeps a credential whose statement verified and whose path did
	// not as one with self attestation, as #reg-ceremony-assess-trust lets
	// a relying party's policy do: [Result.Type] is then self and
	// [Result.Downgraded] says from what and why. None and self
	// attestation are accepted as they are. A trust source's status
	// refusal (authenticator-status-untrusted) is never downgraded. It
	// needs TrustAnchors or TrustSource.
	TrustOrDowngrade
)

// Downgrade records a statement kept as self attestation under
// [TrustOrDowngrade].
type Downgrade struct {
	// From is the type the statement itself yielded.
	From Type
	// TrustPath is the statement's certificate path, leaf first, which did
	// not verify; it is not the credential's trust path.
	TrustPath []*x509.Certificate
	// Err is why: an *errcode.Error with code attestation-untrusted.
	Err error
}

// Statement is the outcome of one attestation statement: one of a
// compound statement's, in [Result.Compound].
type Statement struct {
	// Format is the statement's format identifier.
	Format string
	// Type is its attestation type after the trust decision: self when it
	// was downgraded.
	Type Type
	// TrustPath is its certificate path, leaf first; empty for none and
	// self (downgraded ones included).
	TrustPath []*x509.Certificate
	// Trusted reports that TrustPath verified to a trust anchor from
	// Expect.TrustAnchors or Expect.TrustSource.
	Trusted bool
	// Downgraded is set when the statement was kept as self attestation
	// under TrustOrDowngrade.
	Downgraded *Downgrade
}

// strength orders attestation types for a compound statement, where the
// weakest statement decides: none < self < the three types whose
// certificate path an anchor can vouch for. basic, attca and anonca rank
// alike, since which one a statement yields is a property of its format
// and tells nothing about how far it can be trusted.
func strength(t Type) int {
	switch t {
	case TypeNone:
		return 0
	case TypeSelf:
		return 1
	}
	return 2
}

// weakest returns the index of the weakest statement; of equally weak
// ones, the first.
func weakest(stmts []Statement) int {
	w := 0
	for i := 1; i < len(stmts); i++ {
		if strength(stmts[i].Type) < strength(stmts[w].Type) {
			w = i
		}
	}
	return w
}

// trustPolicy is Expect's trust configuration, resolved once.
type trustPolicy struct {
	mode    TrustPolicy // TrustDefault only when nothing is anchored
	anchors *x509.CertPool
	source  TrustSource
	now     time.Time
}

func (e *Expect) trustPolicy(now time.Time) trustPolicy {
	p := trustPolicy{mode: e.Trust, anchors: e.TrustAnchors, source: e.TrustSource, now: now}
	if p.mode == TrustDefault && (p.anchors != nil || p.source != nil) {
		p.mode = TrustRequired
	}
	return p
}

// assess is #reg-ceremony-attestation-trust-anchors and
// #reg-ceremony-assess-trust for one statement of format fmt.
func (p *trustPolicy) assess(format string, v verdict, aaguid [16]byte) (Statement, error) {
	st := Statement{Format: format, Type: v.typ, TrustPath: v.trustPath}
	if p.mode == TrustDefault {
		return st, checkPathConsistency(v, p.now)
	}
	if len(v.trustPath) == 0 {
		if p.mode == TrustOrDowngrade {
			return st, nil
		}
		return st, errcode.Mismatch(errcode.ErrAttestationTypeNotAllowed, checkAssessTrust,
			"a trusted attestation is required", "a certificate path", string(v.typ))
	}
	err := p.verifyPath(format, v, aaguid)
	switch {
	case err == nil:
		st.Trusted = true
		return st, nil
	case p.mode != TrustOrDowngrade || errcode.Code(err) != string(errcode.ErrAttestationUntrusted):
		return st, err
	}
	st.Downgraded = &Downgrade{From: v.typ, TrustPath: v.trustPath, Err: err}
	st.Type, st.TrustPath = TypeSelf, nil
	return st, nil
}

// verifyPath verifies the statement's path to the anchors of the source
// and of Expect.TrustAnchors: it is trusted if it verifies to either.
func (p *trustPolicy) verifyPath(format string, v verdict, aaguid [16]byte) error {
	var pools []*x509.CertPool
	if p.source != nil {
		pool, err := p.source.TrustAnchors(format, aaguid, slices.Clone(v.trustPath))
		if err != nil {
			var status interface{ AuthenticatorStatus() string }
			if errors.As(err, &status) {
				return errcode.Wrap(errcode.ErrAuthenticatorStatusUntrusted, checkAssessTrust,
					"the trust source distrusts this authenticator ("+printable(status.AuthenticatorStatus())+")", err)
			}
			return errcode.Wrap(errcode.ErrAttestationUntrusted, checkAssessTrust,
				"the trust source refused this attestation", err)
		}
		if pool != nil {
			pools = append(pools, pool)
		}
	}
	if p.anchors != nil {
		pools = append(pools, p.anchors)
	}
	if len(pools) == 0 {
		return errcode.Mismatch(errcode.ErrAttestationUntrusted, checkAssessTrust,
			"no trust anchors are known for this statement", "roots for "+printable(format), "none")
	}
	var err error
	for _, pool := range pools {
		if err = verifyToAnchors(v.trustPath, pool, p.now, v.leafDatesUnchecked); err == nil {
			return nil
		}
	}
	return err
}

// checkPathConsistency is the trust step without anchors: a path is still
// checked for internal consistency, each certificate valid at now and
// signed by the next one.
func checkPathConsistency(v verdict, now time.Time) error {
	for i, c := range v.trustPath {
		if (i > 0 || !v.leafDatesUnchecked) && (now.Before(c.NotBefore) || now.After(c.NotAfter)) {
			return errcode.Mismatch(errcode.ErrAttestationUntrusted, checkAssessTrust,
				"an attestation certificate is not valid at the verification time",
				c.NotBefore.UTC().Format(time.RFC3339)+" to "+c.NotAfter.UTC().Format(time.RFC3339),
				now.UTC().Format(time.RFC3339))
		}
		if i+1 < len(v.trustPath) {
			if err := c.CheckSignatureFrom(v.trustPath[i+1]); err != nil {
				return errcode.Wrap(errcode.ErrAttestationUntrusted, checkAssessTrust,
					"an attestation certificate is not signed by the next one in x5c", err)
			}
		}
	}
	return nil
}

// oidSubjectAltName is the SAN extension. A TPM AIK certificate carries it
// critical with a directoryName that crypto/x509 does not handle; the tpm
// format's procedure checks it, so chain building may skip it.
var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// verifyToAnchors builds a chain from path[0] through path[1:] to anchors.
// With leafDatesUnchecked, the leaf's own validity period is not checked.
func verifyToAnchors(path []*x509.Certificate, anchors *x509.CertPool, now time.Time, leafDatesUnchecked bool) error {
	var inter *x509.CertPool // nil for a path of the leaf alone
	if len(path) > 1 {
		inter = x509.NewCertPool()
		for _, c := range path[1:] {
			inter.AddCert(withoutSAN(c))
		}
	}
	leaf := withoutSAN(path[0])
	if leafDatesUnchecked {
		// crypto/x509 reads the validity period from these fields only;
		// signatures are checked over RawTBSCertificate, which stays.
		cp := *leaf
		cp.NotBefore, cp.NotAfter = now, now
		leaf = &cp
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         anchors,
		Intermediates: inter,
		CurrentTime:   now,
		// Attestation certificates carry no TLS usages; the default would
		// demand serverAuth.
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return errcode.Wrap(errcode.ErrAttestationUntrusted, checkAssessTrust,
			"the attestation certificate path does not verify to a trust anchor", err)
	}
	return nil
}

// withoutSAN returns c, or a shallow copy of it that no longer lists a
// critical SAN among the extensions crypto/x509 did not handle.
func withoutSAN(c *x509.Certificate) *x509.Certificate {
	for i, oid := range c.UnhandledCriticalExtensions {
		if oid.Equal(oidSubjectAltName) {
			cp := *c
			cp.UnhandledCriticalExtensions = append(append([]asn1.ObjectIdentifier(nil),
				c.UnhandledCriticalExtensions[:i]...), c.UnhandledCriticalExtensions[i+1:]...)
			return &cp
		}
	}
	return c
}
