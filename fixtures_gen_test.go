package passkey_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopasskey/passkey/passkeytest"
)

// The cases under testdata/fixtures/passkeytest are made by the passkeytest
// authenticator, which shares no code with the verifiers, so a misreading of
// the specification on either side shows up as a failing case. They are
// written by TestGenerateFixtures and run, like every other case, by
// TestFixtures:
//
//	go test -run TestGenerateFixtures -update-fixtures .

var updateFixtures = flag.Bool("update-fixtures", false,
	"regenerate testdata/fixtures/passkeytest with the passkeytest authenticator")

const (
	genDir    = "testdata/fixtures/passkeytest"
	genSource = "passkeytest (this repository, Apache-2.0)"
	genRPID   = "example.com"
	genOrigin = "https://example.com"
	// genVerifyAt lies inside the test CA's default validity (2024 to 2099).
	genVerifyAt = "2025-06-01T00:00:00Z"
	genAppID    = "https://example.com/appid.json"
	genTop      = "https://portal.example.net"
)

// genAAGUID is the AAGUID of every generated authenticator except the U2F
// ones, whose AAGUID is zero.
func genAAGUID() [16]byte {
	return [16]byte{0x7a, 0x1c, 0x3e, 0x55, 0x2b, 0x90, 0x4d, 0x61, 0x8f, 0x0e, 0x5a, 0xc4, 0x19, 0xd2, 0x77, 0x03}
}

// genCase is one case of SCHEMA.md, in the member order of the schema.
type genCase struct {
	Schema                  int             `json:"schema"`
	Name                    string          `json:"name"`
	Source                  string          `json:"source"`
	Description             string          `json:"description"`
	Ceremony                string          `json:"ceremony"`
	RPID                    string          `json:"rpId"`
	Origins                 []string        `json:"origins"`
	AllowCrossOrigin        bool            `json:"allowCrossOrigin,omitempty"`
	TopOrigins              []string        `json:"topOrigins,omitempty"`
	Challenge               string          `json:"challenge"`
	RequireUserVerification bool            `json:"requireUserVerification,omitempty"`
	AllowedAlgorithms       []int64         `json:"allowedAlgorithms,omitempty"`
	VerifyAt                string          `json:"verifyAt,omitempty"`
	TrustAnchors            []string        `json:"trustAnchors,omitempty"`
	Mediation               string          `json:"mediation,omitempty"`
	AllowCredentials        []string        `json:"allowCredentials,omitempty"`
	AppID                   string          `json:"appid,omitempty"`
	Response                json.RawMessage `json:"response"`
	Credential              *genCredential  `json:"credential,omitempty"`
	Expect                  genExpect       `json:"expect"`
}

type genCredential struct {
	ID             string `json:"id"`
	PublicKey      string `json:"publicKey"`
	SignCount      uint32 `json:"signCount"`
	UserHandle     string `json:"userHandle,omitempty"`
	BackupEligible bool   `json:"backupEligible"`
}

type genExpect struct {
	OK              bool    `json:"ok"`
	Error           string  `json:"error,omitempty"`
	Format          *string `json:"format,omitempty"`
	AttestationType *string `json:"attestationType,omitempty"`
	AAGUID          *string `json:"aaguid,omitempty"`
	CredentialID    *string `json:"credentialId,omitempty"`
	Alg             *int64  `json:"alg,omitempty"`
	SignCount       *uint32 `json:"signCount,omitempty"`
	UserVerified    *bool   `json:"userVerified,omitempty"`
	BackupEligible  *bool   `json:"backupEligible,omitempty"`
	BackupState     *bool   `json:"backupState,omitempty"`
}

func genPtr[T any](v T) *T { return &v }

func genB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// genBytes returns n bytes fixed by label, for challenges and user handles.
func genBytes(n int, label string) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		h := sha256.Sum256(fmt.Appendf(nil, "passkey fixtures %s %d", label, i))
		out = append(out, h[:]...)
	}
	return out[:n]
}

func genUUID(b [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// genAlgName names a COSE algorithm in case names.
func genAlgName(alg int64) string {
	switch alg {
	case passkeytest.AlgES256:
		return "es256"
	case passkeytest.AlgES384:
		return "es384"
	case passkeytest.AlgES512:
		return "es512"
	case passkeytest.AlgESP256:
		return "esp256"
	case passkeytest.AlgESP384:
		return "esp384"
	case passkeytest.AlgESP512:
		return "esp512"
	case passkeytest.AlgEdDSA:
		return "eddsa"
	case passkeytest.AlgEd25519:
		return "ed25519"
	case passkeytest.AlgEd448:
		return "ed448"
	case passkeytest.AlgRS256:
		return "rs256"
	case passkeytest.AlgRS384:
		return "rs384"
	case passkeytest.AlgRS512:
		return "rs512"
	case passkeytest.AlgPS256:
		return "ps256"
	case passkeytest.AlgPS384:
		return "ps384"
	case passkeytest.AlgPS512:
		return "ps512"
	case passkeytest.AlgMLDSA44:
		return "ml-dsa-44"
	case passkeytest.AlgMLDSA65:
		return "ml-dsa-65"
	case passkeytest.AlgMLDSA87:
		return "ml-dsa-87"
	}
	return ""
}

// fixtureGenerator collects the cases of one run.
type fixtureGenerator struct {
	t     *testing.T
	cases []*genCase
	names map[string]bool
}

func (g *fixtureGenerator) add(c *genCase) {
	g.t.Helper()
	if g.names[c.Name] {
		g.t.Fatalf("duplicate case name %s", c.Name)
	}
	g.names[c.Name] = true
	c.Schema = 1
	c.Source = genSource
	if c.RPID == "" {
		c.RPID = genRPID
	}
	if c.Origins == nil {
		c.Origins = []string{genOrigin}
	}
	if c.Expect.OK {
		g.checkFlags(c)
	}
	g.cases = append(g.cases, c)
}

// checkFlags compares a positive case's expected UV, BE and BS with the flags
// byte passkeytest wrote, so that an expectation stated from intent cannot
// silently disagree with the bytes.
func (g *fixtureGenerator) checkFlags(c *genCase) {
	g.t.Helper()
	var r struct {
		Response struct {
			AuthenticatorData string `json:"authenticatorData"`
		} `json:"response"`
	}
	if err := json.Unmarshal(c.Response, &r); err != nil {
		g.t.Fatalf("%s: %v", c.Name, err)
	}
	ad, err := base64.RawURLEncoding.DecodeString(r.Response.AuthenticatorData)
	if err != nil || len(ad) < 37 {
		g.t.Fatalf("%s: authenticatorData unreadable", c.Name)
	}
	f := ad[32]
	for _, x := range []struct {
		name string
		want *bool
		bit  byte
	}{{"UV", c.Expect.UserVerified, 0x04}, {"BE", c.Expect.BackupEligible, 0x08}, {"BS", c.Expect.BackupState, 0x10}} {
		if x.want != nil && *x.want != (f&x.bit != 0) {
			g.t.Fatalf("%s: expected %s %v, passkeytest wrote flags %#02x", c.Name, x.name, *x.want, f)
		}
	}
}

// genDevice is one passkeytest authenticator with a seed fixed by its label.
type genDevice struct {
	g   *fixtureGenerator
	a   *passkeytest.Authenticator
	cfg passkeytest.Config
}

func (g *fixtureGenerator) device(label string, cfg passkeytest.Config) *genDevice {
	g.t.Helper()
	cfg.Seed = []byte("passkey fixtures " + label)
	if cfg.AAGUID == ([16]byte{}) {
		cfg.AAGUID = genAAGUID()
	}
	a, err := passkeytest.New(cfg)
	if err != nil {
		g.t.Fatalf("%s: %v", label, err)
	}
	return &genDevice{g: g, a: a, cfg: cfg}
}

// trustAnchor is the device's test root as SCHEMA.md spells anchors.
func (d *genDevice) trustAnchor() string {
	return base64.StdEncoding.EncodeToString(d.a.AttestationRoot().Raw)
}

// genRegSpec is one navigator.credentials.create() call.
type genRegSpec struct {
	challenge        []byte
	algs             []int64 // pubKeyCredParams; nil means ES256, EdDSA, RS256
	attestation      string  // conveyance; "" means none
	residentKey      string  // "" means required
	userVerification string  // "" means preferred
	mediation        string
	origin           string // the page; "" means https://example.com
	rpID             string // "" means example.com
	user             string // "" means ada
	tweaks           []passkeytest.Tweak
}

func genDefaultAlgs() []int64 {
	return []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256}
}

func genUserHandle(user string) []byte { return genBytes(16, "user "+user) }

// create runs a registration; it returns the response as passkeytest gave it
// and the credential it made.
func (d *genDevice) create(s genRegSpec) (json.RawMessage, passkeytest.Credential) {
	t := d.g.t
	t.Helper()
	if s.algs == nil {
		s.algs = genDefaultAlgs()
	}
	if s.residentKey == "" {
		s.residentKey = "required"
	}
	if s.userVerification == "" {
		s.userVerification = "preferred"
	}
	if s.origin == "" {
		s.origin = genOrigin
	}
	if s.rpID == "" {
		s.rpID = genRPID
	}
	if s.user == "" {
		s.user = "ada"
	}
	params := make([]map[string]any, 0, len(s.algs))
	for _, alg := range s.algs {
		params = append(params, map[string]any{"type": "public-key", "alg": alg})
	}
	opts := map[string]any{
		"rp":                     map[string]any{"id": s.rpID, "name": "Example"},
		"user":                   map[string]any{"id": genB64(genUserHandle(s.user)), "name": s.user + "@example.com", "displayName": s.user},
		"challenge":              genB64(s.challenge),
		"pubKeyCredParams":       params,
		"authenticatorSelection": map[string]any{"residentKey": s.residentKey, "userVerification": s.userVerification},
		"attestation":            s.attestation,
	}
	wrapped := map[string]any{"publicKey": opts}
	if s.mediation != "" {
		wrapped["mediation"] = s.mediation
	}
	body, err := json.Marshal(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.a.Create(body, s.origin, s.tweaks...)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	creds := d.a.Credentials()
	return resp, creds[len(creds)-1]
}

// genGetSpec is one navigator.credentials.get() call.
type genGetSpec struct {
	challenge        []byte
	allow            [][]byte
	userVerification string // "" means preferred
	appid            string
	origin           string // "" means https://example.com
	rpID             string // "" means example.com
	tweaks           []passkeytest.Tweak
}

// get runs an assertion and returns the response as passkeytest gave it.
func (d *genDevice) get(s genGetSpec) json.RawMessage {
	t := d.g.t
	t.Helper()
	if s.userVerification == "" {
		s.userVerification = "preferred"
	}
	if s.origin == "" {
		s.origin = genOrigin
	}
	if s.rpID == "" {
		s.rpID = genRPID
	}
	allow := make([]map[string]any, 0, len(s.allow))
	for _, id := range s.allow {
		allow = append(allow, map[string]any{"type": "public-key", "id": genB64(id)})
	}
	opts := map[string]any{
		"challenge":        genB64(s.challenge),
		"rpId":             s.rpID,
		"allowCredentials": allow,
		"userVerification": s.userVerification,
	}
	if s.appid != "" {
		opts["extensions"] = map[string]any{"appid": s.appid}
	}
	body, err := json.Marshal(map[string]any{"publicKey": opts})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.a.Get(body, s.origin, s.tweaks...)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	return resp
}

// held returns the device's current view of a credential (its counter moves
// with every assertion).
func (d *genDevice) held(id []byte) passkeytest.Credential {
	d.g.t.Helper()
	for _, c := range d.a.Credentials() {
		if bytes.Equal(c.ID, id) {
			return c
		}
	}
	d.g.t.Fatalf("credential not held")
	return passkeytest.Credential{}
}

// genStored is the relying party's record of c, as it stood after its last
// successful ceremony.
func genStored(c passkeytest.Credential, backupEligible bool) *genCredential {
	return &genCredential{
		ID:             genB64(c.ID),
		PublicKey:      genB64(c.PublicKey),
		SignCount:      c.SignCount,
		UserHandle:     genB64(c.UserHandle),
		BackupEligible: backupEligible,
	}
}

// genRegOK is the expectation of an accepted registration.
func genRegOK(format, typ string, aaguid [16]byte, c passkeytest.Credential, uv, be, bs bool) genExpect {
	return genExpect{
		OK: true, Format: genPtr(format), AttestationType: genPtr(typ), AAGUID: genPtr(genUUID(aaguid)),
		CredentialID: genPtr(genB64(c.ID)), Alg: genPtr(c.Algorithm), SignCount: genPtr(c.SignCount),
		UserVerified: genPtr(uv), BackupEligible: genPtr(be), BackupState: genPtr(bs),
	}
}

// genAuthOK is the expectation of an accepted assertion; c is the credential as
// the device holds it after answering.
func genAuthOK(c passkeytest.Credential, uv, be, bs bool) genExpect {
	return genExpect{
		OK: true, CredentialID: genPtr(genB64(c.ID)), Alg: genPtr(c.Algorithm), SignCount: genPtr(c.SignCount),
		UserVerified: genPtr(uv), BackupEligible: genPtr(be), BackupState: genPtr(bs),
	}
}

func genFail(code string) genExpect { return genExpect{Error: code} }

func genChallenge(name string) []byte { return genBytes(32, "challenge "+name) }

// genFlipLast returns b with its last byte changed: inside the s integer of a
// DER ECDSA signature, so the encoding stays valid and only the value breaks.
func genFlipLast(b []byte) []byte {
	out := slices.Clone(b)
	out[len(out)-1] ^= 0x01
	return out
}

func (g *fixtureGenerator) all() {
	g.algorithmCases()
	g.attestationCases()
	g.registrationCases()
	g.authenticationCases()
	g.registrationFailures()
	g.authenticationFailures()
}

// algorithmCases: a none registration and an assertion for every algorithm
// passkeytest can create credentials for.
func (g *fixtureGenerator) algorithmCases() {
	for _, alg := range passkeytest.SupportedAlgorithms() {
		an := genAlgName(alg)
		if an == "" {
			g.t.Fatalf("passkeytest supports algorithm %d, which this generator does not name", alg)
		}
		d := g.device("alg "+an, passkeytest.Config{})
		reg := "none-" + an
		resp, cred := d.create(genRegSpec{challenge: genChallenge(reg), algs: []int64{alg}, residentKey: "discouraged"})
		g.add(&genCase{
			Name: reg, Ceremony: "registration", Challenge: genB64(genChallenge(reg)),
			Description:       fmt.Sprintf("%s credential (alg %d), none attestation, non-discoverable, UV", an, alg),
			AllowedAlgorithms: []int64{alg}, Response: resp,
			Expect: genRegOK("none", "none", genAAGUID(), cred, true, false, false),
		})
		auth := "auth-" + an
		before := d.held(cred.ID)
		resp = d.get(genGetSpec{challenge: genChallenge(auth), allow: [][]byte{cred.ID}})
		g.add(&genCase{
			Name: auth, Ceremony: "authentication", Challenge: genB64(genChallenge(auth)),
			Description:      fmt.Sprintf("%s assertion (alg %d) for the credential of %s, listed in allowCredentials", an, alg, reg),
			AllowCredentials: []string{genB64(cred.ID)}, Response: resp, Credential: genStored(before, false),
			Expect: genAuthOK(d.held(cred.ID), true, false, false),
		})
	}
}

// attestationCases: packed self, packed with x5c and fido-u2f statements.
func (g *fixtureGenerator) attestationCases() {
	for _, alg := range []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256} {
		name := "packed-self-" + genAlgName(alg)
		d := g.device(name, passkeytest.Config{Attestation: passkeytest.AttestationPackedSelf})
		resp, cred := d.create(genRegSpec{challenge: genChallenge(name), algs: []int64{alg}, attestation: "direct"})
		g.add(&genCase{
			Name: name, Ceremony: "registration", Challenge: genB64(genChallenge(name)),
			Description:       fmt.Sprintf("packed self attestation signed by the %s credential key itself", genAlgName(alg)),
			AllowedAlgorithms: []int64{alg}, Response: resp,
			Expect: genRegOK("packed", "self", genAAGUID(), cred, true, false, false),
		})
	}

	for _, x := range []struct {
		name, desc   string
		intermediate bool
		anchored     bool
	}{
		{"packed-x5c-es256", "packed attestation, ES256 attestation key, x5c [leaf] chaining to the test root given as trust anchor", false, true},
		{"packed-x5c-es256-intermediate", "packed attestation, ES256 attestation key, x5c [leaf, intermediate] chaining to the test root given as trust anchor", true, true},
		{"packed-x5c-es256-no-anchors", "packed attestation with x5c [leaf] and no trust anchors: verified, not anchored", false, false},
	} {
		d := g.device(x.name, passkeytest.Config{Attestation: passkeytest.AttestationPacked, Intermediate: x.intermediate})
		resp, cred := d.create(genRegSpec{challenge: genChallenge(x.name), algs: []int64{passkeytest.AlgES256}, attestation: "direct"})
		c := &genCase{
			Name: x.name, Ceremony: "registration", Challenge: genB64(genChallenge(x.name)), Description: x.desc,
			AllowedAlgorithms: []int64{passkeytest.AlgES256}, VerifyAt: genVerifyAt, Response: resp,
			Expect: genRegOK("packed", "basic", genAAGUID(), cred, true, false, false),
		}
		if x.anchored {
			c.TrustAnchors = []string{d.trustAnchor()}
		}
		g.add(c)
	}

	for _, x := range []struct {
		name, desc string
		anchored   bool
	}{
		{"fido-u2f", "fido-u2f attestation from a U2F-style key, certificate issued by the test root given as trust anchor", true},
		{"fido-u2f-no-anchors", "fido-u2f attestation with no trust anchors: verified, not anchored", false},
	} {
		d := g.device(x.name, passkeytest.Config{Attestation: passkeytest.AttestationFIDOU2F, Attachment: "cross-platform"})
		resp, cred := d.create(genRegSpec{challenge: genChallenge(x.name), algs: []int64{passkeytest.AlgES256},
			attestation: "direct", residentKey: "discouraged", userVerification: "discouraged"})
		c := &genCase{
			Name: x.name, Ceremony: "registration", Challenge: genB64(genChallenge(x.name)), Description: x.desc,
			AllowedAlgorithms: []int64{passkeytest.AlgES256}, VerifyAt: genVerifyAt, Response: resp,
			Expect: genRegOK("fido-u2f", "basic", [16]byte{}, cred, false, false, false),
		}
		if x.anchored {
			c.TrustAnchors = []string{d.trustAnchor()}
		}
		g.add(c)
	}
}

// registrationCases: accepted registrations shaped by the ceremony rather
// than the statement.
func (g *fixtureGenerator) registrationCases() {
	{
		name := "none-conditional-create"
		d := g.device(name, passkeytest.Config{})
		resp, cred := d.create(genRegSpec{challenge: genChallenge(name), mediation: "conditional"})
		g.add(&genCase{
			Name: name, Ceremony: "registration", Challenge: genB64(genChallenge(name)), Mediation: "conditional",
			Description:       "automatic passkey upgrade (mediation conditional): UP clear, UV set, accepted",
			AllowedAlgorithms: genDefaultAlgs(), Response: resp,
			Expect: genRegOK("none", "none", genAAGUID(), cred, true, false, false),
		})
	}
	{
		name := "none-localhost"
		d := g.device(name, passkeytest.Config{})
		resp, cred := d.create(genRegSpec{challenge: genChallenge(name), origin: "http://localhost:8080", rpID: "localhost"})
		g.add(&genCase{
			Name: name, Ceremony: "registration", Challenge: genB64(genChallenge(name)),
			RPID: "localhost", Origins: []string{"http://localhost:8080"},
			Description:       "none registration on a development origin, http://localhost:8080 with RP ID localhost",
			AllowedAlgorithms: genDefaultAlgs(), Response: resp,
			Expect: genRegOK("none", "none", genAAGUID(), cred, true, false, false),
		})
	}

	// Cross-origin iframe, credential with a 1023-byte ID and a synced
	// passkey: each a registration and an assertion with its credential.
	{
		d := g.device("cross-origin", passkeytest.Config{})
		reg, auth := "none-cross-origin-top-origin", "auth-cross-origin-top-origin"
		iframe := func(k *passkeytest.Knobs) { k.CrossOrigin, k.TopOrigin = true, genTop }
		resp, cred := d.create(genRegSpec{challenge: genChallenge(reg), tweaks: []passkeytest.Tweak{iframe}})
		g.add(&genCase{
			Name: reg, Ceremony: "registration", Challenge: genB64(genChallenge(reg)),
			AllowCrossOrigin: true, TopOrigins: []string{genTop},
			Description:       "registration in a cross-origin iframe (crossOrigin true, topOrigin " + genTop + "), which the RP allows for that top origin",
			AllowedAlgorithms: genDefaultAlgs(), Response: resp,
			Expect: genRegOK("none", "none", genAAGUID(), cred, true, false, false),
		})
		before := d.held(cred.ID)
		resp = d.get(genGetSpec{challenge: genChallenge(auth), tweaks: []passkeytest.Tweak{iframe}})
		g.add(&genCase{
			Name: auth, Ceremony: "authentication", Challenge: genB64(genChallenge(auth)),
			AllowCrossOrigin: true, TopOrigins: []string{genTop},
			Description: "assertion in a cross-origin iframe (crossOrigin true, topOrigin " + genTop + "), which the RP allows for that top origin",
			Response:    resp, Credential: genStored(before, false),
			Expect: genAuthOK(d.held(cred.ID), true, false, false),
		})
	}
	{
		d := g.device("credential-id-1023", passkeytest.Config{CredentialIDLength: 1023})
		reg, auth := "none-credential-id-1023", "auth-credential-id-1023"
		resp, cred := d.create(genRegSpec{challenge: genChallenge(reg)})
		if len(cred.ID) != 1023 {
			g.t.Fatalf("%s: credential ID of %d bytes", reg, len(cred.ID))
		}
		g.add(&genCase{
			Name: reg, Ceremony: "registration", Challenge: genB64(genChallenge(reg)),
			Description:       "credential ID of 1023 bytes, the longest the specification allows",
			AllowedAlgorithms: genDefaultAlgs(), Response: resp,
			Expect: genRegOK("none", "none", genAAGUID(), cred, true, false, false),
		})
		before := d.held(cred.ID)
		resp = d.get(genGetSpec{challenge: genChallenge(auth), allow: [][]byte{cred.ID}})
		g.add(&genCase{
			Name: auth, Ceremony: "authentication", Challenge: genB64(genChallenge(auth)),
			Description:      "assertion with a 1023-byte credential ID, listed in allowCredentials",
			AllowCredentials: []string{genB64(cred.ID)}, Response: resp, Credential: genStored(before, false),
			Expect: genAuthOK(d.held(cred.ID), true, false, false),
		})
	}
	{
		d := g.device("synced", passkeytest.Config{BackupEligible: true, BackupState: true})
		reg, auth := "none-synced-passkey", "auth-synced-passkey"
		resp, cred := d.create(genRegSpec{challenge: genChallenge(reg)})
		g.add(&genCase{
			Name: reg, Ceremony: "registration", Challenge: genB64(genChallenge(reg)),
			Description:       "synced passkey: BE and BS set",
			AllowedAlgorithms: genDefaultAlgs(), Response: resp,
			Expect: genRegOK("none", "none", genAAGUID(), cred, true, true, true),
		})
		before := d.held(cred.ID)
		resp = d.get(genGetSpec{challenge: genChallenge(auth)})
		g.add(&genCase{
			Name: auth, Ceremony: "authentication", Challenge: genB64(genChallenge(auth)),
			Description: "synced passkey assertion: BE and BS set, BE stored as true at registration",
			Response:    resp, Credential: genStored(before, true),
			Expect: genAuthOK(d.held(cred.ID), true, true, true),
		})
	}
}

// authenticationCases: accepted assertions about counters, user handles and
// the appid extension.
func (g *fixtureGenerator) authenticationCases() {
	{
		name := "auth-counter-increasing"
		d := g.device(name, passkeytest.Config{})
		_, cred := d.create(genRegSpec{challenge: genChallenge(name + " registration")})
		d.get(genGetSpec{challenge: genChallenge(name + " first login")})
		before := d.held(cred.ID)
		resp := d.get(genGetSpec{challenge: genChallenge(name)})
		after := d.held(cred.ID)
		if before.SignCount != 1 || after.SignCount != 2 {
			g.t.Fatalf("%s: counters %d then %d", name, before.SignCount, after.SignCount)
		}
		g.add(&genCase{
			Name: name, Ceremony: "authentication", Challenge: genB64(genChallenge(name)),
			Description: "second assertion: the counter goes from the stored 1 to 2",
			Response:    resp, Credential: genStored(before, false),
			Expect: genAuthOK(after, true, false, false),
		})
	}
	{
		name := "auth-counter-both-zero"
		d := g.device(name, passkeytest.Config{})
		_, cred := d.create(genRegSpec{challenge: genChallenge(name + " registration")})
		before := d.held(cred.ID)
		resp := d.get(genGetSpec{challenge: genChallenge(name), tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) {
			k.Counter = passkeytest.CounterZero()
		}}})
		after := d.held(cred.ID)
		if before.SignCount != 0 || after.SignCount != 0 {
			g.t.Fatalf("%s: counters %d then %d", name, before.SignCount, after.SignCount)
		}
		g.add(&genCase{
			Name: name, Ceremony: "authentication", Challenge: genB64(genChallenge(name)),
			Description: "authenticator without a counter: stored 0 and reported 0 is no regression",
			Response:    resp, Credential: genStored(before, false),
			Expect: genAuthOK(after, true, false, false),
		})
	}
	{
		name := "auth-user-handle"
		d := g.device(name, passkeytest.Config{})
		_, cred := d.create(genRegSpec{challenge: genChallenge(name + " registration"), user: "grace"})
		before := d.held(cred.ID)
		resp := d.get(genGetSpec{challenge: genChallenge(name)})
		g.requireMember(name, resp, "userHandle", genB64(cred.UserHandle))
		g.add(&genCase{
			Name: name, Ceremony: "authentication", Challenge: genB64(genChallenge(name)),
			Description: "discoverable credential, empty allowCredentials: userHandle present and equal to the stored one",
			Response:    resp, Credential: genStored(before, false),
			Expect: genAuthOK(d.held(cred.ID), true, false, false),
		})
	}
	{
		name := "auth-appid"
		d, cred := g.appidCredential(name)
		before := d.held(cred.ID)
		resp := d.get(genGetSpec{challenge: genChallenge(name), allow: [][]byte{cred.ID}, appid: genAppID})
		g.add(&genCase{
			Name: name, Ceremony: "authentication", Challenge: genB64(genChallenge(name)), AppID: genAppID,
			Description:      "U2F-era credential: the appid extension was sent and rpIdHash is SHA-256 of the AppID",
			AllowCredentials: []string{genB64(cred.ID)}, Response: resp, Credential: genStored(before, false),
			Expect: genAuthOK(d.held(cred.ID), false, false, false),
		})
	}
}

// appidCredential makes a U2F-era credential registered under genAppID; the
// relying party's record of it comes from the device (its registration is
// not a WebAuthn one).
func (g *fixtureGenerator) appidCredential(name string) (*genDevice, passkeytest.Credential) {
	d := g.device(name, passkeytest.Config{Attachment: "cross-platform"})
	_, cred := d.create(genRegSpec{challenge: genChallenge(name + " registration"), algs: []int64{passkeytest.AlgES256},
		residentKey: "discouraged", userVerification: "discouraged",
		tweaks: []passkeytest.Tweak{func(k *passkeytest.Knobs) { k.AppID = genAppID }}})
	return d, cred
}

// requireMember fails unless the response's response.<member> is want.
func (g *fixtureGenerator) requireMember(name string, resp json.RawMessage, member, want string) {
	g.t.Helper()
	var r struct {
		Response map[string]any `json:"response"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		g.t.Fatalf("%s: %v", name, err)
	}
	if got, _ := r.Response[member].(string); got != want {
		g.t.Fatalf("%s: response.%s is %q, want %q", name, member, got, want)
	}
}

// genRegFail is a registration failure: one knob or hook away from a valid
// registration made by a fresh device.
type genRegFail struct {
	name, desc, code string
	cfg              passkeytest.Config
	spec             genRegSpec
	edit             func(c *genCase, d *genDevice) // the RP's side of the case
}

func (g *fixtureGenerator) registrationFailures() {
	knob := func(f func(k *passkeytest.Knobs)) []passkeytest.Tweak { return []passkeytest.Tweak{f} }
	afterSign := func(f func(r *passkeytest.RawResponse)) []passkeytest.Tweak {
		return knob(func(k *passkeytest.Knobs) { k.TamperAfterSign = f })
	}
	statement := func(f func(st *passkeytest.Statement)) []passkeytest.Tweak {
		return knob(func(k *passkeytest.Knobs) { k.TamperStatement = f })
	}
	anchored := func(c *genCase, d *genDevice) {
		c.TrustAnchors, c.VerifyAt = []string{d.trustAnchor()}, genVerifyAt
	}
	packed := passkeytest.Config{Attestation: passkeytest.AttestationPacked}
	u2f := passkeytest.Config{Attestation: passkeytest.AttestationFIDOU2F, Attachment: "cross-platform"}
	u2fSpec := func(tweaks []passkeytest.Tweak) genRegSpec {
		return genRegSpec{algs: []int64{passkeytest.AlgES256}, attestation: "direct", residentKey: "discouraged",
			userVerification: "discouraged", tweaks: tweaks}
	}
	expired := passkeytest.Config{Attestation: passkeytest.AttestationPacked,
		CertNotBefore: genTime(g.t, "2020-01-01T00:00:00Z"), CertNotAfter: genTime(g.t, "2022-12-31T23:59:59Z")}

	for _, f := range []genRegFail{
		{name: "fail-reg-type-get", code: "type-mismatch",
			desc: "registration whose clientDataJSON type is webauthn.get",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) {
				k.ClientDataExtra = []passkeytest.Member{{Name: "type", Value: json.RawMessage(`"webauthn.get"`)}}
			})}},
		{name: "fail-reg-challenge-mismatch", code: "challenge-mismatch",
			desc: "the client signed another challenge than the one the RP issued",
			edit: func(c *genCase, _ *genDevice) { c.Challenge = genB64(genChallenge(c.Name + " issued")) }},
		{name: "fail-reg-origin-mismatch", code: "origin-mismatch",
			desc: "registration from https://login.example.com (RP ID example.com), an origin the RP does not accept",
			spec: genRegSpec{origin: "https://login.example.com"}},
		{name: "fail-reg-cross-origin-not-allowed", code: "cross-origin-not-allowed",
			desc: "registration in a cross-origin iframe (crossOrigin true) where the RP does not allow cross-origin use",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.CrossOrigin, k.TopOrigin = true, genTop })}},
		{name: "fail-reg-top-origin-not-allowed", code: "cross-origin-not-allowed",
			desc: "cross-origin registration whose topOrigin is not among the top origins the RP allows",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.CrossOrigin, k.TopOrigin = true, "https://evil.example.net" })},
			edit: func(c *genCase, _ *genDevice) { c.AllowCrossOrigin, c.TopOrigins = true, []string{genTop} }},
		{name: "fail-reg-rp-id-mismatch", code: "rp-id-mismatch",
			desc: "authenticator data hashes the RP ID example.org instead of example.com",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.RPID = "example.org" })}},
		{name: "fail-reg-user-not-present", code: "user-not-present",
			desc: "modal registration (no conditional mediation) with UP clear",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.UP = passkeytest.ForceOff })}},
		{name: "fail-reg-user-not-verified", code: "user-not-verified",
			desc: "RP requires user verification; UV clear",
			spec: genRegSpec{userVerification: "required", tweaks: knob(func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff })},
			edit: func(c *genCase, _ *genDevice) { c.RequireUserVerification = true }},
		{name: "fail-reg-backup-state-without-eligibility", code: "backup-flags-invalid",
			desc: "BS set while BE is clear",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.BS, k.BE = passkeytest.ForceOn, passkeytest.ForceOff })}},
		{name: "fail-reg-no-attested-credential-data", code: "missing-credential-data",
			desc: "registration whose authenticator data is the 37-byte header with AT clear (no attested credential data)",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) {
				k.AT = passkeytest.ForceOff
				k.TamperStatement = func(st *passkeytest.Statement) { st.AuthenticatorData = st.AuthenticatorData[:37] }
			})}},
		{name: "fail-reg-at-clear-with-credential-data", code: "malformed-authenticator-data",
			desc: "AT clear while attested credential data follows the header (flags disagree with the data)",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.AT = passkeytest.ForceOff })}},
		{name: "fail-reg-id-mismatch-parse", code: "credential-id-mismatch",
			desc: "id is not the base64url encoding of rawId",
			spec: genRegSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) { r.ID = genB64(genBytes(32, "another credential id")) })}},
		{name: "fail-reg-raw-id-not-attested", code: "credential-id-mismatch",
			desc: "id and rawId agree with each other but not with the credential ID in authenticator data",
			spec: genRegSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) {
				r.RawID = genBytes(32, "another credential id")
				r.ID = genB64(r.RawID)
			})}},
		{name: "fail-reg-alg-not-offered", code: "unsupported-algorithm",
			desc: "ES256 credential key while the RP offered only EdDSA and RS256",
			spec: genRegSpec{algs: []int64{passkeytest.AlgES256}},
			edit: func(c *genCase, _ *genDevice) {
				c.AllowedAlgorithms = []int64{passkeytest.AlgEdDSA, passkeytest.AlgRS256}
			}},
		{name: "fail-reg-esp256-offered-es256", code: "unsupported-algorithm",
			desc: "ESP256 (-9) credential key while the RP offered only ES256 (-7): algorithms match by identifier",
			spec: genRegSpec{algs: []int64{passkeytest.AlgESP256}},
			edit: func(c *genCase, _ *genDevice) { c.AllowedAlgorithms = []int64{passkeytest.AlgES256} }},
		{name: "fail-reg-es256-point-off-curve", code: "malformed-public-key",
			desc: "ES256 credential key whose point is not on P-256",
			spec: genRegSpec{algs: []int64{passkeytest.AlgES256}, tweaks: knob(func(k *passkeytest.Knobs) {
				k.TamperCOSEKey = func(key map[int64]any) { key[-3] = genOffCurveY(g.t, key[-2], key[-3]) }
			})}},
		{name: "fail-reg-unknown-format", code: "unsupported-attestation-format",
			desc: "packed self statement under the fmt name packed-x, a format no one defines",
			cfg:  passkeytest.Config{Attestation: passkeytest.AttestationPackedSelf},
			spec: genRegSpec{attestation: "direct", tweaks: statement(func(st *passkeytest.Statement) { st.Format = "packed-x" })}},
		{name: "fail-reg-packed-x5c-bad-signature", code: "attestation-invalid",
			desc: "packed x5c statement whose signature is altered (last byte), chain to the given trust anchor otherwise valid",
			cfg:  packed, spec: genRegSpec{attestation: "direct", algs: []int64{passkeytest.AlgES256},
				tweaks: statement(func(st *passkeytest.Statement) { st.AttStmt["sig"] = genFlipLast(st.AttStmt["sig"].([]byte)) })},
			edit: anchored},
		{name: "fail-reg-packed-self-bad-signature", code: "attestation-invalid",
			desc: "packed self statement whose signature is altered (last byte)",
			cfg:  passkeytest.Config{Attestation: passkeytest.AttestationPackedSelf},
			spec: genRegSpec{attestation: "direct", algs: []int64{passkeytest.AlgES256},
				tweaks: statement(func(st *passkeytest.Statement) { st.AttStmt["sig"] = genFlipLast(st.AttStmt["sig"].([]byte)) })}},
		{name: "fail-reg-fido-u2f-bad-signature", code: "attestation-invalid",
			desc: "fido-u2f statement whose signature is altered (last byte), certificate from the given trust anchor",
			cfg:  u2f, spec: u2fSpec(statement(func(st *passkeytest.Statement) { st.AttStmt["sig"] = genFlipLast(st.AttStmt["sig"].([]byte)) })),
			edit: anchored},
		{name: "fail-reg-none-with-statement", code: "attestation-invalid",
			desc: "fmt none with a non-empty attStmt",
			spec: genRegSpec{tweaks: statement(func(st *passkeytest.Statement) {
				st.AttStmt["alg"] = passkeytest.AlgES256
				st.AttStmt["sig"] = genBytes(70, "not a signature")
			})}},
		{name: "fail-reg-packed-x5c-expired", code: "attestation-untrusted",
			desc: "packed x5c whose certificates expired at the end of 2022, verified in 2025 against their own root",
			cfg:  expired, spec: genRegSpec{attestation: "direct", algs: []int64{passkeytest.AlgES256}},
			edit: anchored},
		{name: "fail-reg-packed-x5c-expired-no-anchors", code: "attestation-untrusted",
			desc: "packed x5c whose certificates expired at the end of 2022, verified in 2025, no trust anchors",
			cfg:  expired, spec: genRegSpec{attestation: "direct", algs: []int64{passkeytest.AlgES256}},
			edit: func(c *genCase, _ *genDevice) { c.VerifyAt = genVerifyAt }},
		{name: "fail-reg-packed-x5c-not-yet-valid", code: "attestation-untrusted",
			desc: "packed x5c whose certificates are valid from 2024, verified in 2023 against their own root",
			cfg:  packed, spec: genRegSpec{attestation: "direct", algs: []int64{passkeytest.AlgES256}},
			edit: func(c *genCase, d *genDevice) { anchored(c, d); c.VerifyAt = "2023-06-01T00:00:00Z" }},
		{name: "fail-reg-packed-x5c-other-root", code: "attestation-untrusted",
			desc: "packed x5c from one test CA, with another test CA's root as the only trust anchor",
			cfg:  packed, spec: genRegSpec{attestation: "direct", algs: []int64{passkeytest.AlgES256}},
			edit: func(c *genCase, _ *genDevice) {
				other := g.device(c.Name+" other CA", passkeytest.Config{Attestation: passkeytest.AttestationPacked})
				c.TrustAnchors, c.VerifyAt = []string{other.trustAnchor()}, genVerifyAt
			}},
		{name: "fail-reg-fido-u2f-other-root", code: "attestation-untrusted",
			desc: "fido-u2f certificate from one test CA, with another test CA's root as the only trust anchor",
			cfg:  u2f, spec: u2fSpec(nil),
			edit: func(c *genCase, _ *genDevice) {
				other := g.device(c.Name+" other CA", passkeytest.Config{Attestation: passkeytest.AttestationFIDOU2F})
				c.TrustAnchors, c.VerifyAt = []string{other.trustAnchor()}, genVerifyAt
			}},
		{name: "fail-reg-self-with-anchors", code: "attestation-type-not-allowed",
			desc: "valid packed self attestation where the RP requires a chain to its trust anchors",
			cfg:  passkeytest.Config{Attestation: passkeytest.AttestationPackedSelf},
			spec: genRegSpec{attestation: "direct"}, edit: anchored},
		{name: "fail-reg-none-with-anchors", code: "attestation-type-not-allowed",
			desc: "valid none attestation where the RP requires a chain to its trust anchors",
			spec: genRegSpec{}, edit: anchored},
		{name: "fail-reg-attestation-object-garbage", code: "malformed-attestation-object",
			desc: "attestationObject replaced by bytes that are not CBOR",
			spec: genRegSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) {
				r.AttestationObject = append([]byte{0xde, 0xad, 0xbe, 0xef}, "not an attestation object"...)
			})}},
		{name: "fail-reg-authdata-truncated-header", code: "malformed-authenticator-data",
			desc: "attestation object re-encoded with authenticator data cut to 30 bytes, shorter than its fixed header",
			spec: genRegSpec{tweaks: statement(func(st *passkeytest.Statement) { st.AuthenticatorData = st.AuthenticatorData[:30] })}},
		{name: "fail-reg-authdata-truncated-credential-id", code: "malformed-authenticator-data",
			desc: "attestation object re-encoded with authenticator data cut inside the credential ID",
			spec: genRegSpec{tweaks: statement(func(st *passkeytest.Statement) { st.AuthenticatorData = st.AuthenticatorData[:37+16+2+10] })}},
		{name: "fail-reg-client-data-not-json", code: "malformed-client-data",
			desc: "clientDataJSON is not JSON",
			spec: genRegSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.ClientDataRaw = []byte("not json") })}},
		{name: "fail-reg-id-missing", code: "malformed-response",
			desc: "RegistrationResponseJSON without its id member",
			spec: genRegSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) { r.ID = "" })}},
	} {
		d := g.device(f.name, f.cfg)
		f.spec.challenge = genChallenge(f.name)
		resp, _ := d.create(f.spec)
		algs := f.spec.algs
		if algs == nil {
			algs = genDefaultAlgs()
		}
		c := &genCase{
			Name: f.name, Ceremony: "registration", Challenge: genB64(f.spec.challenge), Description: f.desc,
			AllowedAlgorithms: algs, Response: resp, Expect: genFail(f.code),
		}
		if f.cfg.Attestation == passkeytest.AttestationPacked || f.cfg.Attestation == passkeytest.AttestationFIDOU2F {
			c.VerifyAt = genVerifyAt
		}
		if f.edit != nil {
			f.edit(c, d)
		}
		g.add(c)
	}
}

// genOffCurveY changes y so that (x, y) is not a P-256 point.
func genOffCurveY(t *testing.T, x, y any) []byte {
	xb, yb := x.([]byte), slices.Clone(y.([]byte))
	for i := byte(1); i != 0; i++ {
		yb[len(yb)-1] ^= i
		if _, err := ecdh.P256().NewPublicKey(slices.Concat([]byte{4}, xb, yb)); err != nil {
			return yb
		}
		yb[len(yb)-1] ^= i
	}
	t.Fatal("no off-curve y found")
	return nil
}

// genTime parses an RFC 3339 time.
func genTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// genAuthFail is an authentication failure: one knob, hook or stored value away
// from a valid assertion.
type genAuthFail struct {
	name, desc, code string
	cfg              passkeytest.Config
	spec             genGetSpec
	// edit is the RP's side of the case; c.Credential is already the record
	// of the asserted credential.
	edit func(c *genCase, d *genDevice)
}

func (g *fixtureGenerator) authenticationFailures() {
	knob := func(f func(k *passkeytest.Knobs)) []passkeytest.Tweak { return []passkeytest.Tweak{f} }
	afterSign := func(f func(r *passkeytest.RawResponse)) []passkeytest.Tweak {
		return knob(func(k *passkeytest.Knobs) { k.TamperAfterSign = f })
	}
	for _, f := range []genAuthFail{
		{name: "fail-auth-bad-signature", code: "signature-invalid",
			desc: "ES256 assertion whose signature is altered (last byte)",
			spec: genGetSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) { r.Signature = genFlipLast(r.Signature) })}},
		{name: "fail-auth-counter-equal", code: "sign-count-regression",
			desc: "the counter reported (1) equals the stored one (1)",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(1) })},
			edit: func(c *genCase, _ *genDevice) { c.Credential.SignCount = 1 }},
		{name: "fail-auth-counter-backwards", code: "sign-count-regression",
			desc: "the counter reported (5) is below the stored one (7), as from a cloned authenticator",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.Counter = passkeytest.CounterFixed(5) })},
			edit: func(c *genCase, _ *genDevice) { c.Credential.SignCount = 7 }},
		{name: "fail-auth-backup-eligibility-changed", code: "backup-eligibility-changed",
			desc: "credential stored with BE true; the assertion has BE (and BS) clear",
			cfg:  passkeytest.Config{BackupEligible: true},
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.BE = passkeytest.ForceOff })}},
		{name: "fail-auth-user-handle-mismatch", code: "user-handle-mismatch",
			desc: "discoverable credential whose assertion carries another user's handle",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.UserHandle = genUserHandle("mallory") })}},
		{name: "fail-auth-not-in-allow-credentials", code: "unknown-credential",
			desc: "assertion by a credential the RP did not list in allowCredentials",
			edit: func(c *genCase, d *genDevice) {
				_, other := d.create(genRegSpec{challenge: genChallenge(c.Name + " other registration"), user: "bob"})
				c.AllowCredentials = []string{genB64(other.ID)}
			}},
		{name: "fail-auth-not-the-stored-credential", code: "unknown-credential",
			desc: "the stored credential is another one of the same user than the asserted credential",
			edit: func(c *genCase, d *genDevice) {
				_, other := d.create(genRegSpec{challenge: genChallenge(c.Name + " other registration"), residentKey: "discouraged"})
				c.Credential = genStored(other, false)
			}},
		{name: "fail-auth-user-not-present", code: "user-not-present",
			desc: "assertion with UP clear",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.UP = passkeytest.ForceOff })}},
		{name: "fail-auth-user-not-verified", code: "user-not-verified",
			desc: "RP requires user verification; UV clear",
			spec: genGetSpec{userVerification: "required", tweaks: knob(func(k *passkeytest.Knobs) { k.UV = passkeytest.ForceOff })},
			edit: func(c *genCase, _ *genDevice) { c.RequireUserVerification = true }},
		{name: "fail-auth-backup-state-without-eligibility", code: "backup-flags-invalid",
			desc: "assertion with BS set while BE is clear",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.BS, k.BE = passkeytest.ForceOn, passkeytest.ForceOff })}},
		{name: "fail-auth-rp-id-mismatch", code: "rp-id-mismatch",
			desc: "authenticator data hashes the RP ID example.org instead of example.com",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.RPID = "example.org" })}},
		{name: "fail-auth-challenge-mismatch", code: "challenge-mismatch",
			desc: "the client signed another challenge than the one the RP issued",
			edit: func(c *genCase, _ *genDevice) { c.Challenge = genB64(genChallenge(c.Name + " issued")) }},
		{name: "fail-auth-origin-mismatch", code: "origin-mismatch",
			desc: "assertion from https://login.example.com (RP ID example.com), an origin the RP does not accept",
			spec: genGetSpec{origin: "https://login.example.com"}},
		{name: "fail-auth-type-create", code: "type-mismatch",
			desc: "assertion whose clientDataJSON type is webauthn.create",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) {
				k.ClientDataExtra = []passkeytest.Member{{Name: "type", Value: json.RawMessage(`"webauthn.create"`)}}
			})}},
		{name: "fail-auth-cross-origin-not-allowed", code: "cross-origin-not-allowed",
			desc: "assertion in a cross-origin iframe (crossOrigin true) where the RP does not allow cross-origin use",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.CrossOrigin, k.TopOrigin = true, genTop })}},
		{name: "fail-auth-client-data-not-json", code: "malformed-client-data",
			desc: "clientDataJSON is not JSON",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.ClientDataRaw = []byte("not json") })}},
		{name: "fail-auth-authdata-truncated", code: "malformed-authenticator-data",
			desc: "authenticator data cut to 36 bytes, one short of its fixed header",
			spec: genGetSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) { r.AuthenticatorData = r.AuthenticatorData[:36] })}},
		{name: "fail-auth-ed-without-extensions", code: "malformed-authenticator-data",
			desc: "signed authenticator data with ED set and no extension map after the header",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.ED = passkeytest.ForceOn })}},
		{name: "fail-auth-at-without-credential-data", code: "malformed-authenticator-data",
			desc: "signed authenticator data with AT set and no attested credential data after the header",
			spec: genGetSpec{tweaks: knob(func(k *passkeytest.Knobs) { k.AT = passkeytest.ForceOn })}},
		{name: "fail-auth-stored-key-garbage", code: "malformed-public-key",
			desc: "valid assertion, but the stored public key is not a COSE key",
			edit: func(c *genCase, _ *genDevice) {
				c.Credential.PublicKey = genB64(append([]byte{0xde, 0xad, 0xbe, 0xef}, "not a COSE key"...))
			}},
		{name: "fail-auth-id-missing", code: "malformed-response",
			desc: "AuthenticationResponseJSON without its id member",
			spec: genGetSpec{tweaks: afterSign(func(r *passkeytest.RawResponse) { r.ID = "" })}},
	} {
		d := g.device(f.name, f.cfg)
		_, cred := d.create(genRegSpec{challenge: genChallenge(f.name + " registration")})
		before := d.held(cred.ID)
		c := &genCase{Name: f.name, Ceremony: "authentication", Description: f.desc,
			Credential: genStored(before, f.cfg.BackupEligible), Expect: genFail(f.code)}
		if f.edit != nil {
			// The RP's side may register more credentials; the assertion
			// comes after, so pin the one asserted.
			f.edit(c, d)
		}
		f.spec.challenge = genChallenge(f.name)
		if c.Challenge == "" {
			c.Challenge = genB64(f.spec.challenge)
		}
		f.spec.tweaks = append([]passkeytest.Tweak{func(k *passkeytest.Knobs) { k.CredentialID = cred.ID }}, f.spec.tweaks...)
		c.Response = d.get(f.spec)
		g.add(c)
	}

	{
		name := "fail-auth-appid-not-sent"
		d, cred := g.appidCredential(name)
		before := d.held(cred.ID)
		resp := d.get(genGetSpec{challenge: genChallenge(name), allow: [][]byte{cred.ID}, appid: genAppID})
		g.add(&genCase{
			Name: name, Ceremony: "authentication", Challenge: genB64(genChallenge(name)),
			Description:      "rpIdHash is SHA-256 of an AppID, but the RP did not send the appid extension",
			AllowCredentials: []string{genB64(cred.ID)}, Response: resp, Credential: genStored(before, false),
			Expect: genFail("rp-id-mismatch"),
		})
	}
}

// generateFixtures builds every case and encodes each as its file's bytes.
func generateFixtures(t *testing.T) map[string][]byte {
	g := &fixtureGenerator{t: t, names: map[string]bool{}}
	g.all()
	files := make(map[string][]byte, len(g.cases))
	for _, c := range g.cases {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		files[c.Name+".json"] = buf.Bytes()
	}
	return files
}

// TestGenerateFixtures writes testdata/fixtures/passkeytest. It runs only
// with -update-fixtures; the files are checked in and TestFixtures runs them.
func TestGenerateFixtures(t *testing.T) {
	if !*updateFixtures {
		t.Skip("run with -update-fixtures to regenerate " + genDir)
	}
	files := generateFixtures(t)
	// Same seeds, same calls: a second run must give the same bytes.
	for name, data := range generateFixtures(t) {
		if !bytes.Equal(files[name], data) {
			t.Fatalf("%s differs between two runs: the generator is not deterministic", name)
		}
	}
	if err := os.MkdirAll(genDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, err := filepath.Glob(filepath.Join(genDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range old {
		if _, keep := files[filepath.Base(path)]; !keep {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(genDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("wrote %d cases to %s", len(files), genDir)
}
