package passkeytest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Attestation is the kind of attestation statement an authenticator makes.
type Attestation int8

const (
	// AttestationNone: fmt "none", an empty attStmt. The zero Config uses it.
	AttestationNone Attestation = iota + 1
	// AttestationPackedSelf: fmt "packed" signed with the credential key
	// itself (attStmt {alg, sig}).
	AttestationPackedSelf
	// AttestationPacked: fmt "packed" signed with an attestation key whose
	// certificate chains to the authenticator's test CA
	// (attStmt {alg, sig, x5c}).
	AttestationPacked
	// AttestationFIDOU2F: fmt "fido-u2f". The authenticator then behaves
	// like a U2F security key: ES256 only, a zero AAGUID, no user
	// verification, no discoverable credentials.
	AttestationFIDOU2F
)

// Config describes the authenticator. The zero value is a platform
// authenticator with user verification, discoverable credentials, every
// supported algorithm, "none" attestation and a random seed.
type Config struct {
	// Seed makes the authenticator deterministic: the same seed and the same
	// sequence of calls give the same bytes. Nil means a random seed (see
	// Authenticator.Seed).
	Seed []byte
	// Algorithms limits the COSE algorithms the authenticator supports; nil
	// means SupportedAlgorithms().
	Algorithms []int64
	// Attestation is the statement kind; zero means AttestationNone.
	Attestation Attestation
	// AttestationAlgorithm is the packed attestation key's algorithm: one of
	// ES256 (the default), ES384, ES512, EdDSA, RS256/384/512, PS256/384/512.
	AttestationAlgorithm int64
	// Intermediate puts an intermediate CA between the test root and the
	// packed attestation certificate (x5c then holds two certificates).
	Intermediate bool
	// NoAAGUIDExtension leaves id-fido-gen-ce-aaguid out of the packed
	// attestation certificate (it is optional).
	NoAAGUIDExtension bool
	// CertNotBefore and CertNotAfter bound every test certificate; zero
	// means 2024-01-01 and 2099-12-31.
	CertNotBefore, CertNotAfter time.Time
	// AAGUID identifies the authenticator model (zero by default).
	AAGUID [16]byte
	// Attachment is "platform" (the default) or "cross-platform".
	Attachment string
	// Transports reported at registration; nil means ["hybrid", "internal"]
	// for a platform authenticator and ["usb"] for a cross-platform one.
	Transports []string
	// NoUserVerification: the authenticator cannot verify users.
	NoUserVerification bool
	// NoResidentKeys: the authenticator cannot store discoverable
	// credentials.
	NoResidentKeys bool
	// BackupEligible sets BE (a synced passkey provider); BackupState sets
	// BS, the credential is backed up (only meaningful with BE).
	BackupEligible, BackupState bool
	// CredentialIDLength is the length of generated credential IDs; zero
	// means 32. At most 65535 (lengths beyond 1023 break the spec, on
	// purpose).
	CredentialIDLength int
	// Tweaks apply to every ceremony, before the per-call ones.
	Tweaks []Tweak

	// LargeBlob: the authenticator supports the largeBlob extension
	// (#sctn-large-blob-extension): credentials created with it can keep a
	// blob that assertions read and write. Without it, largeBlob reports
	// supported false and written false.
	LargeBlob bool
	// MinPINLength is the minimum PIN length the authenticator discloses
	// through the minPinLength extension (CTAP 2.1 §12.4) to every RP ID;
	// zero discloses nothing.
	MinPINLength int
	// NoCredProtect: the authenticator does not implement credProtect (CTAP
	// 2.1 §12.1). A request that enforces a level above
	// userVerificationOptional then fails with ErrNotAllowed, as a client
	// must; otherwise the credential has no protection level and the
	// authenticator data no credProtect output.
	NoCredProtect bool
	// WellKnown fetches https://<rpID>/.well-known/webauthn for related
	// origin requests (#sctn-related-origins): a page whose origin is not on
	// the RP ID may use it when the document lists the origin within its
	// first five registrable origin labels. It returns the document body; an
	// error is a failed fetch (a non-200 status, another content type).
	// Nil means the client does not support related origins.
	WellKnown func(rpID string) ([]byte, error)
}

// Credential is a credential the authenticator holds. Credentials returns
// copies of the byte slices; the private key is the authenticator's own
// (do not modify it).
type Credential struct {
	// ID is the credential ID.
	ID []byte
	// RPID is the RP ID the credential is scoped to.
	RPID string
	// AppID is the FIDO AppID of a U2F-era credential (Knobs.AppID), or "".
	AppID string
	// UserHandle, UserName and UserDisplayName come from the creation
	// options' user entity.
	UserHandle      []byte
	UserName        string
	UserDisplayName string
	// Discoverable reports a client-side discoverable credential (passkey).
	Discoverable bool
	// Algorithm is the COSE algorithm of the credential key.
	Algorithm int64
	// PrivateKey is the credential's private key: *ecdsa.PrivateKey,
	// ed25519.PrivateKey, ed448.PrivateKey (circl), *rsa.PrivateKey or
	// *mldsa.PrivateKey (filippo.io/mldsa).
	PrivateKey crypto.Signer
	// PublicKey is the COSE_Key exactly as it appears in the attested
	// credential data.
	PublicKey []byte
	// SignCount is the counter last reported.
	SignCount uint32
}

// credential is the authenticator's own record.
type credential struct {
	Credential
	u2f         bool   // a U2F key made it: no UV
	credProtect int    // 0 (none requested), 1, 2 or 3
	prf         []byte // hmac-secret CredRandom without UV ‖ with UV
	largeBlob   bool   // created with largeBlob on a supporting authenticator
	blob        []byte // the large blob written for it, nil if none
}

// Authenticator is a software authenticator with a browser in front of it:
// creation and request options JSON in, the JSON a browser's toJSON() gives
// out. It keeps its credentials in memory and is safe for concurrent use
// (the bytes are deterministic only for a given order of calls).
type Authenticator struct {
	cfg  Config
	seed []byte
	algs []int64
	ca   *testCA

	mu    sync.Mutex
	creds []*credential
	nCred int // credentials created, including failed ceremonies
	nRSA  int // RSA credential keys handed out
	// rsaKeys caches the parsed pool keys; a fifth RSA credential shares
	// its key with the first.
	rsaKeys [rsaPoolSize]*rsa.PrivateKey
}

// New returns an authenticator for cfg.
func New(cfg Config) (*Authenticator, error) {
	a := &Authenticator{cfg: cfg}
	cfg.Tweaks = slices.Clone(cfg.Tweaks)
	cfg.Transports = slices.Clone(cfg.Transports)
	if cfg.Seed == nil {
		a.seed = make([]byte, 32)
		if _, err := rand.Read(a.seed); err != nil {
			return nil, err
		}
	} else {
		a.seed = slices.Clone(cfg.Seed)
	}
	a.algs = slices.Clone(cfg.Algorithms)
	if a.algs == nil {
		a.algs = SupportedAlgorithms()
	}
	for _, alg := range a.algs {
		if _, ok := algSpecs[alg]; !ok {
			return nil, fmt.Errorf("passkeytest: Config.Algorithms: unsupported algorithm %d", alg)
		}
	}
	switch cfg.Attestation {
	case 0, AttestationNone, AttestationPackedSelf, AttestationPacked, AttestationFIDOU2F:
	default:
		return nil, fmt.Errorf("passkeytest: Config.Attestation: unknown kind %d", cfg.Attestation)
	}
	switch cfg.Attachment {
	case "", "platform", "cross-platform":
	default:
		return nil, fmt.Errorf("passkeytest: Config.Attachment must be \"platform\" or \"cross-platform\", not %q", cfg.Attachment)
	}
	if cfg.CredentialIDLength < 0 || cfg.CredentialIDLength > 65535 {
		return nil, fmt.Errorf("passkeytest: Config.CredentialIDLength must be 0 to 65535")
	}
	if cfg.MinPINLength < 0 || cfg.MinPINLength > 63 {
		// CTAP 2.1 PINs are at most 63 bytes long.
		return nil, fmt.Errorf("passkeytest: Config.MinPINLength must be 0 to 63")
	}
	cfg.Algorithms = a.algs
	a.cfg = cfg
	ca, err := a.newTestCA()
	if err != nil {
		return nil, err
	}
	a.ca = ca
	return a, nil
}

// Seed returns the seed, so that a failing test run with a random seed can
// be replayed.
func (a *Authenticator) Seed() []byte { return slices.Clone(a.seed) }

// AttestationRoot is the self-signed test CA that issues the packed and
// fido-u2f attestation certificates: use it as the RP's trust anchor.
func (a *Authenticator) AttestationRoot() *x509.Certificate { return a.ca.root }

// AttestationChain is the packed x5c: the attestation certificate, then the
// intermediate CA when Config.Intermediate is set.
func (a *Authenticator) AttestationChain() []*x509.Certificate {
	return slices.Clone(a.ca.packedChain)
}

// U2FAttestationCertificate is the fido-u2f attestation certificate (x5c's
// only element).
func (a *Authenticator) U2FAttestationCertificate() *x509.Certificate { return a.ca.u2fCert }

// Credentials lists the credentials the authenticator holds, oldest first.
func (a *Authenticator) Credentials() []Credential {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Credential, 0, len(a.creds))
	for _, c := range a.creds {
		out = append(out, c.export())
	}
	return out
}

func (c *credential) export() Credential {
	e := c.Credential
	e.ID = slices.Clone(e.ID)
	e.UserHandle = slices.Clone(e.UserHandle)
	e.PublicKey = slices.Clone(e.PublicKey)
	return e
}

// knobs applies the configured tweaks, then the call's.
func (a *Authenticator) knobs(tweaks []Tweak) *Knobs {
	k := &Knobs{}
	for _, t := range a.cfg.Tweaks {
		if t != nil {
			t(k)
		}
	}
	for _, t := range tweaks {
		if t != nil {
			t(k)
		}
	}
	return k
}

func (a *Authenticator) attachment() string {
	if a.cfg.Attachment != "" {
		return a.cfg.Attachment
	}
	if a.cfg.Attestation == AttestationFIDOU2F {
		return "cross-platform"
	}
	return "platform"
}

func (a *Authenticator) transports() []string {
	if a.cfg.Transports != nil {
		return slices.Clone(a.cfg.Transports)
	}
	if a.attachment() == "cross-platform" {
		return []string{"usb"}
	}
	return []string{"hybrid", "internal"}
}

func (a *Authenticator) supports(alg int64) bool { return slices.Contains(a.algs, alg) }
