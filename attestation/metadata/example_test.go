package metadata_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/gopasskey/passkey/attestation/metadata"
)

// exampleTrust reads the test root and CRLs of testdata/example. In
// production, leave Roots nil (the FIDO MDS root) and let the Fetcher
// download the CRLs (FetchCRLs).
func exampleTrust() ([]*x509.Certificate, []*x509.RevocationList) {
	var roots []*x509.Certificate
	var crls []*x509.RevocationList
	for _, name := range []string{"testdata/example/root.pem", "testdata/example/crls.pem"} {
		rest, err := os.ReadFile(name)
		if err != nil {
			panic(err)
		}
		for {
			var block *pem.Block
			if block, rest = pem.Decode(rest); block == nil {
				break
			}
			switch block.Type {
			case "CERTIFICATE":
				c, err := x509.ParseCertificate(block.Bytes)
				if err != nil {
					panic(err)
				}
				roots = append(roots, c)
			case "X509 CRL":
				crl, err := x509.ParseRevocationList(block.Bytes)
				if err != nil {
					panic(err)
				}
				crls = append(crls, crl)
			}
		}
	}
	return roots, crls
}

// A snapshot of the BLOB shipped with the application (serverless), loaded
// into a Store whose look-ups then serve the trust decisions.
func Example() {
	roots, crls := exampleTrust()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	blob, err := metadata.LoadFile("testdata/example/blob.jwt", metadata.VerifyOptions{
		Roots: roots, CRLs: crls, Now: now,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("BLOB", blob.No(), "stale:", blob.Stale())

	store := &metadata.Store{Now: func() time.Time { return now }}
	if err := store.Update(blob); err != nil {
		panic(err)
	}

	key, _ := metadata.ParseAAGUID("e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f70")
	revoked, _ := metadata.ParseAAGUID("e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f71")
	bypass, _ := metadata.ParseAAGUID("e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f72")

	// Trust anchors for a packed attestation of a listed model.
	pool, err := store.TrustAnchors("packed", key, nil)
	fmt.Println(store.Name(key), pool != nil, err)

	// A revoked model: registration must fail (authenticator-status-untrusted).
	_, err = store.TrustAnchors("packed", revoked, nil)
	fmt.Println(store.Name(revoked), err)

	// A model whose user verification cannot be relied on.
	fmt.Println(store.Name(bypass), "UV trusted:", store.UVTrusted(bypass, now))
	// Output:
	// BLOB 1 stale: false
	// Example Key true <nil>
	// Example Revoked Key metadata: authenticator e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f71 has status REVOKED in effect since 2026-03-01
	// Example Bypass Key UV trusted: false
}

// A Fetcher keeps the Store current; OnUpdate re-checks the credentials the
// application already stores each time a newer BLOB arrives.
func ExampleFetcher() {
	blob, err := os.ReadFile("testdata/example/blob.jwt")
	if err != nil {
		panic(err)
	}
	// Stands in for https://mds3.fidoalliance.org/.
	mds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"1"`)
		w.Write(blob)
	}))
	defer mds.Close()

	// The credentials the application stores: user and AAGUID.
	stored := []struct {
		user   string
		aaguid string
	}{
		{"ada", "e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f70"},
		{"grace", "e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f71"},
	}

	roots, crls := exampleTrust()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	store := &metadata.Store{}
	f := &metadata.Fetcher{
		Store:   store,
		Client:  mds.Client(), // your client, with a timeout
		URL:     mds.URL,
		Options: metadata.VerifyOptions{Roots: roots, CRLs: crls},
		Now:     func() time.Time { return now },
		OnUpdate: func(b *metadata.BLOB) {
			for _, c := range stored {
				aaguid, _ := metadata.ParseAAGUID(c.aaguid)
				if _, err := b.Status(aaguid, now); err != nil {
					fmt.Println("flag", c.user+":", err)
				}
			}
		},
	}

	// Once at start-up; then, in a goroutine of your own, f.Run(ctx).
	ctx := context.Background()
	updated, err := f.Refresh(ctx)
	fmt.Println("updated:", updated, err)
	// Output:
	// flag grace: metadata: authenticator e8a4d1a0-5f7b-4c36-9d1e-2b3c4d5e6f71 has status REVOKED in effect since 2026-03-01
	// updated: true <nil>
}
