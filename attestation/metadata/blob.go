package metadata

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// DefaultMaxSize is the largest BLOB accepted by default: 64 MiB. The
// production BLOB is a few megabytes.
const DefaultMaxSize = 64 << 20

// signatureAlgorithms are the JWS algorithms a BLOB may use: asymmetric
// only. go-jose refuses to parse without an explicit list, and none and
// the HMAC algorithms are deliberately absent.
var signatureAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
	jose.EdDSA,
}

// VerifyOptions configures BLOB verification. The zero value verifies a
// production BLOB against the FIDO MDS root at the current time and fails
// when a CRL is missing, so a caller must either supply CRLs or say
// explicitly that it goes without.
type VerifyOptions struct {
	// Roots are the trust anchors for the BLOB's signing chain. Nil means
	// [FIDORoot] (GlobalSign Root CA – R3). The system roots are never used.
	Roots []*x509.Certificate
	// CRLs are the certificate revocation lists for the signing chain: each
	// chain certificate below the root is checked against a current CRL
	// signed by its issuer. The [Fetcher] can download them (FetchCRLs).
	CRLs []*x509.RevocationList
	// AllowMissingCRLs accepts a chain certificate for which no current CRL
	// from its issuer was supplied. A certificate listed on a CRL that was
	// supplied is still refused. Off by default: a missing CRL fails.
	AllowMissingCRLs bool
	// Now is the verification time (certificate and CRL validity,
	// staleness). Zero means time.Now().
	Now time.Time
	// FailStale refuses a BLOB that is past its nextUpdate day at Now, and
	// makes look-ups in a BLOB that has since gone stale fail with
	// ErrStale. Off by default: a stale BLOB is used and reported
	// ([BLOB.Stale], [BLOB.StaleAt]).
	FailStale bool
	// LegalHeader, when set, must equal the payload's legalHeader.
	LegalHeader string
	// MaxSize bounds the BLOB's size in bytes; zero means DefaultMaxSize.
	MaxSize int
}

func (o *VerifyOptions) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

func (o *VerifyOptions) maxSize() int {
	if o.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}

// BLOB is a verified metadata BLOB, indexed for look-ups. It is immutable
// and safe for concurrent use; look-ups are map reads.
type BLOB struct {
	c          *contents
	chain      []*x509.Certificate
	verifiedAt time.Time
	failStale  bool
}

// Verify checks a metadata BLOB (MDS3 §3.1.8 "Metadata BLOB object
// processing rules") and returns it indexed:
//
//  1. the bytes are a JWS in compact serialization with an accepted
//     asymmetric alg;
//  2. the x5c chain verifies to opts.Roots at opts.Now (with no x5c and no
//     x5u, a root itself must be the signer; an x5u-only chain is refused,
//     since verification does not fetch); before it is built, x5c must hold
//     at most 5 certificates, with RSA keys of at most 8192 bits, and of at
//     most 4096 bits where the exponent is above 65537;
//  3. every chain certificate below the root is absent from a current CRL
//     of its issuer, and such a CRL is present unless AllowMissingCRLs;
//  4. the signature verifies with the signing certificate's key;
//  5. the payload has no, nextUpdate and entries; legalHeader matches when
//     asked;
//  6. staleness: a BLOB past its nextUpdate day is refused with FailStale,
//     else returned with Stale() true.
//
// Rollback (step 5 of the spec: ignore a BLOB whose no is not newer) needs
// the previous BLOB and is the [Store]'s job.
func Verify(data []byte, opts VerifyOptions) (*BLOB, error) {
	if len(data) > opts.maxSize() {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(data))
	}
	now := opts.now()
	roots := opts.Roots
	if roots == nil {
		roots = []*x509.Certificate{fidoRoot}
	}

	// Step 1. Leading and trailing white space is tolerated (a file with a
	// final newline). Inside, only base64url and the two dots: go-jose's
	// base64 decoding skips CR and LF, so without this check a BLOB with
	// line breaks in its header or payload would verify as well.
	text := strings.TrimSpace(string(data))
	if i := strings.IndexFunc(text, notCompactJWS); i >= 0 {
		return nil, fmt.Errorf("%w: byte %#x at %d is not base64url", ErrMalformed, text[i], i)
	}
	jws, err := jose.ParseSignedCompact(text, signatureAlgorithms)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return nil, fmt.Errorf("%w: %w", ErrAlgorithm, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("%w: a BLOB carries exactly one signature", ErrMalformed)
	}
	header := jws.Signatures[0].Protected

	// Steps 2 and 3, the chain's size and keys bounded before it is built.
	if err := checkChainBounds(text); err != nil {
		return nil, err
	}
	chain, err := signingChain(header, roots, opts.CRLs, opts.AllowMissingCRLs, now)
	if err != nil {
		return nil, err
	}

	// Step 4.
	payload, err := verifySignature(jws, chain, roots, header)
	if err != nil {
		return nil, err
	}

	// Step 5.
	c, err := parsePayload(payload)
	if err != nil {
		return nil, err
	}
	if opts.LegalHeader != "" && c.legalHeader != opts.LegalHeader {
		return nil, ErrLegalHeader
	}
	b := &BLOB{c: c, chain: chain, verifiedAt: now, failStale: opts.FailStale}

	// Step 6.
	if opts.FailStale && b.StaleAt(now) {
		return nil, fmt.Errorf("%w: nextUpdate %s, verification time %s", ErrStale,
			c.nextUpdate.Format(dayFormat), now.UTC().Format(time.RFC3339))
	}
	return b, nil
}

// Load reads a BLOB from r (at most opts.MaxSize bytes) and verifies it as
// [Verify] does.
func Load(r io.Reader, opts VerifyOptions) (*BLOB, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(opts.maxSize())+1))
	if err != nil {
		return nil, fmt.Errorf("metadata: reading the BLOB: %w", err)
	}
	return Verify(data, opts)
}

// LoadFile reads a BLOB from the named file and verifies it as [Verify]
// does: for a snapshot shipped with the application.
func LoadFile(name string, opts VerifyOptions) (*BLOB, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	defer f.Close()
	return Load(f, opts)
}

// verifySignature checks the JWS with the chain's leaf key, or, with no
// chain in the header, with a root's key.
func verifySignature(jws *jose.JSONWebSignature, chain, roots []*x509.Certificate, h jose.Header) ([]byte, error) {
	if len(chain) > 0 {
		payload, err := jws.Verify(chain[0].PublicKey)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		return payload, nil
	}
	var last error
	for _, r := range roots {
		payload, err := jws.Verify(r.PublicKey)
		if err == nil {
			return payload, nil
		}
		last = err
	}
	return nil, fmt.Errorf("%w: no x5c, and no root key verifies the signature (alg %s): %w", ErrSignature, h.Algorithm, last)
}

// signingChain verifies the header's x5c to roots and checks revocation. It
// returns the verified chain, leaf first, root last; nil when the header
// carries no chain (the root is then the signer).
func signingChain(h jose.Header, roots []*x509.Certificate, crls []*x509.RevocationList, allowMissing bool, now time.Time) ([]*x509.Certificate, error) {
	pool := x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	chains, err := h.Certificates(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: now,
		// The BLOB signer is a TLS server certificate in production, but
		// nothing here is TLS; any usage is fine.
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if errors.Is(err, jose.ErrMissingX5cHeader) {
		if _, ok := h.ExtraHeaders["x5u"]; ok {
			return nil, fmt.Errorf("%w: the BLOB names its chain by x5u only; fetch it and pass it in x5c", ErrChain)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrChain, err)
	}
	// Several chains may verify (cross-signed intermediates); one that
	// passes the revocation check is enough. Report the first failure.
	var first error
	for _, chain := range chains {
		err := checkRevocation(chain, crls, allowMissing, now)
		if err == nil {
			return slices.Clip(chain), nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// No returns the BLOB's serial number.
func (b *BLOB) No() int64 { return b.c.no }

// NextUpdate returns the nextUpdate date (00:00 UTC of that day).
func (b *BLOB) NextUpdate() time.Time { return b.c.nextUpdate }

// LegalHeader returns the payload's legalHeader.
func (b *BLOB) LegalHeader() string { return b.c.legalHeader }

// VerifiedAt returns the verification time the BLOB was checked at.
func (b *BLOB) VerifiedAt() time.Time { return b.verifiedAt }

// Chain returns the verified signing chain, leaf first and root last; nil
// when the root signed the BLOB directly.
func (b *BLOB) Chain() []*x509.Certificate { return slices.Clone(b.chain) }

// Stale reports whether the BLOB was past its nextUpdate day when it was
// verified.
func (b *BLOB) Stale() bool { return b.StaleAt(b.verifiedAt) }

// StaleAt reports whether the BLOB is past its nextUpdate day at t: stale
// from 00:00 UTC of the day after nextUpdate, since the next BLOB is due
// during that day.
func (b *BLOB) StaleAt(t time.Time) bool {
	return !t.Before(b.c.nextUpdate.AddDate(0, 0, 1))
}

// Problems lists what could not be read from the payload. A skipped entry
// cannot be looked up: [BLOB.TrustAnchors] then fails for its model.
func (b *BLOB) Problems() []Problem { return slices.Clone(b.c.problems) }

// Len returns the number of entries kept.
func (b *BLOB) Len() int { return len(b.c.entries) }

// Entries returns the entries kept, in BLOB order (shared; do not modify).
func (b *BLOB) Entries() []*Entry { return slices.Clone(b.c.entries) }

// notCompactJWS reports whether r may not appear in a JWS in the compact
// serialization (RFC 7515 section 7.1: base64url parts joined by dots).
func notCompactJWS(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.')
}
