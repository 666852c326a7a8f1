package metadata

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// Names of the files the Fetcher keeps in CacheDir.
const (
	cacheBLOB = "blob.jwt"
	cacheETag = "blob.etag"
)

// loadCache verifies the cached BLOB and puts it in the Store. Call with
// mu held.
func (f *Fetcher) loadCache(ctx context.Context) (*BLOB, error) {
	data, err := os.ReadFile(filepath.Join(f.CacheDir, cacheBLOB))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The cached copy is verified like a downloaded one: the directory is
	// not trusted more than the network.
	b, err := f.verify(ctx, data, f.now())
	if err != nil {
		return nil, err
	}
	if err := f.Store.Update(b); err != nil {
		return nil, err
	}
	if etag, err := os.ReadFile(filepath.Join(f.CacheDir, cacheETag)); err == nil {
		f.etag = string(bytes.TrimSpace(etag))
	}
	return b, nil
}

// saveCache writes the BLOB and its ETag, each atomically.
func (f *Fetcher) saveCache(data []byte, etag string) error {
	if err := writeFileAtomic(f.CacheDir, cacheBLOB, data); err != nil {
		return err
	}
	return writeFileAtomic(f.CacheDir, cacheETag, []byte(etag))
}

// writeFileAtomic replaces dir/name by data: a reader sees the old file or
// the new one, never a part.
func writeFileAtomic(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, name+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// crlsFor downloads the CRLs named by the distribution points of the
// BLOB's signing chain. Only a chain that verifies to the roots is asked,
// so an unverified BLOB cannot make the Fetcher request URLs of its
// choosing. Signatures and dates of the CRLs are checked later, by Verify;
// here a CRL only has to parse. A CRL that cannot be downloaded is read
// from CacheDir instead; the error lists what failed.
func (f *Fetcher) crlsFor(ctx context.Context, data []byte, now time.Time) ([]*x509.RevocationList, error) {
	var (
		out  []*x509.RevocationList
		errs []error
		seen = map[string]bool{}
	)
	for _, c := range f.verifiedChain(data, now) {
		for _, dp := range c.CRLDistributionPoints {
			u, err := url.Parse(dp)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || seen[dp] {
				continue
			}
			seen[dp] = true
			crl, raw, err := f.downloadCRL(ctx, dp)
			if err == nil {
				out = append(out, crl)
				if f.CacheDir != "" {
					_ = writeFileAtomic(f.CacheDir, crlCacheName(dp), raw)
				}
				continue
			}
			errs = append(errs, fmt.Errorf("CRL %s: %w", dp, err))
			if f.CacheDir != "" {
				if raw, rerr := os.ReadFile(filepath.Join(f.CacheDir, crlCacheName(dp))); rerr == nil {
					if crl, perr := parseCRL(raw); perr == nil {
						out = append(out, crl)
					}
				}
			}
		}
	}
	return out, errors.Join(errs...)
}

func (f *Fetcher) downloadCRL(ctx context.Context, u string) (*x509.RevocationList, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxCRLSize+1))
	if err != nil {
		return nil, nil, err
	}
	if len(raw) > maxCRLSize {
		return nil, nil, errors.New("larger than the limit")
	}
	crl, err := parseCRL(raw)
	return crl, raw, err
}

// parseCRL reads a DER CRL, or a PEM "X509 CRL" block.
func parseCRL(raw []byte) (*x509.RevocationList, error) {
	if block, _ := pem.Decode(raw); block != nil {
		raw = block.Bytes
	}
	return x509.ParseRevocationList(raw)
}

func crlCacheName(u string) string {
	h := sha256.Sum256([]byte(u))
	return "crl-" + hex.EncodeToString(h[:8]) + ".der"
}

// verifiedChain returns the BLOB's x5c chain, verified to the roots at now
// (revocation aside), or nil.
func (f *Fetcher) verifiedChain(data []byte, now time.Time) []*x509.Certificate {
	certs := x5cOf(data)
	if len(certs) == 0 {
		return nil
	}
	roots := f.Options.Roots
	if roots == nil {
		roots = []*x509.Certificate{fidoRoot}
	}
	opts := x509.VerifyOptions{Roots: x509.NewCertPool(), Intermediates: x509.NewCertPool(),
		CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	for _, r := range roots {
		opts.Roots.AddCert(r)
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := certs[0].Verify(opts)
	if err != nil {
		return nil
	}
	return chains[0]
}

// x5cOf reads the certificates of a JWS's protected x5c header without
// verifying anything; unreadable parts are skipped.
func x5cOf(data []byte) []*x509.Certificate {
	dot := bytes.IndexByte(data, '.')
	if dot < 0 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(string(bytes.TrimSpace(data[:dot])))
	if err != nil {
		return nil
	}
	var h struct {
		X5C []string `json:"x5c"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return nil
	}
	var out []*x509.Certificate
	for _, s := range h.X5C {
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			continue
		}
		if c, err := x509.ParseCertificate(der); err == nil {
			out = append(out, c)
		}
	}
	return out
}
