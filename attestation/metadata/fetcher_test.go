package metadata_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopasskey/passkey/attestation/metadata"
)

// mdsServer plays the FIDO MDS: the BLOB at /, CRLs at /root.crl and
// /inter.crl.
type mdsServer struct {
	mu          sync.Mutex
	blob        []byte
	etag        string
	fail        int // answer this many BLOB requests with 503 first
	crl         map[string][]byte
	crlDown     bool
	requests    int
	crlPaths    []string
	ifNoneMatch []string
}

func (m *mdsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if strings.HasSuffix(r.URL.Path, ".crl") {
		m.crlPaths = append(m.crlPaths, r.URL.Path)
		if der, ok := m.crl[r.URL.Path]; ok && !m.crlDown {
			w.Write(der)
			return
		}
		http.NotFound(w, r)
		return
	}
	m.requests++
	m.ifNoneMatch = append(m.ifNoneMatch, r.Header.Get("If-None-Match"))
	if m.fail > 0 {
		m.fail--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	if m.etag != "" {
		if r.Header.Get("If-None-Match") == m.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", m.etag)
	}
	w.Write(m.blob)
}

func (m *mdsServer) serve(blob []byte, etag string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blob, m.etag = blob, etag
}

func (m *mdsServer) lastIfNoneMatch() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ifNoneMatch[len(m.ifNoneMatch)-1]
}

// fetcherFixture is a server, a PKI and a Fetcher wired together.
type fetcherFixture struct {
	srv     *httptest.Server
	mds     *mdsServer
	pki     *testPKI
	ca      *attestationCA
	store   *metadata.Store
	f       *metadata.Fetcher
	updates []int64
}

func newFetcherFixture(t *testing.T) *fetcherFixture {
	t.Helper()
	fx := &fetcherFixture{mds: &mdsServer{}, store: &metadata.Store{}}
	fx.srv = httptest.NewServer(fx.mds)
	t.Cleanup(fx.srv.Close)
	fx.pki = newPKI(t, pkiOptions{rootCRLURL: fx.srv.URL + "/root.crl", interCRLURL: fx.srv.URL + "/inter.crl"})
	fx.ca = newAttestationCA(t, "Model")
	// One CRL in DER, one in PEM: distribution points serve either.
	fx.mds.crl = map[string][]byte{
		"/root.crl":  pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: fx.pki.rootCRL(t).Raw}),
		"/inter.crl": fx.pki.interCRL(t).Raw,
	}
	fx.f = fx.fetcher(fx.store, "")
	return fx
}

func (fx *fetcherFixture) fetcher(s *metadata.Store, cacheDir string) *metadata.Fetcher {
	return &metadata.Fetcher{
		Store:     s,
		Client:    fx.srv.Client(),
		URL:       fx.srv.URL + "/",
		CacheDir:  cacheDir,
		Options:   metadata.VerifyOptions{Roots: []*x509.Certificate{fx.pki.root}},
		FetchCRLs: true,
		Now:       func() time.Time { return testNow },
		OnUpdate:  func(b *metadata.BLOB) { fx.updates = append(fx.updates, b.No()) },
	}
}

func (fx *fetcherFixture) blob(t *testing.T, no int64) []byte {
	return fx.pki.blob(t, payloadJSON(t, no, "2025-07-01", fido2Entry(aaguidA, "Model", []*x509.Certificate{fx.ca.root})))
}

func TestFetcherRefresh(t *testing.T) {
	fx := newFetcherFixture(t)
	ctx := t.Context()
	fx.mds.serve(fx.blob(t, 1), `"v1"`)

	updated, err := fx.f.Refresh(ctx)
	if err != nil || !updated || fx.store.Current().No() != 1 {
		t.Fatalf("first Refresh = %v, %v", updated, err)
	}
	if got := fx.mds.lastIfNoneMatch(); got != "" {
		t.Errorf("first request sent If-None-Match %q", got)
	}
	updated, err = fx.f.Refresh(ctx)
	if err != nil || updated {
		t.Errorf("Refresh of an unchanged BLOB = %v, %v", updated, err)
	}
	if got := fx.mds.lastIfNoneMatch(); got != `"v1"` {
		t.Errorf("second request sent If-None-Match %q, want the ETag", got)
	}
	fx.mds.serve(fx.blob(t, 2), `"v2"`)
	updated, err = fx.f.Refresh(ctx)
	if err != nil || !updated || fx.store.Current().No() != 2 {
		t.Errorf("Refresh of a newer BLOB = %v, %v", updated, err)
	}
	if len(fx.updates) != 2 || fx.updates[0] != 1 || fx.updates[1] != 2 {
		t.Errorf("OnUpdate saw %v, want [1 2]", fx.updates)
	}
	// A server without ETags sending the same BLOB again: no update, no
	// error.
	fx.mds.serve(fx.blob(t, 2), "")
	if updated, err := fx.f.Refresh(ctx); err != nil || updated {
		t.Errorf("the same serial again = %v, %v", updated, err)
	}
}

// TestFetcherKeepsLastGood: every kind of failed refresh leaves the BLOB in
// use in place.
func TestFetcherKeepsLastGood(t *testing.T) {
	fx := newFetcherFixture(t)
	fx.mds.serve(fx.blob(t, 5), "")
	if _, err := fx.f.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	good := fx.blob(t, 6)
	badSig := []byte(string(good[:len(good)-4]) + "AAAA")
	other := newPKI(t, pkiOptions{name: "Other"})
	cases := []struct {
		name  string
		setup func()
		want  error
	}{
		{"bad signature", func() { fx.mds.serve(badSig, "") }, metadata.ErrSignature},
		{"garbage", func() { fx.mds.serve([]byte("<html>maintenance</html>"), "") }, metadata.ErrMalformed},
		{"older serial", func() { fx.mds.serve(fx.blob(t, 4), "") }, metadata.ErrRollback},
		{"another signer", func() {
			fx.mds.serve(other.blob(t, payloadJSON(t, 7, "2025-07-01")), "")
		}, metadata.ErrChain},
		{"signer revoked", func() {
			fx.mds.mu.Lock()
			fx.mds.crl["/inter.crl"] = fx.pki.interCRL(t, fx.pki.leaf.SerialNumber).Raw
			fx.mds.mu.Unlock()
			fx.mds.serve(good, "")
		}, metadata.ErrRevoked},
		{"CRLs unreachable", func() {
			fx.mds.mu.Lock()
			fx.mds.crlDown = true
			fx.mds.mu.Unlock()
			fx.mds.serve(good, "")
		}, metadata.ErrCRLMissing},
		{"server error", func() {
			fx.mds.mu.Lock()
			fx.mds.fail = 1
			fx.mds.mu.Unlock()
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			updated, err := fx.f.Refresh(t.Context())
			if err == nil || updated {
				t.Fatalf("Refresh = %v, %v; want a failure", updated, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
			if fx.store.Current().No() != 5 || fx.store.Name(mustAAGUID(t, aaguidA)) != "Model" {
				t.Errorf("the Store lost its BLOB: no %d", fx.store.Current().No())
			}
		})
	}
}

func TestFetcherCache(t *testing.T) {
	fx := newFetcherFixture(t)
	dir := filepath.Join(t.TempDir(), "mds")
	fx.f.CacheDir = dir
	fx.mds.serve(fx.blob(t, 3), `"v3"`)
	if _, err := fx.f.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}

	t.Run("cold start without network", func(t *testing.T) {
		s := &metadata.Store{}
		f := fx.fetcher(s, dir)
		f.Client = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, errors.New("network down")
		})}
		updated, err := f.Refresh(t.Context())
		if err == nil || !strings.Contains(err.Error(), "network down") {
			t.Errorf("Refresh error = %v, want the network error", err)
		}
		if !updated || s.Current() == nil || s.Current().No() != 3 {
			t.Fatalf("the cached BLOB was not loaded (updated %v)", updated)
		}
	})
	t.Run("cold start sends the cached ETag", func(t *testing.T) {
		s := &metadata.Store{}
		f := fx.fetcher(s, dir)
		if _, err := f.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := fx.mds.lastIfNoneMatch(); got != `"v3"` {
			t.Errorf("If-None-Match = %q, want the cached ETag", got)
		}
	})
	t.Run("corrupt cache", func(t *testing.T) {
		bad := t.TempDir()
		if err := os.WriteFile(filepath.Join(bad, "blob.jwt"), []byte("garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
		s := &metadata.Store{}
		f := fx.fetcher(s, bad)
		if _, err := f.Refresh(t.Context()); err != nil {
			t.Fatalf("a corrupt cache blocked the network: %v", err)
		}
		if s.Current().No() != 3 {
			t.Error("BLOB not loaded from the network")
		}
		data, err := os.ReadFile(filepath.Join(bad, "blob.jwt"))
		if err != nil || string(data) == "garbage" {
			t.Error("the corrupt cache was not replaced")
		}
	})
	t.Run("CRLs from the cache when the CRL server is down", func(t *testing.T) {
		fx.mds.mu.Lock()
		fx.mds.crlDown = true
		fx.mds.mu.Unlock()
		defer func() {
			fx.mds.mu.Lock()
			fx.mds.crlDown = false
			fx.mds.mu.Unlock()
		}()
		fx.mds.serve(fx.blob(t, 4), `"v4"`)
		if _, err := fx.f.Refresh(t.Context()); err != nil {
			t.Fatalf("Refresh with cached CRLs: %v", err)
		}
		if fx.store.Current().No() != 4 {
			t.Error("BLOB 4 not loaded")
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestFetcherWithoutFetchCRLs(t *testing.T) {
	fx := newFetcherFixture(t)
	fx.mds.serve(fx.blob(t, 1), "")
	fx.f.FetchCRLs = false
	if _, err := fx.f.Refresh(t.Context()); !errors.Is(err, metadata.ErrCRLMissing) {
		t.Errorf("without CRLs: %v, want ErrCRLMissing", err)
	}
	fx.f.Options.CRLs = []*x509.RevocationList{fx.pki.rootCRL(t), fx.pki.interCRL(t)}
	if _, err := fx.f.Refresh(t.Context()); err != nil {
		t.Errorf("with the caller's CRLs: %v", err)
	}
}

func TestFetcherConfig(t *testing.T) {
	for name, f := range map[string]*metadata.Fetcher{
		"no Store":  {Client: http.DefaultClient},
		"no Client": {Store: &metadata.Store{}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.Refresh(t.Context()); err == nil {
				t.Error("Refresh succeeded")
			}
			if err := f.Run(t.Context()); err == nil || errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want a configuration error", err)
			}
		})
	}
}

// TestFetcherRun: Run retries after failures with backoff until it has a
// BLOB, and returns when its context ends.
func TestFetcherRun(t *testing.T) {
	fx := newFetcherFixture(t)
	fx.mds.serve(fx.blob(t, 1), "")
	fx.mds.fail = 2
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	fx.f.MinRetry, fx.f.MaxRetry = 5*time.Millisecond, 20*time.Millisecond
	var errs []error
	fx.f.OnError = func(err error) { errs = append(errs, err) }
	fx.f.OnUpdate = func(b *metadata.BLOB) { fx.updates = append(fx.updates, b.No()); cancel() }

	err := fx.f.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if len(errs) != 2 || len(fx.updates) != 1 || fx.store.Current() == nil {
		t.Errorf("Run saw %d errors and updates %v; want 2 errors, then the BLOB", len(errs), fx.updates)
	}
	if fx.mds.requests != 3 {
		t.Errorf("%d requests, want 3", fx.mds.requests)
	}
}

// TestFetcherCRLsOnlyForTrustedChains: a BLOB whose chain does not verify
// to the roots cannot make the Fetcher fetch the URLs it names.
func TestFetcherCRLsOnlyForTrustedChains(t *testing.T) {
	fx := newFetcherFixture(t)
	evil := newPKI(t, pkiOptions{name: "Evil", rootCRLURL: fx.srv.URL + "/evil-root.crl", interCRLURL: fx.srv.URL + "/evil-inter.crl"})
	fx.mds.serve(evil.blob(t, payloadJSON(t, 1, "2025-07-01")), "")
	if _, err := fx.f.Refresh(t.Context()); !errors.Is(err, metadata.ErrChain) {
		t.Fatalf("Refresh = %v, want ErrChain", err)
	}
	fx.mds.mu.Lock()
	defer fx.mds.mu.Unlock()
	if len(fx.mds.crlPaths) != 0 {
		t.Errorf("CRLs fetched for an untrusted chain: %v", fx.mds.crlPaths)
	}
}
