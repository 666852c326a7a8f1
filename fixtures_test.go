package passkey_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/attestation/roots"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/b64"
	"github.com/gopasskey/passkey/origin"
)

// fixtureCase is one case of testdata/fixtures/SCHEMA.md (schema 1).
type fixtureCase struct {
	Schema                  int             `json:"schema"`
	Name                    string          `json:"name"`
	Ceremony                string          `json:"ceremony"`
	RPID                    string          `json:"rpId"`
	Origins                 []string        `json:"origins"`
	AllowCrossOrigin        bool            `json:"allowCrossOrigin"`
	TopOrigins              []string        `json:"topOrigins"`
	Challenge               string          `json:"challenge"`
	RequireUserVerification bool            `json:"requireUserVerification"`
	RequireUserPresence     *bool           `json:"requireUserPresence"`
	AllowedAlgorithms       []int64         `json:"allowedAlgorithms"`
	VerifyAt                *time.Time      `json:"verifyAt"`
	TrustAnchors            []string        `json:"trustAnchors"`
	BuiltinRoots            bool            `json:"builtinRoots"`
	Mediation               string          `json:"mediation"`
	AllowCredentials        []string        `json:"allowCredentials"`
	AppID                   string          `json:"appid"`
	Response                json.RawMessage `json:"response"`
	Credential              *struct {
		ID             string `json:"id"`
		PublicKey      string `json:"publicKey"`
		SignCount      uint32 `json:"signCount"`
		UserHandle     string `json:"userHandle"`
		BackupEligible *bool  `json:"backupEligible"`
	} `json:"credential"`
	Expect struct {
		OK              bool    `json:"ok"`
		Error           string  `json:"error"`
		Format          *string `json:"format"`
		AttestationType *string `json:"attestationType"`
		AAGUID          *string `json:"aaguid"`
		CredentialID    *string `json:"credentialId"`
		Alg             *int64  `json:"alg"`
		SignCount       *uint32 `json:"signCount"`
		UserVerified    *bool   `json:"userVerified"`
		BackupEligible  *bool   `json:"backupEligible"`
		BackupState     *bool   `json:"backupState"`
	} `json:"expect"`
}

// supportedAlgorithms is what "allowedAlgorithms absent" means: every
// credential algorithm the library verifies, RS1 included, since the library
// verifies it when the relying party opts in with AllowSHA1 (old Windows
// Hello TPMs register RS1 keys, and the recordings hold some).
var supportedAlgorithms = []cose.Algorithm{
	cose.EdDSA, cose.Ed25519, cose.Ed448, cose.ES256, cose.ESP256, cose.ES384, cose.ESP384,
	cose.ES512, cose.ESP512, cose.RS256, cose.RS384, cose.RS512, cose.PS256, cose.PS384,
	cose.PS512, cose.MLDSA44, cose.MLDSA65, cose.MLDSA87, cose.RS1,
}

// notYetBuilt names the verdicts a case may reach only because a feature is
// still missing; such a case is counted as skipped, with its reason.
func notYetBuilt(c *fixtureCase, err error) string {
	if errcode.Code(err) == string(errcode.ErrUnsupportedAttestationFormat) && c.Expect.Error != string(errcode.ErrUnsupportedAttestationFormat) {
		return "attestation format not built yet"
	}
	return ""
}

func fixtureFiles(t *testing.T) []string {
	roots := []string{filepath.Join("testdata", "fixtures")}
	if extra := os.Getenv("PASSKEY_FIXTURES"); extra != "" {
		roots = append(roots, extra)
	}
	var files []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".json") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("reading fixtures under %s: %v", root, err)
		}
	}
	sort.Strings(files)
	return files
}

// TestFixtures runs every case under testdata/fixtures, and under
// $PASSKEY_FIXTURES when set, through Parse and Verify, and checks the
// verdict, the error code and every expect field present.
func TestFixtures(t *testing.T) {
	files := fixtureFiles(t)
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	var passed, failed, skipped int
	skips := map[string][]string{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c fixtureCase
		if err := json.Unmarshal(data, &c); err != nil {
			t.Errorf("%s: not a fixture: %v", path, err)
			failed++
			continue
		}
		skippedHere := false
		ok := t.Run(path, func(t *testing.T) {
			if reason := runFixture(t, &c); reason != "" {
				skips[reason] = append(skips[reason], path)
				skippedHere = true
				t.Skip(reason)
			}
		})
		switch {
		case skippedHere:
			skipped++
		case ok:
			passed++
		default:
			failed++
		}
	}
	reasons := make([]string, 0, len(skips))
	for r := range skips {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		t.Logf("skipped (%s): %d cases", r, len(skips[r]))
		for _, p := range skips[r] {
			t.Logf("  %s", p)
		}
	}
	fmt.Printf("fixtures: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
}

// runFixture runs one case; it returns a skip reason, or "" when the case ran.
func runFixture(t *testing.T, c *fixtureCase) string {
	if c.Schema != 1 {
		t.Fatalf("schema %d, want 1", c.Schema)
	}
	set := fixtureOrigins(t, c)
	// The issued challenge is compared as its base64url spelling; a few
	// sources issue strings that are not canonical base64url, so decode
	// leniently here (the verifier re-encodes canonically, and such a case
	// must then fail with challenge-mismatch).
	challenge, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(c.Challenge, "="))
	if err != nil {
		t.Fatalf("challenge: %v", err)
	}
	var now time.Time
	if c.VerifyAt != nil {
		now = *c.VerifyAt
	}

	var verr error
	switch c.Ceremony {
	case "registration":
		var res *attestation.Result
		res, verr = runRegistration(t, c, set, challenge, now)
		if reason := notYetBuilt(c, verr); reason != "" {
			return reason
		}
		checkVerdict(t, c, verr)
		if verr == nil {
			checkRegistration(t, c, res)
		}
	case "authentication":
		var res *assertion.Result
		res, verr = runAuthentication(t, c, set, challenge)
		checkVerdict(t, c, verr)
		if verr == nil {
			checkAuthentication(t, c, res)
		}
	default:
		t.Fatalf("unknown ceremony %q", c.Ceremony)
	}
	return ""
}

// fixtureOrigins builds the case's origin set. A case may accept origins
// that are not on its RP ID (several sources test an RP ID mismatch that
// way); those are what WebAuthn calls related origins, so they are added as
// such.
func fixtureOrigins(t *testing.T, c *fixtureCase) *origin.Set {
	var own, related []string
	for _, o := range c.Origins {
		if _, err := origin.NewSet(c.RPID, []string{o}); err == nil {
			own = append(own, o)
		} else {
			related = append(related, o)
		}
	}
	var opts []origin.Option
	if c.AllowCrossOrigin {
		opts = append(opts, origin.AllowCrossOrigin(c.TopOrigins...))
	}
	if len(related) > 0 {
		opts = append(opts, origin.RelatedOrigins(related...))
	}
	set, err := origin.NewSet(c.RPID, own, opts...)
	if err != nil {
		t.Fatalf("origin set: %v", err)
	}
	return set
}

func runRegistration(t *testing.T, c *fixtureCase, set *origin.Set, challenge []byte, now time.Time) (*attestation.Result, error) {
	resp, err := attestation.Parse(c.Response)
	if err != nil {
		return nil, err
	}
	algs := supportedAlgorithms
	allowSHA1 := true
	if c.AllowedAlgorithms != nil {
		allowSHA1 = false
		algs = nil
		for _, a := range c.AllowedAlgorithms {
			algs = append(algs, cose.Algorithm(a))
			allowSHA1 = allowSHA1 || cose.Algorithm(a) == cose.RS1
		}
	}
	e := attestation.Expect{
		RPID:                    c.RPID,
		Origins:                 set,
		Challenge:               challenge,
		Algorithms:              algs,
		RequireUserVerification: c.RequireUserVerification,
		Conditional:             c.Mediation == "conditional" || (c.RequireUserPresence != nil && !*c.RequireUserPresence),
		Now:                     now,
		AllowSHA1:               allowSHA1,
	}
	if c.BuiltinRoots {
		// The roots the library ships, chosen per statement format.
		e.TrustSource = roots.Source()
	}
	if len(c.TrustAnchors) > 0 {
		e.TrustAnchors = x509.NewCertPool()
		for _, a := range c.TrustAnchors {
			der, err := base64.StdEncoding.DecodeString(a)
			if err != nil {
				t.Fatalf("trustAnchors: %v", err)
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatalf("trustAnchors: %v", err)
			}
			e.TrustAnchors.AddCert(cert)
		}
	}
	return resp.Verify(e)
}

func runAuthentication(t *testing.T, c *fixtureCase, set *origin.Set, challenge []byte) (*assertion.Result, error) {
	if c.Credential == nil {
		t.Fatal("authentication case without a credential")
	}
	if c.RequireUserPresence != nil && !*c.RequireUserPresence {
		t.Fatal("requireUserPresence false is not offered for assertions")
	}
	rec := &credential.Record{
		ID:        mustB64(t, c.Credential.ID),
		PublicKey: mustB64(t, c.Credential.PublicKey),
		SignCount: c.Credential.SignCount,
	}
	if c.Credential.UserHandle != "" {
		rec.UserHandle = mustB64(t, c.Credential.UserHandle)
	}
	if c.Credential.BackupEligible != nil {
		rec.BackupEligible = credential.TristateOf(*c.Credential.BackupEligible)
	}
	resp, err := assertion.Parse(c.Response)
	if err != nil {
		return nil, err
	}
	e := assertion.Expect{
		RPID:                    c.RPID,
		Origins:                 set,
		Challenge:               challenge,
		UserHandle:              rec.UserHandle,
		RequireUserVerification: c.RequireUserVerification,
		AppID:                   c.AppID,
		AllowSHA1:               true,
	}
	for _, id := range c.AllowCredentials {
		e.AllowCredentials = append(e.AllowCredentials, mustB64(t, id))
	}
	return resp.Verify(rec, e)
}

func checkVerdict(t *testing.T, c *fixtureCase, err error) {
	t.Helper()
	if c.Expect.OK {
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted; want %s", c.Expect.Error)
	}
	if got := errcode.Code(err); got != c.Expect.Error {
		t.Fatalf("code %q, want %q (%v)", got, c.Expect.Error, err)
	}
}

func checkRegistration(t *testing.T, c *fixtureCase, r *attestation.Result) {
	x := c.Expect
	if x.Format != nil && r.Format != *x.Format {
		t.Errorf("format %q, want %q", r.Format, *x.Format)
	}
	if x.AttestationType != nil && string(r.Type) != *x.AttestationType {
		t.Errorf("attestationType %q, want %q", r.Type, *x.AttestationType)
	}
	if x.AAGUID != nil && r.Record.AAGUID.String() != *x.AAGUID {
		t.Errorf("aaguid %s, want %s", r.Record.AAGUID, *x.AAGUID)
	}
	if x.CredentialID != nil && b64.Encode(r.Record.ID) != strings.TrimRight(*x.CredentialID, "=") {
		t.Errorf("credentialId differs")
	}
	if x.Alg != nil && int64(r.Record.Alg) != *x.Alg {
		t.Errorf("alg %d, want %d", r.Record.Alg, *x.Alg)
	}
	if x.SignCount != nil && r.Record.SignCount != *x.SignCount {
		t.Errorf("signCount %d, want %d", r.Record.SignCount, *x.SignCount)
	}
	checkFlags(t, c, r.Flags.UserVerified(), r.Flags.BackupEligible(), r.Flags.BackupState())
}

func checkAuthentication(t *testing.T, c *fixtureCase, r *assertion.Result) {
	x := c.Expect
	if x.SignCount != nil && r.SignCount != *x.SignCount {
		t.Errorf("signCount %d, want %d", r.SignCount, *x.SignCount)
	}
	if x.CredentialID != nil && strings.TrimRight(*x.CredentialID, "=") != strings.TrimRight(c.Credential.ID, "=") {
		t.Errorf("credentialId differs")
	}
	checkFlags(t, c, r.UserVerified, r.BackupEligible, r.BackupState)
}

func checkFlags(t *testing.T, c *fixtureCase, uv, be, bs bool) {
	x := c.Expect
	if x.UserVerified != nil && uv != *x.UserVerified {
		t.Errorf("userVerified %v, want %v", uv, *x.UserVerified)
	}
	if x.BackupEligible != nil && be != *x.BackupEligible {
		t.Errorf("backupEligible %v, want %v", be, *x.BackupEligible)
	}
	if x.BackupState != nil && bs != *x.BackupState {
		t.Errorf("backupState %v, want %v", bs, *x.BackupState)
	}
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := b64.DecodeString(s)
	if err != nil {
		t.Fatalf("fixture base64url %q: %v", s, err)
	}
	return b
}
