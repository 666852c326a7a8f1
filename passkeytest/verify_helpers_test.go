package passkeytest_test

// An independent, deliberately plain verifier for the tests: stdlib x509,
// ecdsa, rsa, ed25519, filippo.io/mldsa and circl's ed448, with fxamacker/cbor
// decoding what the package's own encoder wrote. It uses none of the
// module's verifiers.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"filippo.io/mldsa"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/fxamacker/cbor/v2"

	"github.com/gopasskey/passkey/passkeytest"
)

type regJSON struct {
	ID                      string                     `json:"id"`
	RawID                   string                     `json:"rawId"`
	Type                    string                     `json:"type"`
	AuthenticatorAttachment *string                    `json:"authenticatorAttachment"`
	ClientExtensionResults  map[string]json.RawMessage `json:"clientExtensionResults"`
	Response                struct {
		ClientDataJSON     string   `json:"clientDataJSON"`
		AttestationObject  string   `json:"attestationObject"`
		AuthenticatorData  string   `json:"authenticatorData"`
		Transports         []string `json:"transports"`
		PublicKey          *string  `json:"publicKey"`
		PublicKeyAlgorithm int64    `json:"publicKeyAlgorithm"`
	} `json:"response"`
}

type authJSON struct {
	ID                      string                     `json:"id"`
	RawID                   string                     `json:"rawId"`
	Type                    string                     `json:"type"`
	AuthenticatorAttachment *string                    `json:"authenticatorAttachment"`
	ClientExtensionResults  map[string]json.RawMessage `json:"clientExtensionResults"`
	Response                struct {
		ClientDataJSON    string  `json:"clientDataJSON"`
		AuthenticatorData string  `json:"authenticatorData"`
		Signature         string  `json:"signature"`
		UserHandle        *string `json:"userHandle"`
	} `json:"response"`
}

// b64 decodes strict unpadded base64url, as toJSON() emits it.
func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		t.Fatalf("not unpadded base64url: %q: %v", s, err)
	}
	return b
}

type authData struct {
	rpIDHash []byte
	flags    byte
	count    uint32
	aaguid   []byte
	credID   []byte
	coseKey  []byte
	ext      []byte
}

const (
	fUP = 0x01
	fUV = 0x04
	fBE = 0x08
	fBS = 0x10
	fAT = 0x40
	fED = 0x80
)

// parseAuthData reads #sctn-authenticator-data strictly.
func parseAuthData(b []byte) (authData, error) {
	var ad authData
	if len(b) < 37 {
		return ad, errors.New("authData shorter than 37 bytes")
	}
	ad.rpIDHash, ad.flags, ad.count = b[:32], b[32], binary.BigEndian.Uint32(b[33:37])
	rest := b[37:]
	if ad.flags&fAT != 0 {
		if len(rest) < 18 {
			return ad, errors.New("attested credential data truncated")
		}
		ad.aaguid = rest[:16]
		n := int(binary.BigEndian.Uint16(rest[16:18]))
		if len(rest) < 18+n {
			return ad, errors.New("credential ID truncated")
		}
		ad.credID = rest[18 : 18+n]
		var key cbor.RawMessage
		after, err := cbor.UnmarshalFirst(rest[18+n:], &key)
		if err != nil {
			return ad, fmt.Errorf("credential public key: %w", err)
		}
		ad.coseKey = rest[18+n : len(rest)-len(after)]
		rest = after
	}
	if ad.flags&fED != 0 {
		var m map[string]cbor.RawMessage
		after, err := cbor.UnmarshalFirst(rest, &m)
		if err != nil {
			return ad, fmt.Errorf("extensions: %w", err)
		}
		ad.ext = rest[:len(rest)-len(after)]
		rest = after
	}
	if len(rest) != 0 {
		return ad, errors.New("trailing bytes after authData")
	}
	return ad, nil
}

type coseKey struct {
	kty, alg int64
	pub      any
}

// parseCOSE turns a COSE_Key into a Go public key, checking that kty, alg
// and curve agree (#sctn-encoded-credPubKey-examples, RFC 9053/8230/9964).
func parseCOSE(raw []byte) (coseKey, error) {
	var m map[int64]cbor.RawMessage
	if err := cbor.Unmarshal(raw, &m); err != nil {
		return coseKey{}, err
	}
	var k coseKey
	if err := cbor.Unmarshal(m[1], &k.kty); err != nil {
		return k, fmt.Errorf("kty: %w", err)
	}
	if err := cbor.Unmarshal(m[3], &k.alg); err != nil {
		return k, fmt.Errorf("alg: %w", err)
	}
	bstr := func(label int64) []byte {
		var b []byte
		if cbor.Unmarshal(m[label], &b) != nil {
			return nil
		}
		return b
	}
	var crv int64
	if k.kty == 1 || k.kty == 2 {
		if err := cbor.Unmarshal(m[-1], &crv); err != nil {
			return k, fmt.Errorf("crv: %w", err)
		}
	}
	switch {
	case k.kty == 2:
		curves := map[int64]struct {
			c    elliptic.Curve
			algs []int64
		}{1: {elliptic.P256(), []int64{-7, -9}}, 2: {elliptic.P384(), []int64{-35, -51}}, 3: {elliptic.P521(), []int64{-36, -52}}}
		c, ok := curves[crv]
		if !ok || !slices.Contains(c.algs, k.alg) {
			return k, fmt.Errorf("EC2 crv %d does not fit alg %d", crv, k.alg)
		}
		size := (c.c.Params().BitSize + 7) / 8
		x, y := bstr(-2), bstr(-3)
		if len(x) != size || len(y) != size {
			return k, errors.New("EC2 coordinates of the wrong length")
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(c.c, append(append([]byte{4}, x...), y...))
		if err != nil {
			return k, err
		}
		k.pub = pub
	case k.kty == 1 && crv == 6 && (k.alg == -8 || k.alg == -19):
		x := bstr(-2)
		if len(x) != ed25519.PublicKeySize {
			return k, errors.New("Ed25519 x of the wrong length")
		}
		k.pub = ed25519.PublicKey(x)
	case k.kty == 1 && crv == 7 && k.alg == -53:
		x := bstr(-2)
		if len(x) != ed448.PublicKeySize {
			return k, errors.New("Ed448 x of the wrong length")
		}
		k.pub = ed448.PublicKey(x)
	case k.kty == 3 && slices.Contains([]int64{-257, -258, -259, -37, -38, -39}, k.alg):
		n, e := bstr(-1), bstr(-2)
		if len(e) == 0 || len(e) > 4 {
			return k, errors.New("RSA e missing or too long")
		}
		k.pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	case k.kty == 7:
		params := map[int64]mldsa.Parameters{-48: mldsa.MLDSA44(), -49: mldsa.MLDSA65(), -50: mldsa.MLDSA87()}
		p, ok := params[k.alg]
		if !ok {
			return k, fmt.Errorf("AKP alg %d", k.alg)
		}
		pub, err := mldsa.NewPublicKey(p, bstr(-1))
		if err != nil {
			return k, err
		}
		k.pub = pub
	default:
		return k, fmt.Errorf("unsupported kty %d / alg %d", k.kty, k.alg)
	}
	return k, nil
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	}
	d := sha512.Sum512(msg)
	return d[:]
}

// verifySig checks a WebAuthn signature (#sctn-signature-attestation-types).
func verifySig(alg int64, pub any, msg, sig []byte) error {
	hashes := map[int64]crypto.Hash{-7: crypto.SHA256, -9: crypto.SHA256, -35: crypto.SHA384, -51: crypto.SHA384,
		-36: crypto.SHA512, -52: crypto.SHA512, -257: crypto.SHA256, -258: crypto.SHA384, -259: crypto.SHA512,
		-37: crypto.SHA256, -38: crypto.SHA384, -39: crypto.SHA512}
	switch alg {
	case -7, -9, -35, -51, -36, -52:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("alg %d with a %T", alg, pub)
		}
		if !ecdsa.VerifyASN1(k, digest(hashes[alg], msg), sig) {
			return errors.New("ECDSA signature invalid")
		}
	case -8, -19:
		k, ok := pub.(ed25519.PublicKey)
		if !ok || !ed25519.Verify(k, msg, sig) {
			return errors.New("Ed25519 signature invalid")
		}
	case -53:
		k, ok := pub.(ed448.PublicKey)
		if !ok || !ed448.Verify(k, msg, sig, "") {
			return errors.New("Ed448 signature invalid")
		}
	case -257, -258, -259:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("alg %d with a %T", alg, pub)
		}
		return rsa.VerifyPKCS1v15(k, hashes[alg], digest(hashes[alg], msg), sig)
	case -37, -38, -39:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("alg %d with a %T", alg, pub)
		}
		return rsa.VerifyPSS(k, hashes[alg], digest(hashes[alg], msg), sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case -48, -49, -50:
		k, ok := pub.(*mldsa.PublicKey)
		if !ok {
			return fmt.Errorf("alg %d with a %T", alg, pub)
		}
		return mldsa.Verify(k, msg, sig, nil)
	default:
		return fmt.Errorf("unknown alg %d", alg)
	}
	return nil
}

// registration is a decoded, verified RegistrationResponseJSON.
type registration struct {
	json       regJSON
	clientData map[string]any
	cdj        []byte
	authData   []byte
	ad         authData
	format     string
	attStmt    map[string]cbor.RawMessage
	key        coseKey
}

type expectation struct {
	rpID, origin string
	challenge    []byte
	typ          string
	// transcribed: a fixture whose transcription dropped the publicKey
	// copy, which toJSON() includes.
	transcribed bool
}

func checkClientData(t testing.TB, cdj []byte, want expectation) map[string]any {
	t.Helper()
	var cd map[string]any
	if err := json.Unmarshal(cdj, &cd); err != nil {
		t.Fatalf("clientDataJSON: %v", err)
	}
	if cd["type"] != want.typ || cd["challenge"] != base64.RawURLEncoding.EncodeToString(want.challenge) || cd["origin"] != want.origin {
		t.Fatalf("clientDataJSON %s does not carry type %s, the challenge and origin %s", cdj, want.typ, want.origin)
	}
	return cd
}

// decodeRegistration decodes a registration and checks everything that does
// not depend on the attestation format.
func decodeRegistration(t testing.TB, body []byte, want expectation) *registration {
	t.Helper()
	r := &registration{}
	if err := json.Unmarshal(body, &r.json); err != nil {
		t.Fatalf("registration JSON: %v", err)
	}
	if r.json.Type != "public-key" || r.json.ID != r.json.RawID {
		t.Fatalf("type %q, id %q, rawId %q", r.json.Type, r.json.ID, r.json.RawID)
	}
	want.typ = "webauthn.create"
	r.cdj = b64(t, r.json.Response.ClientDataJSON)
	r.clientData = checkClientData(t, r.cdj, want)

	var obj struct {
		Fmt      string                     `cbor:"fmt"`
		AttStmt  map[string]cbor.RawMessage `cbor:"attStmt"`
		AuthData []byte                     `cbor:"authData"`
	}
	dec, err := cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF}.DecMode()
	if err != nil {
		t.Fatal(err)
	}
	if err := dec.Unmarshal(b64(t, r.json.Response.AttestationObject), &obj); err != nil {
		t.Fatalf("attestationObject: %v", err)
	}
	r.format, r.attStmt, r.authData = obj.Fmt, obj.AttStmt, obj.AuthData
	if !bytes.Equal(r.authData, b64(t, r.json.Response.AuthenticatorData)) {
		t.Fatal("response.authenticatorData differs from the attestation object's")
	}
	if r.ad, err = parseAuthData(r.authData); err != nil {
		t.Fatalf("authData: %v", err)
	}
	rpIDHash := sha256.Sum256([]byte(want.rpID))
	if !bytes.Equal(r.ad.rpIDHash, rpIDHash[:]) {
		t.Fatal("rpIdHash is not SHA-256 of the RP ID")
	}
	if r.ad.flags&fAT == 0 || r.ad.flags&fUP == 0 {
		t.Fatalf("flags %08b lack AT or UP", r.ad.flags)
	}
	if !bytes.Equal(r.ad.credID, b64(t, r.json.RawID)) {
		t.Fatal("rawId is not the attested credential ID")
	}
	if r.key, err = parseCOSE(r.ad.coseKey); err != nil {
		t.Fatalf("credential public key: %v", err)
	}
	if r.key.alg != r.json.Response.PublicKeyAlgorithm {
		t.Fatalf("publicKeyAlgorithm %d, COSE alg %d", r.json.Response.PublicKeyAlgorithm, r.key.alg)
	}
	// getPublicKey(): DER SPKI of the same key, absent where browsers
	// cannot convert the algorithm.
	switch r.key.alg {
	case -48, -49, -50, -53:
		if r.json.Response.PublicKey != nil {
			t.Fatalf("publicKey present for alg %d", r.key.alg)
		}
	default:
		if r.json.Response.PublicKey == nil {
			if want.transcribed {
				break
			}
			t.Fatalf("publicKey missing for alg %d", r.key.alg)
		}
		pub, err := x509.ParsePKIXPublicKey(b64(t, *r.json.Response.PublicKey))
		if err != nil {
			t.Fatalf("publicKey: %v", err)
		}
		if eq, ok := pub.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(r.key.pub) {
			t.Fatal("publicKey is not the COSE key")
		}
	}
	return r
}

var oidAAGUID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 45724, 1, 1, 4}

func certs(t testing.TB, raw cbor.RawMessage) []*x509.Certificate {
	t.Helper()
	var ders [][]byte
	if err := cbor.Unmarshal(raw, &ders); err != nil {
		t.Fatalf("x5c: %v", err)
	}
	var out []*x509.Certificate
	for _, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatalf("x5c certificate: %v", err)
		}
		out = append(out, c)
	}
	return out
}

func verifyChain(t testing.TB, root *x509.Certificate, chain []*x509.Certificate) {
	t.Helper()
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatalf("attestation chain: %v", err)
	}
}

// verifyAttestation runs the statement format's verification procedure
// (#sctn-none-attestation, #sctn-packed-attestation, #sctn-fido-u2f-attestation)
// and returns the attestation type.
func verifyAttestation(t testing.TB, r *registration, root *x509.Certificate) string {
	t.Helper()
	clientDataHash := sha256.Sum256(r.cdj)
	signed := append(slices.Clone(r.authData), clientDataHash[:]...)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range r.attStmt {
			if !yield(k) {
				return
			}
		}
	})
	switch r.format {
	case "none":
		if len(r.attStmt) != 0 {
			t.Fatalf("none attStmt has members %v", keys)
		}
		return "none"
	case "packed":
		var alg int64
		var sig []byte
		if cbor.Unmarshal(r.attStmt["alg"], &alg) != nil || cbor.Unmarshal(r.attStmt["sig"], &sig) != nil {
			t.Fatalf("packed attStmt lacks alg or sig: %v", keys)
		}
		if _, ok := r.attStmt["x5c"]; !ok {
			if !slices.Equal(keys, []string{"alg", "sig"}) {
				t.Fatalf("packed self attStmt members %v", keys)
			}
			if alg != r.key.alg {
				t.Fatalf("self attestation alg %d, credential alg %d", alg, r.key.alg)
			}
			if err := verifySig(alg, r.key.pub, signed, sig); err != nil {
				t.Fatalf("self attestation: %v", err)
			}
			return "self"
		}
		if !slices.Equal(keys, []string{"alg", "sig", "x5c"}) {
			t.Fatalf("packed attStmt members %v", keys)
		}
		chain := certs(t, r.attStmt["x5c"])
		leaf := chain[0]
		// #sctn-packed-attestation-cert-requirements
		s := leaf.Subject
		if leaf.Version != 3 || len(s.Country) != 1 || len(s.Country[0]) != 2 || len(s.Organization) != 1 ||
			!slices.Equal(s.OrganizationalUnit, []string{"Authenticator Attestation"}) || s.CommonName == "" {
			t.Fatalf("attestation certificate subject %v / version %d", s, leaf.Version)
		}
		if !leaf.BasicConstraintsValid || leaf.IsCA {
			t.Fatal("attestation certificate is not CA=false")
		}
		for _, e := range leaf.Extensions {
			if e.Id.Equal(oidAAGUID) {
				var aaguid []byte
				if rest, err := asn1.Unmarshal(e.Value, &aaguid); err != nil || len(rest) != 0 || e.Critical ||
					!bytes.Equal(aaguid, r.ad.aaguid) {
					t.Fatal("id-fido-gen-ce-aaguid is not a non-critical OCTET STRING equal to the AAGUID")
				}
			}
		}
		if err := verifySig(alg, leaf.PublicKey, signed, sig); err != nil {
			t.Fatalf("packed attestation signature: %v", err)
		}
		verifyChain(t, root, chain)
		return "basic"
	case "fido-u2f":
		if !slices.Equal(keys, []string{"sig", "x5c"}) {
			t.Fatalf("fido-u2f attStmt members %v", keys)
		}
		var sig []byte
		if err := cbor.Unmarshal(r.attStmt["sig"], &sig); err != nil {
			t.Fatal(err)
		}
		chain := certs(t, r.attStmt["x5c"])
		if len(chain) != 1 {
			t.Fatalf("fido-u2f x5c has %d certificates", len(chain))
		}
		att, ok := chain[0].PublicKey.(*ecdsa.PublicKey)
		if !ok || att.Curve != elliptic.P256() {
			t.Fatal("fido-u2f certificate key is not P-256")
		}
		cred, ok := r.key.pub.(*ecdsa.PublicKey)
		if !ok || cred.Curve != elliptic.P256() {
			t.Fatal("fido-u2f credential key is not P-256")
		}
		point, err := cred.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		msg := slices.Concat([]byte{0}, r.ad.rpIDHash, clientDataHash[:], r.ad.credID, point)
		if err := verifySig(-7, att, msg, sig); err != nil {
			t.Fatalf("fido-u2f signature: %v", err)
		}
		verifyChain(t, root, chain)
		return "basic"
	}
	t.Fatalf("unexpected format %q", r.format)
	return ""
}

// assertion is a decoded AuthenticationResponseJSON.
type assertion struct {
	json       authJSON
	clientData map[string]any
	cdj        []byte
	authData   []byte
	ad         authData
	sig        []byte
}

func decodeAssertion(t testing.TB, body []byte, want expectation) *assertion {
	t.Helper()
	r := &assertion{}
	if err := json.Unmarshal(body, &r.json); err != nil {
		t.Fatalf("assertion JSON: %v", err)
	}
	if r.json.Type != "public-key" || r.json.ID != r.json.RawID {
		t.Fatalf("type %q, id %q, rawId %q", r.json.Type, r.json.ID, r.json.RawID)
	}
	want.typ = "webauthn.get"
	r.cdj = b64(t, r.json.Response.ClientDataJSON)
	r.clientData = checkClientData(t, r.cdj, want)
	r.authData = b64(t, r.json.Response.AuthenticatorData)
	var err error
	if r.ad, err = parseAuthData(r.authData); err != nil {
		t.Fatalf("authData: %v", err)
	}
	if r.ad.flags&fAT != 0 || r.ad.flags&fUP == 0 {
		t.Fatalf("assertion flags %08b", r.ad.flags)
	}
	rpIDHash := sha256.Sum256([]byte(want.rpID))
	if !bytes.Equal(r.ad.rpIDHash, rpIDHash[:]) {
		t.Fatal("rpIdHash is not SHA-256 of the RP ID")
	}
	r.sig = b64(t, r.json.Response.Signature)
	return r
}

// verifyAssertion checks the signature over authData ‖ SHA-256(clientDataJSON)
// with the key recorded at registration (#sctn-verifying-assertion).
func (r *assertion) verify(key coseKey) error {
	h := sha256.Sum256(r.cdj)
	return verifySig(key.alg, key.pub, append(slices.Clone(r.authData), h[:]...), r.sig)
}

// Options builders: plain JSON, as a server sends it.

type createOpts struct {
	RP struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name"`
	} `json:"rp"`
	User struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	} `json:"user"`
	Challenge          string           `json:"challenge"`
	PubKeyCredParams   []map[string]any `json:"pubKeyCredParams"`
	ExcludeCredentials []map[string]any `json:"excludeCredentials,omitempty"`
	Selection          map[string]any   `json:"authenticatorSelection,omitempty"`
	Attestation        string           `json:"attestation,omitempty"`
	Extensions         map[string]any   `json:"extensions,omitempty"`
}

func newCreateOpts(rpID string, challenge []byte, algs ...int64) *createOpts {
	o := &createOpts{Challenge: base64.RawURLEncoding.EncodeToString(challenge)}
	o.RP.ID, o.RP.Name = rpID, "Example"
	o.User.ID, o.User.Name, o.User.DisplayName = base64.RawURLEncoding.EncodeToString([]byte("user-1")), "ada", "Ada"
	for _, alg := range algs {
		o.PubKeyCredParams = append(o.PubKeyCredParams, map[string]any{"type": "public-key", "alg": alg})
	}
	return o
}

func (o *createOpts) json(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type getOpts struct {
	Challenge        string           `json:"challenge"`
	RPID             string           `json:"rpId,omitempty"`
	AllowCredentials []map[string]any `json:"allowCredentials,omitempty"`
	UserVerification string           `json:"userVerification,omitempty"`
	Extensions       map[string]any   `json:"extensions,omitempty"`
}

func newGetOpts(rpID string, challenge []byte, allow ...[]byte) *getOpts {
	o := &getOpts{Challenge: base64.RawURLEncoding.EncodeToString(challenge), RPID: rpID}
	for _, id := range allow {
		o.AllowCredentials = append(o.AllowCredentials, map[string]any{"type": "public-key", "id": base64.RawURLEncoding.EncodeToString(id)})
	}
	return o
}

func (o *getOpts) json(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newAuthenticator(t testing.TB, cfg passkeytest.Config) *passkeytest.Authenticator {
	t.Helper()
	if cfg.Seed == nil {
		cfg.Seed = []byte(t.Name())
	}
	a, err := passkeytest.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func cborUnmarshal(raw []byte, v any) error { return cbor.Unmarshal(raw, v) }

func mustUnmarshal(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
}
