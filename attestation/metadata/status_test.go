package metadata_test

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation/metadata"
)

// TestStatusReports runs each status through Status, UVTrusted and
// TrustAnchors at testNow (2025-06-01).
func TestStatusReports(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	other := newAttestationCA(t, "Other batch")
	leafB64 := base64.StdEncoding.EncodeToString(ca.leaf.Raw)
	otherLeafB64 := base64.StdEncoding.EncodeToString(other.leaf.Raw)
	rootB64 := base64.StdEncoding.EncodeToString(ca.root.Raw)
	otherRootB64 := base64.StdEncoding.EncodeToString(other.root.Raw)

	cases := []struct {
		name     string
		reports  []obj
		distrust metadata.Status // the *StatusError of Status and TrustAnchors, "" for none
		anchors  metadata.Status // TrustAnchors' *StatusError when it differs from distrust
		current  metadata.Status
		uv       bool
		scoped   int
	}{
		{name: "certified", reports: []obj{report("FIDO_CERTIFIED_L1", "2024-01-01")},
			current: "FIDO_CERTIFIED_L1", uv: true},
		{name: "REVOKED in effect", reports: []obj{report("FIDO_CERTIFIED", "2024-01-01"), report("REVOKED", "2025-05-01")},
			distrust: "REVOKED", current: "REVOKED", uv: true},
		{name: "REVOKED effective tomorrow", reports: []obj{report("FIDO_CERTIFIED", "2024-01-01"), report("REVOKED", "2025-06-02")},
			current: "FIDO_CERTIFIED", uv: true},
		{name: "REVOKED effective today", reports: []obj{report("REVOKED", "2025-06-01")},
			distrust: "REVOKED", current: "REVOKED", uv: true},
		{name: "REVOKED without effectiveDate", reports: []obj{report("REVOKED", "")},
			distrust: "REVOKED", current: "REVOKED", uv: true},
		{name: "REVOKED then certified again: the revocation still counts",
			reports:  []obj{report("REVOKED", "2024-06-01"), report("FIDO_CERTIFIED_L2", "2025-01-01")},
			distrust: "REVOKED", current: "FIDO_CERTIFIED_L2", uv: true},
		{name: "REVOKED past its sunsetDate", reports: []obj{report("FIDO_CERTIFIED", "2024-01-01"), report("REVOKED", "2024-06-01", "sunsetDate", "2025-01-01")},
			current: "FIDO_CERTIFIED", uv: true},
		{name: "REVOKED with sunsetDate today", reports: []obj{report("REVOKED", "2024-06-01", "sunsetDate", "2025-06-01")},
			current: "", uv: true},
		{name: "REVOKED with sunsetDate tomorrow", reports: []obj{report("REVOKED", "2024-06-01", "sunsetDate", "2025-06-02")},
			distrust: "REVOKED", current: "REVOKED", uv: true},
		{name: "RETIRED", reports: []obj{report("FIDO_CERTIFIED", "2024-01-01"), report("RETIRED", "2025-01-01")},
			distrust: "RETIRED", current: "RETIRED", uv: true},
		{name: "USER_KEY_REMOTE_COMPROMISE", reports: []obj{report("USER_KEY_REMOTE_COMPROMISE", "2025-01-01")},
			distrust: "USER_KEY_REMOTE_COMPROMISE", current: "USER_KEY_REMOTE_COMPROMISE", uv: true},
		{name: "USER_KEY_PHYSICAL_COMPROMISE then UPDATE_AVAILABLE",
			reports:  []obj{report("USER_KEY_PHYSICAL_COMPROMISE", "2025-01-01"), report("UPDATE_AVAILABLE", "2025-02-01")},
			distrust: "USER_KEY_PHYSICAL_COMPROMISE", current: "UPDATE_AVAILABLE", uv: true},
		{name: "ATTESTATION_KEY_COMPROMISE for the model", reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01")},
			distrust: "ATTESTATION_KEY_COMPROMISE", current: "ATTESTATION_KEY_COMPROMISE", uv: true},
		{name: "ATTESTATION_KEY_COMPROMISE naming the leaf",
			reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", leafB64)},
			anchors: "ATTESTATION_KEY_COMPROMISE", current: "ATTESTATION_KEY_COMPROMISE", uv: true, scoped: 1},
		{name: "ATTESTATION_KEY_COMPROMISE naming the leaf as batchCertificate",
			reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "batchCertificate", leafB64)},
			anchors: "ATTESTATION_KEY_COMPROMISE", current: "ATTESTATION_KEY_COMPROMISE", uv: true, scoped: 1},
		{name: "ATTESTATION_KEY_COMPROMISE naming another batch's certificate",
			reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", otherLeafB64)},
			current: "ATTESTATION_KEY_COMPROMISE", uv: true, scoped: 1},
		{name: "ATTESTATION_KEY_COMPROMISE naming the root the path chains to",
			reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", rootB64)},
			anchors: "ATTESTATION_KEY_COMPROMISE", current: "ATTESTATION_KEY_COMPROMISE", uv: true, scoped: 1},
		{name: "ATTESTATION_KEY_COMPROMISE naming another CA",
			reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", otherRootB64)},
			current: "ATTESTATION_KEY_COMPROMISE", uv: true, scoped: 1},
		{name: "ATTESTATION_KEY_COMPROMISE naming a certificate that does not parse",
			reports: []obj{report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", "AAAA")},
			anchors: "ATTESTATION_KEY_COMPROMISE", current: "ATTESTATION_KEY_COMPROMISE", uv: true, scoped: 1},
		{name: "USER_VERIFICATION_BYPASS", reports: []obj{report("FIDO_CERTIFIED", "2024-01-01"), report("USER_VERIFICATION_BYPASS", "2025-01-01")},
			current: "USER_VERIFICATION_BYPASS", uv: false},
		{name: "USER_VERIFICATION_BYPASS past its sunsetDate",
			reports: []obj{report("USER_VERIFICATION_BYPASS", "2024-01-01", "sunsetDate", "2025-01-01")},
			current: "", uv: true},
		{name: "informational statuses", reports: []obj{report("NOT_FIDO_CERTIFIED", "2024-01-01"), report("SELF_ASSERTION_SUBMITTED", "2024-02-01"),
			report("UPDATE_AVAILABLE", "2024-03-01"), report("FIPS140_CERTIFIED_L2", "2024-04-01")},
			current: "FIPS140_CERTIFIED_L2", uv: true},
		{name: "a status this package does not know", reports: []obj{report("FIDO_CERTIFIED_L9", "2024-01-01")},
			current: "FIDO_CERTIFIED_L9", uv: true},
		{name: "no report", reports: []obj{}, current: "", uv: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := p.verify(t, payloadJSON(t, 1, "2025-07-01",
				obj{"aaguid": aaguidA, "metadataStatement": obj{"description": "Model",
					"attestationRootCertificates": x5c(ca.root)}, "statusReports": tc.reports}))
			aaguid := mustAAGUID(t, aaguidA)

			st, err := b.Status(aaguid, testNow)
			checkStatusError(t, "Status", err, tc.distrust)
			if st.Current.Status != tc.current || st.UVTrusted != tc.uv || len(st.Scoped) != tc.scoped {
				t.Errorf("Status = current %q uv %v scoped %d; want %q %v %d",
					st.Current.Status, st.UVTrusted, len(st.Scoped), tc.current, tc.uv, tc.scoped)
			}
			if got := b.UVTrusted(aaguid, testNow); got != tc.uv {
				t.Errorf("UVTrusted = %v, want %v", got, tc.uv)
			}

			wantAnchors := tc.distrust
			if tc.anchors != "" {
				wantAnchors = tc.anchors
			}
			pool, err := b.TrustAnchorsAt("packed", aaguid, []*x509.Certificate{ca.leaf}, testNow)
			checkStatusError(t, "TrustAnchors", err, wantAnchors)
			if wantAnchors == "" {
				if _, err := ca.leaf.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testNow}); err != nil {
					t.Errorf("the pool does not verify the model's attestation certificate: %v", err)
				}
			} else if pool != nil {
				t.Error("TrustAnchors returned a pool with an error")
			}
		})
	}
}

func checkStatusError(t *testing.T, what string, err error, want metadata.Status) {
	t.Helper()
	var se *metadata.StatusError
	if want == "" {
		if err != nil {
			t.Errorf("%s error = %v, want none", what, err)
		}
		return
	}
	if !errors.As(err, &se) || se.Status != want {
		t.Errorf("%s error = %v, want a StatusError %s", what, err, want)
		return
	}
	if se.AAGUID != mustAAGUID(t, aaguidA) {
		t.Errorf("%s StatusError AAGUID = %x", what, se.AAGUID)
	}
	// The relying party recognises the error without importing metadata.
	var structural interface{ AuthenticatorStatus() string }
	if !errors.As(err, &structural) || structural.AuthenticatorStatus() != string(want) {
		t.Errorf("%s error not recognisable by AuthenticatorStatus()", what)
	}
}

func TestStatusErrorFields(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	b := p.verify(t, payloadJSON(t, 1, "2025-07-01",
		fido2Entry(aaguidA, "Model", nil, report("FIDO_CERTIFIED", "2024-01-01"), report("REVOKED", "2025-03-04"))))
	_, err := b.TrustAnchorsAt("packed", mustAAGUID(t, aaguidA), nil, testNow)
	var se *metadata.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v", err)
	}
	if se.Status != metadata.StatusRevoked || !se.Effective.Equal(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)) || se.KeyIdentifier != "" {
		t.Errorf("StatusError = %+v", se)
	}
	msg := se.Error()
	for _, want := range []string{"REVOKED", aaguidA, "2025-03-04"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

// TestCheckPath: a certificate-scoped compromise concerns stored
// credentials whose path contains that certificate, and no others.
func TestCheckPath(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	other := newAttestationCA(t, "Other")
	b := p.verify(t, payloadJSON(t, 1, "2025-07-01", fido2Entry(aaguidA, "Model", []*x509.Certificate{ca.root},
		report("FIDO_CERTIFIED", "2024-01-01"),
		report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", base64.StdEncoding.EncodeToString(ca.leaf.Raw)))))
	st, err := b.Status(mustAAGUID(t, aaguidA), testNow)
	if err != nil {
		t.Fatalf("a scoped compromise made the whole model untrusted: %v", err)
	}
	var se *metadata.StatusError
	if err := st.CheckPath([][]byte{ca.leaf.Raw, ca.root.Raw}); !errors.As(err, &se) || se.Status != metadata.StatusAttestationKeyCompromise {
		t.Errorf("CheckPath with the compromised certificate = %v", err)
	}
	if err := st.CheckPath([][]byte{other.leaf.Raw, other.root.Raw}); err != nil {
		t.Errorf("CheckPath with another path = %v", err)
	}
	if err := st.CheckPath([][]byte{{0x30, 0x00}}); err == nil {
		t.Error("CheckPath with a certificate that does not parse = nil")
	}
	// Naming the root: a stored path (without the root) that chains to it
	// is concerned.
	rootReport := p.verify(t, payloadJSON(t, 1, "2025-07-01", fido2Entry(aaguidA, "Model", []*x509.Certificate{ca.root},
		report("ATTESTATION_KEY_COMPROMISE", "2025-01-01", "certificate", base64.StdEncoding.EncodeToString(ca.root.Raw)))))
	st2, _ := rootReport.Status(mustAAGUID(t, aaguidA), testNow)
	if err := st2.CheckPath([][]byte{ca.leaf.Raw}); !errors.As(err, &se) {
		t.Errorf("CheckPath of a path under the named root = %v", err)
	}
	if err := st2.CheckPath([][]byte{other.leaf.Raw}); err != nil {
		t.Errorf("CheckPath of a path under another root = %v", err)
	}
	// Before the report's effectiveDate nothing is scoped.
	st, _ = b.Status(mustAAGUID(t, aaguidA), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC))
	if err := st.CheckPath([][]byte{ca.leaf.Raw}); err != nil {
		t.Errorf("CheckPath before effectiveDate = %v", err)
	}
}

func TestStatusDistrusts(t *testing.T) {
	distrust := map[metadata.Status]bool{
		metadata.StatusRevoked: true, metadata.StatusRetired: true, metadata.StatusUserKeyRemoteCompromise: true,
		metadata.StatusUserKeyPhysicalCompromise: true, metadata.StatusAttestationKeyCompromise: true,
	}
	all := []metadata.Status{
		metadata.StatusNotFIDOCertified, metadata.StatusFIDOCertified, metadata.StatusUserVerificationBypass,
		metadata.StatusAttestationKeyCompromise, metadata.StatusUserKeyRemoteCompromise, metadata.StatusUserKeyPhysicalCompromise,
		metadata.StatusUpdateAvailable, metadata.StatusRevoked, metadata.StatusSelfAssertionSubmitted,
		metadata.StatusFIDOCertifiedL1, metadata.StatusFIDOCertifiedL1Plus, metadata.StatusFIDOCertifiedL2,
		metadata.StatusFIDOCertifiedL2Plus, metadata.StatusFIDOCertifiedL3, metadata.StatusFIDOCertifiedL3Plus,
		metadata.StatusFIPS140CertifiedL1, metadata.StatusFIPS140CertifiedL2, metadata.StatusFIPS140CertifiedL3,
		metadata.StatusFIPS140CertifiedL4, metadata.StatusRetired, "SOMETHING_NEW",
	}
	for _, s := range all {
		if s.Distrusts() != distrust[s] {
			t.Errorf("%s.Distrusts() = %v", s, s.Distrusts())
		}
	}
}

// TestInEffectBoundaries: from 00:00 UTC of effectiveDate, until (not
// including) 00:00 UTC of sunsetDate.
func TestInEffectBoundaries(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	r := metadata.StatusReport{Status: metadata.StatusRevoked, EffectiveDate: day("2025-03-01"), SunsetDate: day("2025-04-01")}
	cases := []struct {
		at   time.Time
		want bool
	}{
		{day("2025-03-01").Add(-time.Nanosecond), false},
		{day("2025-03-01"), true},
		{day("2025-03-31").Add(24*time.Hour - time.Nanosecond), true},
		{day("2025-04-01"), false},
	}
	for _, tc := range cases {
		if got := r.InEffect(tc.at); got != tc.want {
			t.Errorf("InEffect(%s) = %v, want %v", tc.at.Format(time.RFC3339Nano), got, tc.want)
		}
	}
	open := metadata.StatusReport{Status: metadata.StatusRevoked}
	if !open.InEffect(time.Time{}) || !open.InEffect(day("9999-01-01")) {
		t.Error("a report without dates is not always in effect")
	}
}
