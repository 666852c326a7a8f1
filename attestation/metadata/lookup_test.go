package metadata_test

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation/metadata"
)

func TestAAGUIDForms(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want string
	}{
		{"0132d110-bf4e-4208-a403-ab4f5f12efe5", true, "0132d110-bf4e-4208-a403-ab4f5f12efe5"},
		{"0132D110-BF4E-4208-A403-AB4F5F12EFE5", true, "0132d110-bf4e-4208-a403-ab4f5f12efe5"},
		{"0132d110bf4e4208a403ab4f5f12efe5", false, ""},
		{"0132d110-bf4e-4208-a403-ab4f5f12efe", false, ""},
		{"0132d110-bf4e-4208-a403_ab4f5f12efe5", false, ""},
		{"0132d110-bf4e-4208-a403-ab4f5f12efgz", false, ""},
		{"", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, err := metadata.ParseAAGUID(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseAAGUID error = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && metadata.FormatAAGUID(a) != tc.want {
				t.Errorf("FormatAAGUID = %s", metadata.FormatAAGUID(a))
			}
		})
	}
}

// TestKeyIdentifier checks the key identifier against an independent
// computation: SHA-1 of the uncompressed EC point, which is what the
// subjectPublicKey BIT STRING of a P-256 certificate holds.
func TestKeyIdentifier(t *testing.T) {
	ca := newAttestationCA(t, "U2F")
	point, err := ca.key.PublicKey.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(point.Bytes())
	got, err := metadata.KeyIdentifier(ca.leaf)
	if err != nil || got != hex.EncodeToString(sum[:]) {
		t.Errorf("KeyIdentifier = %s, %v; want %x", got, err, sum)
	}
	if _, err := metadata.KeyIdentifier(nil); err == nil {
		t.Error("KeyIdentifier(nil) succeeded")
	}
}

func TestLookUps(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	fido2 := newAttestationCA(t, "FIDO2")
	u2f := newAttestationCA(t, "U2F")
	stranger := newAttestationCA(t, "Stranger")
	keyID, _ := metadata.KeyIdentifier(u2f.leaf)
	b := p.verify(t, payloadJSON(t, 1, "2025-07-01",
		fido2Entry(aaguidA, "FIDO2 Model", []*x509.Certificate{fido2.root}),
		u2fEntry(strings.ToUpper(keyID), "U2F Model", []*x509.Certificate{u2f.root}),
		obj{"aaid": "1234#5678", "statusReports": []obj{report("FIDO_CERTIFIED", "2024-01-01")}},
	))
	aaguid := mustAAGUID(t, aaguidA)
	unknown := mustAAGUID(t, "00000000-0000-0000-0000-00000000000a")

	if _, err := b.TrustAnchors("packed", aaguid, nil); err != nil {
		t.Errorf("TrustAnchors at the current time: %v", err)
	}
	if b.Len() != 3 {
		t.Errorf("Len = %d, want 3 (the UAF entry is kept, not indexed)", b.Len())
	}
	if e, ok := b.EntryByKeyIdentifier(keyID); !ok || e.Statement.Description != "U2F Model" || e.KeyIdentifiers[0] != keyID {
		t.Errorf("EntryByKeyIdentifier(lower case) = %v, %v", e, ok)
	}
	if _, ok := b.EntryByKeyIdentifier(strings.ToUpper(keyID)); !ok {
		t.Error("EntryByKeyIdentifier(upper case) not found")
	}
	if _, ok := b.EntryByKeyIdentifier("zz"); ok {
		t.Error("EntryByKeyIdentifier(malformed) found something")
	}
	if _, ok := b.Entry(unknown); ok || b.Name(unknown) != "" || b.Icon(unknown) != "" {
		t.Error("an unknown AAGUID was found")
	}
	if !b.UVTrusted(unknown, testNow) {
		t.Error("UVTrusted(unknown) = false: the BLOB says nothing against it")
	}
	if _, err := b.Status(unknown, testNow); !errors.Is(err, metadata.ErrUnknownAuthenticator) {
		t.Errorf("Status(unknown) = %v", err)
	}

	cases := []struct {
		name   string
		format string
		aaguid [16]byte
		leaf   *x509.Certificate
		verify *x509.Certificate // a certificate the pool must verify
		want   error
	}{
		{"packed by AAGUID", "packed", aaguid, fido2.leaf, fido2.leaf, nil},
		{"packed by AAGUID without the leaf", "packed", aaguid, nil, fido2.leaf, nil},
		{"fido-u2f by key identifier", "fido-u2f", [16]byte{}, u2f.leaf, u2f.leaf, nil},
		{"zero AAGUID falls back to the key identifier", "packed", [16]byte{}, u2f.leaf, u2f.leaf, nil},
		{"fido-u2f ignores a non-zero AAGUID", "fido-u2f", aaguid, u2f.leaf, u2f.leaf, nil},
		{"unknown AAGUID", "packed", unknown, fido2.leaf, nil, metadata.ErrUnknownAuthenticator},
		{"unknown key identifier", "fido-u2f", [16]byte{}, stranger.leaf, nil, metadata.ErrUnknownAuthenticator},
		{"fido-u2f without a certificate", "fido-u2f", [16]byte{}, nil, nil, metadata.ErrUnknownAuthenticator},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var path []*x509.Certificate
			if tc.leaf != nil {
				path = []*x509.Certificate{tc.leaf}
			}
			pool, err := b.TrustAnchorsAt(tc.format, tc.aaguid, path, testNow)
			if !errors.Is(err, tc.want) {
				t.Fatalf("TrustAnchors error = %v, want %v", err, tc.want)
			}
			if tc.verify == nil {
				return
			}
			if _, err := tc.verify.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testNow}); err != nil {
				t.Errorf("pool does not verify: %v", err)
			}
			if _, err := stranger.leaf.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testNow}); err == nil {
				t.Error("pool verifies another model's certificate")
			}
		})
	}
}

// TestEntryProblems: unreadable entries are skipped and reported, readable
// ones kept, and a bad root certificate drops only itself.
func TestEntryProblems(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	goodA := mustAAGUID(t, aaguidA)
	const aaguidB = "00000000-0000-0000-0000-00000000000b"
	badRoot := fido2Entry(aaguidB, "Model B", []*x509.Certificate{ca.root})
	badRoot["metadataStatement"].(obj)["attestationRootCertificates"] = []string{"!!!", "AAAA", x5c(ca.root)[0]}
	b := p.verify(t, payloadJSON(t, 1, "2025-07-01",
		obj{"aaguid": "not-a-uuid", "statusReports": []obj{}},
		obj{"aaguid": "00000000-0000-0000-0000-00000000000c"}, // no statusReports
		obj{"aaguid": "00000000-0000-0000-0000-00000000000d", "statusReports": []obj{{"effectiveDate": "2024-01-01"}}},
		obj{"aaguid": "00000000-0000-0000-0000-00000000000e", "statusReports": []obj{report("REVOKED", "01/02/2024")}},
		obj{"attestationCertificateKeyIdentifiers": []string{"abc"}, "statusReports": []obj{}},
		obj{"aaguid": "00000000-0000-0000-0000-00000000000f", "statusReports": []obj{report("REVOKED", "2024-01-01", "certificate", "%%%")}},
		obj{"aaguid": "00000000-0000-0000-0000-000000000010", "statusReports": []obj{}, "metadataStatement": "a string"},
		"not an object",
		fido2Entry(aaguidA, "Model A", []*x509.Certificate{ca.root}),
		badRoot,
	))
	if b.Len() != 2 {
		t.Errorf("Len = %d, want the 2 readable entries", b.Len())
	}
	if _, ok := b.Entry(goodA); !ok {
		t.Error("a readable entry after unreadable ones is missing")
	}
	skipped := map[int]bool{}
	rootProblems := 0
	for _, pr := range b.Problems() {
		if pr.Skipped {
			skipped[pr.Entry] = true
		} else if pr.Entry == 9 {
			rootProblems++
		}
		if pr.String() == "" {
			t.Error("empty Problem.String")
		}
	}
	for i := 0; i <= 7; i++ {
		if !skipped[i] {
			t.Errorf("entry %d not reported skipped; problems: %v", i, b.Problems())
		}
	}
	if rootProblems != 2 {
		t.Errorf("%d root certificate problems for entry 9, want 2", rootProblems)
	}
	e, ok := b.Entry(mustAAGUID(t, aaguidB))
	if !ok || len(e.Statement.AttestationRootCertificates) != 1 {
		t.Errorf("entry with two bad roots and a good one: %v", e)
	}
	// A skipped model cannot be trusted by way of the metadata.
	if _, err := b.TrustAnchorsAt("packed", mustAAGUID(t, "00000000-0000-0000-0000-00000000000e"), nil, testNow); !errors.Is(err, metadata.ErrUnknownAuthenticator) {
		t.Errorf("TrustAnchors for a skipped entry = %v", err)
	}
}

// TestDuplicateEntries: a second entry for the same AAGUID cannot hide a
// distrust report, whichever of the two carries it.
func TestDuplicateEntries(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	revoked := fido2Entry(aaguidA, "Revoked copy", []*x509.Certificate{ca.root}, report("REVOKED", "2025-01-01"))
	fine := fido2Entry(aaguidA, "Fine copy", []*x509.Certificate{ca.root})
	u2fKeyID, _ := metadata.KeyIdentifier(ca.leaf)
	for name, entries := range map[string][]any{
		"revoked first":  {revoked, fine},
		"revoked second": {fine, revoked},
	} {
		t.Run(name, func(t *testing.T) {
			b := p.verify(t, payloadJSON(t, 1, "2025-07-01", entries...))
			var se *metadata.StatusError
			if _, err := b.TrustAnchorsAt("packed", mustAAGUID(t, aaguidA), []*x509.Certificate{ca.leaf}, testNow); !errors.As(err, &se) {
				t.Errorf("TrustAnchors = %v, want the REVOKED StatusError", err)
			}
			if len(b.Problems()) != 1 || b.Problems()[0].Entry != 1 {
				t.Errorf("Problems = %v, want one for entry 1", b.Problems())
			}
		})
	}
	t.Run("key identifier", func(t *testing.T) {
		b := p.verify(t, payloadJSON(t, 1, "2025-07-01",
			u2fEntry(u2fKeyID, "U2F", []*x509.Certificate{ca.root}),
			u2fEntry(u2fKeyID, "U2F again", []*x509.Certificate{ca.root}, report("USER_KEY_REMOTE_COMPROMISE", "2025-01-01"))))
		var se *metadata.StatusError
		if _, err := b.TrustAnchorsAt("fido-u2f", [16]byte{}, []*x509.Certificate{ca.leaf}, testNow); !errors.As(err, &se) || se.KeyIdentifier != u2fKeyID {
			t.Errorf("TrustAnchors = %v, want a StatusError naming the key identifier", err)
		}
	})
}

// TestFailStaleLookUps: a BLOB verified with FailStale refuses trust
// decisions once it goes stale, and keeps answering before.
func TestFailStaleLookUps(t *testing.T) {
	p := newPKI(t, pkiOptions{})
	ca := newAttestationCA(t, "Model")
	data := p.blob(t, payloadJSON(t, 1, "2025-06-10", fido2Entry(aaguidA, "Model", []*x509.Certificate{ca.root})))
	aaguid := mustAAGUID(t, aaguidA)
	for _, failStale := range []bool{false, true} {
		o := p.opts(t)
		o.FailStale = failStale
		b, err := metadata.Verify(data, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.TrustAnchorsAt("packed", aaguid, nil, time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Errorf("FailStale=%v, on the nextUpdate day: %v", failStale, err)
		}
		_, err = b.TrustAnchorsAt("packed", aaguid, nil, time.Date(2025, 6, 11, 0, 0, 0, 0, time.UTC))
		if errors.Is(err, metadata.ErrStale) != failStale {
			t.Errorf("FailStale=%v, the day after nextUpdate: %v", failStale, err)
		}
	}
}
