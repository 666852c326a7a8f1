package attestation

import (
	"bytes"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/internal/cbor"
)

// The statement fuzz targets of the formats that have no other: each feeds
// arbitrary attStmt bytes to its format's procedure with one fixed, valid
// authenticator data and clientDataHash (stmtFuzz). A rejection must carry
// one of the codes a statement can earn; an accepted statement must still
// carry what made a seed valid — the same signature (or, for ECDSA, the
// (r, n−s) twin that verifies alike) over the same signed bytes, by the
// seed's key — since nothing in attStmt lets a mutation bring a key of its
// own that the procedure would trust.

// FuzzTPMStatement: a TPM statement that verifies has a seed's certInfo and
// pubArea (certInfo names pubArea by hash, and sig covers certInfo), a
// seed's sig or its twin, an alg that verifies alike (ES256 or its
// fully-specified ESP256, both SHA-256 for extraData), and the AIK key in
// x5c[0].
func FuzzTPMStatement(f *testing.F) { newTPMFuzz(f).fuzz(f) }

func newTPMFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	credKey, aik := fuzzP256(t, 6), fuzzP256(t, 7)
	coseKey, err := cose.Marshal(credKey.Public(), cose.ES256)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	ca := newFuzzCA(t)
	aikDER := ca.issue(t, tpmAIKTemplate(t), aik.Public())

	type valid struct{ certInfo, pubArea, sig []byte }
	var valids []valid
	chain := [][]byte{aikDER, ca.cert.Raw}
	// build makes a statement with x5c chain, changed by mod; its sig, unless
	// mod sets one, is deterministic: a first build fills in certInfo, a
	// second signs it. keep marks a valid statement.
	build := func(alg cose.Algorithm, mod func(in *tpmInputs), keep bool) []byte {
		in := defaultTPMInputs(t, aik, alg)
		in.x5c = chain
		if mod != nil {
			mod(in)
		}
		signed := in.sig == nil
		in.build(t, &credKey.PublicKey, authData)
		if signed {
			in.sig = signES256(t, aik, in.certInfo)
		}
		if keep {
			valids = append(valids, valid{in.certInfo, in.pubArea, in.sig})
		}
		return in.build(t, &credKey.PublicKey, authData)
	}
	otherPub := &fuzzP256(t, 10).PublicKey
	unregistered := tpmAIKTemplate(t)
	unregistered.ExtraExtensions[0].Value = tpmSAN(t, tpmIdentity("id:00000000"))
	seeds := [][]byte{
		build(cose.ES256, nil, true),
		build(cose.ESP256, nil, true),
		build(cose.ES256, func(in *tpmInputs) { in.nameAlg, in.x5c = tpmAlgSHA1, [][]byte{aikDER} }, true),
		// Each of these breaks one rule and is otherwise valid, so that a
		// check the procedure lost would show as a property failure.
		build(cose.ES256, func(in *tpmInputs) { in.x5c = [][]byte{} }, false),
		build(cose.ES256, func(in *tpmInputs) { in.x5c = [][]byte{ca.issue(t, unregistered, aik.Public())} }, false),
		build(cose.ES256, func(in *tpmInputs) { in.ver = "1.2" }, false),
		build(cose.ES256, func(in *tpmInputs) { in.sig = signES256(t, aik, []byte("something else")) }, false),
		build(cose.ES256, func(in *tpmInputs) { in.attest.extraData = make([]byte, 32) }, false),
		build(cose.ES256, func(in *tpmInputs) { in.pubArea = tpmPubArea(t, otherPub, tpmAlgSHA256, 0) }, false),
		build(cose.ES256, func(in *tpmInputs) {
			in.attest.name = tpmNameOf(tpmAlgSHA256, tpmPubArea(t, otherPub, tpmAlgSHA256, 0))
		}, false),
		build(cose.ES256, func(in *tpmInputs) { in.attest.magic = 0 }, false),
	}
	seeds = append(seeds, shapeSeeds()...)
	seeds = append(seeds,
		dupMember("ver", []byte{0x63, '2', '.', '0'}),
		[]byte{0xa1, 0x63, 'v', 'e', 'r', 0x62, 0xff, 0xfe},                // {"ver": "\xff\xfe"}: not UTF-8
		[]byte{0xa1, 0x63, 'a', 'l', 'g', 0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0}, // {"alg": 2^63}
	)

	return &stmtFuzz{
		authData: authData,
		seeds:    seeds,
		verify:   verifyTPM,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			var st tpmStmt
			if err := cbor.Unmarshal(raw, &st); err != nil {
				t.Fatalf("accepted a statement that does not decode: %v", err)
			}
			if alg := cose.Algorithm(st.Alg); alg != cose.ES256 && alg != cose.ESP256 {
				t.Fatalf("accepted alg %s", alg)
			}
			ok := false
			for _, s := range valids {
				ok = ok || bytes.Equal(st.CertInfo, s.certInfo) && bytes.Equal(st.PubArea, s.pubArea) &&
					ecdsaTwin(s.sig, st.Sig, elliptic.P256())
			}
			if !ok {
				t.Fatal("accepted a certInfo, pubArea and sig that are no seed's")
			}
			if v.typ != TypeAttCA || len(v.trustPath) == 0 || !aik.PublicKey.Equal(v.trustPath[0].PublicKey) {
				t.Fatal("accepted a statement whose trust path does not start with the AIK certificate")
			}
			ca.sameIfSigned(t, v.trustPath[0], aikDER)
		},
	}
}

// androidKeyFuzzTemplate is the credential certificate of
// FuzzAndroidKeyStatement, with key description kd.
func androidKeyFuzzTemplate(kd []byte) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:    big.NewInt(30),
		Subject:         pkix.Name{CommonName: "Android Keystore Key"},
		NotBefore:       time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:        time.Date(2048, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: oidAndroidKeyDescription, Value: kd}},
	}
}

// FuzzAndroidKeyStatement: an android-key statement that verifies has the
// seed's sig (Ed25519: not malleable) under EdDSA or its fully-specified
// Ed25519, and the credential key in x5c[0].
func FuzzAndroidKeyStatement(f *testing.F) { newAndroidKeyFuzz(f).fuzz(f) }

func newAndroidKeyFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	credKey := fuzzKey(4)
	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	ca := newFuzzCA(t)
	tee := cat(alPurpose(kmPurposeSign), alKeySize(256), alOrigin(kmOriginGenerated), alRootOfTrust())
	leaf := ca.issue(t, androidKeyFuzzTemplate(keyDescriptionDER(testClientDataHash, nil, tee)), credKey.Public())
	sig := ed25519.Sign(credKey, signedData(authData))
	stmt := func(alg cose.Algorithm, sig []byte, x5c ...[]byte) []byte {
		return encode(t, map[string]any{"alg": int64(alg), "sig": sig, "x5c": append([][]byte{}, x5c...)})
	}
	// Certificates that break one rule of the key description each.
	allApps := ca.issue(t, androidKeyFuzzTemplate(keyDescriptionDER(testClientDataHash, alAllApplications(), tee)), credKey.Public())
	software := ca.issue(t, androidKeyFuzzTemplate(keyDescriptionDER(testClientDataHash, tee, nil)), credKey.Public())
	otherChallenge := ca.issue(t, androidKeyFuzzTemplate(keyDescriptionDER(make([]byte, 32), nil, tee)), credKey.Public())
	// A certificate for another key, which signs: only the key check
	// refuses it.
	otherKey := fuzzKey(7)
	otherCert := ca.issue(t, androidKeyFuzzTemplate(keyDescriptionDER(testClientDataHash, nil, tee)), otherKey.Public())

	seeds := [][]byte{
		stmt(cose.EdDSA, sig, leaf, ca.cert.Raw),
		stmt(cose.Ed25519, sig, leaf),
		stmt(cose.EdDSA, sig, allApps, ca.cert.Raw),
		stmt(cose.EdDSA, sig, software),
		stmt(cose.EdDSA, sig, otherChallenge),
		stmt(cose.EdDSA, ed25519.Sign(otherKey, signedData(authData)), otherCert),
		stmt(cose.EdDSA, sig),                // no certificate
		stmt(cose.ES256, sig, leaf),          // alg of another key type
		stmt(cose.EdDSA, sig, ca.cert.Raw),   // the CA's key
		stmt(cose.EdDSA, sig[1:], leaf),      // sig truncated
		dupMember("sig", []byte{0x41, 0x00}), // {"sig": h'00', "sig": h'00'}
	}
	seeds = append(seeds, shapeSeeds()...)

	return &stmtFuzz{
		authData: authData,
		seeds:    seeds,
		verify:   verifyAndroidKey,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			var st androidKeyStmt
			if err := cbor.Unmarshal(raw, &st); err != nil {
				t.Fatalf("accepted a statement that does not decode: %v", err)
			}
			if alg := cose.Algorithm(st.Alg); alg != cose.EdDSA && alg != cose.Ed25519 || !bytes.Equal(st.Sig, sig) {
				t.Fatalf("accepted alg %s and another sig", alg)
			}
			if v.typ != TypeBasic || !v.leafDatesUnchecked || len(v.trustPath) == 0 ||
				!credKey.Public().(ed25519.PublicKey).Equal(v.trustPath[0].PublicKey) {
				t.Fatal("accepted a statement whose trust path does not start with the credential key's certificate")
			}
			ca.sameIfSigned(t, v.trustPath[0], leaf)
		},
	}
}

// appleFuzzTemplate is the credential certificate of FuzzAppleStatement,
// with the nonce extension value ext.
func appleFuzzTemplate(ext []byte) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:    big.NewInt(40),
		Subject:         pkix.Name{CommonName: "credential certificate", Organization: []string{"Example Inc."}},
		NotBefore:       time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:        time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: oidAppleNonce, Value: ext}},
	}
}

// FuzzAppleStatement: apple has no signature of its own. A statement that
// verifies has the credential key in x5c[0] and, in its nonce extension,
// the very bytes of the seed's (the nonce is SHA-256 of the signed data and
// its encoding is DER, so there is one right value).
func FuzzAppleStatement(f *testing.F) { newAppleFuzz(f).fuzz(f) }

func newAppleFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	credKey := fuzzKey(5)
	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	ca := newFuzzCA(t)
	nonce := sha256.Sum256(signedData(authData))
	ext := appleNonceDER(nonce[:])
	leaf := ca.issue(t, appleFuzzTemplate(ext), credKey.Public())
	wrongNonce := ca.issue(t, appleFuzzTemplate(appleNonceDER(testClientDataHash)), credKey.Public())
	otherKey := ca.issue(t, appleFuzzTemplate(ext), fuzzKey(6).Public())
	stmt := func(x5c ...[]byte) []byte { return encode(t, map[string]any{"x5c": append([][]byte{}, x5c...)}) }

	seeds := [][]byte{
		stmt(leaf, ca.cert.Raw),
		stmt(leaf),
		stmt(wrongNonce, ca.cert.Raw),
		stmt(otherKey),
		stmt(ca.cert.Raw), // no nonce extension
		stmt(),
		stmt(leaf, leaf), // one subject twice
		dupMember("x5c", []byte{0x80}),
	}
	seeds = append(seeds, shapeSeeds()...)

	return &stmtFuzz{
		authData: authData,
		seeds:    seeds,
		verify:   verifyApple,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			if v.typ != TypeAnonCA || len(v.trustPath) == 0 {
				t.Fatalf("apple yielded %s with %d certificates", v.typ, len(v.trustPath))
			}
			c := v.trustPath[0]
			if !credKey.Public().(ed25519.PublicKey).Equal(c.PublicKey) {
				t.Fatal("accepted a credential certificate for another key")
			}
			found := false
			for _, e := range c.Extensions {
				found = found || e.Id.Equal(oidAppleNonce) && bytes.Equal(e.Value, ext)
			}
			if !found {
				t.Fatal("accepted a credential certificate without the seed's nonce extension")
			}
			ca.sameIfSigned(t, c, leaf)
		},
	}
}

// FuzzFIDOU2FStatement: a fido-u2f statement that verifies has exactly one
// certificate, for the seed's attestation key, and the seed's sig or its
// (r, n−s) twin.
func FuzzFIDOU2FStatement(f *testing.F) { newFIDOU2FFuzz(f).fuzz(f) }

func newFIDOU2FFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	credKey, certKey := fuzzP256(t, 8), fuzzP256(t, 9)
	credID := []byte("fuzz key handle")
	coseKey, err := cose.Marshal(credKey.Public(), cose.ES256)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(credential.AAGUID{}, credID, coseKey)
	ca := newFuzzCA(t)
	cert := ca.issue(t, u2fCertTemplate(), certKey.Public())
	sig := signES256(t, certKey, u2fData(credID, &credKey.PublicKey))
	stmt := func(sig []byte, x5c ...[]byte) []byte {
		return encode(t, map[string]any{"sig": sig, "x5c": append([][]byte{}, x5c...)})
	}
	seeds := [][]byte{
		stmt(sig, cert),
		stmt(sig, cert, ca.cert.Raw), // two certificates
		stmt(sig),
		stmt(sig, ca.cert.Raw), // an Ed25519 certificate key
		stmt(signES256(t, certKey, signedData(authData)), cert),
		dupMember("sig", []byte{0x41, 0x00}),
	}
	seeds = append(seeds, shapeSeeds()...)

	return &stmtFuzz{
		authData: authData,
		seeds:    seeds,
		verify:   verifyFIDOU2F,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			var st u2fStmt
			if err := cbor.Unmarshal(raw, &st); err != nil {
				t.Fatalf("accepted a statement that does not decode: %v", err)
			}
			if !ecdsaTwin(sig, st.Sig, elliptic.P256()) {
				t.Fatal("accepted another sig")
			}
			if v.typ != TypeBasic || len(v.trustPath) != 1 || !certKey.PublicKey.Equal(v.trustPath[0].PublicKey) {
				t.Fatal("accepted a statement whose x5c is not the one certificate of the attestation key")
			}
			ca.sameIfSigned(t, v.trustPath[0], cert)
		},
	}
}

// FuzzNoneStatement: none accepts only what the strict CBOR decoder reads
// as the empty map (the head of a map of no members, in any of its
// well-formed encodings: CBOR's preferred serialization is not required of
// authenticators), with no trust path.
func FuzzNoneStatement(f *testing.F) { newNoneFuzz(f).fuzz(f) }

func newNoneFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	coseKey, err := cose.Marshal(fuzzKey(1).Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	return &stmtFuzz{
		authData: makeAuthData(testAAGUID, []byte("fuzz"), coseKey),
		seeds: append(shapeSeeds(),
			[]byte{0xa2, 0x63, 'a', 'l', 'g', 0x26, 0x63, 's', 'i', 'g', 0x41, 0x0a}, // packed leftovers
		),
		verify: verifyNone,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			if !isEmptyMap(raw) || v.typ != TypeNone || len(v.trustPath) != 0 {
				t.Fatalf("none accepted %x as %s", raw, v.typ)
			}
		},
	}
}

// isEmptyMap reports whether the strict CBOR decoder reads raw as a map
// with no members.
func isEmptyMap(raw []byte) bool {
	var m map[string]cbor.RawMessage
	return len(raw) > 0 && major(raw[0]) == majorMap && cbor.Unmarshal(raw, &m) == nil && len(m) == 0
}
