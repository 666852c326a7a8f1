package attestation

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"math"
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
)

func TestVerifyPackedSelf(t *testing.T) {
	ks := testKeys(t)
	cases := []struct {
		name   string
		signer crypto.Signer
		alg    cose.Algorithm
	}{
		{"ES256", ks.p256, cose.ES256},
		{"ESP256", ks.p256, cose.ESP256},
		{"ES384", ks.p384, cose.ES384},
		{"EdDSA", ks.ed, cose.EdDSA},
		{"Ed25519", ks.ed, cose.Ed25519},
		{"RS256", ks.rsa, cose.RS256},
		{"PS256", ks.rsa, cose.PS256},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := newCredKey(t, c.signer, c.alg)
			authData := makeAuthData(credential.AAGUID{}, []byte("self-"+c.name), k.cose)
			sig := signWith(t, c.signer, c.alg, signedData(authData))
			v, err := verifyPacked(newStatement(t, authData, encode(t, map[string]any{"alg": int64(c.alg), "sig": sig})))
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeSelf || len(v.trustPath) != 0 {
				t.Fatalf("got %+v, want self with no trust path", v)
			}
		})
	}
}

func TestVerifyPackedSelfRejects(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("self"), k.cose)
	good := signWith(t, ks.p256, cose.ES256, signedData(authData))

	cases := []struct {
		name   string
		alg    cose.Algorithm
		sig    []byte
		detail string
	}{
		// ESP256 verifies exactly like ES256, so only the literal comparison
		// stops this one.
		{"alias of the key's alg", cose.ESP256, good, "alg differs"},
		{"another alg", cose.RS256, good, "alg differs"},
		{"signed by another key", cose.ES256, signWith(t, ks.p256b, cose.ES256, signedData(authData)), "does not verify"},
		{"signed without clientDataHash", cose.ES256, signWith(t, ks.p256, cose.ES256, authData), "does not verify"},
		{"empty sig", cose.ES256, []byte{}, "does not verify"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := encode(t, map[string]any{"alg": int64(c.alg), "sig": c.sig})
			_, err := verifyPacked(newStatement(t, authData, raw))
			wantError(t, err, errcode.ErrAttestationInvalid, checkPacked, c.detail)
		})
	}
}

// packedX5CStatement signs authData with the attestation key and wraps the
// signature and chain into a packed attStmt.
func packedX5CStatement(t testing.TB, authData []byte, signer crypto.Signer, alg cose.Algorithm, chain ...[]byte) []byte {
	t.Helper()
	sig := signWith(t, signer, alg, signedData(authData))
	return encode(t, map[string]any{"alg": int64(alg), "sig": sig, "x5c": chain})
}

// TestPackedX5CDistinctSubjects: an x5c that names one subject twice is
// refused before any chain is built (chain building would otherwise try
// every ordering of same-named CAs).
func TestPackedX5CDistinctSubjects(t *testing.T) {
	ks := testKeys(t)
	ca := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("x5c"), k.cose)
	leaf := ca.issue(t, packedLeafTemplate(), ks.p256b.Public())
	s := newStatement(t, authData, packedX5CStatement(t, authData, ks.p256b, cose.ES256, leaf, ca.cert.Raw, ca.cert.Raw))
	_, err := verifyPacked(s)
	wantError(t, err, errcode.ErrAttestationInvalid, checkPacked, "names one subject twice")
}

func TestVerifyPackedX5C(t *testing.T) {
	ks := testKeys(t)
	ca := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("x5c"), k.cose)

	withTmpl := func(mod func(*x509.Certificate)) *x509.Certificate {
		tmpl := packedLeafTemplate()
		if mod != nil {
			mod(tmpl)
		}
		return tmpl
	}
	fwVersion := func(v int) pkix.Extension {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return pkix.Extension{Id: oidFIDOGenCEFWVersion, Value: b}
	}

	cases := []struct {
		name      string
		signer    crypto.Signer
		alg       cose.Algorithm
		mod       func(*x509.Certificate)
		chain     int // certificates after the leaf: copies of the CA
		allowSHA1 bool
	}{
		{name: "ES256 leaf only", signer: ks.p256b, alg: cose.ES256},
		{name: "leaf and CA", signer: ks.p256b, alg: cose.ES256, chain: 1},
		{name: "no AAGUID extension", signer: ks.p256b, alg: cose.ES256, mod: func(c *x509.Certificate) { c.ExtraExtensions = nil }},
		{name: "lower-case country", signer: ks.p256b, alg: cose.ES256, mod: func(c *x509.Certificate) { c.Subject.Country = []string{"se"} }},
		{name: "firmware version", signer: ks.p256b, alg: cose.ES256, mod: func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, fwVersion(5))
		}},
		{name: "ESP256 statement from a P-256 key", signer: ks.p256b, alg: cose.ESP256},
		{name: "ES384", signer: ks.p384, alg: cose.ES384},
		{name: "EdDSA", signer: ks.ed, alg: cose.EdDSA},
		{name: "RS256", signer: ks.rsa, alg: cose.RS256},
		{name: "PS256", signer: ks.rsa, alg: cose.PS256},
		{name: "RS1 allowed by policy", signer: ks.rsa, alg: cose.RS1, allowSHA1: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			leaf := ca.issue(t, withTmpl(c.mod), c.signer.Public())
			chain := [][]byte{leaf}
			for range c.chain {
				chain = append(chain, ca.cert.Raw)
			}
			s := newStatement(t, authData, packedX5CStatement(t, authData, c.signer, c.alg, chain...))
			s.allowSHA1 = c.allowSHA1
			v, err := verifyPacked(s)
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeBasic || len(v.trustPath) != len(chain) {
				t.Fatalf("got type %s with %d certificates, want basic with %d", v.typ, len(v.trustPath), len(chain))
			}
			for i, cert := range v.trustPath {
				if string(cert.Raw) != string(chain[i]) {
					t.Fatalf("trust path[%d] is not x5c[%d]", i, i)
				}
			}
		})
	}
}

func TestVerifyPackedX5CRejects(t *testing.T) {
	ks := testKeys(t)
	ca := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("x5c"), k.cose)
	leafOf := func(mod func(*x509.Certificate)) []byte {
		tmpl := packedLeafTemplate()
		mod(tmpl)
		return ca.issue(t, tmpl, ks.p256b.Public())
	}
	good := leafOf(func(*x509.Certificate) {})
	rsaLeaf := ca.issue(t, packedLeafTemplate(), ks.rsa.Public())
	sig := signWith(t, ks.p256b, cose.ES256, signedData(authData))
	stmt := func(alg cose.Algorithm, sig []byte, chain ...[]byte) []byte {
		if chain == nil {
			chain = [][]byte{} // an empty array, not null
		}
		return encode(t, map[string]any{"alg": int64(alg), "sig": sig, "x5c": chain})
	}
	// withCert signs correctly with the leaf key, so only the certificate
	// rule under test can fail.
	withCert := func(mod func(*x509.Certificate)) []byte { return stmt(cose.ES256, sig, leafOf(mod)) }
	withExt := func(ext pkix.Extension) []byte {
		return withCert(func(c *x509.Certificate) { c.ExtraExtensions = []pkix.Extension{ext} })
	}
	rawExt := func(oid asn1.ObjectIdentifier, critical bool, value string) pkix.Extension {
		v, err := hex.DecodeString(value)
		if err != nil {
			t.Fatal(err)
		}
		return pkix.Extension{Id: oid, Critical: critical, Value: v}
	}
	rs1Sig := func() []byte {
		h := sha1.Sum(signedData(authData))
		s, err := rsa.SignPKCS1v15(rand.Reader, ks.rsa, crypto.SHA1, h[:])
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	otherAAGUID := credential.AAGUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	six := [][]byte{good, ca.cert.Raw, ca.cert.Raw, ca.cert.Raw, ca.cert.Raw, ca.cert.Raw}

	cases := []struct {
		name   string
		raw    []byte
		check  string
		detail string
	}{
		// The signature.
		{"signed by another key", stmt(cose.ES256, signWith(t, ks.p256, cose.ES256, signedData(authData)), good), checkPacked, "sig does not verify"},
		{"signed without clientDataHash", stmt(cose.ES256, signWith(t, ks.p256b, cose.ES256, authData), good), checkPacked, "sig does not verify"},
		{"unknown alg", stmt(cose.Algorithm(-4711), sig, good), checkPacked, "not an algorithm the library verifies"},
		{"RSA alg from an EC key", stmt(cose.RS256, sig, good), checkPacked, "does not fit"},
		{"ES384 alg from a P-256 key", stmt(cose.ES384, sig, good), checkPacked, "does not fit"},
		{"EC alg from an RSA key", stmt(cose.ES256, sig, rsaLeaf), checkPacked, "does not fit"},
		{"RS1 without the policy", stmt(cose.RS1, rs1Sig, rsaLeaf), checkPacked, "RS1"},
		{"signature checked before the certificate", stmt(cose.ES256, signWith(t, ks.p256, cose.ES256, signedData(authData)),
			leafOf(func(c *x509.Certificate) { c.IsCA = true })), checkPacked, "sig does not verify"},

		// x5c itself.
		{"empty x5c", stmt(cose.ES256, sig), checkPacked, "x5c is empty"},
		{"six certificates", stmt(cose.ES256, sig, six...), checkPacked, "too many"},
		{"leaf is not a certificate", stmt(cose.ES256, sig, []byte("not a certificate")), checkPacked, "x5c[0] is not a valid X.509"},
		{"CA is not a certificate", stmt(cose.ES256, sig, good, []byte{0x30, 0x00}), checkPacked, "x5c[1] is not a valid X.509"},
		{"leaf with trailing bytes", stmt(cose.ES256, sig, append(append([]byte(nil), good...), 0)), checkPacked, "x5c[0] is not a valid X.509"},

		// The certificate requirements.
		{"version 1", stmt(cose.ES256, sig, ca.issueV1(t, packedLeafTemplate().Subject, ks.p256b.Public())), checkPackedCertReqs, "not an X.509 v3"},
		{"no C", withCert(func(c *x509.Certificate) { c.Subject.Country = nil }), checkPackedCertReqs, "exactly one C"},
		{"two C", withCert(func(c *x509.Certificate) { c.Subject.Country = []string{"SE", "DE"} }), checkPackedCertReqs, "exactly one C"},
		{"three-letter C", withCert(func(c *x509.Certificate) { c.Subject.Country = []string{"SWE"} }), checkPackedCertReqs, "ISO 3166"},
		{"C with a digit", withCert(func(c *x509.Certificate) { c.Subject.Country = []string{"S1"} }), checkPackedCertReqs, "ISO 3166"},
		{"no O", withCert(func(c *x509.Certificate) { c.Subject.Organization = nil }), checkPackedCertReqs, "exactly one O"},
		{"two O", withCert(func(c *x509.Certificate) { c.Subject.Organization = []string{"A", "B"} }), checkPackedCertReqs, "exactly one O"},
		{"empty O", withCert(func(c *x509.Certificate) { c.Subject.Organization = []string{""} }), checkPackedCertReqs, "Subject-O is empty"},
		{"no OU", withCert(func(c *x509.Certificate) { c.Subject.OrganizationalUnit = nil }), checkPackedCertReqs, "exactly one OU"},
		{"two OU", withCert(func(c *x509.Certificate) {
			c.Subject.OrganizationalUnit = []string{packedOU, packedOU}
		}), checkPackedCertReqs, "exactly one OU"},
		{"OU in lower case", withCert(func(c *x509.Certificate) {
			c.Subject.OrganizationalUnit = []string{"authenticator attestation"}
		}), checkPackedCertReqs, "Subject-OU"},
		{"no CN", withCert(func(c *x509.Certificate) { c.Subject.CommonName = "" }), checkPackedCertReqs, "exactly one CN"},
		{"two CN", withCert(func(c *x509.Certificate) {
			c.Subject.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidCommonName, Value: "A"}, {Type: oidCommonName, Value: "B"}}
		}), checkPackedCertReqs, "exactly one CN"},
		{"no basicConstraints", withCert(func(c *x509.Certificate) { c.BasicConstraintsValid = false }), checkPackedCertReqs, "no basicConstraints"},
		{"CA true", withCert(func(c *x509.Certificate) { c.IsCA = true }), checkPackedCertReqs, "is a CA"},
		{"critical AAGUID extension", withExt(aaguidExt(testAAGUID[:], true)), checkPackedCertReqs, "id-fido-gen-ce-aaguid critical"},
		{"AAGUID without its OCTET STRING", withExt(rawExt(oidFIDOGenCEAAGUID, false, hex.EncodeToString(testAAGUID[:]))),
			checkPackedCertReqs, "malformed id-fido-gen-ce-aaguid"},
		{"AAGUID of 15 bytes", withExt(aaguidExt(testAAGUID[:15], false)), checkPackedCertReqs, "malformed id-fido-gen-ce-aaguid"},
		{"AAGUID of 17 bytes", withExt(aaguidExt(append(testAAGUID[:], 0), false)), checkPackedCertReqs, "malformed id-fido-gen-ce-aaguid"},
		{"AAGUID followed by a byte", withExt(rawExt(oidFIDOGenCEAAGUID, false, "0410"+hex.EncodeToString(testAAGUID[:])+"00")),
			checkPackedCertReqs, "malformed id-fido-gen-ce-aaguid"},
		{"AAGUID as a BIT STRING", withExt(rawExt(oidFIDOGenCEAAGUID, false, "031100"+hex.EncodeToString(testAAGUID[:]))),
			checkPackedCertReqs, "malformed id-fido-gen-ce-aaguid"},
		{"critical firmware version", withExt(rawExt(oidFIDOGenCEFWVersion, true, "020105")), checkPackedCertReqs, "fw-version critical"},
		{"negative firmware version", withExt(rawExt(oidFIDOGenCEFWVersion, false, "0201ff")), checkPackedCertReqs, "malformed id-fido-gen-ce-fw-version"},
		{"firmware version as a string", withExt(rawExt(oidFIDOGenCEFWVersion, false, "0c0135")), checkPackedCertReqs, "malformed id-fido-gen-ce-fw-version"},

		// The AAGUID comparison, a step of the procedure.
		{"AAGUID of another model", withExt(aaguidExt(otherAAGUID[:], false)), checkPacked, "differs from the AAGUID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyPacked(newStatement(t, authData, c.raw))
			wantError(t, err, errcode.ErrAttestationInvalid, c.check, c.detail)
		})
	}
}

func TestVerifyPackedAAGUIDZero(t *testing.T) {
	// An authenticator that reports the zero AAGUID cannot hide behind a
	// certificate that names a model: the comparison is exact.
	ks := testKeys(t)
	ca := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("x5c"), k.cose)
	leaf := ca.issue(t, packedLeafTemplate(), ks.p256b.Public())
	_, err := verifyPacked(newStatement(t, authData, packedX5CStatement(t, authData, ks.p256b, cose.ES256, leaf)))
	wantError(t, err, errcode.ErrAttestationInvalid, checkPacked, "differs from the AAGUID")
}

// TestPackedStatementShape covers step 1 of every format, "attStmt is valid
// CBOR conforming to the syntax", through packed: which failures are
// malformed CBOR and which are a well-formed statement of the wrong shape.
func TestPackedStatementShape(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(credential.AAGUID{}, []byte("shape"), k.cose)
	sig := signWith(t, ks.p256, cose.ES256, signedData(authData))

	invalid := []struct {
		name   string
		v      any
		detail string
	}{
		{"missing alg", map[string]any{"sig": sig}, "lacks a required member"},
		{"missing sig", map[string]any{"alg": -7}, "lacks a required member"},
		{"alg as text", map[string]any{"alg": "ES256", "sig": sig}, "alg has the wrong type"},
		{"alg as a float", map[string]any{"alg": -7.0, "sig": sig}, "alg has the wrong type"},
		{"alg above int64", map[string]any{"alg": uint64(math.MaxUint64), "sig": sig}, "alg is out of range"},
		{"sig as text", map[string]any{"alg": -7, "sig": "c2ln"}, "sig has the wrong type"},
		{"sig as null", map[string]any{"alg": -7, "sig": nil}, "sig has the wrong type"},
		{"sig as an array", map[string]any{"alg": -7, "sig": [][]byte{sig}}, "sig has the wrong type"},
		{"x5c as bytes", map[string]any{"alg": -7, "sig": sig, "x5c": []byte{1}}, "x5c has the wrong type"},
		{"x5c as null", map[string]any{"alg": -7, "sig": sig, "x5c": nil}, "x5c has the wrong type"},
		{"x5c of integers", map[string]any{"alg": -7, "sig": sig, "x5c": []int{1}}, "x5c[0] is not a byte string"},
		{"x5c with a text element", map[string]any{"alg": -7, "sig": sig, "x5c": []any{[]byte{1}, "x"}}, "x5c[1] is not a byte string"},
		{"unknown member", map[string]any{"alg": -7, "sig": sig, "ver": "2.0"}, "does not define"},
		{"member name in upper case", map[string]any{"ALG": -7, "alg": -7, "sig": sig}, "does not define"},
		{"ecdaaKeyId", map[string]any{"alg": -7, "sig": sig, "ecdaaKeyId": []byte{1}}, "ECDAA"},
		{"integer key", map[any]any{"alg": -7, "sig": sig, 3: -7}, "not a text string"},
		{"array", []any{-7, sig}, "not a map"},
		{"text", "packed", "not a map"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyPacked(newStatement(t, authData, encode(t, c.v)))
			wantError(t, err, errcode.ErrAttestationInvalid, checkPacked, c.detail)
		})
	}

	// Hand-made CBOR for what an encoder will not produce. "a2" is a map of
	// two pairs, "63616c67" the key "alg", "26" the integer -7, "63736967"
	// the key "sig", "4101" a one-byte byte string.
	raw := []struct {
		name   string
		hex    string
		code   errcode.Sentinel
		detail string
	}{
		{"alg below int64", "a263616c673bffffffffffffffff637369674101", errcode.ErrAttestationInvalid, "alg is out of range"},
		{"alg as a tag", "a263616c67c1266373696741", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"duplicate key", "a363616c672663616c6726637369674101", errcode.ErrMalformedAttestationObject, "duplicate key"},
		{"key not UTF-8", "a363616c67266373696741016261ff01", errcode.ErrMalformedAttestationObject, "not valid UTF-8"},
		{"truncated", "a263616c6726637369674201", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"indefinite sig", "a263616c6726637369675f4101ff", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"trailing byte", "a263616c672663736967410100", errcode.ErrMalformedAttestationObject, "trailing bytes"},
		{"too deep", "a363616c6726637369674101636e6f7481818181818100", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"empty", "", errcode.ErrMalformedAttestationObject, "not well-formed"},
	}
	for _, c := range raw {
		t.Run(c.name, func(t *testing.T) {
			b, err := hex.DecodeString(c.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = verifyPacked(newStatement(t, authData, b))
			wantError(t, err, c.code, checkPacked, c.detail)
		})
	}
}

func TestFormatMemberTablesFit(t *testing.T) {
	tables := map[string][]member{"packed": packedMembers, "fido-u2f": u2fMembers, "tpm": tpmMembers, "android-key": androidKeyMembers}
	for name, m := range tables {
		if len(m) > maxMembers {
			t.Errorf("%s defines %d members; checkStmt tracks %d", name, len(m), maxMembers)
		}
	}
}

func TestMemberIndexes(t *testing.T) {
	if packedMembers[packedX5C].name != "x5c" || tpmMembers[tpmX5C].name != "x5c" {
		t.Fatal("packedX5C or tpmX5C does not index x5c")
	}
}
