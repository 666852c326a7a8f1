package metadata

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"
)

// Status is an AuthenticatorStatus value (MDS3 #authenticatorstatus-enum).
// Values this package does not know are kept as they appear and treated as
// informational.
type Status string

// The AuthenticatorStatus values of MDS 3.0 and 3.1.1.
const (
	StatusNotFIDOCertified          Status = "NOT_FIDO_CERTIFIED"
	StatusFIDOCertified             Status = "FIDO_CERTIFIED"
	StatusUserVerificationBypass    Status = "USER_VERIFICATION_BYPASS"
	StatusAttestationKeyCompromise  Status = "ATTESTATION_KEY_COMPROMISE"
	StatusUserKeyRemoteCompromise   Status = "USER_KEY_REMOTE_COMPROMISE"
	StatusUserKeyPhysicalCompromise Status = "USER_KEY_PHYSICAL_COMPROMISE"
	StatusUpdateAvailable           Status = "UPDATE_AVAILABLE"
	StatusRevoked                   Status = "REVOKED"
	StatusSelfAssertionSubmitted    Status = "SELF_ASSERTION_SUBMITTED"
	StatusFIDOCertifiedL1           Status = "FIDO_CERTIFIED_L1"
	StatusFIDOCertifiedL1Plus       Status = "FIDO_CERTIFIED_L1plus"
	StatusFIDOCertifiedL2           Status = "FIDO_CERTIFIED_L2"
	StatusFIDOCertifiedL2Plus       Status = "FIDO_CERTIFIED_L2plus"
	StatusFIDOCertifiedL3           Status = "FIDO_CERTIFIED_L3"
	StatusFIDOCertifiedL3Plus       Status = "FIDO_CERTIFIED_L3plus"
	StatusFIPS140CertifiedL1        Status = "FIPS140_CERTIFIED_L1"
	StatusFIPS140CertifiedL2        Status = "FIPS140_CERTIFIED_L2"
	StatusFIPS140CertifiedL3        Status = "FIPS140_CERTIFIED_L3"
	StatusFIPS140CertifiedL4        Status = "FIPS140_CERTIFIED_L4"
	// StatusRetired (MDS 3.1.1): the vendor asks relying parties to stop
	// accepting the model.
	StatusRetired Status = "RETIRED"
)

// Distrusts reports whether a report with this status, while in effect,
// makes the authenticator untrusted: REVOKED, RETIRED, the two user key
// compromises and ATTESTATION_KEY_COMPROMISE (which may be scoped to one
// certificate). USER_VERIFICATION_BYPASS is not among them: it withdraws
// trust in user verification only (see [BLOB.UVTrusted]).
func (s Status) Distrusts() bool {
	switch s {
	case StatusRevoked, StatusRetired, StatusUserKeyRemoteCompromise,
		StatusUserKeyPhysicalCompromise, StatusAttestationKeyCompromise:
		return true
	}
	return false
}

// StatusReport is one entry of a metadata entry's statusReports
// (MDS3 #statusreport-dictionary).
type StatusReport struct {
	// Status is the reported status.
	Status Status
	// EffectiveDate is the first day (00:00 UTC) the report applies; zero
	// when absent, meaning it applies from the start.
	EffectiveDate time.Time
	// SunsetDate (MDS 3.1.1) is the first day (00:00 UTC) the report no
	// longer applies; zero when absent.
	SunsetDate time.Time
	// AuthenticatorVersion is the firmware version the report concerns, 0
	// when absent.
	AuthenticatorVersion uint64
	// Certificate and BatchCertificate are the DER certificates the report
	// concerns, nil when absent. An ATTESTATION_KEY_COMPROMISE report that
	// names one applies only to attestation paths containing it.
	Certificate, BatchCertificate []byte
	// URL points to more information, "" when absent.
	URL string
	// CertificationDescriptor, CertificateNumber,
	// CertificationPolicyVersion and CertificationRequirementsVersion
	// describe a certification, "" when absent.
	CertificationDescriptor, CertificateNumber                   string
	CertificationPolicyVersion, CertificationRequirementsVersion string
}

// InEffect reports whether the report applies at t: from EffectiveDate
// (inclusive) until SunsetDate (exclusive), each when present.
func (r *StatusReport) InEffect(t time.Time) bool {
	if !r.EffectiveDate.IsZero() && t.Before(r.EffectiveDate) {
		return false
	}
	if !r.SunsetDate.IsZero() && !t.Before(r.SunsetDate) {
		return false
	}
	return true
}

// scoped reports whether the report names a certificate.
func (r *StatusReport) scoped() bool {
	return len(r.Certificate) > 0 || len(r.BatchCertificate) > 0
}

// covers reports whether a certificate-scoped report concerns an
// attestation path (leaf first, as x5c carries it, usually without the
// root): it does when it names a certificate of the path, or the CA that
// issued the path's last certificate (the root the path chains to). A
// named certificate that does not parse concerns every path.
func (r *StatusReport) covers(path []*x509.Certificate) bool {
	for _, der := range [][]byte{r.Certificate, r.BatchCertificate} {
		if len(der) == 0 {
			continue
		}
		for _, c := range path {
			if bytes.Equal(der, c.Raw) {
				return true
			}
		}
		named, err := x509.ParseCertificate(der)
		if err != nil {
			return true
		}
		if len(path) > 0 && bytes.Equal(path[len(path)-1].RawIssuer, named.RawSubject) &&
			path[len(path)-1].CheckSignatureFrom(named) == nil {
			return true
		}
	}
	return false
}

// Standing is an authenticator model's status at one time, as the BLOB
// reports it.
type Standing struct {
	// Entry is the metadata entry (shared; do not modify it).
	Entry *Entry
	// Current is the newest status report in effect: the model's current
	// certification status. Its Status is "" when no report is in effect.
	Current StatusReport
	// UVTrusted is false while a USER_VERIFICATION_BYPASS report is in
	// effect: the UV flag of this model cannot be relied on.
	UVTrusted bool
	// Scoped lists the ATTESTATION_KEY_COMPROMISE reports in effect that
	// name a certificate. They concern only credentials whose attestation
	// path contains that certificate; check stored paths with
	// [Standing.CheckPath].
	Scoped []StatusReport
}

// CheckPath returns a *StatusError when one of s.Scoped concerns path
// (DER certificates, leaf first: a stored credential's trust path, such
// as credential.Record.TrustPath): it names one of its certificates, or
// the root that issued the last one. A certificate of path that does not
// parse makes CheckPath return an error too.
func (s Standing) CheckPath(path [][]byte) error {
	if len(s.Scoped) == 0 {
		return nil
	}
	certs := make([]*x509.Certificate, len(path))
	for i, der := range path {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("metadata: a certificate of the path does not parse: %w", err)
		}
		certs[i] = c
	}
	for i := range s.Scoped {
		if s.Scoped[i].covers(certs) {
			return s.Entry.statusError(&s.Scoped[i])
		}
	}
	return nil
}

// assess computes the standing of e at t. The returned report is the first
// model-wide distrust report in effect, or nil. A distrust report counts
// while it is in effect even when a newer report follows it: a later
// FIDO_CERTIFIED does not cancel a compromise.
func (e *Entry) assess(t time.Time) (Standing, *StatusReport) {
	st := Standing{Entry: e, UVTrusted: true}
	var distrust *StatusReport
	for i := range e.StatusReports {
		r := &e.StatusReports[i]
		if !r.InEffect(t) {
			continue
		}
		// The newest in-effect report is the current one; reports without
		// a date and ties resolve to document order (MDS3 lists them oldest
		// first).
		if st.Current.Status == "" || !r.EffectiveDate.Before(st.Current.EffectiveDate) {
			st.Current = *r
		}
		switch {
		case r.Status == StatusUserVerificationBypass:
			st.UVTrusted = false
		case r.Status == StatusAttestationKeyCompromise && r.scoped():
			st.Scoped = append(st.Scoped, *r)
		case r.Status.Distrusts() && distrust == nil:
			distrust = r
		}
	}
	return st, distrust
}

// statusError builds the error for report r of e.
func (e *Entry) statusError(r *StatusReport) *StatusError {
	se := &StatusError{Status: r.Status, AAGUID: e.AAGUID, Effective: r.EffectiveDate}
	if e.AAGUID == ([16]byte{}) && len(e.KeyIdentifiers) > 0 {
		se.KeyIdentifier = e.KeyIdentifiers[0]
	}
	return se
}
