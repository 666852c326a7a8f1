package bench

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/go-webauthn/webauthn/metadata"
	"github.com/go-webauthn/webauthn/metadata/providers/memory"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"

	"github.com/gopasskey/passkey/assertion"
	"github.com/gopasskey/passkey/attestation"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/internal/cbor"
	"github.com/gopasskey/passkey/origin"
	"github.com/gopasskey/passkey/passkeytest"
)

// The relying party both libraries play.
const (
	rpID     = "example.com"
	rpOrigin = "https://example.com"
)

// seed makes every input the same from run to run.
var seed = []byte("passkey bench v1")

// benchChallenge is the challenge of every ceremony: fixed, so the inputs
// are too.
var benchChallenge = []byte("bench challenge, 32 bytes long!!")

var b64 = base64.RawURLEncoding

// offered is pubKeyCredParams for every registration, in this order.
var offered = []int64{passkeytest.AlgES256, passkeytest.AlgEdDSA, passkeytest.AlgRS256, passkeytest.AlgES384, passkeytest.AlgPS256}

// A verifier is one library's whole verification of one response body:
// parse and verify, as a server does for each request.
type verifier func() error

// A benchCase is one input and the three ways of checking it: passkey,
// go-webauthn, and the bare standard-library signature check of the same
// algorithm (with the public key already decoded, so it is the floor any
// verifier pays).
type benchCase struct {
	name               string
	ours, theirs, bare verifier
	// body is the input; with builds the passkey and go-webauthn
	// verifiers of another body under the same expectations, for the
	// tests that check that both sides reject a tampered one.
	body []byte
	with func(body []byte) (ours, theirs verifier)
	// withAnchor, for a case verified to a trust anchor, builds the three
	// verifiers of body with root as the only anchor instead.
	withAnchor func(root *x509.Certificate) (ours, theirs, bare verifier)
}

// creationOptionsJSON is what a relying party sends to create():
// PublicKeyCredentialCreationOptionsJSON with the fixed challenge.
func creationOptionsJSON(attestationPref string) []byte {
	params := make([]map[string]any, len(offered))
	for i, alg := range offered {
		params[i] = map[string]any{"type": "public-key", "alg": alg}
	}
	b, err := json.Marshal(map[string]any{
		"rp":                     map[string]any{"id": rpID, "name": "Example"},
		"user":                   map[string]any{"id": b64.EncodeToString([]byte("user-ada")), "name": "ada", "displayName": "Ada"},
		"challenge":              b64.EncodeToString(benchChallenge),
		"pubKeyCredParams":       params,
		"authenticatorSelection": map[string]any{"residentKey": "required", "userVerification": "preferred"},
		"attestation":            attestationPref,
	})
	if err != nil {
		panic(err) // a fixed map of strings and numbers always marshals
	}
	return b
}

// requestOptionsJSON is what a relying party sends to get().
func requestOptionsJSON(credID []byte) []byte {
	b, err := json.Marshal(map[string]any{
		"challenge":        b64.EncodeToString(benchChallenge),
		"rpId":             rpID,
		"allowCredentials": []any{map[string]any{"type": "public-key", "id": b64.EncodeToString(credID)}},
		"userVerification": "preferred",
	})
	if err != nil {
		panic(err)
	}
	return b
}

// newAuthenticator is a passkeytest authenticator with the fixed seed that
// makes credentials of alg only (zero AAGUID).
func newAuthenticator(tb testing.TB, alg int64, att passkeytest.Attestation) *passkeytest.Authenticator {
	tb.Helper()
	return newModelAuthenticator(tb, alg, att, [16]byte{})
}

// newModelAuthenticator is newAuthenticator for the authenticator model
// aaguid.
func newModelAuthenticator(tb testing.TB, alg int64, att passkeytest.Attestation, aaguid [16]byte) *passkeytest.Authenticator {
	tb.Helper()
	a, err := passkeytest.New(passkeytest.Config{
		Seed:        append(append([]byte(nil), seed...), byte(-alg), byte(att)),
		Algorithms:  []int64{alg},
		Attestation: att,
		AAGUID:      aaguid,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// responseParts are the members of a browser response the bare check
// needs, decoded from its JSON before any timer starts.
type responseParts struct {
	ClientDataJSON    []byte
	AuthenticatorData []byte
	Signature         []byte
}

func decodeParts(tb testing.TB, body []byte) responseParts {
	tb.Helper()
	var r struct {
		Response struct {
			ClientDataJSON    string `json:"clientDataJSON"`
			AuthenticatorData string `json:"authenticatorData"`
			Signature         string `json:"signature"`
		} `json:"response"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		tb.Fatal(err)
	}
	var p responseParts
	var err error
	dec := func(s string) []byte {
		if err != nil {
			return nil
		}
		var out []byte
		out, err = b64.DecodeString(s)
		return out
	}
	p.ClientDataJSON = dec(r.Response.ClientDataJSON)
	p.AuthenticatorData = dec(r.Response.AuthenticatorData)
	if r.Response.Signature != "" {
		p.Signature = dec(r.Response.Signature)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// signedMessage is authenticatorData ‖ SHA-256(clientDataJSON), what both
// assertion and packed attestation signatures cover.
func (p responseParts) signedMessage() []byte {
	h := sha256.Sum256(p.ClientDataJSON)
	return append(append(make([]byte, 0, len(p.AuthenticatorData)+len(h)), p.AuthenticatorData...), h[:]...)
}

// bareVerifier is the standard library's check of sig over
// authenticatorData ‖ SHA-256(clientDataJSON) by pub under the COSE
// algorithm alg, with the key already decoded: the hashes and the signature
// verification, nothing else. The message is built in a buffer made once.
func bareVerifier(tb testing.TB, alg int64, pub crypto.PublicKey, p responseParts, sig []byte) verifier {
	tb.Helper()
	cdj, authData := p.ClientDataJSON, p.AuthenticatorData
	msg := make([]byte, 0, len(authData)+sha256.Size)
	signed := func() []byte {
		h := sha256.Sum256(cdj)
		return append(append(msg[:0], authData...), h[:]...)
	}
	var f verifier
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		f = func() error {
			var ok bool
			switch alg {
			case passkeytest.AlgES256:
				d := sha256.Sum256(signed())
				ok = ecdsa.VerifyASN1(k, d[:], sig)
			case passkeytest.AlgES384:
				d := sha512.Sum384(signed())
				ok = ecdsa.VerifyASN1(k, d[:], sig)
			}
			if !ok {
				return errors.New("bare ECDSA verify failed")
			}
			return nil
		}
	case ed25519.PublicKey:
		f = func() error {
			if !ed25519.Verify(k, signed(), sig) {
				return errors.New("bare Ed25519 verify failed")
			}
			return nil
		}
	case *rsa.PublicKey:
		f = func() error {
			d := sha256.Sum256(signed())
			if alg == passkeytest.AlgPS256 {
				return rsa.VerifyPSS(k, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			}
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig)
		}
	default:
		tb.Fatalf("no bare verifier for %T", pub)
	}
	if err := f(); err != nil {
		tb.Fatal(err)
	}
	return f
}

// signBare signs authenticatorData ‖ SHA-256(clientDataJSON) with priv the
// way alg requires, so that a registration without a signature of its own
// (none) still has a bare signature check of the same size to compare with.
func signBare(tb testing.TB, priv crypto.Signer, p responseParts) []byte {
	tb.Helper()
	msg := p.signedMessage()
	var sig []byte
	var err error
	switch priv.(type) {
	case ed25519.PrivateKey:
		sig, err = priv.Sign(rand.Reader, msg, crypto.Hash(0))
	default:
		d := sha256.Sum256(msg)
		sig, err = priv.Sign(rand.Reader, d[:], crypto.SHA256)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return sig
}

// originSet is the accepted-origin set, built once as a server does.
func originSet(tb testing.TB) *origin.Set {
	tb.Helper()
	set, err := origin.NewSet(rpID, []string{rpOrigin})
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

var oursAlgorithms = []cose.Algorithm{cose.ES256, cose.EdDSA, cose.RS256, cose.ES384, cose.PS256}

func theirsCredParams() []protocol.CredentialParameter {
	out := make([]protocol.CredentialParameter, len(offered))
	for i, alg := range offered {
		out[i] = protocol.CredentialParameter{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.COSEAlgorithmIdentifier(alg)}
	}
	return out
}

// assertionCase registers one credential of alg with passkeytest, signs in
// once, and returns the three verifiers of that sign-in's response.
func assertionCase(tb testing.TB, name string, alg int64) benchCase {
	tb.Helper()
	a := newAuthenticator(tb, alg, passkeytest.AttestationNone)
	if _, err := a.Create(creationOptionsJSON("none"), rpOrigin); err != nil {
		tb.Fatal(err)
	}
	cred := a.Credentials()[0]
	body, err := a.Get(requestOptionsJSON(cred.ID), rpOrigin)
	if err != nil {
		tb.Fatal(err)
	}

	rec := &credential.Record{
		ID:             cred.ID,
		PublicKey:      cred.PublicKey,
		Alg:            cose.Algorithm(cred.Algorithm),
		BackupEligible: credential.False,
		UserHandle:     cred.UserHandle,
		RPID:           rpID,
	}
	expect := assertion.Expect{
		RPID:             rpID,
		Origins:          originSet(tb),
		Challenge:        benchChallenge,
		AllowCredentials: [][]byte{cred.ID},
		UserHandle:       cred.UserHandle,
	}
	stored := b64.EncodeToString(benchChallenge)
	origins := []string{rpOrigin}
	with := func(body []byte) (ours, theirs verifier) {
		ours = func() error {
			resp, err := assertion.Parse(body)
			if err != nil {
				return err
			}
			_, err = resp.Verify(rec, expect)
			return err
		}
		theirs = func() error {
			p, err := protocol.ParseCredentialRequestResponseBytes(body)
			if err != nil {
				return err
			}
			return p.Verify(stored, rpID, "", origins, nil, nil, protocol.TopOriginDefaultVerificationMode,
				false, false, true, cred.PublicKey, protocol.SignaturePolicy{})
		}
		return ours, theirs
	}

	ours, theirs := with(body)
	parts := decodeParts(tb, body)
	return benchCase{name: name, ours: ours, theirs: theirs, body: body, with: with,
		bare: bareVerifier(tb, alg, cred.PrivateKey.Public(), parts, parts.Signature)}
}

// registrationCase creates one ES256 credential with the attestation kind
// att and returns the three verifiers of the registration response. No
// trust anchors on either side: go-webauthn builds no chain without a
// metadata provider, so neither does this comparison.
func registrationCase(tb testing.TB, name string, att passkeytest.Attestation) benchCase {
	tb.Helper()
	a := newAuthenticator(tb, passkeytest.AlgES256, att)
	pref := "direct"
	if att == passkeytest.AttestationNone {
		pref = "none"
	}
	body, err := a.Create(creationOptionsJSON(pref), rpOrigin)
	if err != nil {
		tb.Fatal(err)
	}
	cred := a.Credentials()[0]

	expect := attestation.Expect{
		RPID:       rpID,
		Origins:    originSet(tb),
		Challenge:  benchChallenge,
		Algorithms: oursAlgorithms,
	}
	stored := b64.EncodeToString(benchChallenge)
	origins := []string{rpOrigin}
	params := theirsCredParams()
	with := func(body []byte) (ours, theirs verifier) {
		ours = func() error {
			resp, err := attestation.Parse(body)
			if err != nil {
				return err
			}
			_, err = resp.Verify(expect)
			return err
		}
		theirs = func() error {
			p, err := protocol.ParseCredentialCreationResponseBytes(body)
			if err != nil {
				return err
			}
			_, err = p.Verify(stored, rpID, origins, nil, nil, protocol.TopOriginDefaultVerificationMode,
				false, false, true, nil, params, protocol.AttestationPolicy{}, protocol.SignaturePolicy{})
			return err
		}
		return ours, theirs
	}
	ours, theirs := with(body)

	// The bare reference is one P-256 verification over the same
	// message: what packed self attestation must do at least, and for
	// none the cost that a registration is measured against.
	parts := decodeParts(tb, body)
	sig := signBare(tb, cred.PrivateKey, parts)
	return benchCase{name: name, ours: ours, theirs: theirs, body: body, with: with,
		bare: bareVerifier(tb, passkeytest.AlgES256, cred.PrivateKey.Public(), parts, sig)}
}

// benchAAGUID is the model of the authenticator whose packed x5c
// attestation is verified to a trust anchor: go-webauthn finds the anchor
// by it.
var benchAAGUID = uuid.UUID{0xbe, 0x4c, 0x40, 0x00, 0x5a, 0x5a, 0x41, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0, 1}

// anchoredCase creates one ES256 credential with packed x5c attestation
// (the attestation certificate alone in x5c, issued by passkeytest's root)
// and returns the verifiers of the registration response with that root as
// the only trust anchor: passkey with Expect.TrustAnchors, go-webauthn with
// a memory metadata provider whose entry for the model lists the root (its
// way to verify a chain; status reports are not checked, as passkey has
// none), and the bare reference, the work such a registration cannot
// avoid: x509.ParseCertificate of every x5c certificate, the chain built
// and verified to the same root pool by x509.Certificate.Verify, and the
// statement's P-256 signature over authenticatorData ‖
// SHA-256(clientDataJSON).
func anchoredCase(tb testing.TB, name string) benchCase {
	tb.Helper()
	a := newModelAuthenticator(tb, passkeytest.AlgES256, passkeytest.AttestationPacked, benchAAGUID)
	body, err := a.Create(creationOptionsJSON("direct"), rpOrigin)
	if err != nil {
		tb.Fatal(err)
	}
	parts := decodeParts(tb, body)
	x5c, sig := packedStatement(tb, body)
	build := func(root *x509.Certificate) (with func(body []byte) (ours, theirs verifier), bare verifier) {
		pool := x509.NewCertPool()
		pool.AddCert(root)
		expect := attestation.Expect{
			RPID:         rpID,
			Origins:      originSet(tb),
			Challenge:    benchChallenge,
			Algorithms:   oursAlgorithms,
			TrustAnchors: pool,
		}
		mds, err := memory.New(memory.WithMetadata(map[uuid.UUID]*metadata.Entry{benchAAGUID: {
			AaGUID: benchAAGUID,
			MetadataStatement: metadata.Statement{
				AttestationTypes:            metadata.AuthenticatorAttestationTypes{metadata.BasicFull},
				AttestationRootCertificates: []*x509.Certificate{root},
			},
		}}), memory.WithValidateStatus(false))
		if err != nil {
			tb.Fatal(err)
		}
		stored := b64.EncodeToString(benchChallenge)
		origins := []string{rpOrigin}
		params := theirsCredParams()
		with = func(body []byte) (ours, theirs verifier) {
			ours = func() error {
				resp, err := attestation.Parse(body)
				if err != nil {
					return err
				}
				res, err := resp.Verify(expect)
				if err == nil && !res.Trusted {
					err = errors.New("passkey did not verify the path to the anchor")
				}
				return err
			}
			theirs = func() error {
				p, err := protocol.ParseCredentialCreationResponseBytes(body)
				if err != nil {
					return err
				}
				_, err = p.Verify(stored, rpID, origins, nil, nil, protocol.TopOriginDefaultVerificationMode,
					false, false, true, mds, params, protocol.AttestationPolicy{}, protocol.SignaturePolicy{})
				return err
			}
			return ours, theirs
		}
		cdj, authData := parts.ClientDataJSON, parts.AuthenticatorData
		msg := make([]byte, 0, len(authData)+sha256.Size)
		usages := []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
		bare = func() error {
			certs := make([]*x509.Certificate, len(x5c))
			for i, der := range x5c {
				c, err := x509.ParseCertificate(der)
				if err != nil {
					return err
				}
				certs[i] = c
			}
			var inter *x509.CertPool
			if len(certs) > 1 {
				inter = x509.NewCertPool()
				for _, c := range certs[1:] {
					inter.AddCert(c)
				}
			}
			if _, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: usages}); err != nil {
				return err
			}
			pub, ok := certs[0].PublicKey.(*ecdsa.PublicKey)
			if !ok {
				return errors.New("the attestation key is not ECDSA")
			}
			h := sha256.Sum256(cdj)
			d := sha256.Sum256(append(append(msg[:0], authData...), h[:]...))
			if !ecdsa.VerifyASN1(pub, d[:], sig) {
				return errors.New("bare ECDSA verify failed")
			}
			return nil
		}
		return with, bare
	}
	with, bare := build(a.AttestationRoot())
	if err := bare(); err != nil {
		tb.Fatal(err)
	}
	ours, theirs := with(body)
	return benchCase{name: name, ours: ours, theirs: theirs, bare: bare, body: body, with: with,
		withAnchor: func(root *x509.Certificate) (ours, theirs, bare verifier) {
			w, bare := build(root)
			ours, theirs = w(body)
			return ours, theirs, bare
		}}
}

// packedStatement returns x5c and sig of the packed statement of a
// registration body.
func packedStatement(tb testing.TB, body []byte) (x5c [][]byte, sig []byte) {
	tb.Helper()
	var r struct {
		Response struct {
			AttestationObject string `json:"attestationObject"`
		} `json:"response"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		tb.Fatal(err)
	}
	raw, err := b64.DecodeString(r.Response.AttestationObject)
	if err != nil {
		tb.Fatal(err)
	}
	var obj struct {
		AttStmt struct {
			Sig []byte   `cbor:"sig"`
			X5C [][]byte `cbor:"x5c"`
		} `cbor:"attStmt"`
	}
	if err := cbor.Unmarshal(raw, &obj); err != nil {
		tb.Fatal(err)
	}
	if len(obj.AttStmt.X5C) == 0 || obj.AttStmt.Sig == nil {
		tb.Fatal("the packed statement has no x5c or no sig")
	}
	return obj.AttStmt.X5C, obj.AttStmt.Sig
}

func assertionCases(tb testing.TB) []benchCase {
	return []benchCase{
		assertionCase(tb, "ES256", passkeytest.AlgES256),
		assertionCase(tb, "RS256", passkeytest.AlgRS256),
		assertionCase(tb, "EdDSA", passkeytest.AlgEdDSA),
		assertionCase(tb, "ES384", passkeytest.AlgES384),
		assertionCase(tb, "PS256", passkeytest.AlgPS256),
	}
}

func registrationCases(tb testing.TB) []benchCase {
	return []benchCase{
		registrationCase(tb, "none", passkeytest.AttestationNone),
		registrationCase(tb, "packed-self", passkeytest.AttestationPackedSelf),
		registrationCase(tb, "packed-x5c", passkeytest.AttestationPacked),
		anchoredCase(tb, "packed-x5c-anchored"),
	}
}

// describe names a case's failure for test output.
func describe(side string, c benchCase, err error) string {
	return fmt.Sprintf("%s rejects the %s input: %v", side, c.name, err)
}
