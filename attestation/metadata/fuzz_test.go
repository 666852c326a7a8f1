package metadata

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// specExamplePayload is the payload of testdata/spec-example-blob.jwt.
func specExamplePayload(f *testing.F) []byte {
	data, err := os.ReadFile("testdata/spec-example-blob.jwt")
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		f.Fatal(err)
	}
	return payload
}

// FuzzParsePayload: no input panics the payload parser or the look-ups on
// what it returns, and every indexed entry is one of the kept entries.
func FuzzParsePayload(f *testing.F) {
	f.Add(specExamplePayload(f))
	f.Add([]byte(`{"no":1,"nextUpdate":"2025-07-01","entries":[]}`))
	f.Add([]byte(`{"no":1,"nextUpdate":"2025-07-01","entries":[{"aaguid":"0132d110-bf4e-4208-a403-ab4f5f12efe5",` +
		`"statusReports":[{"status":"REVOKED","effectiveDate":"2024-01-01","sunsetDate":"2026-01-01","certificate":"AAAA"}],` +
		`"metadataStatement":{"description":"x","attestationRootCertificates":["AAAA"]}},` +
		`{"attestationCertificateKeyIdentifiers":["0000000000000000000000000000000000000000"],"statusReports":[]}]}`))
	f.Add([]byte(`{"no":-1}`))
	f.Add([]byte(`null`))
	times := []time.Time{{}, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parsePayload(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error without ErrMalformed: %v", err)
			}
			return
		}
		kept := map[*Entry]bool{}
		for _, e := range c.entries {
			kept[e] = true
		}
		for a, e := range c.byAAGUID {
			if !kept[e] || e.AAGUID != a {
				t.Fatalf("AAGUID %x indexes an entry that is not kept or not its own", a)
			}
		}
		for _, e := range c.byKeyID {
			if !kept[e] {
				t.Fatal("a key identifier indexes an entry that is not kept")
			}
		}
		b := &BLOB{c: c}
		for _, e := range c.entries {
			for _, at := range times {
				st, _ := b.Status(e.AAGUID, at)
				_ = st.CheckPath([][]byte{{0x30}})
				_, _ = b.TrustAnchorsAt("packed", e.AAGUID, nil, at)
				_ = b.UVTrusted(e.AAGUID, at)
			}
			for _, id := range e.KeyIdentifiers {
				if _, ok := b.EntryByKeyIdentifier(id); !ok {
					t.Fatalf("key identifier %s of a kept entry not found", id)
				}
			}
		}
	})
}

// FuzzVerify: no input panics Verify, and every refusal names its check.
func FuzzVerify(f *testing.F) {
	data, err := os.ReadFile("testdata/spec-example-blob.jwt")
	if err != nil {
		f.Fatal(err)
	}
	rootPEM, err := os.ReadFile("testdata/spec-example-root.pem")
	if err != nil {
		f.Fatal(err)
	}
	block, _ := pem.Decode(rootPEM)
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("e30.e30.e30"))
	f.Add([]byte(`eyJhbGciOiJub25lIn0.e30.`))
	opts := VerifyOptions{Roots: []*x509.Certificate{root}, AllowMissingCRLs: true,
		Now: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), MaxSize: 1 << 20}
	sentinels := []error{ErrMalformed, ErrTooLarge, ErrAlgorithm, ErrChain, ErrCRLMissing, ErrRevoked, ErrSignature, ErrLegalHeader, ErrStale}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Verify(data, opts)
		if err == nil {
			if b == nil {
				t.Fatal("no BLOB and no error")
			}
			return
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error names no check: %v", err)
	})
}
